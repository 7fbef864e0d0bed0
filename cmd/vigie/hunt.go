package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/geo"
	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
)

func init() {
	register(command{
		Name:    "hunt",
		Summary: "hunt logs for compromise: IoC hits, unusual or risky sign-ins, mailbox rules, directory changes, spam bursts",
		Run:     runHunt,
	})
}

// huntOutput is the --json document. Its fields are stable; findings and
// files are always present, empty lists included.
type huntOutput struct {
	Findings []hunt.Finding     `json:"findings"`
	Accounts []string           `json:"accounts"`
	Files    []ingest.Report    `json:"files"`
	Hits     []hunt.Hit         `json:"hits,omitempty"`
	Sweep    *hunt.SweepStats   `json:"sweep,omitempty"`
	Timing   map[string]float64 `json:"timing_seconds,omitempty"`
	Recorded *recordResult      `json:"recorded,omitempty"`
}

// huntFlags are the options of vigie hunt.
type huntFlags struct {
	iocFiles   multiFlag
	since      string
	year       int
	tz         string
	iocOnly    bool
	geoDir     string
	format     string
	asJSON     bool
	lang       string
	progress   bool
	incidentID int64
	attachLogs bool
	storeDSN   string
	cfgPath    string
	by         string
	baseline   time.Duration
	internal   string
	knownApps  string
	legacyOK   string
	verbose    bool
}

func runHunt(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hunt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f huntFlags
	fs.Var(&f.iocFiles, "ioc", "file of indicators, one per line: IP, CIDR, domain or URL (repeatable)")
	fs.StringVar(&f.since, "since", "", "report only events from this time on (RFC 3339, YYYY-MM-DD, or a duration like 72h); earlier events form the baseline")
	fs.IntVar(&f.year, "year", 0, "year of syslog timestamps (default: from each file's modification time)")
	fs.StringVar(&f.tz, "tz", "Local", "time zone of syslog timestamps")
	fs.BoolVar(&f.iocOnly, "ioc-only", false, "only sweep the logs for the indicators (fast, any text log)")
	fs.StringVar(&f.geoDir, "geoip", os.Getenv("VIGIE_GEOIP_DIR"), "directory of GeoIP data installed by scripts/install-geoip.sh")
	fs.StringVar(&f.format, "format", "", "force the log format instead of detecting it ("+ingest.FormatNames()+")")
	fs.BoolVar(&f.asJSON, "json", false, "print JSON instead of a table")
	fs.StringVar(&f.lang, "lang", "fr", "language of the table and messages: fr or en")
	fs.BoolVar(&f.progress, "progress", false, "show progress on standard error even when it is not a terminal")
	fs.Int64Var(&f.incidentID, "incident", 0, "record the findings in this incident's main courante, with the files read and their hashes, and add the affected accounts")
	fs.BoolVar(&f.attachLogs, "attach-logs", false, "with --incident, also store each log file read as evidence")
	fs.StringVar(&f.storeDSN, "store", "", "also hunt for the indicator store's live entries (\"default\": $"+envStore+", else the configuration's store or data_dir)")
	fs.StringVar(&f.cfgPath, "config", "", "configuration file (data directory and store, for --incident)")
	fs.StringVar(&f.by, "by", "", "who hunts, for the main courante (default: the current user)")
	fs.DurationVar(&f.baseline, "baseline", 14*24*time.Hour, "baseline window for new countries, networks, hours and mail volume")
	fs.StringVar(&f.internal, "domains", "", "comma-separated mail domains of the organisation (default: the domains of the accounts seen in the logs)")
	fs.StringVar(&f.knownApps, "known-apps", "", "comma-separated OAuth applications (names or IDs) consented to on purpose")
	fs.StringVar(&f.legacyOK, "legacy-allowed", "", "comma-separated accounts allowed to use legacy authentication")
	fs.BoolVar(&f.verbose, "v", false, "log each file read")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vigie hunt [--since T] [--year Y] [--ioc FILE]... [--ioc-only] [--geoip DIR] [--incident N] [--lang fr|en] [--json] LOGS...\n\nLOGS are files, directories or - (stdin), plain or .gz.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageErr("no logs given")
	}
	if f.lang != "fr" && f.lang != "en" {
		return usageErr("--lang: %q is neither fr nor en", f.lang)
	}
	if f.format != "" && !validFormat(f.format) {
		return usageErr("--format: %q is not one of %s", f.format, ingest.FormatNames())
	}
	if f.incidentID < 0 {
		return usageErr("--incident: %d is not an incident number", f.incidentID)
	}
	l := lang(f.lang)
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	// The incident must exist before any work: a run whose findings cannot be
	// recorded would have to be done again.
	var rec *recorder
	if f.incidentID > 0 {
		var err error
		if rec, err = openRecorder(ctx, f, stderr); err != nil {
			return err
		}
		defer rec.close()
	}

	set := hunt.NewSet()
	for _, file := range f.iocFiles {
		fh, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("%s: %w", l.t("indicateurs", "indicators"), err)
		}
		bad, first := set.ReadList(fh)
		fh.Close()
		if errors.Is(first, hunt.ErrListStopped) {
			// The indicators after that point would be missing: no hunt
			// that says "no hit" where it did not look.
			return errors.New(l.f("%s : liste d'indicateurs lue en partie, pas de chasse sans le reste (%v)",
				"%s: indicator list read in part, no hunt without the rest (%v)", file, first))
		}
		if bad > 0 {
			fmt.Fprintf(stderr, "vigie hunt: %s: %s\n", file, l.f("%d lignes refusées (première : %v)", "%d lines rejected (first: %v)", bad, first))
		}
	}
	if f.storeDSN != "" {
		dsn := f.storeDSN
		if dsn == "default" {
			dsn = ""
		}
		n, err := loadStoreIndicators(ctx, f.cfgPath, dsn, set, stderr)
		if err != nil {
			return err
		}
		logger.Info("indicators from the store", "count", n)
	}
	loc, err := time.LoadLocation(f.tz)
	if err != nil {
		return usageErr("--tz: %v", err)
	}
	prog := newProgress(stderr, f.progress, l)
	if f.iocOnly {
		if set.Len() == 0 {
			return usageErr("--ioc-only needs indicators: --ioc FILE or --store DSN")
		}
		return sweep(ctx, fs.Args(), set, f, l, prog, stdout, stderr)
	}

	cfg := hunt.Config{Baseline: f.baseline, KnownApps: splitList(f.knownApps), LegacyAllowed: splitList(f.legacyOK), InternalDomains: splitList(f.internal)}
	if f.since != "" {
		t, err := parseSince(f.since, time.Now())
		if err != nil {
			return usageErr("--since: %v", err)
		}
		cfg.Since = t
	}
	var locator geo.Locator
	if f.geoDir != "" {
		db, err := geo.OpenLazy(f.geoDir)
		if err != nil {
			return err
		}
		defer db.Close()
		locator = db
	}
	var ind hunt.Indicators
	if !set.Empty() {
		ind = set
	}
	start := time.Now()
	h := hunt.New(cfg, ind, locator, logger)
	reports, err := ingest.Read(ctx, fs.Args(), ingest.Config{
		Options: logs.Options{Year: f.year, Location: loc, KeepWeb: set.WebFilter(), SignInsNotKept: true}, Format: logs.Format(f.format),
		Logger: logger, Stdin: os.Stdin, Hash: rec != nil, Progress: prog.update,
	}, h.Observe)
	prog.done()
	if err != nil {
		return err
	}
	findings := h.Findings()
	out := huntOutput{Findings: findings, Accounts: hunt.Accounts(findings), Files: reports,
		Timing: map[string]float64{"hunt": time.Since(start).Seconds()}}
	if out.Accounts == nil {
		out.Accounts = []string{}
	}
	if !readAnything(reports) {
		printReports(stderr, l, reports)
		return errors.New(l.t("aucun journal n'a pu être lu : rien n'a été analysé", "no log could be read: nothing was analysed"))
	}
	if rec != nil {
		res, err := rec.record(ctx, findings, reports, l)
		if err != nil {
			return err
		}
		out.Recorded = &res
	}
	if f.asJSON {
		return writeJSON(safeJSON{stdout}, out)
	}
	printReports(stderr, l, reports)
	printFindings(stdout, l, findings)
	if out.Recorded != nil {
		fmt.Fprintln(stderr, "vigie hunt: "+out.Recorded.say(l, f.incidentID))
	}
	return nil
}

// readAnything: at least one input gave lines or events.
func readAnything(reports []ingest.Report) bool {
	for _, r := range reports {
		if r.Read() {
			return true
		}
	}
	return false
}

func validFormat(s string) bool {
	for _, f := range logs.Formats {
		if string(f) == s {
			return true
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
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

// loadStoreIndicators adds the live IP, domain, host and URL indicators of
// the store (dsn, "" for the configuration's) to set; the other kinds do
// not appear in logs.
func loadStoreIndicators(ctx context.Context, cfgPath, dsn string, set *hunt.Set, stderr io.Writer) (int, error) {
	a, err := app.Load(ctx, cfgPath, app.Options{Store: dsn, Log: cliLog(stderr)})
	if err != nil {
		return 0, err
	}
	defer a.Close()
	n := 0
	err = a.Indicators().Each(ctx, ioc.Filter{}, func(ind *ioc.Indicator) error {
		switch ind.Kind {
		case ioc.KindIP, ioc.KindDomain, ioc.KindHost, ioc.KindURL:
			if set.AddIndicator(ind.Kind, ind.Value) == nil {
				n++
			}
		}
		return nil
	})
	return n, err
}
