package bayes

import (
	"syscall"
	"testing"
	"time"

	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

const sharedCorpus = "../../../shared/corpus/"

type parsed struct {
	it            corpus.Item
	subject, body string
	links         []scan.Link
}

// corpusSplit trains a model on the training part of ../shared/corpus and
// returns the validation part, parsed.
func corpusSplit(tb testing.TB) (*Model, []parsed) {
	tb.Helper()
	items, err := corpus.List([]string{sharedCorpus + "phish"}, []string{sharedCorpus + "ham", sharedCorpus + "ham-business"})
	if err != nil {
		tb.Fatalf("the shared corpus must be beside the repository (../shared): %v", err)
	}
	var tok Tokenizer
	m := NewModel(Options{})
	seen := map[string]bool{}
	var valid []parsed
	for _, it := range items {
		raw, err := corpus.Read(it.Path, 50<<20)
		if err != nil {
			tb.Fatal(err)
		}
		if it.Part == corpus.Valid {
			msg := message.Parse(raw, message.DefaultLimits())
			valid = append(valid, parsed{it, msg.Subject, Body(msg), scan.LinksOf(msg)})
			continue
		}
		p, err := tok.Prepare(raw, message.Limits{})
		if err != nil || seen[p.Digest] {
			continue
		}
		seen[p.Digest] = true
		m.Learn(p.Hashes, Class(it.Label), 1)
	}
	return m, valid
}

// TestCorpusValidation trains on the training part and judges on the
// validation part, which the model never saw.
func TestCorpusValidation(t *testing.T) {
	m, valid := corpusSplit(t)
	n := map[corpus.Label]int{}
	phishAt, hamAt := map[corpus.Label]int{}, map[corpus.Label]int{}
	var f Features
	for _, v := range valid {
		f.Reset()
		Tokenizer{}.Tokenize(&f, v.subject, v.body, v.links)
		r := m.Classify(&f)
		n[v.it.Label]++
		switch {
		case r.Prob >= 0.95:
			phishAt[v.it.Label]++
		case r.Prob <= 0.05:
			hamAt[v.it.Label]++
		}
	}
	t.Logf("model %+v", m.Stats())
	t.Logf("validation: phishing %d (>=0.95: %d, <=0.05: %d), legitimate %d (>=0.95: %d, <=0.05: %d)",
		n[corpus.Phish], phishAt[corpus.Phish], hamAt[corpus.Phish], n[corpus.Ham], phishAt[corpus.Ham], hamAt[corpus.Ham])
	if got := float64(phishAt[corpus.Phish]) / float64(n[corpus.Phish]); got < 0.75 {
		t.Errorf("%.1f %% of validation phishing recognised, want at least 75 %%", 100*got)
	}
	if got := float64(phishAt[corpus.Ham]) / float64(n[corpus.Ham]); got > 0.01 {
		t.Errorf("%.2f %% of validation legitimate mail taken for phishing, want at most 1 %%", 100*got)
	}
	if got := float64(hamAt[corpus.Phish]) / float64(n[corpus.Phish]); got > 0.05 {
		t.Errorf("%.1f %% of validation phishing taken for the site's mail, want at most 5 %%", 100*got)
	}
}

// BenchmarkTokenizeClassify is the classifier alone on real messages (the
// validation part, parsed beforehand) against a model trained on the
// training part: tokenizing, looking up and combining, per message.
func BenchmarkTokenizeClassify(b *testing.B) {
	m, valid := corpusSplit(b)
	var f Features
	var tok Tokenizer
	b.ReportAllocs()
	i := 0
	start := cpuTime()
	for b.Loop() {
		v := valid[i%len(valid)]
		i++
		f.Reset()
		tok.Tokenize(&f, v.subject, v.body, v.links)
		m.Classify(&f)
	}
	// Process CPU time per message: on a shared machine wall time measures
	// the neighbours as much as the code.
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(i), "cpu-ns/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
