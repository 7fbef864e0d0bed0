package message

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// corpusDir is the shared corpus of real phishing and legitimate mail (see
// ../shared/README.md; not in this repository, its licence is
// non-commercial).
const corpusDir = "../../../shared/corpus"

// TestCorpus parses every message of the shared corpus: none may break the
// parser, and nearly all must yield a sender and a body.
func TestCorpus(t *testing.T) {
	for _, dir := range []string{"phish", "ham"} {
		t.Run(dir, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(corpusDir, dir, "*.eml"))
			if len(files) == 0 {
				t.Skipf("no corpus at %s", filepath.Join(corpusDir, dir))
			}
			withFrom, withBody := 0, 0
			for _, f := range files {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				m := Parse(raw, DefaultLimits())
				for _, d := range m.Defects {
					if strings.Contains(d.Detail, "internal parser error") {
						t.Errorf("%s: %s", filepath.Base(f), d.Detail)
					}
				}
				for _, s := range []string{m.Subject, m.Text, m.HTML, m.HTMLText} {
					if !utf8.ValidString(s) {
						t.Errorf("%s: invalid UTF-8 in output", filepath.Base(f))
					}
				}
				if m.FromAddr().Addr != "" {
					withFrom++
				}
				if m.Text != "" || m.HTMLText != "" || len(m.Attachments) > 0 {
					withBody++
				}
			}
			n := len(files)
			t.Logf("%d messages: %d with a From address, %d with a body", n, withFrom, withBody)
			if withFrom < n*97/100 || withBody < n*97/100 {
				t.Errorf("too few messages read: %d/%d with From, %d/%d with a body", withFrom, n, withBody, n)
			}
		})
	}
}

// BenchmarkCorpus parses the phishing corpus, message after message. The
// process's cache of QR readings (qrcache.go) is emptied at the start of
// every pass, as BenchmarkScanCorpus does: only a picture met again within
// one pass is read from it, never one remembered from the pass before.
func BenchmarkCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "phish", "*.eml"))
	if len(files) == 0 {
		b.Skip("no corpus")
	}
	var raws [][]byte
	total := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, raw)
		total += len(raw)
	}
	lim := DefaultLimits()
	b.SetBytes(int64(total / len(raws)))
	b.ReportAllocs()
	start := cpuTime()
	n := 0
	for b.Loop() {
		if n%len(raws) == 0 {
			ResetQRCache()
		}
		Parse(raws[n%len(raws)], lim)
		n++
	}
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(n), "cpu-ns/op")
}
