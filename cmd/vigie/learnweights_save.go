package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/weights"
)

func init() {
	register(command{Name: "learn weights save", Summary: "save a learned-weights file in the database: every node with policy.learned: store scores with it, without restart",
		Run: runLearnWeightsSave})
}

// runLearnWeightsSave checks a model file written by `vigie learn
// weights` and saves it as the site's current model (docs/cluster.md).
func runLearnWeightsSave(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("learn weights save", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file")
	dsn := fs.String("store", "", "store DSN (default: the configuration's)")
	by := fs.String("by", "", "who saves it (default: the login name)")
	lang := fs.String("lang", "fr", "fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() != 1 {
		return usageErr("usage: vigie learn weights save [--config F] [--store DSN] [--by NAME] FILE")
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	m, err := weights.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	a, err := app.Load(ctx, *cfgPath, app.Options{Store: *dsn, Log: cliLog(stderr)})
	if err != nil {
		return err
	}
	defer a.Close()
	id, err := a.LearnedWeights().SaveModel(ctx, raw, operator(*by), time.Now().UTC())
	if err != nil {
		return err
	}
	t := m.Thresholds
	auditCLI(ctx, a, *by, "weights.save", fmt.Sprint(id), fmt.Sprintf("%s: tag %g quarantine %g reject %g", fs.Arg(0), t.Tag, t.Quarantine, t.Reject))
	fmt.Fprintln(stdout, say(*lang,
		fmt.Sprintf("modèle %d enregistré (seuils %g/%g/%g) : les nœuds avec policy.learned: store l'appliquent sans redémarrage", id, t.Tag, t.Quarantine, t.Reject),
		fmt.Sprintf("model %d saved (thresholds %g/%g/%g): nodes with policy.learned: store apply it without restart", id, t.Tag, t.Quarantine, t.Reject)))
	if a.Config.Policy.Learned != config.LearnedFromStore {
		fmt.Fprintln(stderr, say(*lang, "attention : cette configuration n'a pas policy.learned: store, elle ne lit pas ce modèle",
			"warning: this configuration does not set policy.learned: store and does not read this model"))
	}
	return nil
}
