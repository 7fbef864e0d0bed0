package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/corpus"
)

func init() {
	register(command{Name: "learn", Summary: "teach the site's classifier: --phish DIR, --ham DIR, --reported DIR (users' reports), --forget DIR", Run: runLearn})
	register(command{Name: "learn status", Summary: "what the site's classifier has learned, and whether it votes", Run: runLearnStatus})
	register(command{Name: "learn reset", Summary: "empty the site's classifier (--yes)", Run: runLearnReset})
}

// say picks the French or English text of a message for people.
func say(lang, fr, en string) string {
	if lang == "en" {
		return en
	}
	return fr
}

func runLearn(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("learn", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var phish, reported, ham, forget multiFlag
	fs.Var(&phish, "phish", "directory or .eml file of phishing to learn (repeatable)")
	fs.Var(&reported, "reported", "directory or .eml file of messages the site's users reported as phishing: learned as phishing, recorded as user reports (repeatable)")
	fs.Var(&ham, "ham", "directory or .eml file of the site's legitimate mail to learn (repeatable)")
	fs.Var(&forget, "forget", "directory or .eml file of messages to forget (repeatable)")
	cfgPath := fs.String("config", "", "configuration file")
	dsn := fs.String("store", "", "store DSN (default: the configuration's)")
	by := fs.String("by", "", "who teaches (default: the login name)")
	lang := fs.String("lang", "fr", "fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if len(phish)+len(reported)+len(ham)+len(forget) == 0 || fs.NArg() > 0 {
		return usageErr("usage: vigie learn [--phish DIR]… [--reported DIR]… [--ham DIR]… [--forget DIR]… [--config F] [--store DSN]")
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	// A user report is a decision like a confirmed quarantine: status
	// counts it apart, and it defers to an administrator's decision.
	var files []learnFile
	for _, set := range []struct {
		dirs   []string
		class  bayes.Class
		source string
	}{{phish, bayes.Phish, "cli"}, {reported, bayes.Phish, string(bayes.Reported)}, {ham, bayes.Ham, "cli"}, {forget, "", "cli"}} {
		for _, d := range set.dirs {
			names, err := inputs([]string{d})
			if err != nil {
				return err
			}
			for _, f := range names {
				files = append(files, learnFile{f, set.class, set.source})
			}
		}
	}
	a, err := app.Open(ctx, cfg, app.Options{Store: *dsn, Log: cliLog(stderr)})
	if err != nil {
		return err
	}
	defer a.Close()
	l := a.Learner()
	counts := map[bayes.Outcome]int{}
	refused := 0
	// Files are read and learned a batch at a time (learnFiles files,
	// learnBytes read): a directory of reports may hold more mail than
	// memory, each message up to limits.max_size.
	for next := 0; next < len(files); {
		var items []bayes.Item
		for read := 0; next < len(files) && len(items) < learnFiles && read < learnBytes; next++ {
			f := files[next]
			raw, err := corpus.Read(f.name, int64(cfg.Limits.MaxSize))
			if err != nil {
				return err
			}
			read += len(raw)
			if f.source != string(bayes.Reported) {
				items = append(items, bayes.Item{Name: f.name, Raw: raw, Class: f.class, Source: f.source, By: operator(*by)})
				if f.class == "" {
					// A forward --reported learned in the messages' place.
					for _, r := range forwardedMessages(f.name, raw, &cfg) {
						items = append(items, bayes.Item{Name: r.name, Raw: r.raw, Source: f.source, By: operator(*by)})
					}
				}
				continue
			}
			reports, err := reportedMessages(f.name, raw, &cfg, *lang)
			if err != nil {
				refused++
				fmt.Fprintf(stderr, "%s: %v\n", f.name, err)
			}
			for _, r := range reports {
				items = append(items, bayes.Item{Name: r.name, Raw: r.raw, Class: f.class, Source: f.source, By: operator(*by)})
			}
		}
		res, err := l.Learn(ctx, items)
		if err != nil {
			auditLearn(ctx, a, *by, phish, reported, ham, forget, counts, refused, err)
			return err
		}
		for _, r := range res {
			switch {
			case r.Err != nil:
				refused++
				fmt.Fprintf(stderr, "%s: %s\n", r.Name, bayes.Message(r.Err, *lang))
				continue
			case r.Outcome == bayes.OutcomeKept:
				fmt.Fprintf(stderr, say(*lang, "%s : signalement non appris : un administrateur a jugé ce message légitime (vigie learn --phish pour passer outre)\n",
					"%s: report not learned: an administrator judged this message legitimate (vigie learn --phish to overrule)\n"), r.Name)
			}
			counts[r.Outcome]++
		}
	}
	auditLearn(ctx, a, *by, phish, reported, ham, forget, counts, refused, nil)
	fmt.Fprintf(stdout, say(*lang, "%d appris, %d réappris dans l'autre classe, %d déjà appris, %d oubliés, %d inconnus, %d refusés\n",
		"%d learned, %d relearned as the other class, %d already learned, %d forgotten, %d unknown, %d refused\n"),
		counts[bayes.OutcomeLearned], counts[bayes.OutcomeRelearned], counts[bayes.OutcomeDuplicate],
		counts[bayes.OutcomeForgotten], counts[bayes.OutcomeUnknown], refused)
	if n := counts[bayes.OutcomeKept]; n > 0 {
		fmt.Fprintf(stdout, say(*lang, "%d signalements non appris : un administrateur avait jugé ces messages légitimes\n",
			"%d reports not learned: an administrator had judged these messages legitimate\n"), n)
	}
	return printLearnStatus(ctx, stdout, a.Bayes(), &cfg, *lang)
}

// auditLearn records a vigie learn run in the audit trail the console
// shows (who taught what from where, and what came of it), as the
// quarantine's releases are: a model taught wrong is traced to its run.
func auditLearn(ctx context.Context, a *app.App, by string, phish, reported, ham, forget []string, counts map[bayes.Outcome]int, refused int, err error) {
	var target []string
	for _, set := range []struct {
		flag string
		dirs []string
	}{{"phish", phish}, {"reported", reported}, {"ham", ham}, {"forget", forget}} {
		for _, d := range set.dirs {
			target = append(target, "--"+set.flag+" "+d)
		}
	}
	detail := fmt.Sprintf("learned=%d relearned=%d duplicate=%d forgotten=%d unknown=%d kept=%d refused=%d",
		counts[bayes.OutcomeLearned], counts[bayes.OutcomeRelearned], counts[bayes.OutcomeDuplicate],
		counts[bayes.OutcomeForgotten], counts[bayes.OutcomeUnknown], counts[bayes.OutcomeKept], refused)
	if err != nil {
		detail += " failed: " + err.Error()
	}
	auditCLI(ctx, a, by, "bayes.learn", strings.Join(target, " "), detail)
}

// learnFile is one file to learn, as what, from whom.
type learnFile struct {
	name   string
	class  bayes.Class
	source string
}

// learnFiles and learnBytes bound the files read into memory at once
// (variables for the tests).
var (
	learnFiles = 200
	learnBytes = 128 << 20
)

func printLearnStatus(ctx context.Context, w io.Writer, model bayes.Repository, cfg *config.Config, lang string) error {
	st, err := model.State(ctx)
	if err != nil {
		return err
	}
	n, err := model.TokenCount(ctx)
	if err != nil {
		return err
	}
	var unusable error
	if cfg.Bayes.Enabled {
		unusable = bayes.Check(ctx, model, bayes.Options{MinLearned: cfg.Bayes.MinLearned, MaxTokens: cfg.Bayes.MaxTokens})
		if errors.Is(unusable, context.Canceled) {
			return unusable
		}
	}
	fmt.Fprintf(w, say(lang, "modèle : %d hameçonnages, %d messages légitimes, %d caractéristiques (au plus %d)\n",
		"model: %d phishing, %d legitimate messages, %d features (at most %d)\n"), st.Phish, st.Ham, n, cfg.Bayes.MaxTokens)
	switch {
	case !cfg.Bayes.Enabled:
		fmt.Fprintln(w, say(lang, "le classifieur est désactivé (bayes.enabled: false)", "the classifier is disabled (bayes.enabled: false)"))
	case unusable != nil:
		// The counts above may look fine: only reading the model the way a
		// node does says whether it can classify with it.
		fmt.Fprintf(w, say(lang, "le classifieur ne vote pas : le modèle enregistré est inutilisable, Vigie analyse avec les autres signaux (%v)\n",
			"the classifier does not vote: the stored model cannot be used, Vigie scans with the other signals (%v)\n"), unusable)
	case st.Phish >= int64(cfg.Bayes.MinLearned) && st.Ham >= int64(cfg.Bayes.MinLearned):
		fmt.Fprintln(w, say(lang, "le classifieur vote", "the classifier votes"))
	default:
		fmt.Fprintf(w, say(lang, "le classifieur ne vote pas encore : il lui faut %d messages de chaque sorte\n",
			"the classifier does not vote yet: it needs %d messages of each kind\n"), cfg.Bayes.MinLearned)
	}
	return nil
}

func runLearnStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("learn status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	dsn := fs.String("store", "", "store DSN (default: the configuration's)")
	lang := fs.String("lang", "fr", "fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	a, err := app.Load(ctx, *cfgPath, app.Options{Store: *dsn, Log: cliLog(stderr)})
	if err != nil {
		return err
	}
	defer a.Close()
	model := a.Bayes()
	if err := printLearnStatus(ctx, stdout, model, &a.Config, *lang); err != nil {
		return err
	}
	// Who taught it what, by source.
	taught, err := model.Taught(ctx)
	if err != nil {
		return fmt.Errorf("learn status: %w", err)
	}
	var lines []string
	for _, t := range taught {
		lines = append(lines, fmt.Sprintf("  %-20s %-6s %d", t.Source, t.Class, t.Messages))
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	return nil
}

func runLearnReset(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("learn reset", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	dsn := fs.String("store", "", "store DSN (default: the configuration's)")
	yes := fs.Bool("yes", false, "really empty the model")
	lang := fs.String("lang", "fr", "fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if !*yes {
		return usageErr("%s", say(*lang, "vider le modèle efface tout ce que le site lui a appris : relancez avec --yes",
			"emptying the model erases all the site taught it: run again with --yes"))
	}
	a, err := app.Load(ctx, *cfgPath, app.Options{Store: *dsn, Log: cliLog(stderr)})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Bayes().Reset(ctx); err != nil {
		return err
	}
	auditCLI(ctx, a, "", "bayes.reset", "", "")
	fmt.Fprintln(stdout, say(*lang, "modèle vidé", "model emptied"))
	return nil
}
