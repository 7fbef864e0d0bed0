package roundcube

import (
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

// TestFail2banFixture: every line fail2ban's Roundcube filter flags is a failed
// sign-in from the labelled host, including the lines where the user name
// tries to inject another address.
func TestFail2banFixture(t *testing.T) {
	found, want := logstest.CheckFail2ban(t, Parser, "testdata/fail2ban-roundcube-auth.log", func(string) bool { return true })
	if found != want || want < 10 {
		t.Errorf("%d of %d flagged lines found", found, want)
	}
}

func TestSuccess(t *testing.T) {
	evs, _ := logstest.ParseString(t, Parser, "userlogins", "[20-Mar-2025 23:45:00 +0100]: Successful login for alice@cabinet.example (ID: 12) from 203.0.113.45 in session 1z506z6rvddstv6k7jz08hxo27\n")
	s := evs[1][0].(*logs.SignIn)
	if s.User != "alice@cabinet.example" || s.IP.String() != "203.0.113.45" || s.Result != logs.Success || s.Time.Hour() != 22 {
		t.Errorf("%+v", s)
	}
}

func FuzzParse(f *testing.F) {
	logstest.Fuzz(f, Parser, "[22-Jan-2013 22:28:21 +0200]: FAILED login for user1 from 192.0.43.10", "May 26 07:12:40 h roundcube: IMAP Error: Login failed for a from")
}
