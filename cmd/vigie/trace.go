package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/trace"
)

func init() {
	register(command{Name: "trace search", Summary: "search the message trace (every recipient of a campaign)", Run: runTraceSearch})
}

func runTraceSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("trace search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	var q trace.Query
	fs.StringVar(&q.Sender, "sender", "", "sender address (MAIL FROM, From, Sender, Reply-To)")
	fs.StringVar(&q.Rcpt, "rcpt", "", "recipient address")
	fs.StringVar(&q.Domain, "domain", "", "sender domain or URL host, subdomains included")
	fs.StringVar(&q.URL, "url", "", "URL, or a prefix of one")
	fs.StringVar(&q.IP, "ip", "", "client IP address")
	fs.StringVar(&q.Hash, "hash", "", "attachment SHA-256 or fuzzy body hash")
	fs.StringVar(&q.MsgID, "message-id", "", "Message-ID")
	fs.StringVar(&q.Action, "action", "", "accept, tag, quarantine, reject, tempfail")
	since := fs.String("since", "", "look back this far: 7d, 36h (default: the whole retention)")
	fs.IntVar(&q.Limit, "limit", 1000, "at most this many records")
	asJSON := fs.Bool("json", false, "JSON output")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *since != "" {
		d, err := trace.ParseAge(*since)
		if err != nil {
			return usageErr("--since: %v", err)
		}
		q.Since = time.Now().Add(-d)
	}
	a, err := app.Load(ctx, *cfgPath, app.Options{Log: cliLog(stderr)})
	if err != nil {
		return err
	}
	defer a.Close()
	tl, err := a.Trace()
	if err != nil {
		return err
	}
	recs, err := tl.Search(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		if recs == nil {
			recs = []trace.Record{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(recs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tACTION\tSCORE\tIP\tMAIL FROM\tFROM\tRCPT\tSUBJECT")
	for _, r := range recs {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\n", r.At.Local().Format("2006-01-02 15:04:05"), r.Action, r.Score,
			r.ClientIP, r.MailFrom, r.From, strings.Join(r.RcptTo, ","), clip(r.Subject, 50))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d message(s)\n", len(recs))
	return nil
}
