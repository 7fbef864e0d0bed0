package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/gateway/allow"
	"vigie.dev/vigie/internal/trace"
)

func init() {
	register(command{Name: "allow add", Summary: "exception for false positives: mail for a recipient or from an authenticated sender is at most tagged (or accepted)", Run: runAllowAdd})
	register(command{Name: "allow list", Summary: "list the allow rules", Run: runAllowList})
	register(command{Name: "allow rm", Summary: "remove allow rules", Run: runAllowRm})
}

func openAllowStore(ctx context.Context, cfgPath, dsn string, stderr io.Writer) (*app.App, error) {
	return app.Load(ctx, cfgPath, app.Options{Store: dsn, Log: cliLog(stderr)})
}

func runAllowAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("allow add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	dsn := fs.String("store", "", "store DSN (default: the configuration's)")
	rcpt := fs.String("recipient", "", "recipient address or @domain (e.g. the security team's report mailbox)")
	sender := fs.String("sender", "", "sender address or @domain; applies only when the sender is authenticated (DMARC, SPF or DKIM)")
	maxAction := fs.String("max-action", "tag", "the most the gateway does with such mail: tag or accept")
	reason := fs.String("reason", "", "why (required; kept in the audit trail)")
	expires := fs.String("expires", "", "lifetime, e.g. 30d or 72h (default: until removed)")
	by := fs.String("by", "", "who (default: the login name)")
	lang := fs.String("lang", "fr", "language: fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if (*rcpt == "") == (*sender == "") || *reason == "" || fs.NArg() > 0 {
		return usageErr("usage: vigie allow add (--recipient ADDR|@DOMAIN | --sender ADDR|@DOMAIN) --reason TEXT [--max-action tag|accept] [--expires 30d]")
	}
	kind, value := allow.Recipient, *rcpt
	if *sender != "" {
		kind, value = allow.Sender, *sender
	}
	value, err := allow.Normalize(value)
	if err != nil {
		return usageErr("%v", err)
	}
	act, err := allow.ParseMaxAction(*maxAction)
	if err != nil {
		return usageErr("%v", err)
	}
	now := time.Now().UTC()
	r := allow.Rule{Kind: kind, Value: value, MaxAction: string(act), Reason: *reason, CreatedBy: operator(*by), CreatedAt: now}
	if *expires != "" {
		d, err := trace.ParseAge(*expires)
		if err != nil {
			return usageErr("--expires: %v", err)
		}
		r.ExpiresAt = now.Add(d)
	}
	a, err := openAllowStore(ctx, *cfgPath, *dsn, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	id, err := a.AllowRules().AddAllow(ctx, r)
	if err != nil {
		return err
	}
	auditCLI(ctx, a, *by, "allow.add", fmt.Sprintf("%d %s:%s", id, kind, value), fmt.Sprintf("max=%s reason=%s", act, *reason))
	fmt.Fprintln(stdout, say(*lang,
		fmt.Sprintf("règle %d : courrier %s %s au plus « %s » (%s) ; appliquée par vigie serve dans les 30 s", id, map[string]string{allow.Recipient: "pour", allow.Sender: "authentifié de"}[kind], value, act, *reason),
		fmt.Sprintf("rule %d: mail %s %s at most %q (%s); vigie serve applies it within 30 s", id, map[string]string{allow.Recipient: "for", allow.Sender: "authenticated from"}[kind], value, act, *reason)))
	return nil
}

func runAllowList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("allow list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	dsn := fs.String("store", "", "store DSN (default: the configuration's)")
	all := fs.Bool("all", false, "include removed rules")
	asJSON := fs.Bool("json", false, "JSON output")
	lang := fs.String("lang", "fr", "language: fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	a, err := openAllowStore(ctx, *cfgPath, *dsn, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	rules, err := a.AllowRules().AllowRules(ctx, *all)
	if err != nil {
		return err
	}
	if *asJSON {
		if rules == nil {
			rules = []allow.Rule{}
		}
		return writeJSON(stdout, rules)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, say(*lang, "ID\tTYPE\tVALEUR\tAU PLUS\tPAR\tDEPUIS\tEXPIRE\tMOTIF", "ID\tKIND\tVALUE\tAT MOST\tBY\tSINCE\tEXPIRES\tREASON"))
	for _, r := range rules {
		exp := "-"
		if !r.ExpiresAt.IsZero() {
			exp = r.ExpiresAt.Local().Format("2006-01-02 15:04")
		}
		if !r.RemovedAt.IsZero() {
			exp = say(*lang, "retirée par ", "removed by ") + r.RemovedBy
		}
		kind := r.Kind
		if *lang != "en" {
			kind = map[string]string{allow.Recipient: "destinataire", allow.Sender: "expéditeur"}[r.Kind]
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, kind, r.Value, r.MaxAction, r.CreatedBy,
			r.CreatedAt.Local().Format("2006-01-02 15:04"), exp, r.Reason)
	}
	return tw.Flush()
}

func runAllowRm(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("allow rm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	dsn := fs.String("store", "", "store DSN (default: the configuration's)")
	by := fs.String("by", "", "who (default: the login name)")
	reason := fs.String("reason", "", "why (kept in the audit trail)")
	lang := fs.String("lang", "fr", "language: fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() == 0 {
		return usageErr("usage: vigie allow rm [--reason TEXT] ID...")
	}
	a, err := openAllowStore(ctx, *cfgPath, *dsn, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	failed := 0
	for _, arg := range fs.Args() {
		id, err := strconv.ParseInt(arg, 10, 64)
		if err == nil {
			err = a.AllowRules().RemoveAllow(ctx, id, operator(*by), time.Now().UTC())
		}
		if errors.Is(err, dberr.ErrNotFound) {
			err = errors.New(say(*lang, "pas de règle active de ce numéro", "no active rule with that number"))
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", arg, err)
			failed++
			continue
		}
		auditCLI(ctx, a, *by, "allow.remove", arg, *reason)
		fmt.Fprintln(stdout, say(*lang, "règle "+arg+" retirée", "rule "+arg+" removed"))
	}
	if failed > 0 {
		return fmt.Errorf("%d/%d %s", failed, fs.NArg(), say(*lang, "non retirées", "not removed"))
	}
	return nil
}
