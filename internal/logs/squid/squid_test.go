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

// splitByByte is the byte-at-a-time field split splitBlanks replaced: the
// reference it must agree with.
func splitByByte(line []byte, f *[8][]byte) int {
	n := 0
	for i := 0; i < len(line) && n < len(f); {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		j := i
		for j < len(line) && line[j] != ' ' {
			j++
		}
		if j > i {
			f[n] = line[i:j]
			n++
		}
		i = j
	}
	return n
}

// FuzzSplitBlanks holds splitBlanks to splitByByte.
func FuzzSplitBlanks(f *testing.F) {
	f.Add([]byte("1735689600.123    120 10.0.0.5 TCP_MISS/200 4512 GET http://a.example/x - HIER_DIRECT/93.184.216.34 text/html"))
	f.Add([]byte("  a  b "))
	f.Add([]byte("1 2 3 4 5 6 7 8 9 10"))
	f.Fuzz(func(t *testing.T, line []byte) {
		var got, want [8][]byte
		n, m := splitBlanks(line, &got), splitByByte(line, &want)
		if n != m || !sameFields(got[:n], want[:m]) {
			t.Fatalf("%q: %d %q, want %d %q", line, n, got[:n], m, want[:m])
		}
	})
}

// sameFields: the same slices of the line (same bytes, same place).
func sameFields(a, b [][]byte) bool {
	for i := range a {
		if string(a[i]) != string(b[i]) || &a[i][0] != &b[i][0] {
			return false
		}
	}
	return true
}
