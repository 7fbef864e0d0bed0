package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/ioc"
)

func init() {
	register(command{Name: "ioc add", Summary: "add an indicator (IP/CIDR, domain, host, URL, e-mail, hash)", Run: runIOCAdd})
	register(command{Name: "ioc list", Summary: "list indicators (--all: with expired and removed)", Run: runIOCList})
	register(command{Name: "ioc show", Summary: "show indicators by id or value", Run: runIOCShow})
	register(command{Name: "ioc rm", Summary: "remove indicators by id or value (kept in history)", Run: runIOCRm})
	register(command{Name: "ioc check", Summary: "say whether values may be blocked (warning lists, own assets)", Run: runIOCCheck})
	register(command{Name: "ioc journal", Summary: "who forced, removed or refused indicators, and why", Run: runIOCJournal})
}

// iocFlags are the flags every ioc command shares.
type iocFlags struct {
	fs     *flag.FlagSet
	stderr io.Writer
	store  string
	config string
	lang   string
}

func newIOCFlags(name string, stderr io.Writer) *iocFlags {
	f := &iocFlags{fs: flag.NewFlagSet("vigie "+name, flag.ContinueOnError), stderr: stderr}
	f.fs.SetOutput(stderr)
	f.fs.StringVar(&f.store, "store", "", "store DSN: sqlite:PATH or postgres://… (default: $"+envStore+", else the configuration's store or data_dir)")
	f.fs.StringVar(&f.config, "config", "", "configuration file: data_dir, store, the organisation's own assets")
	f.fs.StringVar(&f.lang, "lang", "fr", "language of messages: fr or en")
	return f
}

// tr picks the French or the English text.
func (f *iocFlags) tr(fr, en string) string {
	if f.lang == "en" {
		return en
	}
	return fr
}

// refusal explains an error in the user's language when it is the guard's.
func (f *iocFlags) explain(err error) string {
	if fd, ok := ioc.Refusal(err); ok {
		return f.tr("refusé : ", "refused: ") + fd.Message(f.lang) +
			f.tr(" (un administrateur peut forcer avec --force --reason)", " (an admin may force it with --force --reason)")
	}
	return err.Error()
}

// parse accepts flags before, between and after positional arguments.
func (f *iocFlags) parse(args []string) ([]string, error) { return parseMixed(f.fs, args) }

// service opens the store the daemon uses (config.StoreDSN) and the
// indicator service guarded with the organisation's assets from the same
// configuration.
func (f *iocFlags) service(ctx context.Context) (*ioc.Service, func(), error) {
	a, err := app.Load(ctx, f.config, app.Options{Store: f.store, Log: cliLog(f.stderr)})
	if err != nil {
		return nil, nil, err
	}
	return a.Indicators(), func() { a.Close() }, nil
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
	mode := f.fs.String("mode", "block", "block, watch or allow")
	ttl := f.fs.String("ttl", "", "lifetime: 12h, 7d, 2w, never (default: 7d for incident blocks, else never)")
	reason := f.fs.String("reason", "", "why it is listed (required with --force)")
	by := f.fs.String("by", currentUser(), "who adds it")
	source := f.fs.String("source", ioc.SourceManual, "manual, incident:N or feed:NAME")
	tags := f.fs.String("tags", "", "comma-separated tags")
	confidence := f.fs.Int("confidence", 0, "confidence 1-100 (0: unknown)")
	tlp := f.fs.String("tlp", "", "TLP: clear, green, amber, amber+strict, red")
	force := f.fs.Bool("force", false, "add even what the guard refuses (admin; journaled with --by and --reason)")
	asJSON := f.fs.Bool("json", false, "print the indicator as JSON")
	values, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(values) == 0 {
		return usageErr("usage: vigie ioc add VALUE... [--kind K] [--mode block|watch|allow] [--ttl 7d] [--reason R] [--by USER] [--force]")
	}
	n := ioc.NewIndicator{Reason: *reason, AddedBy: *by, Source: *source, Tags: ioc.NormalizeTags(*tags),
		Confidence: *confidence, TLP: *tlp, Force: *force}
	if n.Kind, n.Mode, n.TTL, err = parseKindModeTTL(*kind, *mode, *ttl, *tlp); err != nil {
		return err
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	failed := 0
	for _, v := range values {
		n.Value = v
		in, err := svc.Add(ctx, n)
		if err != nil {
			// Every value gets its answer; one bad value does not hide the others.
			failed++
			fmt.Fprintf(stderr, "%s: %s\n", v, f.explain(err))
			continue
		}
		if *asJSON {
			json.NewEncoder(stdout).Encode(in)
			continue
		}
		fmt.Fprintf(stdout, f.tr("ajouté #%d %s %s (%s%s)\n", "added #%d %s %s (%s%s)\n"), in.ID, in.Kind, in.Value, in.Mode,
			f.expiryNote(in.ExpiresAt))
	}
	if failed > 0 {
		return exitError{code: 1, err: fmt.Errorf(f.tr("%d valeur(s) sur %d non ajoutée(s)", "%d of %d values not added"), failed, len(values))}
	}
	return nil
}

func runIOCCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc check", stderr)
	kind := f.fs.String("kind", "", "read values as this kind (default: guessed)")
	values, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(values) == 0 {
		return usageErr("usage: vigie ioc check VALUE...")
	}
	k, err := optKind(*kind)
	if err != nil {
		return err
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	refused := 0
	for _, v := range values {
		kk, norm, fd, err := svc.Check(ctx, k, v)
		switch {
		case err != nil:
			refused++
			fmt.Fprintf(stdout, "%s: %v\n", v, err)
		case fd != nil:
			refused++
			fmt.Fprintf(stdout, "%s\n", fd.Message(f.lang))
		default:
			fmt.Fprintf(stdout, f.tr("%s %s : peut être bloqué\n", "%s %s: may be blocked\n"), kk, norm)
		}
	}
	if refused > 0 {
		return exitError{code: 1, err: fmt.Errorf(f.tr("%d valeur(s) refusée(s)", "%d values refused"), refused)}
	}
	return nil
}

func runIOCJournal(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc journal", stderr)
	limit := f.fs.Int("limit", 100, "at most this many entries")
	values, err := f.parse(args)
	if err != nil {
		return err
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	if len(values) == 0 {
		values = []string{""}
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, f.tr("DATE\tQUI\tACTION\tVALEUR\tMOTIF\tDÉTAIL", "TIME\tWHO\tACTION\tVALUE\tREASON\tDETAIL"))
	for _, v := range values {
		if v != "" {
			if _, norm, err := ioc.Guess(v); err == nil {
				v = norm
			}
		}
		evs, err := svc.Journal(ctx, v, *limit)
		if err != nil {
			return err
		}
		for _, e := range evs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\t%s\n", fmtLocal(e.At), e.Actor, e.Action, e.Kind, e.Value,
				oneLine(e.Reason), e.Detail)
		}
	}
	return tw.Flush()
}

func expiryNote(t time.Time) string { return (&iocFlags{lang: "en"}).expiryNote(t) }

func (f *iocFlags) expiryNote(t time.Time) string {
	if t.IsZero() {
		return f.tr(", sans expiration", ", no expiry")
	}
	return f.tr(", expire le ", ", expires ") + t.Local().Format("2006-01-02 15:04")
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
	if flt.Kind, err = optKind(*kind); err != nil {
		return err
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
	k, err := optKind(*kind)
	if err != nil {
		return err
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
		row("tags", strings.Join(in.Tags, ", "))
		if in.Confidence > 0 {
			row("confidence", strconv.Itoa(in.Confidence))
		}
		row("tlp", in.TLP)
		row("dnsbl answer", "127.0.0."+strconv.Itoa(in.AnswerCode()))
		row("hits", strconv.FormatInt(in.Hits, 10))
		row("first hit", fmtLocal(in.FirstHitAt))
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
	kind := f.fs.String("kind", "", "read values as this kind (default: guessed)")
	refs, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return usageErr("usage: vigie ioc rm ID|VALUE... [--by USER]")
	}
	k, err := optKind(*kind)
	if err != nil {
		return err
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	failed := 0
	for _, ref := range refs {
		if id, err := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64); err == nil && k == "" {
			if err := svc.Remove(ctx, id, *by); err != nil {
				failed++
				fmt.Fprintf(stderr, "#%d: %v\n", id, err)
				continue
			}
			fmt.Fprintf(stdout, f.tr("retiré #%d\n", "removed #%d\n"), id)
			continue
		}
		gone, err := svc.RemoveValue(ctx, k, ref, *by)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "%s: %v\n", ref, err)
			continue
		}
		for _, in := range gone {
			fmt.Fprintf(stdout, f.tr("retiré #%d %s %s\n", "removed #%d %s %s\n"), in.ID, in.Kind, in.Value)
		}
	}
	if failed > 0 {
		return exitError{code: 1, err: fmt.Errorf(f.tr("%d sur %d non retiré(s)", "%d of %d not removed"), failed, len(refs))}
	}
	return nil
}

// optKind reads an optional --kind flag.
func optKind(kind string) (ioc.Kind, error) {
	if kind == "" {
		return "", nil
	}
	k, err := ioc.ParseKind(kind)
	if err != nil {
		return "", usageErr("%v", err)
	}
	return k, nil
}

// parseKindModeTTL reads the --kind (optional), --mode, --ttl and --tlp
// flags shared by add and import.
func parseKindModeTTL(kind, mode, ttl, tlp string) (k ioc.Kind, m ioc.Mode, d time.Duration, err error) {
	if k, err = optKind(kind); err != nil {
		return k, m, d, err
	}
	if _, err = ioc.ParseTLP(tlp); err != nil {
		return k, m, d, usageErr("%v", err)
	}
	if m, err = ioc.ParseMode(mode); err != nil {
		return k, m, d, usageErr("%v", err)
	}
	if d, err = parseTTL(ttl); err != nil {
		return k, m, d, usageErr("%v", err)
	}
	return k, m, d, nil
}
