package bayes

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"vigie.dev/vigie/internal/scan"
)

// AutoLearn learns, in the background, from the verdicts that are sure on
// the other signals alone. Only phishing is learned by default: a message
// the other signals found ordinary is exactly what a phish that got
// through looks like, and learning it as ham would teach the classifier
// to let the next one through. The classifier's own signals never count
// towards the decision, so it cannot confirm itself.
type AutoLearn struct {
	Learner *Learner
	// PhishScore: a verdict whose score without BAYES_* signals reaches it
	// is learned as phishing; 0 disables.
	PhishScore float64
	// Ham enables learning as ham the verdicts scoring at most HamScore
	// without BAYES_* signals, with DMARC pass and no signal forcing an
	// action.
	Ham      bool
	HamScore float64
	Log      *slog.Logger

	queue chan []byte
}

// queueLen bounds the messages waiting to be learned; past it they are
// dropped (learning is an optimisation, never a reason to slow mail).
const queueLen = 256

// Observe implements the gateway's verdict observer. It copies the raw
// message only when it is to be learned.
func (a *AutoLearn) Observe(raw []byte, v *scan.Verdict) {
	if a == nil || v == nil || v.Incomplete() != "" {
		return
	}
	c, ok := a.decide(v)
	if !ok {
		return
	}
	select {
	case a.queue <- append([]byte(string(c)+"\x00"), raw...):
	default:
		a.Log.Warn("bayes: autolearn queue full, message not learned")
	}
}

// NewAutoLearn returns an autolearner; its fields are read-only once Run starts.
func NewAutoLearn(l *Learner, log *slog.Logger) *AutoLearn {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &AutoLearn{Learner: l, Log: log, queue: make(chan []byte, queueLen)}
}

// decide returns the class to learn v as, if any.
func (a *AutoLearn) decide(v *scan.Verdict) (Class, bool) {
	score, forced := 0.0, false
	for _, s := range v.Signals {
		if strings.HasPrefix(s.Name, "BAYES_") {
			continue
		}
		score += s.Weight
		if s.Force != "" && s.Force != scan.Accept {
			forced = true
		}
	}
	switch {
	case a.PhishScore > 0 && score >= a.PhishScore:
		return Phish, true
	case a.Ham && !forced && score <= a.HamScore && v.Auth.DMARC == "pass" && v.Action == scan.Accept:
		return Ham, true
	}
	return "", false
}

// Run learns queued messages until ctx ends, those waiting together in
// one transaction (a burst of rejected phishing costs one write).
func (a *AutoLearn) Run(ctx context.Context) {
	q := a.queue
	for {
		var items []Item
		select {
		case <-ctx.Done():
			return
		case b := <-q:
			items = append(items, autoItem(b))
		}
	drain:
		for len(items) < batch {
			select {
			case b := <-q:
				items = append(items, autoItem(b))
			default:
				break drain
			}
		}
		rs, err := a.Learner.Learn(ctx, items)
		if err != nil {
			if ctx.Err() == nil {
				a.Log.Warn("bayes: autolearn failed", "err", err, "messages", len(items))
			}
			continue
		}
		n := 0
		for _, r := range rs {
			if r.Outcome == OutcomeLearned {
				n++
			}
		}
		a.Log.Debug("bayes: autolearned", "messages", len(items), "learned", n)
	}
}

func autoItem(b []byte) Item {
	i := slices.Index(b, 0)
	return Item{Raw: b[i+1:], Class: Class(b[:i]), Source: SourceAutolearn, By: "vigie"}
}
