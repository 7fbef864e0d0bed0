// Package logstest holds helpers shared by the parser tests: running a parser on
// a file or string and collecting its events, and a fuzz harness that checks a
// parser never panics and respects the limits.
package logstest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	_ "time/tzdata" // fail2ban labels are in Central European time

	"vigie.dev/vigie/internal/logs"
)

// Opts are the options tests parse with: a fixed year, UTC.
var Opts = logs.Options{Year: 2025, ModTime: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}

// ParseFile runs p on a file and returns its events by line (or record) number.
func ParseFile(t testing.TB, p logs.Parser, path string) (map[int64][]logs.Event, logs.Stats) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return ParseString(t, p, path, string(b))
}

// ParseString runs p on text.
func ParseString(t testing.TB, p logs.Parser, name, text string) (map[int64][]logs.Event, logs.Stats) {
	t.Helper()
	evs := map[int64][]logs.Event{}
	st, err := p.Parse(context.Background(), strings.NewReader(text), name, Opts, func(e logs.Event) {
		evs[e.Evidence().Line] = append(evs[e.Evidence().Line], e)
	})
	if err != nil && !logs.IsBroken(err) {
		t.Fatalf("%s: %v", name, err)
	}
	return evs, st
}

// Fuzz checks that p never panics, never errors on in-memory input (but for
// JSON that stops being JSON, which it must say), and keeps its
// event and line counts consistent.
func Fuzz(f *testing.F, p logs.Parser, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := int64(0)
		st, err := p.Parse(context.Background(), bytes.NewReader(data), "fuzz", Opts, func(e logs.Event) {
			n++
			_ = e.When()
			_ = e.Actor()
		})
		if err != nil && !logs.IsBroken(err) {
			t.Fatalf("error on in-memory input: %v", err)
		}
		if st.Events != n {
			t.Fatalf("stats say %d events, emitted %d", st.Events, n)
		}
		if len(st.Sample) > 5 {
			t.Fatalf("%d error samples kept", len(st.Sample))
		}
	})
}

// Fail2banLine is one labelled line of a fail2ban filter test file: the
// "# failJSON:" comment before it says whether fail2ban's filter matches it,
// and for which host.
type Fail2banLine struct {
	N     int64 // 1-based line number
	Text  string
	Match bool
	Host  string
	Time  string
}

// Fail2banLines reads the labelled lines of a fail2ban test file.
func Fail2banLines(t testing.TB, path string) []Fail2banLine {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []Fail2banLine
	var want struct {
		Match bool   `json:"match"`
		Host  string `json:"host"`
		Time  string `json:"time"`
	}
	pending := false
	for i, line := range strings.Split(string(b), "\n") {
		if j, ok := strings.CutPrefix(line, "# failJSON:"); ok {
			want.Match, want.Host, want.Time = false, "", ""
			pending = json.Unmarshal([]byte(j), &want) == nil
			continue
		}
		if !pending || strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		pending = false
		out = append(out, Fail2banLine{int64(i + 1), line, want.Match, want.Host, want.Time})
	}
	return out
}

// CheckFail2ban parses a fail2ban test file with p and checks the failed
// sign-ins against the labels: each must be on a line fail2ban matches, from
// the labelled host at the labelled time (precision); and it returns how many
// of the labelled lines that auth selects became such failures, out of how
// many (recall). auth says which matched lines are authentication failures
// (fail2ban filters also match relay denials and protocol errors).
func CheckFail2ban(t *testing.T, p logs.Parser, path string, auth func(line string) bool) (found, want int) {
	t.Helper()
	evs, st := ParseFile(t, p, path)
	for _, l := range Fail2banLines(t, path) {
		var fails []*logs.SignIn
		for _, e := range evs[l.N] {
			if s, ok := e.(*logs.SignIn); ok && s.Result == logs.Failure {
				fails = append(fails, s)
			}
		}
		for _, s := range fails {
			if !l.Match {
				t.Errorf("%s:%d: failure from a line fail2ban does not flag: %s", path, l.N, l.Text)
				continue
			}
			if s.IP.String() != l.Host {
				t.Errorf("%s:%d: failure from %s, labelled %s", path, l.N, s.IP, l.Host)
			}
			if l.Time != "" && !sameTime(l.Time, s.Time) {
				t.Errorf("%s:%d: time %s, labelled %s", path, l.N, s.Time, l.Time)
			}
		}
		if l.Match && auth(l.Text) {
			want++
			if len(fails) > 0 {
				found++
			}
		}
	}
	if st.Errors > 0 {
		t.Logf("%s: %d bad lines, e.g. %v", path, st.Errors, st.Sample)
	}
	return found, want
}

// sameTime compares a fail2ban label with a parsed time, without the year
// (fail2ban's tests date year-less syslog lines 2005) and in UTC or in the
// Central European zone its tests run in.
func sameTime(label string, t time.Time) bool {
	if len(label) < 19 {
		return false
	}
	cet, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		cet = time.FixedZone("CET", 3600)
	}
	for _, tt := range []time.Time{t.UTC(), t.In(cet)} {
		if label[4:19] == tt.Format("2006-01-02T15:04:05")[4:] {
			return true
		}
	}
	return false
}

// Repeat returns head followed by body as many times as it takes to reach
// size bytes: a benchmark's input (a CSV header and its rows, or lines).
func Repeat(head, body string, size int) []byte {
	b := []byte(head)
	for len(b) < size {
		b = append(b, body...)
	}
	return b
}

// Bench measures p on in: bytes per second and, since the machine may be
// shared, megabytes per CPU second (user + system time of the process),
// with the events of a run checked non-zero.
func Bench(b *testing.B, p logs.Parser, in []byte) {
	b.Helper()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		n := 0
		st, err := p.Parse(context.Background(), bytes.NewReader(in), "bench", Opts, func(logs.Event) { n++ })
		if err != nil || n == 0 {
			b.Fatalf("%d events, %v (%+v)", n, err, st.Sample)
		}
	}
	if secs := cpuTime() - cpu0; secs > 0 {
		b.ReportMetric(float64(len(in))*float64(b.N)/1e6/secs, "MB/cpu-s")
	}
}

func cpuTime() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
