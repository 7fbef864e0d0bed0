// Package weights learns how much each signal counts: it fits the signal
// weights and the tag and quarantine thresholds on the training part of a
// labelled corpus (docs/eval.md), and stores them with their provenance in
// a data file that the policy reads (docs/weights.md).
//
// The fit is a regularised logistic regression with safeguards that make
// it generalise beyond the corpus it saw: every weight is pulled towards
// the catalogue's expert weight (a signal seen in a few messages keeps
// about that weight), suspicion signals never go below zero and only a
// short reviewed list of trust signals may, informational signals (expert
// weight 0) stay 0, each weight is capped, each legitimate source and the
// phishing class count equally whatever their size, and one message's
// influence is bounded. Thresholds are chosen for a target false-positive
// rate per legitimate source on out-of-fold scores, by cross-validation
// inside the training part, and the tag threshold stays one weak signal
// above the fit's own decision boundary; the validation part is only
// reported.
package weights

import (
	_ "embed"
	"fmt"
	"math"
	"os"
	"sort"

	"gopkg.in/yaml.v3"
)

//go:embed learned.yaml
var embedded []byte

// Model is the content of a learned-weights file.
type Model struct {
	Version    int        `yaml:"version"`
	Created    string     `yaml:"created"`
	Method     string     `yaml:"method"`
	Corpus     CorpusInfo `yaml:"corpus"`
	Thresholds Thresholds `yaml:"thresholds"`
	// Boundary is the fit's decision boundary (Result.Boundary); the tag
	// threshold was chosen at least a headroom above it.
	Boundary   float64            `yaml:"boundary,omitempty"`
	CV         Figures            `yaml:"cross_validation"`
	Training   Figures            `yaml:"training"`
	Validation Figures            `yaml:"validation"`
	Weights    map[string]float64 `yaml:"weights"`
}

// CorpusInfo says what the model was fitted on.
type CorpusInfo struct {
	SHA256       string         `yaml:"sha256"` // over the sorted (label, source, file name, body hash) of every file
	Files        int            `yaml:"files"`
	Training     int            `yaml:"training"`
	Deduplicated int            `yaml:"training_after_dedup"`
	Errata       int            `yaml:"training_errata_left_out,omitempty"` // mislabelled files (corpus.Errata)
	Sources      map[string]int `yaml:"training_per_source"`
}

// Thresholds are the policy's score thresholds.
type Thresholds struct {
	Tag        float64 `yaml:"tag"`
	Quarantine float64 `yaml:"quarantine"`
	Reject     float64 `yaml:"reject"`
}

// Figures are the four rates that judge a verdict policy, in percent, plus
// the worst legitimate source.
type Figures struct {
	Detected       float64 `yaml:"phish_detected_pct"`
	Quarantined    float64 `yaml:"phish_quarantined_pct"`
	HamFlagged     float64 `yaml:"ham_flagged_pct"`
	HamQuarantined float64 `yaml:"ham_quarantined_pct"`
	Worst          string  `yaml:"worst_ham_source,omitempty"`
	WorstFlagged   float64 `yaml:"worst_ham_flagged_pct"`
	WorstQuarant   float64 `yaml:"worst_ham_quarantined_pct"`
}

// Embedded returns the model shipped with Vigie.
func Embedded() (*Model, error) { return Parse(embedded) }

// Load reads a model file.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	m, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %w", path, err)
	}
	return m, nil
}

// Parse decodes and checks a model.
func Parse(b []byte) (*Model, error) {
	var m Model
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	if m.Version != 1 {
		return nil, fmt.Errorf("weights: unsupported version %d", m.Version)
	}
	t := m.Thresholds
	if !(t.Tag > 0 && t.Quarantine >= t.Tag && (t.Reject == 0 || t.Reject >= t.Quarantine)) {
		return nil, fmt.Errorf("weights: thresholds must satisfy 0 < tag <= quarantine <= reject, got %g/%g/%g", t.Tag, t.Quarantine, t.Reject)
	}
	for n, w := range m.Weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("weights: %s is not a number", n)
		}
	}
	return &m, nil
}

// Marshal writes the model with a header saying how it was made.
func (m *Model) Marshal() ([]byte, error) {
	b, err := yaml.Marshal(m)
	if err != nil {
		return nil, err
	}
	head := "# Signal weights and thresholds learned by `vigie learn weights` on the\n" +
		"# training part of the corpus named below (docs/weights.md). Generated: do\n" +
		"# not edit by hand; override single weights or thresholds in the\n" +
		"# configuration (policy.weights, policy.tag...), which always wins.\n"
	return append([]byte(head), b...), nil
}

// Measure computes the figures of scores against thresholds.
func Measure(scores []float64, ex []Example, tag, quarantine float64) Figures {
	var f Figures
	var nP, nH, dP, qP, fH, qH int
	n, fl, qu := map[string]int{}, map[string]int{}, map[string]int{}
	for i, e := range ex {
		s := scores[i]
		if e.Phish {
			nP++
			if s >= tag {
				dP++
			}
			if s >= quarantine {
				qP++
			}
			continue
		}
		nH++
		n[e.Source]++
		if s >= tag {
			fH++
			fl[e.Source]++
		}
		if s >= quarantine {
			qH++
			qu[e.Source]++
		}
	}
	pc := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return round2(100 * float64(a) / float64(b))
	}
	f.Detected, f.Quarantined, f.HamFlagged, f.HamQuarantined = pc(dP, nP), pc(qP, nP), pc(fH, nH), pc(qH, nH)
	srcs := make([]string, 0, len(n))
	for s := range n {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	for _, s := range srcs {
		if fr, qr := pc(fl[s], n[s]), pc(qu[s], n[s]); f.Worst == "" || fr > f.WorstFlagged || fr == f.WorstFlagged && qr > f.WorstQuarant {
			f.Worst, f.WorstFlagged, f.WorstQuarant = s, fr, qr
		}
	}
	return f
}

// Score is the sum of the weights of the named signals under m, falling
// back to fallback (the catalogue) for signals m does not know.
func (m *Model) Score(signals []string, fallback func(string) float64) float64 {
	s := 0.0
	for _, n := range signals {
		if w, ok := m.Weights[n]; ok {
			s += w
		} else if fallback != nil {
			s += fallback(n)
		}
	}
	return s
}
