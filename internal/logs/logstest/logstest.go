// Package logstest holds helpers shared by the parser tests: running a parser on
// a file or string and collecting its events, and a fuzz harness that checks a
// parser never panics and respects the limits.
package logstest

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

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
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return evs, st
}

// Fuzz checks that p never panics, never errors on in-memory input, and keeps its
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
		if err != nil {
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
