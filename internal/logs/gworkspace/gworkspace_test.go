package gworkspace

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

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

// TestCSVExport: the Admin console's login audit exports, old and new, read
// into the same events as the Reports API's activities.
func TestCSVExport(t *testing.T) {
	evs, st := logstest.ParseFile(t, Parser, "testdata/login-audit-export.csv")
	if st.Errors > 0 || st.Events != 8 || st.Lines != 9 { // the logout is read, not used
		t.Fatalf("%+v", st)
	}
	ok := evs[2][0].(*logs.SignIn)
	if ok.User != "alice@cabinet.example" || ok.Result != logs.Success || ok.LoginType != "google_password" || ok.IP.String() != "90.84.1.11" ||
		ok.Time.Format(time.RFC3339) != "2025-03-14T08:11:11Z" {
		t.Errorf("line 2: %+v", ok)
	}
	if f := evs[3][0].(*logs.SignIn); f.Result != logs.Failure || f.Time.Format(time.RFC3339) != "2025-03-20T22:30:00Z" {
		t.Errorf("line 3: %+v", f)
	}
	if s := evs[10][0].(*logs.SignIn); s.User != "bob@cabinet.example" || s.Risk == nil || !s.Risk.Flagged {
		t.Errorf("line 10: %+v", s)
	}
	evs, st = logstest.ParseFile(t, Parser, "testdata/user-log-events.csv")
	if st.Errors > 0 || st.Events != 5 {
		t.Fatalf("%+v", st)
	}
	if c := evs[3][0].(*logs.SignIn); c.Result != logs.Interrupted || c.Time.Format(time.RFC3339) != "2025-03-20T22:41:00Z" {
		t.Errorf("line 3: %+v", c)
	}
	if s := evs[4][0].(*logs.SignIn); s.User != "bob@cabinet.example" || s.Risk == nil {
		t.Errorf("line 4: %+v", s)
	}
	if a := evs[5][0].(*logs.AdminChange); a.Kind != logs.KindMFAMethod || !a.Removed || a.User != "carol@cabinet.example" {
		t.Errorf("line 5: %+v", a)
	}
	if d := evs[6][0].(*logs.SignIn); d.LoginType != "saml" {
		t.Errorf("line 6: %+v", d)
	}
	// A date without a zone is in --tz; a date not understood is a bad row.
	opts := logstest.Opts
	opts.Location = time.FixedZone("CET", 3600)
	var got []logs.Event
	st, _ = Parser.Parse(context.Background(), strings.NewReader("Event name,Event description,IP address,Date\nFailed login,a@b.example failed to login,1.2.3.4,2025-03-20 23:30:00\nFailed login,x,1.2.3.4,yesterday\n"), "x.csv", opts, func(e logs.Event) { got = append(got, e) })
	if st.Errors != 1 || len(got) != 1 || got[0].When().Format(time.RFC3339) != "2025-03-20T22:30:00Z" || got[0].Actor() != "a@b.example" {
		t.Errorf("%+v %v", st, got)
	}
}

func FuzzParseCSV(f *testing.F) {
	b, _ := os.ReadFile("testdata/user-log-events.csv")
	logstest.Fuzz(f, Parser, string(b), "Event name,Event description,IP address,Date\n\"", "Event;Description;IP address;Date\nlogin_failure;;;Jan 1, 2025, 1:00:00 PM GMT-13:99\n")
}
