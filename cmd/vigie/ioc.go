package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/ioc"
)

func init() {
	register(command{Name: "ioc add", Summary: "add an indicator (IP/CIDR, domain, host, URL, e-mail, hash)", Run: runIOCAdd})
	register(command{Name: "ioc list", Summary: "list indicators (--all: with expired and removed)", Run: runIOCList})
	register(command{Name: "ioc show", Summary: "show indicators by id or value", Run: runIOCShow})
	register(command{Name: "ioc rm", Summary: "remove indicators (kept in history)", Run: runIOCRm})
	register(command{Name: "ioc import", Summary: "import a feed: plain, csv, rbldnsd, drop, urls", Run: runIOCImport})
	register(command{Name: "ioc export", Summary: "export indicators: rbldnsd-ip, rbldnsd-ip6, rbldnsd-dns, csv, json", Run: runIOCExport})
}

// iocFlags are the flags every ioc command shares.
type iocFlags struct {
	fs    *flag.FlagSet
	store string
}

func newIOCFlags(name string, stderr io.Writer) *iocFlags {
	f := &iocFlags{fs: flag.NewFlagSet("vigie "+name, flag.ContinueOnError)}
	f.fs.SetOutput(stderr)
	f.fs.StringVar(&f.store, "store", defaultStoreDSN(), "store DSN: sqlite:PATH or postgres://… (env "+envStore+")")
	return f
}

// parse accepts flags before, between and after positional arguments
// ("ioc add evil.example --mode watch").
func (f *iocFlags) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitError{code: 0, err: err}
			}
			return nil, usageErr("%v", err)
		}
		args = f.fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (f *iocFlags) service(ctx context.Context) (*ioc.Service, func(), error) {
	db, err := openStore(ctx, f.store)
	if err != nil {
		return nil, nil, err
	}
	return ioc.NewService(db, ioc.ServiceOptions{}), func() { db.Close() }, nil
}

// parseTTL reads "90m", "12h", "7d", "2w"; "never" means no expiry and ""
// the default of the source.
func parseTTL(s string) (time.Duration, error) {
	switch s = strings.TrimSpace(strings.ToLower(s)); s {
	case "":
		return 0, nil
	case "never", "0", "forever", "permanent":
		return ioc.Forever, nil
	}
	unit := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		unit = 24 * time.Hour
	case strings.HasSuffix(s, "w"):
		unit = 7 * 24 * time.Hour
	}
	if unit != 0 {
		n, err := strconv.ParseFloat(s[:len(s)-1], 64)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("bad TTL %q", s)
		}
		return time.Duration(n * float64(unit)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("bad TTL %q (want 90m, 12h, 7d, 2w or never)", s)
	}
	return d, nil
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

func runIOCAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc add", stderr)
	kind := f.fs.String("kind", "", "kind: ip, domain, host, url, email, sha256, fuzzy (default: guessed)")
	mode := f.fs.String("mode", "block", "block or watch")
	ttl := f.fs.String("ttl", "", "lifetime: 12h, 7d, 2w, never (default: 7d for incident blocks, else never)")
	reason := f.fs.String("reason", "", "why it is listed")
	by := f.fs.String("by", currentUser(), "who adds it")
	source := f.fs.String("source", ioc.SourceManual, "manual, incident:N or feed:NAME")
	asJSON := f.fs.Bool("json", false, "print the indicator as JSON")
	values, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(values) == 0 {
		return usageErr("usage: vigie ioc add VALUE... [--kind K] [--mode block|watch] [--ttl 7d] [--reason R] [--by USER]")
	}
	n := ioc.NewIndicator{Reason: *reason, AddedBy: *by, Source: *source}
	if n.Kind, n.Mode, n.TTL, err = parseKindModeTTL(*kind, *mode, *ttl); err != nil {
		return err
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	for _, v := range values {
		n.Value = v
		in, err := svc.Add(ctx, n)
		if err != nil {
			return err
		}
		if *asJSON {
			json.NewEncoder(stdout).Encode(in)
			continue
		}
		fmt.Fprintf(stdout, "added #%d %s %s (%s%s)\n", in.ID, in.Kind, in.Value, in.Mode, expiryNote(in.ExpiresAt))
	}
	return nil
}

func expiryNote(t time.Time) string {
	if t.IsZero() {
		return ", no expiry"
	}
	return ", expires " + t.Local().Format("2006-01-02 15:04")
}

func runIOCList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc list", stderr)
	all := f.fs.Bool("all", false, "include expired and removed indicators (history)")
	kind := f.fs.String("kind", "", "only this kind")
	mode := f.fs.String("mode", "", "only block or watch")
	source := f.fs.String("source", "", "only this source (manual, incident:N, feed:NAME)")
	limit := f.fs.Int("limit", 0, "at most this many")
	asJSON := f.fs.Bool("json", false, "JSON array output")
	if rest, err := f.parse(args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageErr("unexpected argument %q", rest[0])
	}
	flt := ioc.Filter{All: *all, Source: *source, Limit: *limit}
	var err error
	if *kind != "" {
		if flt.Kind, err = ioc.ParseKind(*kind); err != nil {
			return usageErr("%v", err)
		}
	}
	if *mode != "" {
		if flt.Mode, err = ioc.ParseMode(*mode); err != nil {
			return usageErr("%v", err)
		}
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	if *asJSON {
		_, err := svc.Export(ctx, stdout, ioc.ExportJSON, flt)
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tVALUE\tMODE\tSTATUS\tEXPIRES\tSOURCE\tHITS\tREASON")
	now := time.Now()
	err = svc.Each(ctx, flt, func(in *ioc.Indicator) error {
		exp := "-"
		if !in.ExpiresAt.IsZero() {
			exp = in.ExpiresAt.Local().Format("2006-01-02 15:04")
		}
		_, err := fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", in.ID, in.Kind, in.Value, in.Mode,
			in.Status(now), exp, in.Source, in.Hits, oneLine(in.Reason))
		return err
	})
	if err != nil {
		return err
	}
	return tw.Flush()
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func runIOCShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc show", stderr)
	kind := f.fs.String("kind", "", "read VALUE as this kind (default: guessed)")
	asJSON := f.fs.Bool("json", false, "JSON output")
	refs, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return usageErr("usage: vigie ioc show ID|VALUE...")
	}
	var k ioc.Kind
	if *kind != "" {
		if k, err = ioc.ParseKind(*kind); err != nil {
			return usageErr("%v", err)
		}
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	var found []ioc.Indicator
	for _, ref := range refs {
		if id, err := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64); err == nil && k == "" {
			in, err := svc.Get(ctx, id)
			if err != nil {
				return err
			}
			found = append(found, in)
			continue
		}
		list, err := svc.Find(ctx, k, ref)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return fmt.Errorf("no indicator %q", ref)
		}
		found = append(found, list...)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(found)
	}
	now := time.Now()
	for i, in := range found {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		row := func(k, v string) {
			if v != "" {
				fmt.Fprintf(tw, "%s:\t%s\n", k, v)
			}
		}
		row("id", strconv.FormatInt(in.ID, 10))
		row("kind", string(in.Kind))
		row("value", in.Value)
		row("mode", string(in.Mode))
		row("status", in.Status(now))
		row("source", in.Source)
		row("reason", in.Reason)
		row("added by", in.AddedBy)
		row("created", fmtLocal(in.CreatedAt))
		row("expires", fmtLocal(in.ExpiresAt))
		row("removed", strings.TrimSpace(fmtLocal(in.RemovedAt)+" "+in.RemovedBy))
		row("hits", strconv.FormatInt(in.Hits, 10))
		row("last hit", fmtLocal(in.LastHitAt))
		tw.Flush()
	}
	return nil
}

func fmtLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05 MST")
}

func runIOCRm(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc rm", stderr)
	by := f.fs.String("by", currentUser(), "who removes it")
	ids, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return usageErr("usage: vigie ioc rm ID... [--by USER]")
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	for _, s := range ids {
		id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
		if err != nil {
			return usageErr("not an indicator id: %q", s)
		}
		if err := svc.Remove(ctx, id, *by); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed #%d\n", id)
	}
	return nil
}

func runIOCImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc import", stderr)
	format := f.fs.String("format", "plain", "plain, csv, rbldnsd, drop or urls")
	kind := f.fs.String("kind", "", "force this kind (plain, csv)")
	mode := f.fs.String("mode", "block", "default mode: block or watch")
	ttl := f.fs.String("ttl", "", "lifetime of imported indicators: 12h, 7d, never")
	source := f.fs.String("source", "", "source, e.g. feed:openphish (default feed:FILENAME)")
	reason := f.fs.String("reason", "", "default reason")
	by := f.fs.String("by", currentUser(), "who imports")
	files, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("usage: vigie ioc import --format plain|csv|rbldnsd|drop|urls [--mode M] [--ttl D] [--source feed:NAME] FILE...")
	}
	opts := ioc.ImportOptions{Source: *source, Reason: *reason, AddedBy: *by}
	if opts.Format, err = ioc.ParseFormat(*format); err != nil {
		return usageErr("%v", err)
	}
	if opts.Kind, opts.Mode, opts.TTL, err = parseKindModeTTL(*kind, *mode, *ttl); err != nil {
		return err
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	for _, file := range files {
		var r io.Reader = os.Stdin
		if file != "-" {
			fh, err := os.Open(file)
			if err != nil {
				return err
			}
			defer fh.Close()
			r = fh
		}
		opts.Name = file
		start := time.Now()
		res, err := svc.Import(ctx, r, opts)
		for _, le := range res.Errors {
			fmt.Fprintf(stderr, "%v (skipped)\n", &le)
		}
		if res.Truncated {
			fmt.Fprintf(stderr, "%s: %d more malformed lines not shown\n", file, res.Bad-len(res.Errors))
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: imported %d indicators, %d malformed lines skipped", file, res.Imported, res.Bad)
		if res.Excluded > 0 {
			fmt.Fprintf(stdout, ", %d exclusions ignored", res.Excluded)
		}
		fmt.Fprintf(stdout, " (%v)\n", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func runIOCExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc export", stderr)
	format := f.fs.String("format", "csv", "rbldnsd-ip, rbldnsd-ip6, rbldnsd-dns, csv or json")
	out := f.fs.String("o", "-", "output file")
	all := f.fs.Bool("all", false, "include expired and removed indicators (csv, json)")
	kind := f.fs.String("kind", "", "only this kind")
	mode := f.fs.String("mode", "", "only block or watch (rbldnsd formats default to block)")
	source := f.fs.String("source", "", "only this source")
	if rest, err := f.parse(args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageErr("unexpected argument %q", rest[0])
	}
	ef, err := ioc.ParseExportFormat(*format)
	if err != nil {
		return usageErr("%v", err)
	}
	flt := ioc.Filter{All: *all, Source: *source}
	if *kind != "" {
		if flt.Kind, err = ioc.ParseKind(*kind); err != nil {
			return usageErr("%v", err)
		}
	}
	if *mode != "" {
		if flt.Mode, err = ioc.ParseMode(*mode); err != nil {
			return usageErr("%v", err)
		}
	}
	if strings.HasPrefix(string(ef), "rbldnsd") {
		// A DNSBL's clients reject what it lists: publish live blocks only.
		flt.All = false
		if flt.Mode == "" {
			flt.Mode = ioc.Block
		}
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	w := stdout
	var fh *os.File
	if *out != "-" {
		if fh, err = os.Create(*out); err != nil {
			return err
		}
		w = fh
	}
	n, err := svc.Export(ctx, w, ef, flt)
	if fh != nil {
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			fmt.Fprintf(stderr, "exported %d indicators to %s\n", n, *out)
		}
	}
	return err
}

// parseKindModeTTL reads the --kind (optional), --mode and --ttl flags
// shared by add and import.
func parseKindModeTTL(kind, mode, ttl string) (k ioc.Kind, m ioc.Mode, d time.Duration, err error) {
	if kind != "" {
		if k, err = ioc.ParseKind(kind); err != nil {
			return k, m, d, usageErr("%v", err)
		}
	}
	if m, err = ioc.ParseMode(mode); err != nil {
		return k, m, d, usageErr("%v", err)
	}
	if d, err = parseTTL(ttl); err != nil {
		return k, m, d, usageErr("%v", err)
	}
	return k, m, d, nil
}
