package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
)

// sweep runs the indicator sweep (--ioc-only) over raw files of any format.
func sweep(ctx context.Context, paths []string, set *hunt.Set, f huntFlags, l lang, prog *progress, stdout, stderr io.Writer) error {
	files, reports := ingest.Expand(paths)
	out := huntOutput{Findings: []hunt.Finding{}, Accounts: []string{}, Sweep: &hunt.SweepStats{}, Timing: map[string]float64{}}
	start := time.Now()
	var done int64
	for _, file := range files {
		in, err := ingest.Open(file, os.Stdin, false)
		if err != nil {
			reports = append(reports, ingest.Report{File: file, Problem: ingest.ProblemUnreadable, Err: err.Error()})
			continue
		}
		hits, st, err := hunt.Sweep(ctx, progressReader{in, prog, file, &done}, file, set, 0)
		in.Close()
		rep := ingest.Report{File: file, Stats: logs.Stats{Lines: st.Lines, Events: st.Hits}}
		rep.Bytes, _ = in.Raw()
		switch {
		case err == nil:
		case errors.Is(err, ingest.ErrTruncated):
			rep.Problem, rep.Err = ingest.ProblemTruncated, err.Error()
		default:
			rep.Problem, rep.Err = ingest.ProblemBroken, err.Error()
		}
		reports = append(reports, rep)
		out.Hits = append(out.Hits, hits...)
		out.Sweep.Bytes += st.Bytes
		out.Sweep.Lines += st.Lines
		out.Sweep.Hits += st.Hits
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	prog.done()
	secs := time.Since(start).Seconds()
	out.Files = reports
	out.Timing["sweep"] = secs
	if !readAnything(reports) {
		printSweepReports(stderr, l, reports)
		return errors.New(l.t("aucun journal n'a pu être lu : rien n'a été analysé", "no log could be read: nothing was analysed"))
	}
	if f.asJSON {
		return writeJSON(safeJSON{stdout}, out)
	}
	printSweepReports(stderr, l, reports)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, l.t("FICHIER:LIGNE\tINDICATEUR\tLIGNE", "FILE:LINE\tINDICATOR\tLINE"))
	for _, h := range out.Hits {
		text := []rune(clean(h.Text))
		if len(text) > 160 {
			text = append(text[:160], '…')
		}
		fmt.Fprintf(tw, "%s:%d\t%s %s\t%s\n", clean(h.File), h.Line, h.Indicator.Kind, clean(h.Indicator.Value), string(text))
	}
	tw.Flush()
	fmt.Fprintln(stderr, "vigie hunt: "+l.f("balayé %d octets, %d lignes, %d indicateurs : %d lignes trouvées en %.2f s (%.0f Mo/s)",
		"swept %d bytes, %d lines, %d indicators: %d hits in %.2fs (%.0f MB/s)",
		out.Sweep.Bytes, out.Sweep.Lines, set.Len(), out.Sweep.Hits, secs, float64(out.Sweep.Bytes)/1e6/secs))
	return nil
}

func printSweepReports(w io.Writer, l lang, reports []ingest.Report) {
	for _, r := range reports {
		switch r.Problem {
		case ingest.ProblemUnreadable:
			fmt.Fprintf(w, "vigie hunt: %s: %s\n", clean(r.File), l.f("illisible : %s", "unreadable: %s", clean(r.Err)))
		case ingest.ProblemTruncated:
			fmt.Fprintf(w, "vigie hunt: %s: %s\n", clean(r.File), l.f("FICHIER TRONQUÉ, balayé jusqu'à la coupure (%d lignes) : %s", "TRUNCATED FILE, swept up to the cut (%d lines): %s", r.Lines, clean(r.Err)))
		case ingest.ProblemBroken:
			fmt.Fprintf(w, "vigie hunt: %s: %s\n", clean(r.File), l.f("lecture interrompue : %s", "reading stopped: %s", clean(r.Err)))
		}
	}
}

// progressReader reports the bytes read to a progress line.
type progressReader struct {
	r    io.Reader
	p    *progress
	file string
	done *int64
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	*p.done += int64(n)
	p.p.update(p.file, *p.done, 0)
	return n, err
}
