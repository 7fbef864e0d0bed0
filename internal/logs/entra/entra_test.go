package entra

import (
	"os"
	"strings"
	"testing"
	"time"

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

// TestCSVDownload: the admin center's CSV download, header as the portal
// writes it, read into the same sign-ins as the JSON.
func TestCSVDownload(t *testing.T) {
	evs, st := logstest.ParseFile(t, Parser, "testdata/InteractiveSignIns_2025-03-14_2025-03-21.csv")
	if st.Errors > 0 || st.Events != 15 || st.Lines != 15 {
		t.Fatalf("%+v", st)
	}
	first := evs[2][0].(*logs.SignIn)
	if first.User != "alice@cabinet.example" || first.IP.String() != "90.84.1.11" || first.Country != "FR" || first.Result != logs.Success ||
		first.Time.Format(time.RFC3339) != "2025-03-14T08:11:11Z" || first.App != "Office 365 Exchange Online" || first.Legacy {
		t.Errorf("line 2: %+v", first)
	}
	fail := evs[8][0].(*logs.SignIn)
	if fail.Result != logs.Failure || fail.Country != "US" || !strings.Contains(fail.FailureReason, "Invalid username") || fail.Time.Nanosecond() != 123456700 {
		t.Errorf("line 8: %+v", fail)
	}
	for line, want := range map[int64][2]string{13: {"success", ""}, 14: {"failure", logs.MFADenied}, 15: {"interrupted", ""}} {
		s := evs[line][0].(*logs.SignIn)
		if string(s.Result) != want[0] || s.MFAResult != want[1] {
			t.Errorf("line %d: %+v", line, s)
		}
	}
	if imap := evs[16][0].(*logs.SignIn); !imap.Legacy || imap.Result != logs.Success {
		t.Errorf("line 16: %+v", imap)
	}
	evs, st = logstest.ParseFile(t, Parser, "testdata/ApplicationSignIns_2025-03-20_2025-03-21.csv")
	if sp := evs[2][0].(*logs.SignIn); st.Events != 1 || sp.Principal != logs.PrincipalService || sp.User != "mail-sync-app" {
		t.Errorf("%+v %+v", st, sp)
	}
	// A row without a date or a status is counted, not read.
	_, st = logstest.ParseString(t, Parser, "x.csv", "\"Date (UTC)\",\"Request ID\",\"Username\",\"IP address\",\"Status\"\nyesterday,1,a@b.example,1.2.3.4,Success\n2025-03-20T22:40:00Z,2,a@b.example,1.2.3.4,\n")
	if st.Errors != 2 || st.Events != 0 {
		t.Errorf("bad rows: %+v", st)
	}
}

func FuzzParseCSV(f *testing.F) {
	b, _ := os.ReadFile("testdata/InteractiveSignIns_2025-03-14_2025-03-21.csv")
	logstest.Fuzz(f, Parser, string(b), "\"Date (UTC)\",\"Request ID\",\"Username\",\"IP address\",\"Status\"\n\"", "#TYPE x\nDate;Request ID;Username;IP address;Status\n2025-01-01;1;a;[::1]:4;Failure\n")
}
