package bridge

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/posture"
)

// Passage adapts the trace and the stored audits to
// incident.PassageExplainer: it finds the campaign's messages in the trace
// from the incident's indicators, reads the latest posture report of each
// domain and the latest selftest, and lets posture.Explain say what to
// change.
type Passage struct {
	Trace        Searcher
	Runs         posture.Runs
	OrgDomains   []string
	QuarantineAt float64
	// Window is how far before the incident's opening the trace is read
	// (30 days when zero).
	Window time.Duration
}

// Explain implements incident.PassageExplainer.
func (p Passage) Explain(ctx context.Context, c incident.Case) (*posture.Passage, error) {
	in := posture.ExplainInput{QuarantineAt: p.QuarantineAt, OrgDomains: p.OrgDomains}
	if p.Trace != nil && len(c.Indicators) > 0 {
		w := p.Window
		if w <= 0 {
			w = 30 * 24 * time.Hour
		}
		q := incident.Query(c.Indicators, c.Incident.OpenedAt.Add(-w), time.Time{})
		recs, err := Trace{Log: p.Trace}.Search(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("bridge: passage: %w", err)
		}
		for _, r := range recs {
			in.Messages = append(in.Messages, posture.Verdict{MessageID: r.MessageID, From: r.From, Subject: r.Subject,
				Action: r.Action, Score: r.Score, Signals: r.Signals})
		}
	}
	if p.Runs != nil {
		runs, err := p.Runs.Latest(ctx, "posture")
		if err != nil {
			return nil, fmt.Errorf("bridge: passage: %w", err)
		}
		for _, run := range runs {
			var r posture.Report
			if json.Unmarshal(run.Body, &r) == nil {
				in.Reports = append(in.Reports, &r)
			}
		}
		tests, err := p.Runs.Latest(ctx, "selftest")
		if err != nil {
			return nil, fmt.Errorf("bridge: passage: %w", err)
		}
		if len(tests) > 0 {
			in.SelftestRun = true
			in.SelftestFailed = failedCategories(tests[0].Body)
		}
	}
	out := posture.Explain(in)
	return &out, nil
}

// failedCategories reads a stored selftest run's summary.
func failedCategories(body []byte) []string {
	var run struct {
		Summary []struct {
			Category      string
			Passed, Total int
		} `json:"summary"`
	}
	if json.Unmarshal(body, &run) != nil {
		return nil
	}
	var out []string
	for _, s := range run.Summary {
		if s.Passed < s.Total {
			out = append(out, s.Category)
		}
	}
	return out
}
