package engine

import (
	"context"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)


// corpusModel trains a classifier on the training part of the shared
// corpus and returns it with the validation part's raw messages.
func corpusModel(b *testing.B) (*bayes.Model, [][]byte) {
	b.Helper()
	items, err := corpus.List([]string{filepath.Join(sharedCorpus, "phish")}, []string{filepath.Join(sharedCorpus, "ham"), filepath.Join(sharedCorpus, "ham-business")})
	if err != nil {
		b.Skipf("shared corpus not found beside the repository: %v", err)
	}
	m := bayes.NewModel(bayes.Options{})
	var tok bayes.Tokenizer
	var valid [][]byte
	for _, it := range items {
		raw, err := corpus.Read(it.Path, 50<<20)
		if err != nil {
			b.Fatal(err)
		}
		if it.Part == corpus.Valid {
			valid = append(valid, raw)
			continue
		}
		if p, err := tok.Prepare(raw, message.Limits{}); err == nil {
			m.Learn(p.Hashes, bayes.Class(it.Label), 1)
		}
	}
	return m, valid
}

// BenchmarkScanCorpus scans the validation part of the shared corpus (real
// messages, 18 KB on average) with every check, without and with a
// classifier trained on the training part: the classifier's share of a
// real scan. Run with -cpu 1 for the per-core figure.
func BenchmarkScanCorpus(b *testing.B) {
	m, valid := corpusModel(b)
	for _, on := range []bool{false, true} {
		name := "bayes=off"
		if on {
			name = "bayes=on"
		}
		b.Run(name, func(b *testing.B) {
			c := config.Default()
			c.Auth.Mode = "headers"
			o := Options{}
			if on {
				o.Bayes = m
			}
			s, err := New(&c, o)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			start, n := cpuTime(), 0
			for b.Loop() {
				s.Scan(context.Background(), valid[n%len(valid)], scan.Envelope{})
				n++
			}
			cpu := float64((cpuTime() - start).Nanoseconds()) / float64(n)
			b.ReportMetric(cpu, "cpu-ns/op")
			b.ReportMetric(1e9/cpu, "msgs/cpu-s")
		})
	}
}
