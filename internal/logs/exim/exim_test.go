package exim

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

// TestFail2banFixture: every "authenticator failed" line of fail2ban's Exim
// fixture is a failed sign-in from the labelled host at the labelled time;
// nothing else is.
func TestFail2banFixture(t *testing.T) {
	found, want := logstest.CheckFail2ban(t, Parser, "testdata/fail2ban-exim.log", func(l string) bool {
		return strings.Contains(l, "authenticator failed")
	})
	if want != 12 || found != want {
		t.Errorf("%d of %d authentication failures found", found, want)
	}
}

func TestSubmission(t *testing.T) {
	text := "2025-03-20 22:50:01 1tvHxx-000123-AB <= alice@cabinet.example H=(laptop) [203.0.113.45]:50512 I=[192.0.2.1]:587 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:alice@cabinet.example S=2345 id=x@y\n" +
		"2025-03-20 22:50:02 1tvHxx-000123-AB => bob@elsewhere.example R=dnslookup T=remote_smtp H=mx.elsewhere.example [198.51.100.7]\n" +
		"2025-03-20 22:50:02 1tvHxx-000123-AB -> carol@elsewhere.example R=dnslookup T=remote_smtp H=mx.elsewhere.example [198.51.100.7]\n" +
		"2025-03-20 22:50:02 1tvHxx-000123-AB Completed\n" +
		"2025-03-20 22:50:03 1tvHxy-000124-AB => dave@elsewhere.example R=dnslookup T=remote_smtp H=mx.elsewhere.example [198.51.100.7]\n"
	evs, st := logstest.ParseString(t, Parser, "mainlog", text)
	if st.Errors > 0 || st.Events != 3 {
		t.Fatalf("%+v", st)
	}
	s := evs[1][0].(*logs.SignIn)
	if s.User != "alice@cabinet.example" || s.IP.String() != "203.0.113.45" || s.Result != logs.Success {
		t.Errorf("%+v", s)
	}
	m := evs[2][0].(*logs.MailSent)
	if !m.Authenticated || m.Sender != "alice@cabinet.example" || m.Count != 1 {
		t.Errorf("%+v", m)
	}
}

func FuzzParse(f *testing.F) {
	logstest.Fuzz(f, Parser, "2013-01-04 17:03:46 login authenticator failed for x ([1.2.3.4]) [5.6.7.8]: 535 (set_id=a",
		"h exim[1]: 2021-07-17 23:20:49 1tvHxx-000123-AB <= a A=x", "2025-01-01 00:00:00 1tvHxx-000123-AB => ")
}
