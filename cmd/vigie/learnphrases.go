package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"vigie.dev/vigie/internal/checks/lure"
	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

func init() {
	register(command{Name: "learn phrases", Summary: "count, per lure phrase, the training messages it matches (provenance rule)", Run: runLearnPhrases})
}

// phraseEvidence counts, per catalogue entry, the training messages of
// each label that match it.
type phraseEvidence struct{ phish, ham []int }

func countPhrases(c *lure.Check, items []corpus.Item, maxSize int64) (phraseEvidence, error) {
	n := len(c.Entries())
	ev := phraseEvidence{make([]int, n), make([]int, n)}
	lim := message.DefaultLimits()
	lim.MaxSize = maxSize
	for _, it := range corpus.Only(items, corpus.Train) {
		raw, err := corpus.Read(it.Path, maxSize)
		if err != nil {
			return ev, err
		}
		in := scan.NewInput(raw, message.Parse(raw, lim), scan.Envelope{})
		for _, id := range c.Matches(in) {
			if it.Label == corpus.Phish {
				ev.phish[id]++
			} else {
				ev.ham[id]++
			}
		}
	}
	return ev, nil
}

func runLearnPhrases(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("learn phrases", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var phish, ham multiFlag
	fs.Var(&phish, "phish", "directory of phishing .eml (repeatable)")
	fs.Var(&ham, "ham", "directory of legitimate .eml (repeatable)")
	below := fs.Int("below", 0, "list only corpus-sourced phrases matching fewer training phishing messages than this")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if len(phish) == 0 {
		return usageErr("usage: vigie learn phrases --phish DIR… [--ham DIR…] [--below N]")
	}
	c, err := lure.New(nil)
	if err != nil {
		return err
	}
	items, err := corpus.List(phish, ham)
	if err != nil {
		return err
	}
	ev, err := countPhrases(c, items, message.DefaultLimits().MaxSize)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-22s %-14s %6s %6s  %s\n", "theme", "source", "phish", "ham", "phrase (training part)")
	shown := 0
	for i, e := range c.Entries() {
		if *below > 0 && (e.Source != "corpus" || ev.phish[i] >= *below) {
			continue
		}
		shown++
		fmt.Fprintf(stdout, "%-22s %-14s %6d %6d  %s\n", e.Theme, e.Source, ev.phish[i], ev.ham[i], e.Text)
	}
	fmt.Fprintf(stdout, "%d of %d phrases listed\n", shown, len(c.Entries()))
	return nil
}
