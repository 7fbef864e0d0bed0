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
	"strings"
	"text/tabwriter"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/quarantine"
)

func init() {
	register(command{Name: "quarantine list", Summary: "list quarantined messages", Run: runQuarantineList})
	register(command{Name: "quarantine show", Summary: "print a quarantined message (--meta for its metadata)", Run: runQuarantineShow})
	register(command{Name: "quarantine release", Summary: "release held messages, once, without their being scanned again", Run: runQuarantineRelease})
	register(command{Name: "quarantine delete", Summary: "delete quarantined messages", Run: runQuarantineDelete})
	register(command{Name: "quarantine confirm", Summary: "confirm held messages are phishing: the site's classifier learns them", Run: runQuarantineConfirm})
}

// openQuarantine opens the quarantine of the configuration at path.
func openQuarantine(ctx context.Context, path string, stderr io.Writer) (*app.App, *quarantine.Store, error) {
	a, err := app.Load(ctx, path, app.Options{Log: cliLog(stderr)})
	if err != nil {
		return nil, nil, err
	}
	q, err := a.Quarantine()
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, q, nil
}

func runQuarantineList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("quarantine list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	all := fs.Bool("all", false, "include released and deleted messages")
	limit := fs.Int("limit", 100, "at most this many")
	asJSON := fs.Bool("json", false, "JSON output")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	a, q, err := openQuarantine(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	es, err := q.List(ctx, quarantine.Filter{All: *all, Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if es == nil {
			es = []quarantine.Entry{}
		}
		return enc.Encode(es)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tSCORE\tFROM\tTO\tSUBJECT\tSTATE")
	for _, e := range es {
		state := "held"
		if !e.ReleasedAt.IsZero() {
			state = "released by " + e.ReleasedBy
		}
		if !e.DeletedAt.IsZero() {
			state = "deleted by " + e.DeletedBy
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%s\t%s\t%s\t%s\n", e.ID, e.CreatedAt.Local().Format("2006-01-02 15:04"), e.Score,
			e.From, strings.Join(e.RcptTo, ","), clip(e.Subject, 50), state)
	}
	return tw.Flush()
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func runQuarantineShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("quarantine show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	meta := fs.Bool("meta", false, "print the metadata as JSON instead of the message")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() != 1 {
		return usageErr("usage: vigie quarantine show [--meta] ID")
	}
	a, q, err := openQuarantine(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if *meta {
		e, err := q.Get(ctx, fs.Arg(0))
		if err != nil {
			return fmt.Errorf("%s: %w", fs.Arg(0), err)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(e)
	}
	raw, _, err := q.Raw(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	// Reading a held message is reading someone's mail: it is journaled.
	auditCLI(ctx, a, "", "quarantine.show", fs.Arg(0), "")
	_, err = stdout.Write(raw)
	return err
}

// operator names who acts: --by, else the login name.
func operator(by string) string {
	if by != "" {
		return by
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

func runQuarantineDelete(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("quarantine delete", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	by := fs.String("by", "", "who deletes (default: the login name)")
	lang := fs.String("lang", "fr", "language: fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() == 0 {
		return usageErr("usage: vigie quarantine delete [--by NAME] ID...")
	}
	a, q, err := openQuarantine(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	failed := 0
	for _, id := range fs.Args() {
		if err := q.Delete(ctx, id, operator(*by)); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", id, err)
			auditCLI(ctx, a, *by, "quarantine.delete_failed", id, err.Error())
			failed++
			continue
		}
		auditCLI(ctx, a, *by, "quarantine.delete", id, "")
		fmt.Fprintf(stdout, "%s %s\n", id, say(*lang, "supprimé", "deleted"))
	}
	if failed > 0 {
		return fmt.Errorf("%d/%d %s", failed, fs.NArg(), say(*lang, "non supprimés", "not deleted"))
	}
	return nil
}

// learnDecision teaches the site's classifier an administrator's decision
// on a held message. A failure to learn is reported but does not undo the
// decision: the release or confirmation stands.
func learnDecision(ctx context.Context, a *app.App, q *quarantine.Store, id string, d bayes.Decision, by, lang string, stdout, stderr io.Writer) bool {
	if !a.Config.Bayes.Enabled {
		return false
	}
	raw, _, err := q.Raw(ctx, id)
	if err == nil {
		l := a.Learner()
		var r bayes.Learned
		if r, err = l.Feedback(ctx, raw, d, by); err == nil && r.Err != nil {
			err = r.Err
		}
		if err == nil {
			fmt.Fprintln(stdout, say(lang, id+" : classifieur : "+outcomeFR[r.Outcome]+" comme "+classFR[d.Class()],
				fmt.Sprintf("%s: classifier: %s as %s", id, r.Outcome, d.Class())))
			return true
		}
	}
	fmt.Fprintf(stderr, say(lang, "%s : classifieur non instruit : %s\n", "%s: classifier not taught: %s\n"), id, bayes.Message(err, lang))
	return false
}

// outcomeFR and classFR say a decision's outcome in French.
var (
	outcomeFR = map[bayes.Outcome]string{bayes.OutcomeLearned: "appris", bayes.OutcomeDuplicate: "déjà appris",
		bayes.OutcomeRelearned: "réappris", bayes.OutcomeForgotten: "oublié", bayes.OutcomeUnknown: "inconnu",
		bayes.OutcomeKept: "gardé"}
	classFR = map[bayes.Class]string{bayes.Phish: "hameçonnage", bayes.Ham: "légitime"}
)

func runQuarantineConfirm(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("quarantine confirm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	by := fs.String("by", "", "who confirms (default: the login name)")
	lang := fs.String("lang", "fr", "language: fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() == 0 {
		return usageErr("usage: vigie quarantine confirm [--by NAME] [--lang fr|en] ID...")
	}
	a, q, err := openQuarantine(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	if !a.Config.Bayes.Enabled {
		return errors.New(say(*lang, "le classifieur est désactivé (bayes.enabled: false) : rien à lui apprendre",
			"the classifier is disabled (bayes.enabled: false): nothing to teach"))
	}
	failed := 0
	for _, id := range fs.Args() {
		if !learnDecision(ctx, a, q, id, bayes.Confirmed, operator(*by), *lang, stdout, stderr) {
			failed++
			continue
		}
		// A confirmation is an administrator's decision, audited as a
		// release is.
		auditCLI(ctx, a, *by, "quarantine.confirm", id, "")
	}
	if failed > 0 {
		return fmt.Errorf("%d/%d %s", failed, fs.NArg(), say(*lang, "non appris", "not learned"))
	}
	return nil
}
