package hunt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

func testSet(t testing.TB, entries ...string) *Set {
	t.Helper()
	s := NewSet()
	for _, e := range entries {
		if err := s.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestSweepLines(t *testing.T) {
	set := testSet(t, "https://webflow-safety.example/docs/view/?id=jifb&x=1", "evil-login.example", "http://phish.example.net/owa/login.php", "203.0.113.7", "198.51.100.0/24", "2001:db8:bad::/48", "hxxps://defanged[.]example/x", "192.0.2.49", "192.0.2.253")
	tests := []struct {
		line string
		want string // indicator value, "" for no hit
	}{
		{"1735689600.123    120 10.0.0.5 TCP_TUNNEL/200 4512 CONNECT evil-login.example:443 - HIER_DIRECT/93.184.216.34 -", "evil-login.example"},
		{"1735689600.123    120 10.0.0.5 TCP_MISS/200 4512 GET http://www.EVIL-LOGIN.example/a?b=c - HIER_DIRECT/93.184.216.34 text/html", "evil-login.example"},
		{"1735689600.123    120 10.0.0.5 TCP_MISS/200 4512 POST http://phish.example.net/owa/login.php?id=42 jsmith HIER_DIRECT/1.2.3.4 text/html", "phish.example.net/owa/login.php"},
		{"1735689600.123    120 10.0.0.5 TCP_MISS/200 4512 GET http://phish.example.net/other - HIER_DIRECT/1.2.3.4 text/html", ""},
		{"1735689600.123    120 10.0.0.5 TCP_MISS/200 4512 GET http://ok.example/ - HIER_DIRECT/203.0.113.7 text/html", "203.0.113.7"},
		{`{"userPrincipalName":"a@b.fr","ipAddress":"198.51.100.77","status":{"errorCode":0}}`, "198.51.100.0/24"},
		{"Jun 13 16:30:54 mx dovecot: imap-login: Login: user=<a@b.fr>, method=PLAIN, rip=2001:db8:bad::1, lip=192.0.2.1", "2001:db8:bad::/48"},
		{"GET https://defanged.example/x HTTP/1.1", "defanged.example/x"},
		{"1735707177.767 17 10.27.83.236 TCP_MISS/200 1142 GET https://webflow-safety.example/docs/view/?id=jifb&x=1 - HIER_DIRECT/93.184.216.34 text/html", "webflow-safety.example/docs/view/?id=jifb&x=1"},
		{`{"url":"http://Phish.Example.NET:80/owa/login.php?id=7","ua":"x"}`, "phish.example.net/owa/login.php"},
		{"GET http://phish.example.net:8080/owa/login.php", ""},
		{"notevil-login.example.org 1.2.3.4", ""},
		{"evil-login.examples 10.0.0.1", ""},
		// A URL's host with three dots is an address only when it is four
		// numbers: "a" is not 49 ('a'-'0'), "-" not 253.
		{"GET http://192.0.2.a/x HTTP/1.1", ""},
		{"GET http://192.0.2.-/x HTTP/1.1", ""},
		{"GET http://192.0.2.49/x HTTP/1.1", "192.0.2.49"},
		{"1386543323.000      4 91.188.124.227 TCP_DENIED/403 4099 GET http://www.proxy-listen.de/azenv.php - HIER_NONE/- text/html", ""},
	}
	var sc scanner
	sc.set = set
	for _, tc := range tests {
		ind, ok := sc.line([]byte(tc.line))
		if got := map[bool]string{true: ind.Value}[ok]; got != tc.want {
			t.Errorf("%s\n got %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestSweepOrderAndLineNumbers(t *testing.T) {
	set := testSet(t, "bad.example")
	var b bytes.Buffer
	want := map[int64]bool{}
	for i := int64(1); i <= 300_000; i++ {
		if i%7919 == 0 {
			fmt.Fprintf(&b, "1735689600.%03d 5 10.0.0.1 TCP_TUNNEL/200 1 CONNECT bad.example:443 - HIER_DIRECT/1.2.3.4 -\n", i%1000)
			want[i] = true
		} else {
			fmt.Fprintf(&b, "1735689600.%03d 5 10.0.0.1 TCP_MISS/200 1 GET http://good%d.example/x - HIER_DIRECT/1.2.3.4 text/html\n", i%1000, i%50)
		}
	}
	hits, st, err := Sweep(context.Background(), &b, "big.log", set, 3)
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines != 300_000 || int(st.Hits) != len(want) || len(hits) != len(want) {
		t.Fatalf("lines %d hits %d/%d, want %d", st.Lines, st.Hits, len(hits), len(want))
	}
	for i, h := range hits {
		if !want[h.Line] || (i > 0 && hits[i-1].Line >= h.Line) {
			t.Fatalf("hit %d at line %d", i, h.Line)
		}
	}
}

// benchData builds a Squid log and an indicator set shaped like the anchor
// benchmark (bench/sweep-bench.sh): 100,000 indicators, 70% domains, 30% URLs.
func benchData(tb testing.TB, size int) ([]byte, *Set) {
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("secure login account verify update wallet bank mail support service online office portal cloud")
	tlds := strings.Fields("com xyz top info net shop site")
	set := NewSet()
	for set.Len() < 100_000 {
		d := fmt.Sprintf("%s-%s%d.%s", words[r.IntN(len(words))], words[r.IntN(len(words))], r.IntN(100000), tlds[r.IntN(len(tlds))])
		if r.IntN(10) < 3 {
			d = "https://" + d + "/login.php"
		}
		set.Add(d)
	}
	hosts := make([]string, 5000)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("%s.%s%d.example.com", []string{"www", "cdn", "api", "static"}[i%4], words[r.IntN(len(words))], i)
	}
	var b bytes.Buffer
	ts := int64(1735689600000)
	for b.Len() < size {
		ts += int64(r.IntN(28))
		h := hosts[int(float64(len(hosts))*r.Float64()*r.Float64())]
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "%d.%03d %6d 10.%d.%d.%d TCP_TUNNEL/200 %d CONNECT %s:443 - HIER_DIRECT/93.184.%d.%d -\n", ts/1000, ts%1000, r.IntN(90000), r.IntN(40), r.IntN(256), r.IntN(250)+2, r.IntN(90000), h, r.IntN(256), r.IntN(256))
		} else {
			fmt.Fprintf(&b, "%d.%03d %6d 10.%d.%d.%d TCP_MISS/200 %d GET http://%s/static/js/app.%08x.js?v=%d - HIER_DIRECT/93.184.%d.%d application/javascript\n", ts/1000, ts%1000, r.IntN(900), r.IntN(40), r.IntN(256), r.IntN(250)+2, r.IntN(90000), h, r.Uint32(), r.IntN(1e9), r.IntN(256), r.IntN(256))
		}
	}
	return b.Bytes(), set
}

// BenchmarkSweep measures the sweep on generated data, or on the anchor's files
// when VIGIE_SWEEP_LOG (a log, its first 256 MB are used) and VIGIE_SWEEP_IOC
// (the indicator list) are set, e.g. after bench/sweep-bench.sh:
//
//	VIGIE_SWEEP_LOG=/tmp/anchorbench/logs/squid.log VIGIE_SWEEP_IOC=/tmp/anchorbench/patterns.txt go test -bench Sweep ./internal/hunt
func BenchmarkSweep(b *testing.B) {
	data, set := benchData(b, 32<<20)
	if logPath, iocPath := os.Getenv("VIGIE_SWEEP_LOG"), os.Getenv("VIGIE_SWEEP_IOC"); logPath != "" && iocPath != "" {
		f, err := os.Open(logPath)
		if err != nil {
			b.Fatal(err)
		}
		data, err = io.ReadAll(io.LimitReader(f, 256<<20))
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		set = NewSet()
		l, err := os.Open(iocPath)
		if err != nil {
			b.Fatal(err)
		}
		set.ReadList(l)
		l.Close()
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := Sweep(context.Background(), bytes.NewReader(data), "bench.log", set, w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func FuzzSweepLine(f *testing.F) {
	set := NewSet()
	for _, v := range []string{"evil.example", "http://phish.example/a?b=c", "203.0.113.7", "2001:db8::/32", "10.0.0.0/8"} {
		set.Add(v)
	}
	f.Add([]byte("1735689600.123 1 10.0.0.5 TCP_MISS/200 1 GET http://phish.example/a?b=c - HIER_DIRECT/203.0.113.7 -"))
	f.Add([]byte(`{"ip":"[2001:db8::1]:443","u":"https://EVIL.example.:8443/x#y"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		sc := scanner{set: set}
		ind, ok := sc.line(line)
		if ok && ind.Value == "" {
			t.Fatal("empty indicator")
		}
		if _, st, err := Sweep(context.Background(), bytes.NewReader(line), "f", set, 2); err != nil || st.Bytes != int64(len(line)) {
			t.Fatalf("%v %+v", err, st)
		}
	})
}
