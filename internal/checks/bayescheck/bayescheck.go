// Package bayescheck is the check of the site's statistical classifier: it
// tokenizes the message (subject, body text, links) and asks the model,
// which answers only once it has learned enough of the site's mail. The
// classifier is an ordinary signal family: its signals are weighted,
// overridden and fitted like any other.
package bayescheck

import (
	"context"
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"

	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/scan"
)

//go:embed signals.yaml
var signals []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("bayes", signals)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check, none without
// a model (the classifier is off).
func (c *Check) Checks() []scan.Check {
	if c.Model == nil {
		return nil
	}
	return []scan.Check{c}
}

// Default thresholds on the model's probability.
const (
	DefaultPhishAt = 0.95
	DefaultHamAt   = 0.05
)

// Check asks the model about each message.
type Check struct {
	Model     *bayes.Model
	Tokenizer bayes.Tokenizer
	// PhishAt and HamAt are the probabilities at or beyond which the model's
	// opinion becomes BAYES_PHISH or BAYES_HAM (0 takes the defaults).
	PhishAt, HamAt float64
}

// Name implements scan.Check.
func (*Check) Name() string { return "bayes" }

var pool = sync.Pool{New: func() any { return new(bayes.Features) }}

// clueWords is how many of the strongest features the detail names.
const clueWords = 5

// Check implements scan.Check.
func (c *Check) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	if c.Model == nil || !c.Model.Votes() {
		return
	}
	phishAt, hamAt := c.PhishAt, c.HamAt
	if phishAt == 0 {
		phishAt = DefaultPhishAt
	}
	if hamAt == 0 {
		hamAt = DefaultHamAt
	}
	f := pool.Get().(*bayes.Features)
	defer pool.Put(f)
	f.Reset()
	body := bayes.Body(in.Msg)
	c.Tokenizer.Tokenize(f, in.Msg.Subject, body, in.Links)
	r := c.Model.Classify(f)
	var name string
	switch {
	case !r.Votes:
		return
	case r.Prob >= phishAt:
		name = "BAYES_PHISH"
	case r.Prob <= hamAt:
		name = "BAYES_HAM"
	default:
		return
	}
	words := bayes.Explain(f, r, name == "BAYES_PHISH", clueWords)
	// Rounded towards 0.5 and kept within 0.01–0.99: a statistical
	// opinion never reads as a certainty.
	p := min(math.Floor(r.Prob*100)/100, 0.99)
	if name == "BAYES_HAM" {
		p = max(math.Ceil(r.Prob*100)/100, 0.01)
	}
	detail := strconv.FormatFloat(p, 'f', 2, 64)
	if len(words) > 0 {
		detail += " — " + strings.Join(words, ", ")
	}
	out.Emit(name, detail)
}
