package sogo

import (
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

// TestFail2banFixture: every line fail2ban's SOGo filter flags is a failed
// sign-in from the labelled host, the client and not the proxy behind it.
func TestFail2banFixture(t *testing.T) {
	found, want := logstest.CheckFail2ban(t, Parser, "testdata/fail2ban-sogo-auth.log", func(string) bool { return true })
	if found != want || want < 5 {
		t.Errorf("%d of %d flagged lines found", found, want)
	}
}

func TestSuccess(t *testing.T) {
	evs, _ := logstest.ParseString(t, Parser, "sogo.log", "Mar 20 23:45:00 mail sogod [1526]: SOGoRootPage successful login from '203.0.113.45' for user 'alice' - expire = -1  grace = -1\n")
	s := evs[1][0].(*logs.SignIn)
	if s.User != "alice" || s.IP.String() != "203.0.113.45" || s.Result != logs.Success {
		t.Errorf("%+v", s)
	}
}

func FuzzParse(f *testing.F) {
	logstest.Fuzz(f, Parser, "Mar 24 08:58:32 sogod [26818]: SOGoRootPage Login from '1.2.3.4' for user 'x' might not have worked", "Jan 1 00:00:00 sogod: SOGoRootPage successful login from '")
}
