// Package checktest runs check families over test messages the way the
// pipeline does, for the families' own tests, and keeps their golden files
// in the manner of chasquid's: each testdata/NN-name.eml of a family's
// directory has beside it NN-name.signals, the signals the family emits for
// it, one per line ("NAME<TAB>detail"), in the order they are emitted. The
// test fails on any difference; `go test ./internal/checks/<family> -update`
// rewrites the files from what the family emits now, for review in the
// diff.
//
// A golden message is stored as the organisation's border MX,
// mx.vigie.test, delivered it: its connection context (client address,
// HELO, reverse name), its envelope sender (Return-Path) and its
// authentication results (an Authentication-Results field of authserv-id
// mx.vigie.test) are read from that trace by authsource.TraceAuth, as
// `vigie scan` reads a stored message. A message without such a trace has
// an unknown client and unknown authentication.
package checktest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/authsource"
	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/received"
	"vigie.dev/vigie/internal/scan"
)

var update = flag.Bool("update", false, "rewrite the golden .signals files from what the family emits")

// MX is the border relay golden messages are delivered by; its
// Authentication-Results are believed.
const MX = "mx.vigie.test"

// Auth reads a golden message's trace as written by MX.
// ScanTimeout bounds one scan in the family tests: generous, so that a
// loaded machine slows a test down instead of failing it.
const ScanTimeout = 5 * time.Minute

var Auth = &authsource.TraceAuth{Trust: received.Trust{Hosts: []string{MX}, AuthServIDs: []string{MX}}}

// Scan runs families' checks over raw, in order, with the authentication
// and envelope of its trace, and returns the signals with their details
// (names the catalogue of the families does not define included). A
// test asserts what is emitted, not how fast: the scan's deadline is
// ScanTimeout, not the gateway's 10 s, which the first message's loading
// of the embedded lists under the race detector on a loaded CI machine
// has exceeded (a golden message then came back partial).
func Scan(raw []byte, families ...scan.Family) []scan.Signal {
	s := &scan.Scanner{Policy: scan.DefaultPolicy(), Auth: Auth, Catalogue: scan.MustCatalogue(families...), Timeout: ScanTimeout}
	for _, f := range families {
		s.Checks = append(s.Checks, f.Checks()...)
	}
	return s.Scan(context.Background(), raw, scan.Envelope{}).Signals
}

// Emitted returns what the family own emits for raw, the families before
// running first (a family may read what an earlier one emitted, as lure
// reads sender's free-mailbox signals).
func Emitted(raw []byte, own scan.Family, before ...scan.Family) []scan.Signal {
	defined := map[string]bool{}
	for _, d := range own.Signals() {
		defined[d.Name] = true
	}
	var out []scan.Signal
	for _, s := range Scan(raw, append(before, own)...) {
		if defined[s.Name] {
			out = append(out, s)
		}
	}
	return out
}

// Format writes signals as a .signals file.
func Format(signals []scan.Signal) []byte {
	var b bytes.Buffer
	for _, s := range signals {
		fmt.Fprintf(&b, "%s\t%s\n", s.Name, s.Detail)
	}
	return b.Bytes()
}

// Golden compares what the family own emits for every testdata/NN-*.eml of
// the calling package with its .signals file (see the package
// documentation), and requires every signal the family defines to be
// emitted by at least one golden message — a signal without an example is
// a signal nobody has seen work — and named in the family's README.md;
// a signal emitted with a detail must quote it ("{d}" in its French and
// English reasons). It fails when there is no golden message at all. It
// returns the messages read.
func Golden(t *testing.T, own scan.Family, before ...scan.Family) map[string][]byte {
	t.Helper()
	return GoldenExcept(t, nil, own, before...)
}

// GoldenExcept is Golden for a family some of whose signals cannot have a
// golden message; unexemplified maps each to the reason.
func GoldenExcept(t *testing.T, unexemplified map[string]string, own scan.Family, before ...scan.Family) map[string][]byte {
	t.Helper()
	files, err := goldenFiles("testdata")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden message testdata/NN-name.eml (%v)", err)
	}
	msgs := map[string][]byte{}
	seen := map[string]bool{}
	defs := map[string]scan.Definition{}
	for _, d := range own.Signals() {
		defs[d.Name] = d
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		msgs[f] = raw
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			emitted := Emitted(raw, own, before...)
			for _, s := range emitted {
				seen[s.Name] = true
				// A detail the reasons do not quote is lost to whoever
				// reads the verdict.
				if d := defs[s.Name]; s.Detail != "" && (!strings.Contains(d.FR, "{d}") || !strings.Contains(d.EN, "{d}")) {
					t.Errorf("%s has the detail %q, which its reasons do not show: put {d} in its fr and en", s.Name, s.Detail)
				}
			}
			got := Format(emitted)
			path := strings.TrimSuffix(f, ".eml") + ".signals"
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run the test with -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s emits\n%s\nwant (%s)\n%s", name, got, path, want)
			}
		})
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Errorf("the family has no README.md: %v", err)
	}
	for _, d := range own.Signals() {
		if _, ok := unexemplified[d.Name]; !seen[d.Name] && !ok {
			t.Errorf("%s: no golden message emits it", d.Name)
		}
		if !bytes.Contains(readme, []byte(d.Name)) {
			t.Errorf("%s: README.md does not say when it is raised", d.Name)
		}
	}
	return msgs
}

// goldenFiles lists the golden messages under dir (a glob): NN-name.eml,
// and NNN-name.eml once a family has more than 99.
func goldenFiles(dir string) ([]string, error) {
	two, err := filepath.Glob(filepath.Join(dir, "[0-9][0-9]-*.eml"))
	if err != nil {
		return nil, err
	}
	three, err := filepath.Glob(filepath.Join(dir, "[0-9][0-9][0-9]-*.eml"))
	return append(two, three...), err
}

// AllGolden returns the golden messages of every family (read from a
// family's directory: ../*/testdata). They are the fixtures of the
// provenance tests: a data entry is exercised when a fixture written for
// its campaign family, whichever check family keeps it, matches it.
func AllGolden(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := goldenFiles(filepath.Join("..", "*", "testdata"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden message under ../*/testdata (%v)", err)
	}
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = raw
	}
	return out
}

// ParsedTestdata parses every message under the family's testdata/*.eml
// (golden or not), the seeds the family's fuzz targets take their
// attachments and links from.
func ParsedTestdata(tb testing.TB) []*message.Message {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]*message.Message, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, message.Parse(raw, message.DefaultLimits()))
	}
	return out
}

// SharedCorpus is ../shared/corpus seen from a family's directory.
const SharedCorpus = "../../../../shared/corpus"

// TrainingPhish returns the phishing messages of the training part of
// ../shared/corpus (docs/eval.md), the other evidence the provenance tests
// accept. The test is skipped, saying why, when the corpus is not beside
// the repository.
func TrainingPhish(t *testing.T) [][]byte {
	t.Helper()
	if _, err := os.Stat(SharedCorpus); err != nil {
		t.Skip("../shared/corpus is not beside the repository (see README: tests run from a worktree beside ../shared)")
	}
	items, err := corpus.List([]string{filepath.Join(SharedCorpus, "phish")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, it := range corpus.Only(items, corpus.Train) {
		raw, err := corpus.Read(it.Path, message.DefaultLimits().MaxSize)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, raw)
	}
	return out
}

// Message builds a message from header lines and a body, "\n" line ends
// turned into CRLF as on the wire: for the table tests of a family.
func Message(headers, body string) []byte {
	s := strings.TrimSpace(headers) + "\n\n" + body
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

// Input builds what the checks read from a message, authenticated from its
// trace as a golden message is.
func Input(raw []byte) *scan.Input {
	m := message.Parse(raw, message.DefaultLimits())
	var env scan.Envelope
	r := Auth.Authenticate(context.Background(), raw, m, &env)
	in := scan.NewInput(raw, m, env)
	in.Auth = r
	return in
}
