package main

import (
	"os"
	"strings"
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

// vigie learn weights writes a model the configuration accepts, with and
// without the classifier's out-of-fold votes.
func TestLearnWeightsWritesAModel(t *testing.T) {
	for _, extra := range [][]string{nil, {"--bayes"}} {
		out := t.TempDir() + "/model.yaml"
		args := append([]string{"learn", "weights", "--phish", "../../internal/engine/testdata/chorus-pro-phish.eml",
			"--phish", "../../internal/engine/testdata/chorus-pro-phish.eml", "--ham", "../../internal/engine/testdata/legit", "--out", out}, extra...)
		stdout, errs, code := runCmd(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
		if _, err := weights.Load(out); err != nil {
			t.Errorf("%v: model unreadable: %v\n%s", extra, err, stdout)
		}
		cfg := t.TempDir() + "/vigie.yaml"
		os.WriteFile(cfg, []byte("policy:\n  learned: "+out+"\n"), 0o644)
		if _, errs, code := runCmd(t, "config", "check", cfg); code != 0 {
			t.Errorf("config with the learned model refused: %s", errs)
		}
	}
}

func TestLearnPhrasesCounts(t *testing.T) {
	out, errs, code := runCmd(t, "learn", "phrases", "--phish", "../../internal/engine/testdata/chorus-pro-phish.eml")
	if code != 0 || !strings.Contains(out, "phrases listed") {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
}

// --unseen-sources fits once more without each legitimate source and
// scores that source with the result: one line per source.
func TestLearnWeightsUnseenSources(t *testing.T) {
	out := t.TempDir() + "/model.yaml"
	stdout, errs, code := runCmd(t, "learn", "weights", "--phish", "../../internal/engine/testdata/chorus-pro-phish.eml",
		"--ham", "../../internal/engine/testdata/legit", "--out", out, "--unseen-sources")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, table, ok := strings.Cut(stdout, "fitted without one legitimate source")
	if !ok {
		t.Fatalf("no unseen-source table:\n%s", stdout)
	}
	for _, src := range []string{"ameli", "facture", "newsletter"} {
		if !strings.Contains(table, "\n"+src+" ") {
			t.Errorf("no line for source %s:\n%s", src, table)
		}
	}
}

// --unseen-at scores each held-out source at the thresholds given, and
// --unseen-list writes the held-out sources' training-part messages only:
// the validation part is read as figures, never message by message.
func TestLearnWeightsUnseenAtAndList(t *testing.T) {
	dir := t.TempDir()
	list := dir + "/unseen.tsv"
	stdout, errs, code := runCmd(t, "learn", "weights", "--phish", "../../internal/engine/testdata/chorus-pro-phish.eml",
		"--ham", "../../internal/engine/testdata/legit", "--out", dir+"/model.yaml", "--unseen-sources",
		"--unseen-at", "4.5/5.5", "--unseen-list", list)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "at 4.5/5.5:") {
		t.Errorf("the table is not at 4.5/5.5:\n%s", stdout)
	}
	b, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	items, err := corpus.List([]string{"../../internal/engine/testdata/chorus-pro-phish.eml"}, []string{"../../internal/engine/testdata/legit"})
	if err != nil {
		t.Fatal(err)
	}
	part := map[string]corpus.Part{}
	for _, it := range items {
		part[it.Path] = it.Part
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatal("empty unseen list")
	}
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 5 {
			t.Fatalf("line %q: %d fields, want 5", l, len(f))
		}
		if part[f[3]] != corpus.Train {
			t.Errorf("%s listed, part %q", f[3], part[f[3]])
		}
	}
	if _, _, code := runCmd(t, "learn", "weights", "--phish", "../../internal/engine/testdata/chorus-pro-phish.eml",
		"--ham", "../../internal/engine/testdata/legit", "--out", dir+"/m2.yaml", "--unseen-sources", "--unseen-at", "5.5"); code == 0 {
		t.Error("--unseen-at 5.5 accepted")
	}
}

// --headroom sets how far above the fit's decision boundary the tag
// threshold must stay; the model file records the boundary and says so.
func TestLearnWeightsHeadroom(t *testing.T) {
	for _, c := range []struct {
		flag   string
		h      float64
		method string
	}{{"--headroom=2", 2, "2 above the fit's decision boundary"}, {"--headroom=-1", -1, ""}} {
		out := t.TempDir() + "/model.yaml"
		stdout, errs, code := runCmd(t, "learn", "weights", "--phish", "../../internal/engine/testdata/chorus-pro-phish.eml",
			"--ham", "../../internal/engine/testdata/legit", "--out", out, c.flag)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.flag, code, errs)
		}
		m, err := weights.Load(out)
		if err != nil {
			t.Fatalf("%s: %v", c.flag, err)
		}
		if !strings.Contains(stdout, "decision boundary") {
			t.Errorf("%s: the boundary is not printed:\n%s", c.flag, stdout)
		}
		if c.h > 0 && m.Thresholds.Tag < m.Boundary+c.h-0.01 {
			t.Errorf("%s: tag %g under boundary %g + %g", c.flag, m.Thresholds.Tag, m.Boundary, c.h)
		}
		if got := strings.Contains(m.Method, "decision boundary"); got != (c.method != "") || !strings.Contains(m.Method, c.method) {
			t.Errorf("%s: method %q, want it to say %q", c.flag, m.Method, c.method)
		}
	}
}

// --unseen-models writes each fit made without one legitimate source as
// SOURCE.yaml, a model file a configuration reads, whose corpus no longer
// names that source; without --unseen-sources it is refused.
func TestLearnWeightsUnseenModels(t *testing.T) {
	dir := t.TempDir()
	models := dir + "/unseen"
	_, errs, code := runCmd(t, "learn", "weights", "--phish", "../../internal/engine/testdata/chorus-pro-phish.eml",
		"--ham", "../../internal/engine/testdata/legit", "--out", dir+"/model.yaml", "--unseen-sources", "--unseen-models", models)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, src := range []string{"ameli", "facture", "newsletter"} {
		f := models + "/" + src + ".yaml"
		m, err := weights.Load(f)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if _, ok := m.Corpus.Sources["ham/"+src]; ok || !strings.Contains(m.Method, "without the legitimate source "+src) {
			t.Errorf("%s: the model still names its held-out source: %v, %q", src, m.Corpus.Sources, m.Method)
		}
		cfg := dir + "/" + src + ".vigie.yaml"
		os.WriteFile(cfg, []byte("policy:\n  learned: "+f+"\n"), 0o644)
		if _, errs, code := runCmd(t, "config", "check", cfg); code != 0 {
			t.Errorf("%s: config with the model refused: %s", src, errs)
		}
	}
	if _, _, code := runCmd(t, "learn", "weights", "--phish", "../../internal/engine/testdata/chorus-pro-phish.eml",
		"--ham", "../../internal/engine/testdata/legit", "--out", dir+"/m2.yaml", "--unseen-models", models); code == 0 {
		t.Error("--unseen-models without --unseen-sources accepted")
	}
}
