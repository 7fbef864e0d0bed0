package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/posture"
	"vigie.dev/vigie/internal/selftest"
)

func init() {
	register(command{Name: "selftest", Summary: "send the battery of harmless test attacks through the live chain and report what it stopped", Run: runSelftest})
}

func runSelftest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("selftest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	via := fs.String("via", "", "HOST:PORT of the MX (the Postfix in front of Vigie) to send through")
	to := fs.String("to", "", "test recipient (default: selftest@ the first org.domains entry)")
	senderDomain := fs.String("sender-domain", "", "domain of the control messages; its SPF should authorise this host (default "+selftest.DefaultSenderDomain+")")
	attackDomain := fs.String("attack-domain", "", "domain the attack messages come from (default "+selftest.DefaultSenderDomain+")")
	dir := fs.String("cases", "", "directory of extra cases (*.yaml, same format as the embedded battery)")
	only := fs.String("only", "", "comma-separated case ids or categories to send (default: all)")
	cfgPath := fs.String("config", "", "Vigie configuration whose store holds the trace")
	api := fs.String("api", "", "read verdicts from this Vigie HTTP API (http://HOST:8025) instead of the store; token in $VIGIE_API_TOKEN")
	imapURL := fs.String("imap", "", "also read the test mailbox: imap://HOST:143 or imaps://HOST:993[/MAILBOX]; password in $VIGIE_IMAP_PASSWORD")
	imapUser := fs.String("imap-user", "", "IMAP login (default: the --to address)")
	helo := fs.String("helo", "", "name announced in EHLO (default: this host's name)")
	wait := fs.Duration("wait", 60*time.Second, "how long to wait for the verdicts")
	lang := fs.String("lang", "fr", "language of the report: fr or en")
	asJSON := fs.Bool("json", false, "JSON output")
	list := fs.Bool("list", false, "list the cases and exit")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if *lang != "fr" && *lang != "en" {
		return usageErr("--lang: fr or en")
	}
	cases, err := selftest.Load(*dir)
	if err != nil {
		return err
	}
	cases = selectCases(cases, *only)
	if *list {
		for _, c := range cases {
			fmt.Fprintf(stdout, "%-12s %-28s %-8s %-22s %s\n", c.Category, c.ID, c.Expect, c.Rule, c.Title(*lang))
		}
		return nil
	}
	if *via == "" {
		return usageErr("usage: vigie selftest --via HOST:PORT [--to ADDRESS] [--config F | --api URL] [--cases DIR] [--json]")
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	if *to == "" {
		if len(cfg.Org.Domains) == 0 {
			return usageErr("--to is required when org.domains is empty")
		}
		*to = "selftest@" + cfg.Org.Domains[0]
	}
	if *helo == "" {
		*helo, _ = os.Hostname()
	}
	var runs posture.Runs
	opt := selftest.Options{Via: *via, To: *to, SenderDomain: *senderDomain, AttackDomain: *attackDomain, HELO: *helo, Wait: *wait}
	if *imapURL != "" {
		user := *imapUser
		if user == "" {
			user = *to
		}
		opt.Mailbox = &selftest.Mailbox{URL: *imapURL, User: user, Password: os.Getenv("VIGIE_IMAP_PASSWORD")}
	}
	if *api != "" {
		opt.Trace = selftest.APIClient{Base: strings.TrimRight(*api, "/"), Token: os.Getenv("VIGIE_API_TOKEN")}
	} else {
		a, err := app.Open(ctx, cfg, app.Options{Log: cliLog(stderr)})
		if err != nil {
			return err
		}
		defer a.Close()
		if opt.Trace, err = a.Trace(); err != nil {
			return err
		}
		runs = a.Audits()
	}
	results, err := selftest.Run(ctx, cases, opt)
	if err != nil {
		return err
	}
	if runs != nil {
		if err := recordSelftest(ctx, runs, *via, results); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"results": results, "summary": selftest.Summarize(results)}); err != nil {
			return err
		}
	} else if err := selftest.WriteText(stdout, results, *lang); err != nil {
		return err
	}
	for _, r := range results {
		if !r.Pass {
			return exitError{code: 1, err: errors.New("some cases did not behave as expected")}
		}
	}
	return nil
}

// recordSelftest keeps the run in the store, for the console and the
// incident report.
func recordSelftest(ctx context.Context, runs posture.Runs, via string, results []selftest.Result) error {
	passed := 0
	for _, r := range results {
		if r.Pass {
			passed++
		}
	}
	body, err := json.Marshal(map[string]any{"results": results, "summary": selftest.Summarize(results)})
	if err != nil {
		return err
	}
	_, err = runs.Add(ctx, posture.Run{Kind: "selftest", Subject: via, At: time.Now().UTC(),
		Worst: fmt.Sprintf("%d/%d", passed, len(results)), Body: body})
	return err
}

// selectCases keeps the cases named by id or category in only.
func selectCases(cases []*selftest.Case, only string) []*selftest.Case {
	if only == "" {
		return cases
	}
	want := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		want[strings.TrimSpace(s)] = true
	}
	var out []*selftest.Case
	for _, c := range cases {
		if want[c.ID] || want[c.Category] {
			out = append(out, c)
		}
	}
	return out
}
