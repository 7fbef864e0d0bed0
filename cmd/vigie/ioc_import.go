package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ioc"
)

func init() {
	register(command{Name: "ioc import", Summary: "import a feed: plain, csv, rbldnsd, drop, urls, json, stix, misp", Run: runIOCImport})
	register(command{Name: "ioc export", Summary: "export indicators: rbldnsd-ip, rbldnsd-ip6, rbldnsd-dns, csv, json", Run: runIOCExport})
}

// runIOCImport imports feeds and says exactly what happened: every
// malformed or refused line with its number, a summary per file, and a
// non-zero exit when anything was left out.
func runIOCImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc import", stderr)
	format := f.fs.String("format", "plain", "plain, csv, rbldnsd, drop, urls, json, stix or misp")
	kind := f.fs.String("kind", "", "force this kind (plain, csv)")
	mode := f.fs.String("mode", "block", "default mode: block, watch or allow")
	ttl := f.fs.String("ttl", "", "lifetime of imported indicators: 12h, 7d, never (default: ioc.feed_ttl for feeds)")
	source := f.fs.String("source", "", "source, e.g. feed:openphish (default feed:FILENAME)")
	reason := f.fs.String("reason", "", "default reason")
	tags := f.fs.String("tags", "", "tags added to every entry")
	tlp := f.fs.String("tlp", "", "default TLP")
	by := f.fs.String("by", currentUser(), "who imports")
	dry := f.fs.Bool("dry-run", false, "check the feed and report, store nothing")
	files, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("usage: vigie ioc import --format plain|csv|rbldnsd|drop|urls|json|stix|misp [--mode M] [--ttl D] [--source feed:NAME] [--dry-run] FILE...")
	}
	opts := ioc.ImportOptions{Source: *source, Reason: *reason, AddedBy: *by, Tags: ioc.NormalizeTags(*tags), TLP: *tlp, DryRun: *dry}
	if opts.Format, err = ioc.ParseFormat(*format); err != nil {
		return usageErr("%v", err)
	}
	if opts.Kind, opts.Mode, opts.TTL, err = parseKindModeTTL(*kind, *mode, *ttl, *tlp); err != nil {
		return err
	}
	svc, done, err := f.service(ctx)
	if err != nil {
		return err
	}
	defer done()
	incomplete := 0
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
			fmt.Fprintf(stderr, "%s:%d: %s\n", le.File, le.Line, f.explain(le.Err))
		}
		if res.Truncated {
			fmt.Fprintf(stderr, f.tr("%s : %d autres lignes en erreur non affichées\n", "%s: %d more failed lines not shown\n"),
				file, res.Bad+res.Refused-len(res.Errors))
		}
		if err != nil {
			if res.Imported > 0 {
				return fmt.Errorf(f.tr("%s : %d indicateurs importés avant l'erreur : %w", "%s: %d indicators imported before the error: %w"),
					file, res.Imported, err)
			}
			return err
		}
		verb := f.tr("importés", "imported")
		if *dry {
			verb = f.tr("à importer (essai, rien n'est enregistré)", "to import (dry run, nothing stored)")
		}
		fmt.Fprintf(stdout, f.tr("%s : %d indicateurs %s, %d lignes mal formées, %d refusées", "%s: %d indicators %s, %d malformed lines, %d refused"),
			file, max(res.Imported, res.Records*boolInt(*dry)), verb, res.Bad, res.Refused)
		if res.Excluded > 0 {
			fmt.Fprintf(stdout, f.tr(", %d exclusions (liste d'autorisation)", ", %d exclusions (allow list)"), res.Excluded)
		}
		if res.Widened > 0 {
			fmt.Fprintf(stdout, f.tr(", %d entrées « *.nom » élargies au nom lui-même", ", %d \"*.name\" entries widened to the name itself"), res.Widened)
		}
		if res.Restored > 0 {
			fmt.Fprintf(stdout, f.tr(", %d retirés restaurés dans l'historique", ", %d removed ones restored as history"), res.Restored)
		}
		fmt.Fprintf(stdout, " (%v)\n", time.Since(start).Round(time.Millisecond))
		if !res.Complete() {
			incomplete++
		}
	}
	if incomplete > 0 {
		return exitError{code: 1, err: fmt.Errorf(f.tr("%d fichier(s) importé(s) en partie : voir les lignes ci-dessus",
			"%d file(s) imported in part: see the lines above"), incomplete)}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func runIOCExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newIOCFlags("ioc export", stderr)
	format := f.fs.String("format", "csv", "rbldnsd-ip, rbldnsd-ip6, rbldnsd-dns, csv or json (json with --all is the backup format)")
	out := f.fs.String("o", "-", "output file")
	all := f.fs.Bool("all", false, "include expired and removed indicators (csv, json)")
	kind := f.fs.String("kind", "", "only this kind")
	mode := f.fs.String("mode", "", "only block, watch or allow (rbldnsd formats: block and watch, each with its code)")
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
	if flt.Kind, err = optKind(*kind); err != nil {
		return err
	}
	if *mode != "" {
		if flt.Mode, err = ioc.ParseMode(*mode); err != nil {
			return usageErr("%v", err)
		}
	}
	if strings.HasPrefix(string(ef), "rbldnsd") {
		// A DNSBL publishes what is live; each entry carries its own code.
		flt.All = false
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
			fmt.Fprintf(stderr, f.tr("%d indicateurs exportés dans %s\n", "exported %d indicators to %s\n"), n, *out)
		}
	}
	return err
}
