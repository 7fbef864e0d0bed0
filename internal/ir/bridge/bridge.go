// Package bridge connects the incident service to the rest of Vigie: the
// indicator service the gateway reads (internal/ioc), the message trace it
// writes (internal/trace), the supplier register, the stored posture audits
// and the mail servers' logs. It is the only place where incident response
// knows those packages, which keeps package incident free of them and of
// storage; package app builds the service with NewService.
package bridge

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/trace"
)

// Indicators adapts an ioc.Service to incident.IndicatorSink.
type Indicators struct{ Service *ioc.Service }

// AddIndicator implements incident.IndicatorSink.
func (b Indicators) AddIndicator(ctx context.Context, p incident.Push) (incident.PushResult, error) {
	mode, err := ioc.ParseMode(p.Mode)
	if err != nil {
		return incident.PushResult{}, err
	}
	ind, err := b.Service.Add(ctx, ioc.NewIndicator{Kind: ioc.Kind(p.Kind), Value: p.Value, Mode: mode, TTL: p.TTL,
		Source: p.Source, Reason: p.Reason, AddedBy: p.AddedBy})
	if f, ok := ioc.Refusal(err); ok {
		return incident.PushResult{}, refusedFR{f: f, err: err}
	}
	if err != nil {
		return incident.PushResult{}, err
	}
	return incident.PushResult{ID: ind.ID, Value: ind.Value, ExpiresAt: ind.ExpiresAt}, nil
}

// refusedFR says a guard refusal in French, for the incident's journal,
// and keeps the refusal for errors.As.
type refusedFR struct {
	f   *ioc.Finding
	err error
}

func (e refusedFR) Error() string { return "refusé : " + e.f.Message("fr") }
func (e refusedFR) Unwrap() error { return e.err }

// Vet implements incident.Vetter with the indicator store's guard: what
// it refuses is dropped, shared infrastructure is demoted to watch.
func (b Indicators) Vet(ctx context.Context, kind, value string) (string, string, error) {
	_, _, f, err := b.Service.Check(ctx, ioc.Kind(kind), value)
	switch {
	case err != nil && dberr.Unavailable(err):
		return "", "", err
	case err != nil:
		return "drop", "valeur invalide : " + err.Error(), nil
	case f == nil:
		return "", "", nil
	case f.Shared:
		return "watch", f.Message("fr"), nil
	}
	return "drop", f.Message("fr"), nil
}

// Exclude reports whether a value must not be shared with partners (STIX,
// MISP): what the guard refuses or calls shared infrastructure.
func (b Indicators) Exclude(kind, value string) bool {
	action, _, err := b.Vet(context.Background(), kind, value)
	return err == nil && action != ""
}

// Searcher is what Trace needs of the message trace (trace.Log).
type Searcher interface {
	Search(ctx context.Context, q trace.Query) ([]trace.Record, error)
}

// Trace adapts the message trace to incident.TraceSearcher. The trace
// answers one observable per query; Trace asks once per observable and
// merges the answers, noting which observables each message matched.
type Trace struct{ Log Searcher }

// Search implements incident.TraceSearcher.
func (b Trace) Search(ctx context.Context, q incident.TraceQuery) ([]incident.TraceRecord, error) {
	type ask struct {
		label string
		q     trace.Query
	}
	var asks []ask
	add := func(label string, vals []string, set func(*trace.Query, string)) {
		for _, v := range vals {
			tq := trace.Query{Since: q.Since, Until: q.Until, Limit: 10000}
			set(&tq, v)
			asks = append(asks, ask{label + " " + v, tq})
		}
	}
	add("sender", q.Senders, func(t *trace.Query, v string) { t.Sender = v })
	add("ip", q.IPs, func(t *trace.Query, v string) { t.IP = v })
	add("domain", q.Domains, func(t *trace.Query, v string) { t.Domain = v })
	add("host", q.Hosts, func(t *trace.Query, v string) { t.Domain = v })
	add("url", q.URLs, func(t *trace.Query, v string) { t.URL = v })
	add("sha256", q.SHA256, func(t *trace.Query, v string) { t.Hash = v })
	add("fuzzy", q.Fuzzy, func(t *trace.Query, v string) { t.Hash = v })

	byID := map[int64]*incident.TraceRecord{}
	var order []int64
	for _, a := range asks {
		recs, err := b.Log.Search(ctx, a.q)
		if err != nil {
			return nil, fmt.Errorf("bridge: trace search %s: %w", a.label, err)
		}
		for _, r := range recs {
			tr := byID[r.ID]
			if tr == nil {
				tr = &incident.TraceRecord{Time: r.At, MessageID: r.MessageID, From: r.From, MailFrom: r.MailFrom,
					ClientIP: r.ClientIP, Subject: r.Subject, Recipients: r.RcptTo, Action: Action(r.Action),
					Score: r.Score, Signals: r.Signals}
				byID[r.ID] = tr
				order = append(order, r.ID)
			}
			if !slices.Contains(tr.Matched, a.label) {
				tr.Matched = append(tr.Matched, a.label)
			}
		}
	}
	out := make([]incident.TraceRecord, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	slices.SortStableFunc(out, func(a, b incident.TraceRecord) int { return a.Time.Compare(b.Time) })
	return out, nil
}

// Action names a trace action the way incident reports do: what happened
// to the user's copy.
func Action(a string) string {
	switch strings.ToLower(a) {
	case "accept":
		return "delivered"
	case "tag":
		return "tagged"
	case "quarantine":
		return "quarantined"
	case "reject":
		return "rejected"
	case "tempfail":
		return "deferred"
	}
	return a
}
