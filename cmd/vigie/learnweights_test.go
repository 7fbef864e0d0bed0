package main

import (
	"testing"

	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/weights"
)

// The same body a thousand times counts once; a body labelled both ways is
// left out; validation messages never enter the fit.
func TestTrainingSetDeduplicates(t *testing.T) {
	var items []corpus.Item
	var hashes []string
	var ex []weights.Example
	add := func(label corpus.Label, part corpus.Part, hash string) {
		items = append(items, corpus.Item{Path: hash + ".eml", Label: label, Source: string(label), Part: part})
		hashes = append(hashes, hash)
		ex = append(ex, weights.Example{Phish: label == corpus.Phish, Source: string(label)})
	}
	for range 1000 {
		add(corpus.Phish, corpus.Train, "same")
	}
	add(corpus.Phish, corpus.Train, "other")
	add(corpus.Ham, corpus.Train, "both")
	add(corpus.Phish, corpus.Train, "both")
	add(corpus.Ham, corpus.Train, "ham")
	add(corpus.Ham, corpus.Valid, "held-back")
	got, info := trainingSet(items, hashes, ex)
	if len(got) != 3 || info.Deduplicated != 3 || info.Training != 1004 || info.Files != 1005 {
		t.Errorf("kept %d (info %+v), want same, other and ham", len(got), info)
	}
	if info.SHA256 == "" {
		t.Error("no corpus hash")
	}
}
