package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/corpus"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/scan"
)

func init() {
	register(command{Name: "eval", Summary: "score phishing and legitimate corpora on the fixed training/validation split", Run: runEval})
}

type evalItem struct {
	corpus.Item
	action  scan.Action
	score   float64
	signals []string
	elapsed time.Duration
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var phish, ham multiFlag
	fs.Var(&phish, "phish", "directory of phishing .eml (repeatable)")
	fs.Var(&ham, "ham", "directory of legitimate .eml (repeatable)")
	cfgPath := fs.String("config", "", "configuration file")
	workers := fs.Int("workers", runtime.NumCPU(), "parallel scanners")
	list := fs.String("list", "", "write one line per message (part, corpus, action, score, file, signals) to this file")
	top := fs.Bool("signals", false, "also list the most frequent signals per corpus")
	withBayes := fs.Bool("bayes", false, "train a fresh in-memory classifier on the training part and scan with it (validation figures show its effect; training figures are then optimistic)")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if len(phish) == 0 && len(ham) == 0 {
		return usageErr("usage: vigie eval --phish DIR… --ham DIR… [--config F] [--list F] [--signals]")
	}
	cfg, sc, err := loadScanner(*cfgPath, stderr)
	if err != nil {
		return err
	}
	items, err := corpus.List(phish, ham)
	if err != nil {
		return err
	}
	// Read everything first so that the timing measures scanning, not disk.
	raws := make([][]byte, len(items))
	for i, it := range items {
		if raws[i], err = corpus.Read(it.Path, int64(cfg.Limits.MaxSize)); err != nil {
			return err
		}
	}
	if *withBayes {
		if sc, err = evalBayesScanner(cfg, items, raws, stdout, stderr); err != nil {
			return err
		}
	}
	start := time.Now()
	verdicts := scanAll(ctx, sc, raws, *workers)
	wall := time.Since(start)
	jobs := make([]evalItem, len(items))
	for i, v := range verdicts {
		jobs[i] = evalItem{Item: items[i], action: v.Action, score: v.Score, elapsed: v.Elapsed, signals: signalNames(v)}
	}
	if *list != "" {
		if err := writeEvalList(*list, jobs); err != nil {
			return err
		}
	}
	return reportEval(stdout, jobs, wall, *top)
}

// evalBayesScanner trains a throw-away classifier on the training part
// only — never the validation part it will be judged on — and returns a
// scanner that consults it. Nothing is written to the store: a site's
// classifier starts empty and learns the site's own mail.
func evalBayesScanner(cfg *config.Config, items []corpus.Item, raws [][]byte, stdout, stderr io.Writer) (*scan.Scanner, error) {
	return bayesScanner(cfg, items, raws, func(i int) bool { return items[i].Part == corpus.Train }, false, stdout, stderr)
}

// bayesScanner trains a throw-away classifier on the messages include
// selects, each body once, and returns a scanner that consults it
// (expertOriginals: engine.Options.ExpertOriginals, for fitting).
func bayesScanner(cfg *config.Config, items []corpus.Item, raws [][]byte, include func(int) bool, expertOriginals bool, stdout, stderr io.Writer) (*scan.Scanner, error) {
	m := bayes.NewModel(bayes.Options{MinLearned: cfg.Bayes.MinLearned, MaxTokens: cfg.Bayes.MaxTokens})
	var tok bayes.Tokenizer
	seen := map[string]bool{}
	learned, dup, refused := 0, 0, 0
	for i := range raws {
		if !include(i) {
			continue
		}
		p, err := tok.Prepare(raws[i], cfg.MessageLimits())
		switch {
		case err != nil:
			refused++
			continue
		case seen[p.Digest]:
			dup++
			continue
		}
		seen[p.Digest] = true
		if err := m.Learn(p.Hashes, bayes.Class(items[i].Label), 1); err != nil {
			return nil, err
		}
		learned++
	}
	st := m.Stats()
	fmt.Fprintf(stdout, "bayes: trained on the training part: %d phishing, %d legitimate, %d features (%d duplicates, %d refused); votes=%v\n",
		st.Phish, st.Ham, st.Tokens, dup, refused, st.Votes)
	c := *cfg
	c.Bayes.Enabled = true
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return engine.New(&c, engine.Options{Log: log, Bayes: m, ExpertOriginals: expertOriginals})
}

// scanAll scans every message with a pool of workers, verdicts in order.
func scanAll(ctx context.Context, sc *scan.Scanner, raws [][]byte, workers int) []*scan.Verdict {
	out := make([]*scan.Verdict, len(raws))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = sc.Scan(ctx, raws[i], scan.Envelope{})
			}
		}()
	}
	for i := range raws {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func signalNames(v *scan.Verdict) []string {
	names := make([]string, len(v.Signals))
	for i, s := range v.Signals {
		names[i] = s.Name
	}
	return names
}

// writeEvalList writes one line per message, sorted by part, label and
// file name (then path), so that two runs over the same corpora give the
// same bytes whatever the order the directories were given or listed in.
func writeEvalList(path string, jobs []evalItem) error {
	sorted := slices.Clone(jobs)
	slices.SortStableFunc(sorted, func(a, b evalItem) int {
		return cmp.Or(cmp.Compare(a.Part, b.Part), cmp.Compare(a.Label, b.Label),
			cmp.Compare(filepath.Base(a.Path), filepath.Base(b.Path)), cmp.Compare(a.Path, b.Path))
	})
	var b strings.Builder
	for _, j := range sorted {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%.1f\t%s\t%s\n", j.Part, j.Label, j.action, j.score, j.Path, strings.Join(j.signals, ","))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

type tally struct {
	n       int
	actions map[scan.Action]int
	signals map[string]int
}

func (t *tally) add(j evalItem) {
	if t.actions == nil {
		t.actions, t.signals = map[scan.Action]int{}, map[string]int{}
	}
	t.n++
	t.actions[j.action]++
	for _, s := range j.signals {
		t.signals[s]++
	}
}

func (t *tally) atLeast(a scan.Action) int {
	n := 0
	for act, c := range t.actions {
		if act.Rank() >= a.Rank() {
			n += c
		}
	}
	return n
}

func (t *tally) flagged() float64     { return pct(t.atLeast(scan.Tag), t.n) }
func (t *tally) quarantined() float64 { return pct(t.atLeast(scan.Quarantine), t.n) }

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// partTally is the figures of one part: per label and per source.
type partTally struct {
	label  map[corpus.Label]*tally
	source map[string]*tally // "phish/phish", "ham/sahard"…
}

func tallyPart(jobs []evalItem, p corpus.Part) partTally {
	t := partTally{label: map[corpus.Label]*tally{corpus.Phish: {}, corpus.Ham: {}}, source: map[string]*tally{}}
	for _, j := range jobs {
		if p != "" && j.Part != p {
			continue
		}
		t.label[j.Label].add(j)
		k := string(j.Label) + "/" + j.Source
		if t.source[k] == nil {
			t.source[k] = &tally{}
		}
		t.source[k].add(j)
	}
	return t
}

// worstHam returns the legitimate source with the highest flagged share.
func (t partTally) worstHam() (string, *tally) {
	name, worst := "", (*tally)(nil)
	for k, s := range t.source {
		if strings.HasPrefix(k, "ham/") && (worst == nil || s.flagged() > worst.flagged() || s.flagged() == worst.flagged() && k < name) {
			name, worst = strings.TrimPrefix(k, "ham/"), s
		}
	}
	return name, worst
}

func reportEval(w io.Writer, jobs []evalItem, wall time.Duration, top bool) error {
	parts := []struct {
		name string
		part corpus.Part
	}{{"training", corpus.Train}, {"validation", corpus.Valid}, {"whole", ""}}
	acts := []scan.Action{scan.Accept, scan.Tag, scan.Quarantine, scan.Reject}
	// For phishing, flagged% is the detection rate; for legitimate mail,
	// the false-positive rate.
	fmt.Fprintf(w, "%-11s %-14s %6s %7s %6s %6s %6s %9s %9s\n", "part", "corpus", "msgs", "accept", "tag", "quar", "reject", "flagged%", "quar+rej%")
	tallies := map[string]partTally{}
	for _, p := range parts {
		t := tallyPart(jobs, p.part)
		tallies[p.name] = t
		row := func(name string, s *tally) {
			if s == nil || s.n == 0 {
				return
			}
			fmt.Fprintf(w, "%-11s %-14s %6d", p.name, name, s.n)
			for _, a := range acts {
				fmt.Fprintf(w, " %6d", s.actions[a])
			}
			fmt.Fprintf(w, " %9.2f %9.2f\n", s.flagged(), s.quarantined())
		}
		row("phish", t.label[corpus.Phish])
		row("ham", t.label[corpus.Ham])
		keys := make([]string, 0, len(t.source))
		for k := range t.source {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k != "phish/phish" {
				row("  "+k, t.source[k])
			}
		}
	}
	if top {
		topSignals(w, tallies["whole"])
	}
	var lat []time.Duration
	for _, j := range jobs {
		lat = append(lat, j.elapsed)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	rate := float64(len(jobs)) / wall.Seconds()
	fmt.Fprintf(w, "\n%d messages in %s: %.0f msgs/s, latency p50 %.3f ms, p99 %.3f ms\n", len(jobs), wall.Round(time.Millisecond), rate, q(0.5), q(0.99))
	for _, p := range parts {
		t := tallies[p.name]
		ph, h := t.label[corpus.Phish], t.label[corpus.Ham]
		ws, wt := t.worstHam()
		line := fmt.Sprintf("part=%s phish=%d detected=%d detected_pct=%.1f quarantined_pct=%.1f ham=%d flagged=%d flagged_pct=%.2f ham_quarantined_pct=%.2f",
			p.name, ph.n, ph.atLeast(scan.Tag), ph.flagged(), ph.quarantined(), h.n, h.atLeast(scan.Tag), h.flagged(), h.quarantined())
		if wt != nil {
			line += fmt.Sprintf(" worst_ham=%s:%.2f/%.2f", ws, wt.flagged(), wt.quarantined())
		}
		if p.part == corpus.Valid {
			// The one line quoted in commit messages: validation only.
			defer fmt.Fprintf(w, "eval: %s msgs_per_s=%.0f p99_ms=%.3f\n", line, rate, q(0.99))
			defer fmt.Fprintf(w, "eval-interval: part=%s 95%% Wilson intervals: detected=%s quarantined=%s ham_flagged=%s ham_quarantined=%s\n",
				p.name, interval(ph.atLeast(scan.Tag), ph.n), interval(ph.atLeast(scan.Quarantine), ph.n),
				interval(h.atLeast(scan.Tag), h.n), interval(h.atLeast(scan.Quarantine), h.n))
		} else {
			fmt.Fprintf(w, "eval-%s: %s\n", p.name, line)
		}
	}
	return nil
}

// interval writes the 95 % Wilson score interval of k successes in n, in
// percent: how far a rate measured on a few hundred messages may be from
// the rate on mail of the same kind. A one-message change on the
// validation part's 240 phishing messages is 0.4 points, inside it.
func interval(k, n int) string {
	if n == 0 {
		return "-"
	}
	const z = 1.96
	p, nf := float64(k)/float64(n), float64(n)
	centre := (p + z*z/(2*nf)) / (1 + z*z/nf)
	half := z / (1 + z*z/nf) * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	return fmt.Sprintf("%.1f-%.1f", 100*max(0, centre-half), 100*min(1, centre+half))
}

func topSignals(w io.Writer, t partTally) {
	for _, name := range []corpus.Label{corpus.Phish, corpus.Ham} {
		s := t.label[name]
		if s.n == 0 {
			continue
		}
		fmt.Fprintf(w, "\ntop signals in %s:\n", name)
		type kv struct {
			k string
			v int
		}
		var list []kv
		for k, v := range s.signals {
			list = append(list, kv{k, v})
		}
		sort.Slice(list, func(i, j int) bool { return list[i].v > list[j].v || list[i].v == list[j].v && list[i].k < list[j].k })
		for i, e := range list {
			if i == 20 {
				break
			}
			fmt.Fprintf(w, "  %5d %5.1f%%  %s\n", e.v, pct(e.v, s.n), e.k)
		}
	}
}
