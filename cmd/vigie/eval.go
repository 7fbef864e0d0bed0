package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/scan"
)

func init() {
	register(command{Name: "eval", Summary: "score phishing and legitimate corpora: detection and false-positive rates", Run: runEval})
}

type evalItem struct {
	file    string
	corpus  string // "phish" or "ham"
	source  string // file-name prefix: the list or feed it came from
	action  scan.Action
	score   float64
	signals []string
	elapsed time.Duration
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	phish := fs.String("phish", "", "directory of phishing .eml")
	ham := fs.String("ham", "", "directory of legitimate .eml")
	cfgPath := fs.String("config", "", "configuration file")
	workers := fs.Int("workers", runtime.NumCPU(), "parallel scanners")
	list := fs.String("list", "", "write one line per message (corpus, action, score signals, file) to this file")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if *phish == "" && *ham == "" {
		return usageErr("usage: vigie eval --phish DIR --ham DIR [--config F]")
	}
	cfg, sc, err := loadScanner(*cfgPath, stderr)
	if err != nil {
		return err
	}
	var jobs []evalItem
	for _, c := range []struct{ dir, name string }{{*phish, "phish"}, {*ham, "ham"}} {
		if c.dir == "" {
			continue
		}
		files, err := inputs([]string{c.dir})
		if err != nil {
			return err
		}
		for _, f := range files {
			src := filepath.Base(f)
			if i := strings.IndexByte(src, '-'); i > 0 {
				src = src[:i]
			}
			jobs = append(jobs, evalItem{file: f, corpus: c.name, source: src})
		}
	}
	// Read everything first so that the timing measures scanning, not disk.
	raws := make([][]byte, len(jobs))
	for i, j := range jobs {
		if raws[i], err = readInput(j.file, int64(cfg.Limits.MaxSize)); err != nil {
			return fmt.Errorf("%s: %w", j.file, err)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, *workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				v := sc.Scan(ctx, raws[i], scan.Envelope{})
				jobs[i].action = v.Action
				jobs[i].score = v.Score
				jobs[i].elapsed = v.Elapsed
				for _, s := range v.Signals {
					jobs[i].signals = append(jobs[i].signals, s.Name)
				}
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	wall := time.Since(start)
	if *list != "" {
		if err := writeEvalList(*list, jobs); err != nil {
			return err
		}
	}
	return reportEval(stdout, jobs, wall)
}

func writeEvalList(path string, jobs []evalItem) error {
	var b strings.Builder
	for _, j := range jobs {
		fmt.Fprintf(&b, "%s\t%s\t%.1f\t%s\t%s\n", j.corpus, j.action, j.score, j.file, strings.Join(j.signals, ","))
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

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func reportEval(w io.Writer, jobs []evalItem, wall time.Duration) error {
	corpora := map[string]*tally{"phish": {}, "ham": {}}
	sources := map[string]*tally{}
	var lat []time.Duration
	for _, j := range jobs {
		corpora[j.corpus].add(j)
		key := j.corpus + "/" + j.source
		if sources[key] == nil {
			sources[key] = &tally{}
		}
		sources[key].add(j)
		lat = append(lat, j.elapsed)
	}
	acts := []scan.Action{scan.Accept, scan.Tag, scan.Quarantine, scan.Reject}
	fmt.Fprintf(w, "%-22s %6s %8s %8s %11s %8s %9s %9s\n", "corpus", "msgs", "accept", "tag", "quarantine", "reject", "flagged%", "quar+rej%")
	row := func(name string, t *tally) {
		if t.n == 0 {
			return
		}
		fmt.Fprintf(w, "%-22s %6d", name, t.n)
		for _, a := range acts {
			fmt.Fprintf(w, " %8d", t.actions[a])
		}
		fmt.Fprintf(w, " %9.1f %9.1f\n", pct(t.atLeast(scan.Tag), t.n), pct(t.atLeast(scan.Quarantine), t.n))
	}
	row("phish", corpora["phish"])
	row("ham", corpora["ham"])
	keys := make([]string, 0, len(sources))
	for k := range sources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		row("  "+k, sources[k])
	}
	for _, name := range []string{"phish", "ham"} {
		t := corpora[name]
		if t.n == 0 {
			continue
		}
		fmt.Fprintf(w, "\ntop signals in %s:\n", name)
		type kv struct {
			k string
			v int
		}
		var list []kv
		for k, v := range t.signals {
			list = append(list, kv{k, v})
		}
		sort.Slice(list, func(i, j int) bool { return list[i].v > list[j].v || list[i].v == list[j].v && list[i].k < list[j].k })
		for i, e := range list {
			if i == 20 {
				break
			}
			fmt.Fprintf(w, "  %5d %5.1f%%  %s\n", e.v, pct(e.v, t.n), e.k)
		}
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
	p, h := corpora["phish"], corpora["ham"]
	fmt.Fprintf(w, "eval: phish=%d detected=%d detected_pct=%.1f quarantined_pct=%.1f ham=%d flagged=%d flagged_pct=%.2f ham_quarantined_pct=%.2f msgs_per_s=%.0f p99_ms=%.3f\n",
		p.n, p.atLeast(scan.Tag), pct(p.atLeast(scan.Tag), p.n), pct(p.atLeast(scan.Quarantine), p.n),
		h.n, h.atLeast(scan.Tag), pct(h.atLeast(scan.Tag), h.n), pct(h.atLeast(scan.Quarantine), h.n), rate, q(0.99))
	return nil
}
