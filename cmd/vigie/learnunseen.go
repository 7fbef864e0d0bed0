package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/weights"
)

// unseenSources estimates what a kind of legitimate mail the corpus lacks
// would see. Cross-validation draws its folds from every source, so each
// fold's model has seen the newsletters or the list it is scored on; the
// mail Vigie meets in a hospital comes from senders no corpus holds. For
// each legitimate source, the weights and thresholds are fitted once more
// without any of its messages, and all of that source's messages (both
// parts) are scored with the result, beside the validation phishing.
// The same source is also scored with the weights fitted without it at
// the thresholds of the fit with every source (tag, quarantine): that
// separates what the weights learned from the thresholds chosen.
// save, unless nil, is given each fit made without one source.
// With listPath, the training-part messages of each held-out source are
// written there with their score and action under the fit made without
// it, to study why they fire; validation messages are never listed.
func unseenSources(w io.Writer, listPath string, save func(held string, res weights.Result) error, cat *scan.Catalogue, items []corpus.Item, verdicts []*scan.Verdict,
	train []weights.Example, prior map[string]float64, opts weights.Options, tag, quarantine float64) error {
	sources := map[string]bool{}
	for _, e := range train {
		if !e.Phish {
			sources[e.Source] = true
		}
	}
	names := make([]string, 0, len(sources))
	for s := range sources {
		names = append(names, s)
	}
	sort.Strings(names)
	var rows []string
	fmt.Fprintf(w, "\nfitted without one legitimate source, then scored on all of it (both parts):\n")
	fmt.Fprintf(w, "%-10s %5s %5s %9s %9s %6s   %-10s   at %g/%g: %s\n", "unseen", "tag", "quar", "flagged%", "quarant%", "msgs",
		"phish val%", tag, quarantine, "flagged% quarant% phish val%")
	for _, held := range names {
		var rest []weights.Example
		for _, e := range train {
			if e.Phish || e.Source != held {
				rest = append(rest, e)
			}
		}
		res, err := weights.Fit(rest, prior, opts)
		if err != nil {
			return fmt.Errorf("fit without %s: %w", held, err)
		}
		if save != nil {
			if err := save(held, res); err != nil {
				return err
			}
		}
		p := scan.Policy{TagAt: res.Tag, QuarantineAt: res.Quarantine, RejectAt: res.Reject, Learned: res.Weights}
		n := 0
		isHeld := func(i int) bool { return items[i].Label == corpus.Ham && items[i].Source == held }
		isPhish := func(i int) bool { return items[i].Label == corpus.Phish && items[i].Part == corpus.Valid }
		for i := range items {
			if isHeld(i) {
				n++
			}
		}
		for i := range items {
			if isHeld(i) && items[i].Part == corpus.Train {
				rows = append(rows, unseenRow(cat, p, held, items[i].Path, verdicts[i]))
			}
		}
		ham, phish := scoreItems(cat, p, items, verdicts, isHeld), scoreItems(cat, p, items, verdicts, isPhish)
		p.TagAt, p.QuarantineAt = tag, quarantine
		hamAt, phishAt := scoreItems(cat, p, items, verdicts, isHeld), scoreItems(cat, p, items, verdicts, isPhish)
		fmt.Fprintf(w, "%-10s %5g %5g %9.2f %9.2f %6d   %4.1f/%4.1f      %9.2f %8.2f %4.1f/%4.1f\n", held, res.Tag, res.Quarantine,
			ham.HamFlagged, ham.HamQuarantined, n, phish.Detected, phish.Quarantined,
			hamAt.HamFlagged, hamAt.HamQuarantined, phishAt.Detected, phishAt.Quarantined)
	}
	if listPath == "" {
		return nil
	}
	if err := os.WriteFile(listPath, []byte(strings.Join(rows, "")), 0o644); err != nil {
		return fmt.Errorf("write unseen list: %w", err)
	}
	return nil
}

// unseenRow is one held-out training message as scored by the fit made
// without its source: source, action, score, file, signals.
func unseenRow(cat *scan.Catalogue, p scan.Policy, source, path string, v *scan.Verdict) string {
	raw := make([]scan.Signal, len(v.Signals))
	names := make([]string, len(v.Signals))
	for j, s := range v.Signals {
		raw[j] = scan.Signal{Name: s.Name, Detail: s.Detail}
		names[j] = s.Name
	}
	_, score, act := p.Decide(cat, raw)
	return fmt.Sprintf("%s\t%s\t%.1f\t%s\t%s\n", source, act, score, path, strings.Join(names, ","))
}
