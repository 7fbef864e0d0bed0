package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/geo"
	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
)

func init() {
	register(command{
		Name:    "hunt",
		Summary: "hunt logs for compromise: IoC hits, unusual sign-ins, mailbox rules, spam bursts",
		Run:     runHunt,
	})
}

// huntOutput is the --json document.
type huntOutput struct {
	Findings []hunt.Finding     `json:"findings,omitempty"`
	Hits     []hunt.Hit         `json:"hits,omitempty"`
	Sweep    *hunt.SweepStats   `json:"sweep,omitempty"`
	Files    []ingest.Report    `json:"files"`
	Users    []string           `json:"users,omitempty"`
	Timing   map[string]float64 `json:"timing_seconds,omitempty"`
}

func runHunt(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hunt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var iocFiles multiFlag
	fs.Var(&iocFiles, "ioc", "file of indicators, one per line: IP, CIDR, domain or URL (repeatable)")
	since := fs.String("since", "", "report only events from this time on (RFC 3339, YYYY-MM-DD, or a duration like 72h); earlier events form the baseline")
	year := fs.Int("year", 0, "year of syslog timestamps (default: from each file's modification time)")
	tz := fs.String("tz", "Local", "time zone of syslog timestamps")
	iocOnly := fs.Bool("ioc-only", false, "only sweep the logs for the indicators (fast, any text log)")
	geoDir := fs.String("geoip", os.Getenv("VIGIE_GEOIP_DIR"), "directory of GeoIP data installed by scripts/install-geoip.sh")
	format := fs.String("format", "", "force the log format instead of detecting it ("+formats()+")")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	incidentID := fs.Int64("incident", 0, "record the findings in this incident's main courante and add the affected users")
	storeDSN := fs.String("store", "", "also hunt for the indicator store's live entries (\"default\" for "+defaultStoreDSN()+")")
	cfgPath := fs.String("config", "", "configuration file (data directory and store, for --incident)")
	baseline := fs.Duration("baseline", 14*24*time.Hour, "baseline window for new countries, networks, hours and mail volume")
	internal := fs.String("domains", "", "comma-separated mail domains of the organisation (default: each user's own domain)")
	verbose := fs.Bool("v", false, "log each file read")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vigie hunt [--since T] [--year Y] [--ioc FILE]... [--ioc-only] [--geoip DIR] [--json] LOGS...\n\nLOGS are files, directories or - (stdin), plain or .gz.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageErr("no logs given")
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	set := hunt.NewSet()
	for _, f := range iocFiles {
		fh, err := os.Open(f)
		if err != nil {
			return fmt.Errorf("indicators: %w", err)
		}
		bad, first := set.ReadList(fh)
		fh.Close()
		if bad > 0 {
			fmt.Fprintf(stderr, "vigie hunt: %s: %d lines rejected (first: %v)\n", f, bad, first)
		}
	}
	if *storeDSN != "" {
		dsn := *storeDSN
		if dsn == "default" {
			dsn = defaultStoreDSN()
		}
		n, err := loadStoreIndicators(ctx, dsn, set)
		if err != nil {
			return err
		}
		logger.Info("indicators from the store", "count", n)
	}
	if *iocOnly {
		if set.Len() == 0 {
			return usageErr("--ioc-only needs indicators: --ioc FILE or --store DSN")
		}
		return sweep(ctx, fs.Args(), set, *asJSON, stdout, stderr)
	}

	cfg := hunt.Config{Baseline: *baseline}
	if *since != "" {
		t, err := parseSince(*since, time.Now())
		if err != nil {
			return usageErr("--since: %v", err)
		}
		cfg.Since = t
	}
	if *internal != "" {
		cfg.InternalDomains = strings.Split(*internal, ",")
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return usageErr("--tz: %v", err)
	}
	var locator geo.Locator
	if *geoDir != "" {
		db, err := geo.Open(*geoDir)
		if err != nil {
			return err
		}
		defer db.Close()
		locator = db
	}
	var ind hunt.Indicators
	if set.Len() > 0 {
		ind = set
	}
	h := hunt.New(cfg, ind, locator, logger)
	reports, err := ingest.Read(ctx, fs.Args(), ingest.Config{
		Options: logs.Options{Year: *year, Location: loc}, Format: logs.Format(*format), Logger: logger, Stdin: os.Stdin,
	}, h.Observe)
	if err != nil {
		return err
	}
	findings := h.Findings()
	if *incidentID > 0 {
		if err := recordFindings(ctx, *cfgPath, *storeDSN, *incidentID, findings, stderr); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(stdout, huntOutput{Findings: findings, Files: reports, Users: hunt.Accounts(findings)})
	}
	printReports(stderr, reports)
	printFindings(stdout, findings)
	return nil
}

func sweep(ctx context.Context, paths []string, set *hunt.Set, asJSON bool, stdout, stderr io.Writer) error {
	files, reports := ingest.Expand(paths)
	out := huntOutput{Sweep: &hunt.SweepStats{}, Timing: map[string]float64{}}
	start := time.Now()
	for _, f := range files {
		in, err := ingest.Open(f, os.Stdin, false)
		if err != nil {
			reports = append(reports, ingest.Report{File: f, Err: err.Error()})
			continue
		}
		hits, st, err := hunt.Sweep(ctx, in, f, set, 0)
		in.Close()
		rep := ingest.Report{File: f, Stats: logs.Stats{Lines: st.Lines, Events: st.Hits}}
		if err != nil {
			rep.Err = err.Error()
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
	secs := time.Since(start).Seconds()
	out.Files = reports
	out.Timing["sweep"] = secs
	if asJSON {
		return writeJSON(stdout, out)
	}
	printReports(stderr, reports)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE:LINE\tINDICATOR\tLINE")
	for _, h := range out.Hits {
		text := h.Text
		if len(text) > 160 {
			text = text[:160] + "…"
		}
		fmt.Fprintf(tw, "%s:%d\t%s %s\t%s\n", h.File, h.Line, h.Indicator.Kind, h.Indicator.Value, text)
	}
	tw.Flush()
	fmt.Fprintf(stderr, "vigie hunt: swept %d bytes, %d lines, %d indicators: %d hits in %.2fs (%.0f MB/s)\n",
		out.Sweep.Bytes, out.Sweep.Lines, set.Len(), out.Sweep.Hits, secs, float64(out.Sweep.Bytes)/1e6/secs)
	return nil
}

func printReports(w io.Writer, reports []ingest.Report) {
	for _, r := range reports {
		switch {
		case r.Err != "":
			fmt.Fprintf(w, "vigie hunt: %s: %s\n", r.File, r.Err)
		case r.Errors > 0:
			fmt.Fprintf(w, "vigie hunt: %s (%s): %d bad lines of %d, e.g. %s\n", r.File, r.Format, r.Errors, r.Lines, strings.Join(r.Sample, "; "))
		}
	}
}

func printFindings(w io.Writer, fs []hunt.Finding) {
	if len(fs) == 0 {
		fmt.Fprintln(w, "no findings")
		return
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.UTC
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tID\tUSER\tTIME (UTC)\tTIME (PARIS)\tDETAIL\tEVIDENCE")
	for _, f := range fs {
		ev := ""
		if len(f.Evidence) > 0 {
			ev = f.Evidence[0].String()
			if f.Count > 1 {
				ev += fmt.Sprintf(" (+%d)", f.Count-1)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Severity, f.ID, f.User, f.Time.UTC().Format("2006-01-02 15:04:05"),
			f.Time.In(paris).Format("2006-01-02 15:04"), f.Detail, ev)
	}
	tw.Flush()
}

// parseSince accepts RFC 3339, a date, or a duration back from now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (2025-03-20, 2025-03-20T08:00:00Z) or a duration (72h)", s)
}

func formats() string {
	var s []string
	for _, f := range logs.Formats {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}

// loadStoreIndicators adds the store's live IP, domain, host and URL
// indicators to set; the other kinds do not appear in logs.
func loadStoreIndicators(ctx context.Context, dsn string, set *hunt.Set) (int, error) {
	db, err := openStore(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	n := 0
	err = ioc.NewService(db, ioc.ServiceOptions{}).Each(ctx, ioc.Filter{}, func(ind *ioc.Indicator) error {
		switch ind.Kind {
		case ioc.KindIP, ioc.KindDomain, ioc.KindHost, ioc.KindURL:
			if set.Add(ind.Value) == nil {
				n++
			}
		}
		return nil
	})
	return n, err
}

// recordFindings writes one main-courante entry per finding in the
// incident, naming the users and evidence lines, and adds the affected
// users to the incident's accounts.
func recordFindings(ctx context.Context, cfgPath, dsn string, id int64, findings []hunt.Finding, stderr io.Writer) error {
	c := newIncidentCmd("hunt", nil, stderr)
	c.config = cfgPath
	if dsn != "" && dsn != "default" {
		c.store = dsn
	}
	svc, err := c.service(ctx, false)
	if c.done != nil {
		defer c.done()
	}
	if err != nil {
		return err
	}
	author := operator("")
	for _, f := range findings {
		var ev []string
		for i, e := range f.Evidence {
			if i == 5 {
				ev = append(ev, fmt.Sprintf("… %d more", len(f.Evidence)-5))
				break
			}
			ev = append(ev, fmt.Sprintf("%s:%d", e.File, e.Line))
		}
		text := fmt.Sprintf("[vigie hunt] %s (%s) %s — %s Preuves : %s", f.ID, f.Severity, f.User, f.FR, strings.Join(ev, ", "))
		var accounts []string
		if f.User != "" {
			accounts = []string{f.User}
		}
		if _, err := svc.Log(ctx, id, journal.Draft{Author: author, Kind: journal.Finding, Text: text, Accounts: accounts}); err != nil {
			return fmt.Errorf("incident %d: %w", id, err)
		}
	}
	if users := hunt.Accounts(findings); len(users) > 0 {
		if _, err := svc.Update(ctx, id, incident.Changes{AddAccounts: users}, author); err != nil {
			return fmt.Errorf("incident %d: %w", id, err)
		}
	}
	fmt.Fprintf(stderr, "vigie hunt: %d findings recorded in incident #%d\n", len(findings), id)
	return nil
}
