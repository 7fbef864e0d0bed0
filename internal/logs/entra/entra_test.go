package entra

import (
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

func TestPantherSignIns(t *testing.T) {
	for _, file := range []string{"testdata/azure_failed_signins.yml", "testdata/azure_high_risk_signin.yml"} {
		for _, c := range logstest.PantherCases(t, file) {
			evs, st := logstest.ParseString(t, Parser, c.Name, string(c.JSON))
			if st.Errors > 0 || len(evs[1]) != 1 {
				t.Errorf("%s %s: %v %v", file, c.Name, st.Sample, evs)
				continue
			}
			s := evs[1][0].(*logs.SignIn)
			if s.Time.IsZero() || s.User == "" || !s.IP.IsValid() {
				t.Errorf("%s: %+v", c.Name, s)
			}
			if strings.Contains(file, "failed") && c.Expected && s.Result != logs.Failure {
				t.Errorf("%s: %s, want failure", c.Name, s.Result)
			}
		}
	}
}

func TestElasticExcerpt(t *testing.T) {
	evs, st := logstest.ParseFile(t, Parser, logstest.SharedLogs+"/elastic-excerpts/entra_signinlogs.excerpt.ndjson")
	if st.Errors > 0 || len(evs[1]) != 1 {
		t.Fatalf("%+v", st)
	}
	s := evs[1][0].(*logs.SignIn)
	// errorCode 50140 is the "keep me signed in" interrupt, not a failure.
	if s.User != "test@elastic.co" || s.IP.String() != "81.2.69.144" || s.Result != logs.Interrupted || s.Country != "FR" ||
		!s.HasCoords || s.Time.UTC().Format("15:04:05") != "09:45:48" || s.App != "Office 365" {
		t.Errorf("%+v", s)
	}
}

func TestGraphWrapperAndMFA(t *testing.T) {
	doc := `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","value":[
	{"createdDateTime":"2025-03-20T22:40:00Z","userPrincipalName":"Alice@Cabinet.example","ipAddress":"203.0.113.45","status":{"errorCode":500121,"failureReason":"Authentication failed during strong authentication request.","additionalDetails":"MFA denied; user declined the authentication"}},
	{"createdDateTime":"2025-03-20T22:41:00Z","userPrincipalName":"alice@cabinet.example","ipAddress":"203.0.113.45","status":{"errorCode":500121,"additionalDetails":"MFA denied; user did not respond to mobile app notification"}},
	{"createdDateTime":"2025-03-20T22:42:00Z","userPrincipalName":"alice@cabinet.example","ipAddress":"203.0.113.45","status":{"errorCode":0},"mfaDetail":{"authMethod":"Mobile app notification"}}]}`
	evs, st := logstest.ParseString(t, Parser, "x", doc)
	if st.Events != 3 {
		t.Fatalf("%+v", st)
	}
	for rec, want := range map[int64][2]string{1: {"failure", logs.MFADenied}, 2: {"failure", logs.MFATimeout}, 3: {"success", logs.MFAPassed}} {
		s := evs[rec][0].(*logs.SignIn)
		if string(s.Result) != want[0] || s.MFAResult != want[1] || s.User != "alice@cabinet.example" || !s.Src.Record {
			t.Errorf("record %d: %+v", rec, s)
		}
	}
}

func TestHostileJSON(t *testing.T) {
	bomb := `[` + strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat(`}`, 10000) + `,{"createdDateTime":"2025-01-01T00:00:00Z","userPrincipalName":"a@b.c"}]`
	_, st := logstest.ParseString(t, Parser, "bomb", bomb)
	if st.Errors != 1 || st.Events != 1 {
		t.Errorf("bomb: %+v", st)
	}
	huge := `[{"userPrincipalName":"` + strings.Repeat("x", logs.MaxRecord+10) + `"}]`
	_, st = logstest.ParseString(t, Parser, "huge", huge)
	if st.Errors != 1 {
		t.Errorf("huge: %+v", st)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile(logstest.SharedLogs + "/elastic-excerpts/entra_signinlogs.excerpt.ndjson")
	logstest.Fuzz(f, Parser, string(b), `{"value":[{"status":{"errorCode":"x"}}]}`, `[{"properties":[]}]`, "{\n")
}
