package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/message"
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
//
// The benchmark loops over the corpus; the process's cache of QR readings
// (message.ResetQRCache) is emptied at the start of every pass, so that
// only a picture met again within one pass of the corpus is read from the
// cache, as a gateway meets the same logos in a day's traffic, and never
// one remembered from the pass before. VIGIE_BENCH_QRCACHE=off empties it
// before every message instead: the figure without the cache.
func BenchmarkScanCorpus(b *testing.B) {
	m, valid := corpusModel(b)
	perMessage := os.Getenv("VIGIE_BENCH_QRCACHE") == "off"
	benchBayes(b, m, func(c *config.Config) {}, func(n int) []byte {
		if perMessage || n%len(valid) == 0 {
			message.ResetQRCache()
		}
		return valid[n%len(valid)]
	})
}

// BenchmarkScan40KBBayes is BenchmarkScan40KB's message scanned without and
// with a classifier trained on the training part of the shared corpus.
func BenchmarkScan40KBBayes(b *testing.B) {
	m, _ := corpusModel(b)
	raw := message40KB()
	benchBayes(b, m, func(c *config.Config) {
		c.Trust.Relays = []string{"mx.example-hopital.fr"}
		c.Trust.AuthServIDs = []string{"mx.example-hopital.fr"}
	}, func(int) []byte { return raw })
}

// benchBayes scans the messages next gives, without then with the model,
// and reports the process CPU time per message.
func benchBayes(b *testing.B, m *bayes.Model, configure func(*config.Config), next func(n int) []byte) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("bayes=%v", on), func(b *testing.B) {
			c := config.Default()
			c.Auth.Mode = "headers"
			configure(&c)
			o := Options{}
			if on {
				o.Bayes = m
			}
			s, err := New(&c, o)
			if err != nil {
				b.Fatal(err)
			}
			scanLoop(b, s, next)
		})
	}
}
