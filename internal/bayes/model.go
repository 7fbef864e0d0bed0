package bayes

import (
	"errors"
	"math"
	"slices"
	"sync"
)

// Class is what a message was learned as.
type Class string

const (
	Phish Class = "phish"
	Ham   Class = "ham"
)

// Valid reports whether c is one of the two classes.
func (c Class) Valid() bool { return c == Phish || c == Ham }

// Counts are how many learned messages of each class held a feature.
type Counts struct{ Phish, Ham uint32 }

// Options tune the model. The zero value takes the defaults.
type Options struct {
	// MinLearned is how many messages of each class must have been learned
	// before the model votes (rspamd waits for 200 too: fewer says more
	// about the few messages than about the site's mail).
	MinLearned int
	// MaxTokens bounds the features held in memory (and, through pruning,
	// in the store). Default 1,000,000.
	MaxTokens int
}

// DefaultMinLearned is the default Options.MinLearned.
const DefaultMinLearned = 200

// DefaultMaxTokens is the default Options.MaxTokens.
const DefaultMaxTokens = 1_000_000

func (o Options) withDefaults() Options {
	if o.MinLearned <= 0 {
		o.MinLearned = DefaultMinLearned
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = DefaultMaxTokens
	}
	return o
}

// Model holds the per-feature counts and the number of messages learned of
// each class. It is safe for concurrent use: scans read it under a read
// lock while learning or a reload from the store updates it.
type Model struct {
	opts Options

	mu     sync.RWMutex
	tokens table
	nPhish uint32
	nHam   uint32
	// err is why the model cannot be used (a store that could not be read,
	// a model learned by another tokenizer); the classifier is then silent.
	err error
	// full is set once the in-memory table reached its hard bound: further
	// features from the store are not held.
	full bool
}

// NewModel returns an empty model.
func NewModel(o Options) *Model {
	return &Model{opts: o.withDefaults()}
}

// Options returns the model's options with defaults applied.
func (m *Model) Options() Options { return m.opts }

// Stats describe a model.
type Stats struct {
	Phish, Ham int // messages learned
	Tokens     int // features held
	MinLearned int
	Votes      bool  // enough of each class learned, and usable
	Err        error // why it is unusable, or nil
	// Full is set when the store held more features than the memory bound
	// allows and some were not loaded.
	Full bool
}

// Stats returns the model's counters.
func (m *Model) Stats() Stats {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return Stats{Phish: int(m.nPhish), Ham: int(m.nHam), Tokens: m.tokens.len(), MinLearned: m.opts.MinLearned,
		Votes: m.votesLocked(), Err: m.err, Full: m.full}
}

func (m *Model) votesLocked() bool {
	return m.err == nil && int(m.nPhish) >= m.opts.MinLearned && int(m.nHam) >= m.opts.MinLearned
}

// Votes reports whether the model has learned enough of both classes to
// classify, and is usable. The check asks before tokenizing anything.
func (m *Model) Votes() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.votesLocked()
}

// Learn adds (or, with sign -1, removes) one message's features in memory.
// It is what `vigie eval --bayes` trains its throw-away model with; a
// gateway's model learns through the store (Learner) and Sync.
func (m *Model) Learn(hashes []uint64, c Class, sign int) error {
	if !c.Valid() || (sign != 1 && sign != -1) {
		return errors.New("bayes: learn: bad class or sign")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	bump := func(n *uint32) {
		if sign > 0 {
			*n++
		} else if *n > 0 {
			*n--
		}
	}
	if c == Phish {
		bump(&m.nPhish)
	} else {
		bump(&m.nHam)
	}
	for _, h := range hashes {
		t, ok := m.tokens.get(h)
		if !ok && (sign < 0 || m.tokens.len() >= m.opts.MaxTokens) {
			continue
		}
		if c == Phish {
			bump(&t.Phish)
		} else {
			bump(&t.Ham)
		}
		m.tokens.put(h, t)
	}
	return nil
}

// Robinson's and SpamBayes' constants.
const (
	// strength (s) and unknownProb (x) of Robinson's f(w): how much a
	// feature seen in n messages is pulled towards "don't know".
	strength    = 0.45
	unknownProb = 0.5
	// minDev: features closer to 0.5 than this say nothing and are left out.
	minDev = 0.1
	// maxClues: only the strongest features are combined.
	maxClues = 150
	// minClues: fewer strong features than this and the model abstains.
	minClues = 5
)

// touchAhead is how many lookups are started together (table.touch).
const touchAhead = 32

// Clue is one feature that weighed in a verdict.
type Clue struct {
	Hash uint64
	// F is Robinson's f(w): the probability that a message holding this
	// feature is phishing, pulled towards 0.5 when the feature is rare.
	F          float64
	Phish, Ham uint32
}

// Result is the model's opinion of one message.
type Result struct {
	// Prob is Fisher's chi-square combination of the clues: near 1 for
	// phishing, near 0 for the site's ordinary mail, near 0.5 for "don't
	// know" (few clues, or clues pulling both ways).
	Prob float64
	// Votes is false when the model has not learned enough or is
	// unusable; Prob is then 0.5.
	Votes bool
	// Clues are the features used, in no particular order. They live in
	// the Features' buffer: valid until it is reset.
	Clues []Clue
}

// Classify scores a message's features.
func (m *Model) Classify(f *Features) Result {
	m.mu.RLock()
	if !m.votesLocked() {
		m.mu.RUnlock()
		return Result{Prob: 0.5}
	}
	nP, nH := float64(m.nPhish), float64(m.nHam)
	clues := f.clues[:0]
	for i, h := range f.Hashes {
		if i%touchAhead == 0 {
			f.sink += m.tokens.touch(f.Hashes[i:min(i+touchAhead, len(f.Hashes))])
		}
		t, ok := m.tokens.get(h)
		if !ok {
			continue
		}
		fw := robinson(t, nP, nH)
		if math.Abs(fw-0.5) < minDev {
			continue
		}
		clues = append(clues, Clue{Hash: h, F: fw, Phish: t.Phish, Ham: t.Ham})
	}
	m.mu.RUnlock()
	f.clues = clues // reused by the next message; Result.Clues is valid until then
	if len(clues) > maxClues {
		strongest(clues, maxClues)
		clues = clues[:maxClues]
	}
	if len(clues) < minClues {
		return Result{Prob: 0.5, Votes: true, Clues: clues}
	}
	return Result{Prob: fisher(clues), Votes: true, Clues: clues}
}

// strongest moves the k clues farthest from 0.5 to the front, in no
// particular order (quickselect: the combination does not need them
// sorted, and sorting every clue of every message would cost more than the
// rest of the classification).
func strongest(c []Clue, k int) {
	dev := func(i int) float64 { return math.Abs(c[i].F - 0.5) }
	lo, hi := 0, len(c)-1
	for lo < hi {
		// Median of three as the pivot keeps adversarial inputs linear.
		mid := lo + (hi-lo)/2
		if dev(mid) > dev(lo) {
			c[mid], c[lo] = c[lo], c[mid]
		}
		if dev(hi) > dev(lo) {
			c[hi], c[lo] = c[lo], c[hi]
		}
		if dev(mid) > dev(hi) {
			c[mid], c[hi] = c[hi], c[mid]
		}
		pivot := dev(hi)
		i := lo
		for j := lo; j < hi; j++ {
			if dev(j) > pivot {
				c[i], c[j] = c[j], c[i]
				i++
			}
		}
		c[i], c[hi] = c[hi], c[i]
		switch {
		case i == k:
			return
		case i < k:
			lo = i + 1
		default:
			hi = i - 1
		}
	}
}

// telling returns the first keep clues pulling towards phish in
// tellingFirst's order, as sorting them all and cutting would.
func telling(all []Clue, phish bool, keep int) []Clue {
	clues := make([]Clue, 0, keep)
	for _, c := range all {
		if (c.F > 0.5) != phish {
			continue
		}
		if len(clues) == keep {
			if keep == 0 || tellingFirst(c, clues[keep-1]) >= 0 {
				continue
			}
			clues = clues[:keep-1]
		}
		i, _ := slices.BinarySearchFunc(clues, c, tellingFirst)
		clues = slices.Insert(clues, i, c)
	}
	return clues
}

// tellingFirst orders clues for Explain: the strong ones (f beyond 0.95
// or 0.05) first, among them those of fewest messages, then by strength.
func tellingFirst(a, b Clue) int {
	sa, sb := math.Abs(a.F-0.5) >= 0.45, math.Abs(b.F-0.5) >= 0.45
	switch {
	case sa != sb && sa:
		return -1
	case sa != sb:
		return 1
	case a.Phish+a.Ham != b.Phish+b.Ham:
		return int(a.Phish+a.Ham) - int(b.Phish+b.Ham)
	}
	return cmpStrength(a, b)
}

// cmpStrength orders clues strongest first, then by hash for stability.
func cmpStrength(a, b Clue) int {
	da, db := math.Abs(a.F-0.5), math.Abs(b.F-0.5)
	switch {
	case da > db:
		return -1
	case da < db:
		return 1
	case a.Hash < b.Hash:
		return -1
	case a.Hash > b.Hash:
		return 1
	}
	return 0
}

// robinson is Robinson's f(w) for a feature seen in t.Phish of nP phishing
// and t.Ham of nH legitimate messages. The rates are per class, so a site
// that learned ten times more ham than phishing is not biased by it.
func robinson(t Counts, nP, nH float64) float64 {
	rp := math.Min(1, float64(t.Phish)/nP)
	rh := math.Min(1, float64(t.Ham)/nH)
	if rp+rh == 0 {
		return unknownProb
	}
	p := rp / (rp + rh)
	n := float64(t.Phish) + float64(t.Ham)
	return (strength*unknownProb + n*p) / (strength + n)
}

// fisher combines the clues' probabilities with Fisher's method, as
// SpamBayes and bogofilter do: S is how surely the clues reject "these are
// random ham probabilities", H the same for phishing, and the result is
// (1 + S - H) / 2.
func fisher(clues []Clue) float64 {
	var lnP, lnH float64
	for _, c := range clues {
		f := math.Min(math.Max(c.F, 1e-6), 1-1e-6)
		lnH += math.Log(f)
		lnP += math.Log(1 - f)
	}
	n := len(clues)
	s := 1 - chi2Q(-2*lnP, 2*n)
	h := 1 - chi2Q(-2*lnH, 2*n)
	return (1 + s - h) / 2
}

// chi2Q is the probability that a chi-square variable with v (even)
// degrees of freedom exceeds x2.
func chi2Q(x2 float64, v int) float64 {
	m := x2 / 2
	sum := math.Exp(-m)
	term := sum
	for i := 1; i < v/2; i++ {
		term *= m / float64(i)
		sum += term
	}
	return math.Min(sum, 1)
}

// Explain names the strongest clues of r that pull towards phishing (or
// towards ham), at most n, in readable form. f must be the features r was
// classified from (their origins say where each came from).
func Explain(f *Features, r Result, phish bool, n int) []string {
	// Name the telling clues: among the strong ones (f beyond 0.95 or
	// 0.05), those of fewest messages first. A word found in most mail of
	// one class ("de", "pour" where the site's two kinds of mail differ by
	// language) can be as strong, but says nothing to a reader. A few
	// more than n are kept: a word and its accent-free form, or a word
	// and a pair, may read the same. tellingFirst is a total order (the
	// hash breaks ties), so keeping the first 3n by insertion gives what
	// sorting all of them and cutting gave, without sorting the hundred
	// and fifty clues of every message the model names.
	clues := telling(r.Clues, phish, max(0, 3*n))
	var out []string
	for _, c := range clues {
		if w := f.Text(c.Hash); w != "" && !slices.Contains(out, w) {
			out = append(out, w)
			if len(out) == n {
				break
			}
		}
	}
	return out
}
