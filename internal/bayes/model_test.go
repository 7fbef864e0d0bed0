package bayes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// synthetic writes n messages of a class: words drawn from the class's own
// vocabulary and from a shared one, so that no single word decides.
func synthetic(c Class, n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	own := map[Class][]string{
		Phish: {"compte", "suspendu", "vérifiez", "identifiants", "urgent", "cliquez", "paiement", "refusé", "colis", "frais", "livraison", "bloqué", "sécurité", "confirmez"},
		Ham:   {"réunion", "planning", "garde", "patient", "service", "ordre", "jour", "compte-rendu", "équipe", "bloc", "consultation", "dossier", "pharmacie", "cadre"},
	}[c]
	shared := []string{"bonjour", "merci", "votre", "nous", "cordialement", "demain", "message", "information", "lundi", "document", "lien", "ci-joint"}
	out := make([]string, n)
	for i := range out {
		var b []byte
		for range 30 {
			w := shared[r.IntN(len(shared))]
			if r.IntN(3) > 0 {
				w = own[r.IntN(len(own))]
			}
			b = fmt.Appendf(b, "%s ", w)
		}
		out[i] = fmt.Sprintf("%s n%d", b, i) // unique content
	}
	return out
}

func features(text string) []uint64 {
	var f Features
	Tokenizer{}.Tokenize(&f, "", text, nil)
	return f.Hashes
}

func trained(t *testing.T, o Options, nPhish, nHam int) *Model {
	t.Helper()
	m := NewModel(o)
	for _, s := range synthetic(Phish, nPhish, 1) {
		if err := m.Learn(features(s), Phish, 1); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range synthetic(Ham, nHam, 2) {
		if err := m.Learn(features(s), Ham, 1); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func classify(m *Model, text string) Result {
	var f Features
	Tokenizer{}.Tokenize(&f, "", text, nil)
	return m.Classify(&f)
}

func TestVotesOnlyAfterMinLearned(t *testing.T) {
	m := trained(t, Options{MinLearned: 50}, 50, 49)
	if m.Votes() {
		t.Fatal("votes with 49 legitimate messages of 50 needed")
	}
	if r := classify(m, synthetic(Phish, 1, 99)[0]); r.Votes || r.Prob != 0.5 {
		t.Errorf("abstaining model answered %+v", r)
	}
	m.Learn(features(synthetic(Ham, 1, 98)[0]), Ham, 1)
	if !m.Votes() {
		t.Fatal("does not vote with 50 of each")
	}
	if NewModel(Options{}).Options().MinLearned != 200 {
		t.Error("default minimum is not rspamd's 200")
	}
}

func TestClassifySeparates(t *testing.T) {
	m := trained(t, Options{MinLearned: 100}, 150, 300)
	for _, tc := range []struct {
		c    Class
		seed uint64
	}{{Phish, 11}, {Ham, 12}} {
		wrong := 0
		for _, s := range synthetic(tc.c, 50, tc.seed) {
			r := classify(m, s)
			if (tc.c == Phish) != (r.Prob >= 0.95) || (tc.c == Ham) != (r.Prob <= 0.05) {
				wrong++
			}
		}
		if wrong > 2 {
			t.Errorf("%s: %d of 50 not classified with confidence", tc.c, wrong)
		}
	}
	// Words never learned leave the model undecided.
	if r := classify(m, "zyx wvu tsr qpo nml kji hgf edc"); r.Prob != 0.5 {
		t.Errorf("unknown words: %+v", r)
	}
}

func TestExplainNamesTheWords(t *testing.T) {
	m := trained(t, Options{MinLearned: 100}, 150, 300)
	text := "votre compte est suspendu, vérifiez vos identifiants"
	var f Features
	Tokenizer{}.Tokenize(&f, "", text, nil)
	r := m.Classify(&f)
	if r.Prob < 0.95 {
		t.Fatalf("prob %.3f", r.Prob)
	}
	words := Explain(&f, r, true, 5)
	if len(words) == 0 || len(words) > 5 {
		t.Fatalf("words %q", words)
	}
	for _, w := range words {
		for _, ham := range []string{"bonjour", "réunion", "merci"} {
			if w == ham {
				t.Errorf("phishing explained by %q", w)
			}
		}
	}
}

func TestLearnThenForgetRestores(t *testing.T) {
	m := trained(t, Options{MinLearned: 10}, 20, 20)
	before := m.Stats()
	hs := features("message à oublier avec des mots nouveaux")
	m.Learn(hs, Phish, 1)
	m.Learn(hs, Phish, -1)
	if after := m.Stats(); after.Phish != before.Phish || after.Tokens != before.Tokens {
		t.Errorf("before %+v after %+v", before, after)
	}
}

func TestModelMaxTokens(t *testing.T) {
	m := NewModel(Options{MaxTokens: 1000})
	for i := range 200 {
		m.Learn(features(fmt.Sprintf("mot%da mot%db mot%dc mot%dd mot%de", i, i, i, i, i)), Ham, 1)
	}
	if n := m.Stats().Tokens; n > 1000 {
		t.Errorf("%d features held, bound 1000", n)
	}
}

func TestChi2Q(t *testing.T) {
	for _, tc := range []struct {
		x2   float64
		v    int
		want float64
	}{
		{0, 2, 1},
		{2, 2, math.Exp(-1)},
		{10, 4, math.Exp(-5) * (1 + 5)},
		{1e6, 300, 0},
	} {
		if got := chi2Q(tc.x2, tc.v); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("chi2Q(%g, %d) = %g, want %g", tc.x2, tc.v, got, tc.want)
		}
	}
}

func TestTableMatchesMap(t *testing.T) {
	var tb table
	ref := map[uint64]Counts{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 30_000 {
		h := uint64(r.IntN(3000)) + 1
		if i%3 == 0 {
			h = h<<40 | h // collide in the low bits
		}
		c := Counts{uint32(r.IntN(3)), uint32(r.IntN(3))}
		tb.put(h, c)
		if c == (Counts{}) {
			delete(ref, h)
		} else {
			ref[h] = c
		}
	}
	if tb.len() != len(ref) {
		t.Fatalf("len %d, want %d", tb.len(), len(ref))
	}
	for h, c := range ref {
		if got, ok := tb.get(h); !ok || got != c {
			t.Fatalf("get(%#x) = %v %v, want %v", h, got, ok, c)
		}
	}
	for i := uint64(1); i < 5000; i++ {
		if _, ok := ref[i]; !ok {
			if _, ok := tb.get(i); ok {
				t.Fatalf("get(%#x) found a deleted feature", i)
			}
		}
	}
}

func TestMemoryBound(t *testing.T) {
	for _, max := range []int{1000, 100_000} {
		o := Options{MaxTokens: max}
		var tb table
		m := NewModel(o)
		for i := range m.hardBound() {
			tb.put(uint64(i)*0x9E3779B97F4A7C15+1, Counts{1, 0})
		}
		if got := int64(len(tb.slots)) * bytesPerSlot; got > o.MemoryBound() {
			t.Errorf("max_tokens %d: table of %d bytes, bound %d", max, got, o.MemoryBound())
		}
	}
	if got := (Options{}).MemoryBound(); got != 32<<20 {
		t.Errorf("default bound %d bytes, documented as 32 MiB", got)
	}
}

// TestTellingIsSortAndCut checks that telling's insertion keeps the
// clues that sorting all of them by tellingFirst and cutting kept, in
// the same order, with ties on strength and on message counts (a
// message's clues are distinct hashes, as Features keeps them).
func TestTellingIsSortAndCut(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 5))
	fs := []float64{0.01, 0.04, 0.05, 0.2, 0.49, 0.51, 0.7, 0.95, 0.96, 0.99}
	for round := range 500 {
		all := make([]Clue, r.IntN(160))
		hashes := r.Perm(1000) // a message's features are distinct hashes
		for i := range all {
			all[i] = Clue{Hash: uint64(hashes[i]), F: fs[r.IntN(len(fs))], Phish: r.Uint32N(4), Ham: r.Uint32N(4)}
		}
		for _, phish := range []bool{true, false} {
			for _, keep := range []int{0, 1, 15} {
				var want []Clue
				for _, c := range all {
					if (c.F > 0.5) == phish {
						want = append(want, c)
					}
				}
				slices.SortFunc(want, tellingFirst)
				want = want[:min(len(want), keep)]
				if got := telling(all, phish, keep); !slices.Equal(got, want) && len(got)+len(want) > 0 {
					t.Fatalf("round %d, phish %v, keep %d: telling = %v, sort and cut = %v", round, phish, keep, got, want)
				}
			}
		}
	}
}
