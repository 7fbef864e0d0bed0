package postfix

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

var saslClient = regexp.MustCompile(`\[([0-9a-fA-F.:]+)\](?::\d+)?: SASL`)

// TestFail2banSASL: every "SASL … authentication failed" line of fail2ban's
// postfix fixture is a failed sign-in from the client in brackets.
func TestFail2banSASL(t *testing.T) {
	const path = "testdata/fail2ban-postfix.log"
	evs, _ := logstest.ParseFile(t, Parser, path)
	b, _ := os.ReadFile(path)
	n := 0
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "#") || !strings.Contains(line, "authentication failed") {
			continue
		}
		n++
		got := evs[int64(i+1)]
		if len(got) != 1 {
			t.Errorf("line %d: %d events: %s", i+1, len(got), line)
			continue
		}
		s := got[0].(*logs.SignIn)
		host := saslClient.FindStringSubmatch(line)[1]
		if s.Result != logs.Failure || s.IP.String() != host || s.Time.IsZero() {
			t.Errorf("line %d: %+v, want failure from %s", i+1, s, host)
		}
	}
	if n < 4 {
		t.Fatalf("only %d SASL lines in the fixture", n)
	}
}

// TestGrokFixtures feeds the postfix-grok test lines (qmgr, smtpd…) behind a
// syslog header: only qmgr "from=… nrcpt=" lines become mail sent, with the
// grok pattern's expected fields.
func TestGrokFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/grok/*.yaml")
	if len(files) < 100 {
		t.Fatalf("%d grok fixtures", len(files))
	}
	sent := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var tc struct {
			Data    string         `yaml:"data"`
			Results map[string]any `yaml:"results"`
		}
		if err := yaml.Unmarshal(b, &tc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		daemon := strings.SplitN(filepath.Base(f), "_0", 2)[0]
		line := "Oct 26 18:13:50 mx postfix/" + daemon + "[123]: " + tc.Data
		evs, st := logstest.ParseString(t, Parser, f, line)
		if st.Errors > 0 && !strings.Contains(tc.Data, "\n") {
			t.Errorf("%s: %v", f, st.Sample)
		}
		for _, e := range evs[1] {
			m, ok := e.(*logs.MailSent)
			if !ok {
				continue
			}
			sent++
			if kv, _ := tc.Results["postfix_keyvalue_data"].(string); !strings.Contains(kv, "from=<"+m.Sender+">") || m.Count < 1 || m.Authenticated {
				t.Errorf("%s: %+v", f, m)
			}
		}
	}
	if sent == 0 {
		t.Error("no qmgr line recognised")
	}
}

func TestSubmissionAttribution(t *testing.T) {
	log := `Mar  3 08:12:01 mx postfix/submission/smtpd[2101]: 4B0000001: client=unknown[192.0.2.10], sasl_method=PLAIN, sasl_username=alice@cabinet.example
Mar  3 08:12:01 mx postfix/qmgr[998]: 4B0000001: from=<alice.newsletter@cabinet.example>, size=4001, nrcpt=12 (queue active)
Mar  3 08:12:02 mx postfix/qmgr[998]: 5C0000002: from=<outsider@example.net>, size=4001, nrcpt=1 (queue active)
Mar  3 08:12:03 mx postfix/pickup[77]: 6D0000003: uid=1000 from=<www-data>
Mar  3 08:12:03 mx postfix/qmgr[998]: 6D0000003: from=<www-data@mx.cabinet.example>, size=400, nrcpt=2 (queue active)`
	evs, _ := logstest.ParseString(t, Parser, "x", log)
	s := evs[1][0].(*logs.SignIn)
	if s.User != "alice@cabinet.example" || s.IP.String() != "192.0.2.10" || s.Result != logs.Success {
		t.Errorf("sign-in %+v", s)
	}
	for line, want := range map[int64]logs.MailSent{
		2: {Sender: "alice@cabinet.example", Count: 12, Authenticated: true},
		3: {Sender: "outsider@example.net", Count: 1},
		5: {Sender: "www-data", Count: 2, Authenticated: true},
	} {
		m := evs[line][0].(*logs.MailSent)
		if m.Sender != want.Sender || m.Count != want.Count || m.Authenticated != want.Authenticated {
			t.Errorf("line %d: %+v, want %+v", line, m, want)
		}
	}
}

// TestSubmissionRecipients follows an authenticated submission to its
// delivery lines: the recipients of mail an account sent are what the
// InterCERT fiche's action 4.b needs to warn.
func TestSubmissionRecipients(t *testing.T) {
	log := `Mar  3 08:12:01 mx postfix/submission/smtpd[2101]: 4B0000001: client=unknown[192.0.2.10], sasl_method=PLAIN, sasl_username=alice@cabinet.example
Mar  3 08:12:01 mx postfix/qmgr[998]: 4B0000001: from=<alice@cabinet.example>, size=4001, nrcpt=3 (queue active)
Mar  3 08:12:02 mx postfix/smtp[3001]: 4B0000001: to=<Bob@Fournisseur.example>, relay=mx.fournisseur.example[198.51.100.7]:25, delay=1, status=sent (250 ok)
Mar  3 08:12:02 mx postfix/lmtp[3002]: 4B0000001: to=<carol@cabinet.example>, relay=imap[private/dovecot-lmtp], delay=1, status=sent (250 ok)
Mar  3 08:12:03 mx postfix/smtp[3001]: 4B0000001: to=<dan@partenaire.example>, relay=none, delay=2, status=deferred (connect timeout)
Mar  3 08:12:03 mx postfix/smtp[3001]: 5C0000002: to=<eve@example.net>, relay=none, status=sent (250 ok)
Mar  3 08:12:04 mx postfix/qmgr[998]: 4B0000001: removed`
	evs, _ := logstest.ParseString(t, Parser, "x", log)
	m := evs[2][0].(*logs.MailSent)
	want := []string{"bob@fournisseur.example", "carol@cabinet.example", "dan@partenaire.example"}
	if strings.Join(m.Recipients, " ") != strings.Join(want, " ") {
		t.Errorf("recipients = %v, want %v", m.Recipients, want)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/fail2ban-postfix.log")
	logstest.Fuzz(f, Parser, string(b), "Mar  3 08:12:01 mx postfix/qmgr[1]: ABCDE1: from=<, nrcpt=", "Mar  3 08:12:01 postfix/smtpd[1]: warning: [: authentication failed")
}
