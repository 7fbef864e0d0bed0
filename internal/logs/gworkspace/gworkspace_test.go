package gworkspace

import (
	"encoding/json"
	"os"
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

func TestElasticExcerpt(t *testing.T) {
	evs, st := logstest.ParseFile(t, Parser, logstest.SharedLogs+"/elastic-excerpts/google_workspace_login.excerpt.ndjson")
	if st.Errors > 0 || st.Events != 3 {
		t.Fatalf("%+v", st)
	}
	if s := evs[1][0].(*logs.SignIn); s.User != "foo@elastic.co" || s.Result != logs.Interrupted {
		t.Errorf("suspicious_login: %+v", s)
	}
	if s := evs[2][0].(*logs.SignIn); s.Result != logs.Failure || s.FailureReason != "login_failure_access_code_disallowed" || s.IP.String() != "67.43.156.13" {
		t.Errorf("login_failure: %+v", s)
	}
	if s := evs[3][0].(*logs.SignIn); s.MFAResult != logs.MFAPassed || s.User != "tl.zeous.daclitan@company.com" {
		t.Errorf("login_verification: %+v", s)
	}
}

func TestPantherForwarding(t *testing.T) {
	for _, c := range logstest.PantherCases(t, "testdata/gsuite_external_forwarding.yml") {
		evs, _ := logstest.ParseString(t, Parser, c.Name, withTime(t, c.JSON))
		got := false
		for _, e := range evs[1] {
			if m, ok := e.(*logs.MailboxChange); ok && m.Kind == logs.KindForwarding && m.Actions[0].Value != "" {
				got = true
			}
		}
		if got != c.Expected {
			t.Errorf("%s: forwarding %v, want %v", c.Name, got, c.Expected)
		}
	}
	for _, c := range logstest.PantherCases(t, "testdata/gsuite_login_type.yml") {
		if _, st := logstest.ParseString(t, Parser, c.Name, withTime(t, c.JSON)); st.Errors > 0 {
			t.Errorf("%s: %v", c.Name, st.Sample)
		}
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile(logstest.SharedLogs + "/elastic-excerpts/google_workspace_login.excerpt.ndjson")
	logstest.Fuzz(f, Parser, string(b), `{"items":[{"events":[{"name":"authorize","parameters":{"scope":[1]}}]}]}`)
}

// withTime adds the id.time that panther's labelled events leave out.
func withTime(t *testing.T, b []byte) string {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	id, _ := m["id"].(map[string]any)
	if id == nil {
		id = map[string]any{}
		m["id"] = id
	}
	if _, ok := id["time"]; !ok {
		id["time"] = "2022-12-20T17:27:47Z"
	}
	out, _ := json.Marshal(m)
	return string(out)
}
