package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/quarantine"
)

// runQuarantineRelease releases held messages and says what happened to
// each: delivered (with the next hop's reply), released from Postfix's
// hold queue, quarantined again, or not released and why. It exits 1
// unless every message was released. Each outcome is in the audit trail.
func runQuarantineRelease(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("quarantine release", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	by := fs.String("by", "", "who releases (default: the login name)")
	to := fs.String("to", "", "host:port to re-inject to (default: serve.quarantine.release_to, else serve.relay.next_hop)")
	force := fs.Bool("force", false, "re-inject Vigie's copy even when Postfix's held copy has left its hold queue")
	noLearn := fs.Bool("no-learn", false, "do not teach the site's classifier that the message is legitimate")
	lang := fs.String("lang", "fr", "language: fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() == 0 {
		return usageErr("usage: vigie quarantine release [--by NAME] [--to HOST:PORT] [--force] ID...")
	}
	a, q, err := openQuarantine(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	key, err := a.ReleaseKey(ctx)
	if err != nil {
		return err
	}
	if *to != "" {
		a.Config.Serve.Quarantine.ReleaseTo = *to
	}
	hello, _ := os.Hostname()
	d := a.Releaser(key, hello)
	d.Force = *force
	defer d.SMTP.Close()
	failed := 0
	for _, id := range fs.Args() {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		e, err := q.Release(rctx, id, operator(*by), d)
		cancel()
		if err != nil {
			line := releaseFailure(*lang, id, err)
			fmt.Fprintln(stderr, line)
			auditCLI(ctx, a, *by, "quarantine.release_failed", id, line)
			failed++
			continue
		}
		note, _ := d.ReleaseNote(*lang, e)
		line := say(*lang, id+" : ", id+": ") + note
		fmt.Fprintln(stdout, line)
		auditCLI(ctx, a, *by, "quarantine.release", id, line)
		if !*noLearn {
			learnDecision(ctx, a, q, id, bayes.Released, operator(*by), *lang, stdout, stderr)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d/%d %s", failed, fs.NArg(), say(*lang, "non libérés", "not released"))
	}
	return nil
}

func releaseFailure(lang, id string, err error) string {
	var de *quarantine.DeliveryError
	var busy *quarantine.BusyError
	refusal, refused := quarantine.ReleaseRefusal(lang, err)
	switch {
	case errors.As(err, &busy):
		return say(lang, fmt.Sprintf("%s : NON libéré — en cours de libération par %s (autre console ou autre nœud) ; toujours retenu tant qu'elle n'aboutit pas", id, busy.By),
			fmt.Sprintf("%s: NOT released — being released by %s (another console or node); still held until that succeeds", id, busy.By))
	case refused:
		if errors.Is(err, quarantine.ErrPostfixCopyGone) {
			refusal += say(lang, " ; pour remettre quand même la copie de Vigie : --force", "; to deliver Vigie's copy anyway: --force")
		}
		return say(lang, id+" : NON libéré — ", id+": NOT released — ") + refusal
	case errors.Is(err, quarantine.ErrNotHeld):
		return say(lang, fmt.Sprintf("%s : NON libéré — plus en quarantaine (%v)", id, err), fmt.Sprintf("%s: NOT released — no longer held (%v)", id, err))
	case errors.As(err, &de):
		return say(lang, fmt.Sprintf("%s : NON libéré — échec de la remise, toujours retenu : %v", id, de.Err),
			fmt.Sprintf("%s: NOT released — delivery failed, still held: %v", id, de.Err))
	}
	return say(lang, fmt.Sprintf("%s : NON libéré — %v", id, err), fmt.Sprintf("%s: NOT released — %v", id, err))
}

// auditCLI records a command-line action on held mail in the audit trail
// the console shows, with "cli" as its origin (a failure is logged).
func auditCLI(ctx context.Context, a *app.App, by, action, target, detail string) {
	a.Accounts().Audit(ctx, account.AuditEntry{At: time.Now().UTC(), Actor: operator(by), Action: action,
		Target: target, Detail: detail, ClientIP: "cli"})
}
