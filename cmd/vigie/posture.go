package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/posture"
)

func init() {
	register(command{Name: "posture", Summary: "audit a domain's mail setup against CERT Santé's mx_sec_conf (read-only)", Run: runPosture})
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runPosture(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("posture", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "fr", "language of the report: fr or en")
	asJSON := fs.Bool("json", false, "JSON output (one array of reports)")
	var servers, samples stringList
	fs.Var(&servers, "dns", "DNS resolver to ask, host[:port] (repeat; default /etc/resolv.conf); a validating resolver also proves DNSSEC")
	fs.Var(&samples, "sample", "a message sent by the domain, as received outside (.eml), checked for header leaks (repeat)")
	helo := fs.String("helo", "", "name announced to the MX (default: this host's name)")
	relay := fs.String("relay-probe", posture.DefaultRelayProbe, "outside recipient of the open-relay test (RCPT only, never DATA)")
	noServices := fs.Bool("no-services", false, "skip the IMAP, POP, submission and webmail probes")
	timeout := fs.Duration("timeout", 10*time.Second, "bound on each network probe")
	record := fs.Bool("record", false, "keep the reports in Vigie's store (console, incident reports)")
	cfgPath := fs.String("config", "", "Vigie configuration (its store, with --record)")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() == 0 {
		return usageErr("usage: vigie posture [--lang fr|en] [--json] [--dns SERVER] [--sample FILE.eml] DOMAIN…")
	}
	if *lang != "fr" && *lang != "en" {
		return usageErr("--lang: fr or en")
	}
	opt := posture.Options{
		Resolver:   dnsx.NewClient(servers, *timeout),
		HELO:       *helo,
		RelayProbe: *relay,
		Services:   !*noServices,
		Timeout:    *timeout,
	}
	for _, s := range samples {
		b, err := readLimited(s, 10<<20)
		if err != nil {
			return fmt.Errorf("--sample: %w", err)
		}
		opt.Samples = append(opt.Samples, b)
	}
	var runs posture.Runs
	if *record {
		a, err := app.Load(ctx, *cfgPath, app.Options{Log: cliLog(stderr)})
		if err != nil {
			return err
		}
		defer a.Close()
		runs = a.Audits()
	}
	var reports []*posture.Report
	for _, d := range fs.Args() {
		r := posture.Audit(ctx, d, opt)
		if runs != nil {
			body, _ := json.Marshal(r)
			if _, err := runs.Add(ctx, posture.Run{Kind: "posture", Subject: r.Domain, At: r.At, Worst: string(r.Worst()), Body: body}); err != nil {
				return err
			}
		}
		r.Localize(*lang)
		reports = append(reports, r)
		if !*asJSON {
			if len(reports) > 1 {
				fmt.Fprintln(stdout, strings.Repeat("─", 72))
			}
			if err := posture.WriteText(stdout, r, *lang); err != nil {
				return err
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	return nil
}

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	return b, nil
}
