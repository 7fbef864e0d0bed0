package lure

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// Every lure phrase has a source and evidence: a phrase that only the
// shared corpus suggested matches at least three phishing messages of the
// training part (docs/eval.md) — fewer means it learned messages, not
// phishing; a phrase from a documented campaign family or the fiche is
// exercised by a golden message written for that family (the golden
// messages of every check family count) or by a training message.
func TestLurePhrasesHaveEvidence(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := Sources(nil)
	if err != nil {
		t.Fatal(err)
	}
	lim := message.DefaultLimits()
	training := make([]int, len(c.Entries()))
	for _, raw := range checktest.TrainingPhish(t) {
		for _, id := range c.Matches(scan.NewInput(raw, message.Parse(raw, lim), scan.Envelope{})) {
			training[id]++
		}
	}
	fixtures := make([]int, len(c.Entries()))
	for _, raw := range checktest.AllGolden(t) {
		for _, id := range c.Matches(scan.NewInput(raw, message.Parse(raw, lim), scan.Envelope{})) {
			fixtures[id]++
		}
	}
	var weak []string
	for i, e := range c.Entries() {
		if sources[e.Source] == "" {
			t.Errorf("%s %q: source %q undescribed", e.Theme, e.Text, e.Source)
		}
		switch {
		case e.Source == "corpus" && training[i] < 3:
			weak = append(weak, e.Theme+"\t"+e.Text)
		case e.Source != "corpus" && fixtures[i] == 0 && training[i] == 0:
			t.Errorf("%s %q (source %s): no golden message and no training message exercises it", e.Theme, e.Text, e.Source)
		}
	}
	if len(weak) > 0 {
		t.Errorf("%d corpus-sourced phrases match fewer than three training phishing messages:\n%s", len(weak), strings.Join(weak, "\n"))
	}
}
