package m365

import (
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

// TestPantherForwarding: each labelled Exchange event with a forwarding address
// becomes a forwarding change or an inbox rule with a forward action.
func TestPantherForwarding(t *testing.T) {
	for _, c := range logstest.PantherCases(t, "testdata/microsoft_exchange_external_forwarding.yml") {
		evs, st := logstest.ParseString(t, Parser, c.Name, string(c.JSON))
		if st.Errors > 0 {
			t.Errorf("%s: %v", c.Name, st.Sample)
			continue
		}
		if !strings.Contains(string(c.JSON), "Forward") && !strings.Contains(string(c.JSON), "Redirect") {
			continue
		}
		if len(evs[1]) == 0 {
			t.Errorf("%s: no event from %s", c.Name, c.JSON)
			continue
		}
		mc := evs[1][0].(*logs.MailboxChange)
		fwd := ""
		for _, a := range mc.Actions {
			if a.Kind == "forward-to" || a.Kind == "redirect-to" {
				fwd = a.Value
			}
		}
		if fwd == "" || strings.HasPrefix(fwd, "smtp:") || mc.User == "" || mc.Time.IsZero() {
			t.Errorf("%s: %+v", c.Name, mc)
		}
	}
}

func TestPantherBruteForce(t *testing.T) {
	cases := logstest.PantherCases(t, "testdata/microsoft365_brute_force_login_by_user.yml")
	for _, c := range cases {
		evs, _ := logstest.ParseString(t, Parser, c.Name, string(c.JSON))
		s := evs[1][0].(*logs.SignIn)
		want := logs.Success
		if c.Expected {
			want = logs.Failure
		}
		if s.Result != want || s.User != "sample.user@yourorg.onmicrosoft.com" || s.IP.String() != "1.2.3.4" || !strings.Contains(s.Client, "Mozilla") {
			t.Errorf("%s: %+v", c.Name, s)
		}
	}
}

// TestOTRF reads real Sentinel exports of a lab tenant: the OAuth grant of
// Mail.ReadWrite to Microsoft Graph is an OAuth consent.
func TestOTRF(t *testing.T) {
	evs, st := logstest.ParseFile(t, Parser, "testdata/AADAuditEvents.json")
	if st.Errors > 0 {
		t.Fatal(st.Sample)
	}
	var consent *logs.MailboxChange
	for _, list := range evs {
		for _, e := range list {
			if m, ok := e.(*logs.MailboxChange); ok && m.Kind == logs.KindOAuthConsent {
				consent = m
			}
		}
	}
	if consent == nil || consent.User != "pgustavo@simulandlabs.com" || consent.Target != "Microsoft Graph" || !strings.Contains(consent.Permissions, "Mail.ReadWrite") {
		t.Errorf("consent: %+v", consent)
	}
	_, st = logstest.ParseFile(t, Parser, "testdata/OfficeActivityEvents.json")
	if st.Errors > 0 || st.Lines != 1 {
		t.Errorf("OfficeActivity: %+v", st)
	}
}

func TestElasticExcerpt(t *testing.T) {
	evs, st := logstest.ParseFile(t, Parser, logstest.SharedLogs+"/elastic-excerpts/o365_exchange_admin.excerpt.ndjson")
	if st.Errors > 0 || len(evs) != 0 { // Set-Mailbox without forwarding: nothing to hunt
		t.Errorf("%+v %v", st, evs)
	}
}

func TestCSVExport(t *testing.T) {
	csv := "\ufeffRecordId,CreationDate,RecordType,Operation,UserId,AuditData\n" +
		`1,2025-03-20T22:46:00.0000000Z,ExchangeAdmin,New-InboxRule,alice@cabinet.example,"{""CreationTime"":""2025-03-20T22:46:00"",""Operation"":""New-InboxRule"",""UserId"":""alice@cabinet.example"",""ClientIP"":""203.0.113.45:53211"",""Parameters"":[{""Name"":""Name"",""Value"":"".""},{""Name"":""ForwardTo"",""Value"":""x@proton.example""},{""Name"":""MoveToFolder"",""Value"":""RSS Feeds""},{""Name"":""MarkAsRead"",""Value"":""True""}]}"` + "\n" +
		"2,broken,row,\"unterminated\n"
	evs, st := logstest.ParseString(t, Parser, "audit.csv", csv)
	mc := evs[2][0].(*logs.MailboxChange)
	if mc.RuleName != "." || mc.IP.String() != "203.0.113.45" || len(mc.Actions) != 3 || mc.Actions[2].Value != "RSS Feeds" {
		t.Errorf("%+v", mc)
	}
	if st.Errors != 1 {
		t.Errorf("errors: %+v", st)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/AADAuditEvents.json")
	logstest.Fuzz(f, Parser, string(b), "AuditData\n\"{\"\"Operation\"\":1}\"", `[{"Operation":"Set-Mailbox","CreationTime":"2020-01-01T00:00:00","Parameters":"[{\"Name\":\"ForwardingSmtpAddress\",\"Value\":\"smtp:a@b\"}]"}]`, `{"value":[[[[`)
}
