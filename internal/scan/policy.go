package scan

import (
	"fmt"
	"math"
)

// Policy turns signals into an action: weights per signal (defaults from the
// catalogue, overridden by configuration) summed against thresholds.
type Policy struct {
	TagAt        float64 `yaml:"tag" json:"tag"`
	QuarantineAt float64 `yaml:"quarantine" json:"quarantine"`
	RejectAt     float64 `yaml:"reject" json:"reject"` // 0 disables reject by score
	// Weights overrides catalogue and learned weights by signal name: the
	// configuration always wins.
	Weights map[string]float64 `yaml:"weights,omitempty" json:"weights,omitempty"`
	// Learned holds the weights fitted by `vigie learn weights`; they
	// replace the catalogue's expert weights (package weights, set by the
	// configuration loader).
	Learned map[string]float64 `yaml:"-" json:"-"`
	// Actions overrides the least action a signal imposes ("" removes it).
	Actions map[string]Action `yaml:"actions,omitempty" json:"actions,omitempty"`
	// Disabled signals are not scored nor reported.
	Disabled []string `yaml:"disabled,omitempty" json:"disabled,omitempty"`
}

// DefaultPolicy is the policy when the configuration sets none. The
// thresholds are documented in vigie.example.yaml.
func DefaultPolicy() Policy {
	return Policy{TagAt: 5, QuarantineAt: 7, RejectAt: 15}
}

// Validate checks that thresholds increase and, when c is not nil, that
// the overrides name signals of the catalogue. Configuration is validated
// without a catalogue when it is read (package config) and with the
// assembled one when a scanner is built from it (package engine).
func (p Policy) Validate(c *Catalogue) error {
	if p.TagAt <= 0 || p.QuarantineAt < p.TagAt || (p.RejectAt != 0 && p.RejectAt < p.QuarantineAt) {
		return fmt.Errorf("policy: thresholds must satisfy 0 < tag <= quarantine <= reject (reject 0 = off), got %g/%g/%g",
			p.TagAt, p.QuarantineAt, p.RejectAt)
	}
	for name, w := range p.Weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("policy: weight of %s is not a number", name)
		}
	}
	for name, a := range p.Actions {
		if a != "" && a.Rank() == 0 && a != Accept {
			return fmt.Errorf("policy: signal %s: unknown action %q", name, a)
		}
	}
	if c == nil {
		return nil
	}
	for name := range p.Weights {
		if _, ok := c.Lookup(name); !ok {
			return fmt.Errorf("policy: weight for unknown signal %s", name)
		}
	}
	for name := range p.Actions {
		if _, ok := c.Lookup(name); !ok {
			return fmt.Errorf("policy: action for unknown signal %s", name)
		}
	}
	for _, name := range p.Disabled {
		if _, ok := c.Lookup(name); !ok {
			return fmt.Errorf("policy: unknown disabled signal %s", name)
		}
	}
	return nil
}

// Weight is the weight a signal counts for: the configuration's, else the
// learned one, else the catalogue's.
func (p Policy) Weight(d Definition) float64 {
	if w, ok := p.Weights[d.Name]; ok {
		return w
	}
	if w, ok := p.Learned[d.Name]; ok {
		return w
	}
	return d.Weight
}

// Decide scores a set of raw signals (names and details) as a scan would.
func (p Policy) Decide(c *Catalogue, raw []Signal) ([]Signal, float64, Action) {
	return p.decide(c, raw)
}

func (p Policy) disabled(name string) bool {
	for _, n := range p.Disabled {
		if n == name {
			return true
		}
	}
	return false
}

// decide fills weights and texts of the raw signals and returns the score
// and action.
func (p Policy) decide(c *Catalogue, raw []Signal) ([]Signal, float64, Action) {
	out := raw[:0]
	var score float64
	force := Accept
	for _, s := range raw {
		if p.disabled(s.Name) {
			continue
		}
		d, ok := c.Lookup(s.Name)
		if !ok {
			d = Definition{Name: s.Name, FR: s.Name, EN: s.Name}
		}
		s.Weight = p.Weight(d)
		s.Force = d.Action
		if a, ok := p.Actions[s.Name]; ok {
			s.Force = a
		}
		s.FR = Explain(d.FR, s.Detail)
		s.EN = Explain(d.EN, s.Detail)
		if d.Banner != "" {
			s.Banner, s.BannerSubject = Explain(d.Banner, s.Detail), d.BannerSubject
		}
		score += s.Weight
		if s.Force.Rank() > force.Rank() {
			force = s.Force
		}
		out = append(out, s)
	}
	score = math.Round(score*100) / 100
	act := Accept
	switch {
	case p.RejectAt > 0 && score >= p.RejectAt:
		act = Reject
	case score >= p.QuarantineAt:
		act = Quarantine
	case score >= p.TagAt:
		act = Tag
	}
	if force.Rank() > act.Rank() {
		act = force
	}
	return out, score, act
}
