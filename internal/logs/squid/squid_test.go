package squid

import (
	"os"
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

func TestFail2banFixture(t *testing.T) {
	evs, st := logstest.ParseFile(t, Parser, "testdata/fail2ban-squid.log")
	if st.Events != 4 || st.Errors != 0 {
		t.Fatalf("%d events, %d errors %v", st.Events, st.Errors, st.Sample)
	}
	w := evs[4][0].(*logs.WebRequest)
	if w.ClientIP.String() != "91.188.124.227" || w.Status != 403 || w.Method != "GET" || w.Host != "www.proxy-listen.de" ||
		w.Bytes != 4099 || w.Time.Format("2006-01-02T15:04:05") != "2013-12-08T22:55:23" {
		t.Errorf("%+v", w)
	}
}

func TestLines(t *testing.T) {
	evs, st := logstest.ParseString(t, Parser, "x", "1735689600.123    120 10.0.1.10 TCP_TUNNEL/200 4512 CONNECT login.example:443 alice HIER_DIRECT/93.184.216.34 -\ngarbage line\n")
	w := evs[1][0].(*logs.WebRequest)
	if w.Host != "login.example" || w.User != "alice" || w.Method != "CONNECT" || w.Time.UnixMilli() != 1735689600123 {
		t.Errorf("%+v", w)
	}
	if st.Errors != 1 {
		t.Errorf("errors %d", st.Errors)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/fail2ban-squid.log")
	logstest.Fuzz(f, Parser, string(b), "1e300 1 a b/c 1 GET x", "99999999999.999 1 1.2.3.4 TCP/200 1 GET http://[::1]:80/")
}
