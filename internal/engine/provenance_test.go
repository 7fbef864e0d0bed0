package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/lure"
	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

const sharedCorpus = "../../../shared/corpus"

// phishFixtures are the phishing messages written for the tests: the
// French campaign families and the seed Chorus Pro scenario of the fiche.
func phishFixtures(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, c := range frenchCampaigns() {
		out[c.name] = c.raw
	}
	for i, c := range moreLureSentences {
		out[fmt.Sprintf("%s/%s/%d", c.signal, c.lang, i)] = msg("From: Service <service@expediteur-exemple.com>\nSubject: Information\nContent-Type: text/plain; charset=utf-8", c.text+"\n")
	}
	for _, c := range advanceFeeLetters() {
		out["advance fee/"+c.name] = c.raw
	}
	b, err := os.ReadFile("testdata/chorus-pro-phish.eml")
	if err != nil {
		t.Fatal(err)
	}
	out["chorus-pro-phish.eml"] = b
	for name, raw := range impersonations() {
		out["impersonation/"+name] = raw
	}
	for _, c := range lureSentences {
		for lang, text := range map[string]string{"fr": c.fr, "en": c.en} {
			out[c.signal+"/"+lang] = msg("From: Service <service@expediteur-exemple.com>\nSubject: Information\nContent-Type: text/plain; charset=utf-8", text+"\n")
		}
	}
	return out
}

// Every lure phrase has a source and evidence: a phrase that only the
// shared corpus suggested matches at least three phishing messages of the
// training part (docs/eval.md) — fewer means it learned messages, not
// phishing; a phrase from a documented campaign family or the fiche is
// exercised by a fixture written for that family.
func TestLurePhrasesHaveEvidence(t *testing.T) {
	if _, err := os.Stat(sharedCorpus); err != nil {
		t.Skip("../shared/corpus is not beside the repository (see README: tests run from a worktree beside ../shared)")
	}
	c, err := lure.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := lure.Sources(nil)
	if err != nil {
		t.Fatal(err)
	}
	items, err := corpus.List([]string{filepath.Join(sharedCorpus, "phish")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lim := message.DefaultLimits()
	training := make([]int, len(c.Entries()))
	for _, it := range corpus.Only(items, corpus.Train) {
		raw, err := corpus.Read(it.Path, lim.MaxSize)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range c.Matches(scan.NewInput(raw, message.Parse(raw, lim), scan.Envelope{})) {
			training[id]++
		}
	}
	fixtures := make([]int, len(c.Entries()))
	for _, raw := range phishFixtures(t) {
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
			t.Errorf("%s %q (source %s): no fixture and no training message exercises it", e.Theme, e.Text, e.Source)
		}
	}
	if len(weak) > 0 {
		t.Errorf("%d corpus-sourced phrases match fewer than three training phishing messages:\n%s", len(weak), strings.Join(weak, "\n"))
	}
}

// Every brand of the catalogue is exercised: a fixture or a phishing
// message of the training part raises a brand signal naming it. A brand
// nobody imitates in any of them is an entry without evidence.
func TestBrandEntriesAreExercised(t *testing.T) {
	if _, err := os.Stat(sharedCorpus); err != nil {
		t.Skip("../shared/corpus is not beside the repository (see README: tests run from a worktree beside ../shared)")
	}
	cfg := gatewayConfig(t)
	s, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var raws [][]byte
	for _, raw := range phishFixtures(t) {
		raws = append(raws, raw)
	}
	items, err := corpus.List([]string{filepath.Join(sharedCorpus, "phish")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range corpus.Only(items, corpus.Train) {
		raw, err := corpus.Read(it.Path, message.DefaultLimits().MaxSize)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	named := map[string]bool{}
	for _, raw := range raws {
		for _, sig := range s.Scan(t.Context(), raw, scan.Envelope{}).Signals {
			if strings.Contains(sig.Name, "BRAND") || strings.Contains(sig.Name, "LOOKALIKE") || strings.Contains(sig.Name, "HOMOGLYPH") || strings.HasPrefix(sig.Name, "INSTITUTION") {
				named[sig.Detail] = true
			}
		}
	}
	for _, b := range brandNames(t) {
		found := false
		for d := range named {
			if strings.HasPrefix(d, b+" <") || strings.HasSuffix(d, "~ "+b) || d == b {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("brand %q: no fixture and no training phishing message exercises it", b)
		}
	}
}

func brandNames(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../checks/brand/brands.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if n, ok := strings.CutPrefix(l, "- name: "); ok {
			out = append(out, strings.Trim(n, `"'`))
		}
	}
	return out
}
