package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/weights"
)

func init() {
	register(command{Name: "learn weights", Summary: "fit the signal weights and thresholds on the training part of labelled corpora", Run: runLearnWeights})
}

func runLearnWeights(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("learn weights", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var phish, ham multiFlag
	fs.Var(&phish, "phish", "directory of phishing .eml (repeatable)")
	fs.Var(&ham, "ham", "directory of legitimate .eml (repeatable)")
	cfgPath := fs.String("config", "", "configuration file (its trust settings say whose authentication results to believe)")
	out := fs.String("out", "learned-weights.yaml", "model file to write (internal/weights/learned.yaml is the embedded one)")
	tagFP := fs.Float64("tag-fp", 0.01, "false-positive rate aimed at for tagging, per legitimate source")
	quarFP := fs.Float64("quarantine-fp", 0.002, "false-positive rate aimed at for quarantine, per legitimate source")
	curve := fs.Bool("curve", false, "print the cross-validated rates at each threshold")
	priorStrength := fs.Float64("prior", 0.3, "pull of each weight towards its expert weight")
	capW := fs.Float64("cap", 8, "largest weight a signal may take")
	headroom := fs.Float64("headroom", 1, "least distance of the tag threshold above the fit's decision boundary, in score points (one weak signal; 0 takes the default, negative: no such floor)")
	unseen := fs.Bool("unseen-sources", false, "also fit once without each legitimate source and score that source with the result: what a kind of legitimate mail the corpus lacks would see")
	unseenList := fs.String("unseen-list", "", "with --unseen-sources: write, for each held-out source, its training-part messages scored by the fit made without it (source, action, score, file, signals); the validation part is only ever read as figures")
	unseenModels := fs.String("unseen-models", "", "with --unseen-sources: a directory to write each fit made without one legitimate source to, as SOURCE.yaml (a model file policy.learned reads): to score fixtures with the models a refit could produce")
	unseenAt := fs.String("unseen-at", "", "with --unseen-sources: the tag/quarantine thresholds (\"4.5/5.5\") to also score each held-out source at; default: those of the fit with every source")
	withBayes := fs.Bool("bayes", false, "fit with the statistical classifier's votes: each training message is scanned by a classifier trained on the other folds of the training part, validation by one trained on all of it (for a site whose classifier votes; the embedded model is fitted without)")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if len(phish) == 0 || len(ham) == 0 {
		return usageErr("usage: vigie learn weights --phish DIR… --ham DIR… [--config F] [--out FILE]")
	}
	if *unseenModels != "" && !*unseen {
		return usageErr("--unseen-models needs --unseen-sources")
	}
	// The forwards' originals are judged at the expert weights while
	// fitting (engine.Options.ExpertOriginals): FORWARDED_PHISH must not
	// depend on the model it is fitted into.
	loaded, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	cfg := &loaded
	sc, err := engine.New(cfg, engine.Options{Log: cliLog(stderr), ExpertOriginals: true})
	if err != nil {
		return err
	}
	items, err := corpus.List(phish, ham)
	if err != nil {
		return err
	}
	raws := make([][]byte, len(items))
	hashes := make([]string, len(items))
	for i, it := range items {
		if raws[i], err = corpus.Read(it.Path, int64(cfg.Limits.MaxSize)); err != nil {
			return err
		}
		hashes[i] = corpus.BodyHash(raws[i])
	}
	verdicts := scanAll(ctx, sc, raws, runtime.NumCPU())
	if *withBayes {
		if verdicts, err = bayesVerdicts(ctx, cfg, items, raws, stdout, stderr); err != nil {
			return err
		}
	}

	examples := make([]weights.Example, len(items))
	for i, v := range verdicts {
		examples[i] = weights.Example{Signals: signalNames(v), Phish: items[i].Label == corpus.Phish, Source: items[i].Source}
	}
	train, info := trainingSet(items, hashes, examples)
	prior := map[string]float64{}
	var noRaise []string
	for _, d := range sc.Catalogue.All() {
		prior[d.Name] = d.Weight
		if d.Family == "authn" || d.Fit == scan.FitLower {
			// The corpora's authentication results were recorded by
			// different receivers in different years: their frequencies
			// tell the corpora apart, not phishing from the rest. A
			// signal marked "fit: lower" says the same of itself.
			noRaise = append(noRaise, d.Name)
		}
	}
	opts := weights.Options{TagFP: *tagFP, QuarantineFP: *quarFP, Prior: *priorStrength, Cap: *capW, NoRaise: noRaise, Headroom: *headroom}
	res, err := weights.Fit(train, prior, opts)
	if err != nil {
		return err
	}
	method := fmt.Sprintf("logistic regression on the training part, prior centred on the catalogue weights, signs fixed, "+
		"capped; thresholds by 5-fold cross-validation inside the training part for at most %.1f %% tagged and %.1f %% "+
		"quarantined per legitimate source%s", 100**tagFP, 100**quarFP, headroomNote(*headroom))
	m := newModel(res, info, method)
	policy := scan.Policy{TagAt: res.Tag, QuarantineAt: res.Quarantine, RejectAt: res.Reject, Learned: res.Weights}
	m.Training = figures(sc.Catalogue, policy, items, verdicts, corpus.Train)
	m.Validation = figures(sc.Catalogue, policy, items, verdicts, corpus.Valid)
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d training messages (%d after removing duplicates), thresholds tag %g quarantine %g reject %g (decision boundary %g)\n",
		*out, info.Training, info.Deduplicated, res.Tag, res.Quarantine, res.Reject, res.Boundary)
	show := func(name string, f weights.Figures) {
		fmt.Fprintf(stdout, "%-16s phish detected %.1f %% quarantined %.1f %%; ham flagged %.2f %% quarantined %.2f %% (worst %s %.2f/%.2f)\n",
			name, f.Detected, f.Quarantined, f.HamFlagged, f.HamQuarantined, f.Worst, f.WorstFlagged, f.WorstQuarant)
	}
	if *curve {
		fmt.Fprintf(stdout, "%9s %9s %9s %s\n", "threshold", "phish%", "ham%", "worst legitimate source (cross-validated)")
		for t := 3.0; t <= 15; t += 0.5 {
			f := weights.Measure(res.OOF, train, t, t)
			fmt.Fprintf(stdout, "%9.1f %9.1f %9.2f %s %.2f\n", t, f.Detected, f.HamFlagged, f.Worst, f.WorstFlagged)
		}
	}
	show("cross-validation", m.CV)
	show("training", m.Training)
	show("validation", m.Validation)
	type change struct {
		name        string
		expert, fit float64
	}
	var moved []change
	for n, w := range res.Weights {
		if math.Abs(w-prior[n]) >= 0.5 {
			moved = append(moved, change{n, prior[n], w})
		}
	}
	sort.Slice(moved, func(i, j int) bool { return moved[i].name < moved[j].name })
	for _, c := range moved {
		fmt.Fprintf(stdout, "  %-32s %+5.1f -> %+5.2f\n", c.name, c.expert, c.fit)
	}
	if *unseen {
		tag, quar := res.Tag, res.Quarantine
		if *unseenAt != "" {
			if _, err := fmt.Sscanf(*unseenAt, "%g/%g", &tag, &quar); err != nil || tag <= 0 || quar < tag {
				return usageErr("--unseen-at %q: want TAG/QUARANTINE, e.g. 4.5/5.5", *unseenAt)
			}
		}
		var save func(string, weights.Result) error
		if *unseenModels != "" {
			if err := os.MkdirAll(*unseenModels, 0o755); err != nil {
				return err
			}
			save = func(held string, r weights.Result) error {
				return saveUnseenModel(*unseenModels, held, r, info, method)
			}
		}
		return unseenSources(stdout, *unseenList, save, sc.Catalogue, items, verdicts, train, prior, opts, tag, quar)
	}
	return nil
}

// newModel is the model file of a fit.
func newModel(res weights.Result, info weights.CorpusInfo, method string) *weights.Model {
	return &weights.Model{
		Version:    1,
		Created:    time.Now().UTC().Format("2006-01-02"),
		Method:     method,
		Corpus:     info,
		Thresholds: weights.Thresholds{Tag: res.Tag, Quarantine: res.Quarantine, Reject: res.Reject},
		Boundary:   res.Boundary,
		CV:         res.CV,
		Weights:    res.Weights,
	}
}

// saveUnseenModel writes the fit made without the legitimate source held
// to dir/held.yaml, a model file policy.learned reads: the must-accept
// fixtures can then be scored with each model a refit could produce.
func saveUnseenModel(dir, held string, res weights.Result, info weights.CorpusInfo, method string) error {
	info.Sources = maps.Clone(info.Sources)
	info.Deduplicated -= info.Sources["ham/"+held]
	delete(info.Sources, "ham/"+held)
	b, err := newModel(res, info, method+"; fitted without the legitimate source "+held).Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, held+".yaml"), b, 0o644); err != nil {
		return fmt.Errorf("write model without %s: %w", held, err)
	}
	return nil
}

// headroomNote says in the model's method how the tag threshold was
// floored (weights.Options.Headroom).
func headroomNote(h float64) string {
	switch {
	case h < 0:
		return ""
	case h == 0:
		h = 1
	}
	return fmt.Sprintf(", tag at least %g above the fit's decision boundary", h)
}

// bayesVerdicts scans every message with a classifier that never learned
// it: a training message with one trained on the other four folds of the
// training part, a validation message with one trained on all of it.
func bayesVerdicts(ctx context.Context, cfg *config.Config, items []corpus.Item, raws [][]byte, stdout, stderr io.Writer) ([]*scan.Verdict, error) {
	const folds = 5
	fold := make([]int, len(items))
	next := map[string]int{}
	for i, it := range items {
		k := string(it.Label) + "/" + it.Source
		fold[i] = next[k] % folds
		next[k]++
	}
	out := make([]*scan.Verdict, len(items))
	for f := -1; f < folds; f++ {
		sc, err := bayesScanner(cfg, items, raws, func(i int) bool { return items[i].Part == corpus.Train && (f < 0 || fold[i] != f) }, true, io.Discard, stderr)
		if err != nil {
			return nil, err
		}
		var idx []int
		for i, it := range items {
			if f < 0 && it.Part == corpus.Valid || f >= 0 && it.Part == corpus.Train && fold[i] == f {
				idx = append(idx, i)
			}
		}
		sub := make([][]byte, len(idx))
		for j, i := range idx {
			sub[j] = raws[i]
		}
		for j, v := range scanAll(ctx, sc, sub, runtime.NumCPU()) {
			out[idx[j]] = v
		}
	}
	fmt.Fprintln(stdout, "bayes: every message scanned by a classifier that did not learn it")
	return out, nil
}

// trainingSet keeps the training part, each body once: the same message
// sent a thousand times, or an empty body repeated, counts once, and a
// body labelled both ways is left out.
func trainingSet(items []corpus.Item, hashes []string, ex []weights.Example) ([]weights.Example, weights.CorpusInfo) {
	info := weights.CorpusInfo{Files: len(items), Sources: map[string]int{}}
	lines := make([]string, len(items))
	labels := map[string]map[corpus.Label]bool{}
	for i, it := range items {
		lines[i] = strings.Join([]string{string(it.Label), it.Source, filepath.Base(it.Path), hashes[i]}, "\t")
		if it.Part == corpus.Train {
			info.Training++
			if labels[hashes[i]] == nil {
				labels[hashes[i]] = map[corpus.Label]bool{}
			}
			labels[hashes[i]][it.Label] = true
		}
	}
	sort.Strings(lines)
	h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	info.SHA256 = hex.EncodeToString(h[:])
	var out []weights.Example
	seen := map[string]bool{}
	for i, it := range items {
		if it.Part != corpus.Train || seen[hashes[i]] || len(labels[hashes[i]]) > 1 {
			continue
		}
		if corpus.Mislabelled(hashes[i]) {
			info.Errata++
			continue
		}
		seen[hashes[i]] = true
		out = append(out, ex[i])
		info.Sources[string(it.Label)+"/"+it.Source]++
	}
	info.Deduplicated = len(out)
	return out, info
}

// figures scores one part under a policy, as a scan would.
func figures(cat *scan.Catalogue, p scan.Policy, items []corpus.Item, verdicts []*scan.Verdict, part corpus.Part) weights.Figures {
	return scoreItems(cat, p, items, verdicts, func(i int) bool { return items[i].Part == part })
}

// scoreItems scores the items keep selects under a policy, as a scan would.
func scoreItems(cat *scan.Catalogue, p scan.Policy, items []corpus.Item, verdicts []*scan.Verdict, keep func(int) bool) weights.Figures {
	var ex []weights.Example
	var scores []float64
	for i, v := range verdicts {
		if !keep(i) {
			continue
		}
		raw := make([]scan.Signal, len(v.Signals))
		for j, s := range v.Signals {
			raw[j] = scan.Signal{Name: s.Name, Detail: s.Detail}
		}
		_, score, act := p.Decide(cat, raw)
		// An action forced by a signal counts at its threshold.
		switch act {
		case scan.Reject, scan.Quarantine:
			score = max(score, p.QuarantineAt)
		case scan.Tag:
			score = max(score, p.TagAt)
		}
		ex = append(ex, weights.Example{Phish: items[i].Label == corpus.Phish, Source: items[i].Source})
		scores = append(scores, score)
	}
	return weights.Measure(scores, ex, p.TagAt, p.QuarantineAt)
}
