package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/olemsg"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
	"vigie.dev/vigie/internal/weights"
)

func init() {
	register(command{Name: "scan", Summary: "scan .eml or .msg files or standard input and explain the verdicts", Run: runScan})
	register(command{Name: "config check", Summary: "validate a configuration file", Run: runConfigCheck})
	register(command{Name: "signals", Summary: "list every signal with its default weight and explanation", Run: runSignals})
}

// loadScanner reads the configuration and builds the scanner for offline
// use: stored messages carry their own trace, so "dns" mode falls back to
// the trusted relays' results unless a live resolver is wired in.
func loadScanner(path string, stderr io.Writer) (*config.Config, *scan.Scanner, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, nil, err
	}
	s, err := engine.New(&cfg, engine.Options{Log: cliLog(stderr)})
	if err != nil {
		return nil, nil, err
	}
	return &cfg, s, nil
}

// storeScanner builds the scanner of a's configuration consulting, as the
// gateway does, a's indicator store, supplier register and classifier
// (kept in step with the store until ctx ends), and scoring with the
// learned weights saved in the store when the configuration says
// policy.learned: store.
// A stored model it cannot use is said on stderr, in lang.
func storeScanner(ctx context.Context, a *app.App, stderr io.Writer, lang string) (*scan.Scanner, error) {
	opts := engine.Options{Log: a.Log}
	var err error
	if a.Config.Policy.Learned == config.LearnedFromStore {
		// As a gateway node: a stored model it cannot read leaves the
		// embedded one.
		raw, id, err := a.LearnedWeights().CurrentModel(ctx)
		var m *weights.Model
		if err == nil && id > 0 {
			m, err = weights.Parse(raw)
		}
		switch {
		case err != nil && id == 0:
			// No model number: the store itself did not answer.
			fmt.Fprintf(stderr, say(lang, "vigie scan : le modèle de poids enregistré n'a pas pu être lu, ce sont les poids intégrés qui notent : %v\n",
				"vigie scan: the stored weights model could not be read, the embedded weights score: %v\n"), err)
		case err != nil:
			fmt.Fprintf(stderr, say(lang, "vigie scan : le modèle de poids enregistré (n° %d) est inutilisable, ce sont les poids intégrés qui notent : %v\n",
				"vigie scan: the stored weights model (no. %d) cannot be used, the embedded weights score: %v\n"), id, err)
		case m != nil:
			a.Config.Policy.UseModel(m)
		}
	}
	if opts.Indicators, err = a.Matcher(ctx); err != nil {
		return nil, err
	}
	opts.Suppliers = &suppliers.Cache{Store: a.Suppliers(), Log: a.Log}
	if live := a.Classifier(ctx); live != nil {
		opts.Bayes = live.Model
	}
	return engine.New(&a.Config, opts)
}

// inputs expands arguments into message files: a directory gives its .eml
// files (sorted), "-" is standard input.
func inputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == "-" {
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if !e.IsDir() && (strings.HasSuffix(e.Name(), ".eml") || strings.HasSuffix(e.Name(), ".msg")) {
				out = append(out, filepath.Join(a, e.Name()))
			}
		}
	}
	return out, nil
}

func readInput(name string, max int64) ([]byte, error) {
	var r io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	// Read one byte past the limit so the parser can tell it was cut.
	return io.ReadAll(io.LimitReader(r, max+1))
}

type scanResult struct {
	File string `json:"file"`
	*scan.Verdict
}

func runScan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "one JSON verdict per line")
	cfgPath := fs.String("config", "", "configuration file (default: embedded defaults)")
	lang := fs.String("lang", "fr", "language of explanations: fr or en")
	storeDSN := fs.String("store", "", "consult the indicator store and the site's classifier at this DSN (\"default\": $"+envStore+", else the configuration's store or data_dir)")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() == 0 {
		return usageErr("usage: vigie scan [--json] [--config F] [--lang fr|en] [--store DSN|default] FILE.eml|FILE.msg|DIR|-")
	}
	var (
		cfg *config.Config
		sc  *scan.Scanner
		err error
	)
	if *storeDSN == "" {
		cfg, sc, err = loadScanner(*cfgPath, stderr)
		if err == nil && cfg.Policy.Learned == config.LearnedFromStore {
			fmt.Fprintln(stderr, say(*lang, "vigie scan : policy.learned: store : sans --store, ce sont les poids intégrés qui notent, pas le modèle enregistré dans la base",
				"vigie scan: policy.learned: store: without --store, the embedded weights score, not the model saved in the database"))
		}
	} else {
		dsn := *storeDSN
		if dsn == "default" {
			dsn = ""
		}
		a, lerr := app.Load(ctx, *cfgPath, app.Options{Store: dsn, Log: cliLog(stderr)})
		if lerr != nil {
			return lerr
		}
		defer a.Close()
		cfg = &a.Config
		sc, err = storeScanner(ctx, a, stderr, *lang)
	}
	if err != nil {
		return err
	}
	files, err := inputs(fs.Args())
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	for _, f := range files {
		raw, err := readInput(f, int64(cfg.Limits.MaxSize))
		if err == nil && olemsg.IsCompound(raw) {
			// An Outlook .msg is scanned as the message it holds.
			raw, err = olemsg.Convert(raw, olemsg.Limits{MaxBytes: int64(cfg.Limits.MaxSize)})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		v := sc.Scan(ctx, raw, scan.Envelope{})
		if *asJSON {
			if err := enc.Encode(scanResult{File: f, Verdict: v}); err != nil {
				return err
			}
			continue
		}
		printVerdict(stdout, f, v, *lang)
	}
	return nil
}

func printVerdict(w io.Writer, file string, v *scan.Verdict, lang string) {
	fmt.Fprintf(w, "== %s\n", file)
	fmt.Fprintf(w, "action: %s   score: %.2f   (%s)\n", v.Action, v.Score, v.Elapsed.Round(1000))
	if why := v.Incomplete(); why != "" && v.Action.Rank() < scan.Quarantine.Rank() {
		// The verdict is shown as it is; the gateway would not act on it.
		if lang == "en" {
			fmt.Fprintf(w, "INCOMPLETE scan (%s): the gateway would answer 451 4.7.1, or pass the message marked unscanned with serve.fail_open\n", why)
		} else {
			fmt.Fprintf(w, "Analyse INCOMPLÈTE (%s) : la passerelle répondrait 451 4.7.1, ou laisserait passer le message marqué unscanned avec serve.fail_open\n", why)
		}
	}
	sigs := append([]scan.Signal(nil), v.Signals...)
	sort.SliceStable(sigs, func(i, j int) bool { return sigs[i].Weight > sigs[j].Weight })
	if len(sigs) > 0 {
		fmt.Fprintln(w, "signals:")
	}
	for _, s := range sigs {
		text := s.FR
		if lang == "en" {
			text = s.EN
		}
		force := ""
		if s.Force != "" {
			force = " [" + string(s.Force) + "]"
		}
		fmt.Fprintf(w, "  %+6.2f  %-28s %s%s\n", s.Weight, s.Name, text, force)
	}
	in := v.Indicators
	fmt.Fprintln(w, "indicators:")
	line := func(k string, vals ...string) {
		var keep []string
		for _, x := range vals {
			if x != "" {
				keep = append(keep, x)
			}
		}
		if len(keep) > 0 {
			fmt.Fprintf(w, "  %-12s %s\n", k+":", strings.Join(keep, " "))
		}
	}
	line("client", in.ClientIP, in.HELO)
	line("from", in.FromAddress)
	line("return-path", in.ReturnPath)
	line("reply-to", in.ReplyTo)
	line("senders", in.Senders...)
	line("domains", in.Domains...)
	for i, u := range in.URLs {
		if i == 20 {
			fmt.Fprintf(w, "  %-12s … %d more\n", "", len(in.URLs)-20)
			break
		}
		line("url", u)
	}
	line("sha256", in.Attachments...)
	line("fuzzy", in.FuzzyBody, in.FuzzyLayout)
	fmt.Fprintln(w)
}

func runConfigCheck(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("config check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "fr", "fr or en")
	if err := fs.Parse(args); err != nil {
		return usageErr("%v", err)
	}
	if fs.NArg() != 1 {
		return usageErr("usage: vigie config check [--lang en] FILE")
	}
	file := fs.Arg(0)
	cfg, err := config.Load(file)
	if err != nil {
		return err
	}
	sc, err := engine.New(&cfg, engine.Options{})
	if err != nil {
		return err
	}
	// The warning lists of data.warninglists: the daemon starts with a
	// refused file's embedded list, logging it; the check fails, so that
	// a refresh that did not happen is seen before the reload.
	var refused []string
	for _, o := range sc.Lists.Outcomes() {
		switch {
		case o.Err != nil:
			refused = append(refused, o.Say(*lang))
		case len(o.Own) > 0 || len(o.Imitations) > 0:
			fmt.Fprintf(stderr, say(*lang, "%s : attention : data.warninglists : %s\n", "%s: warning: data.warninglists: %s\n"), file, o.Say(*lang))
		case o.Taken():
			fmt.Fprintf(stdout, say(*lang, "%s : data.warninglists : %s\n", "%s: data.warninglists: %s\n"), file, o.Say(*lang))
		}
	}
	if len(refused) > 0 {
		return fmt.Errorf(say(*lang, "data.warninglists : %d fichier(s) refusé(s) :\n  %s", "data.warninglists: %d file(s) refused:\n  %s"),
			len(refused), strings.Join(refused, "\n  "))
	}
	p := cfg.Policy
	fmt.Fprintf(stdout, say(*lang, "%s : ok (auth %s ; seuils : marquage %g, quarantaine %g, rejet %g ; %d poids fixés à la main)\n",
		"%s: ok (auth %s; thresholds tag %g, quarantine %g, reject %g; %d weight overrides)\n"),
		file, cfg.Auth.Mode, p.TagAt, p.QuarantineAt, p.RejectAt, len(p.Weights))
	// In headers mode the results are those trusted relays wrote; with
	// none declared, none is read and every message is scored as one
	// whose sender is not shown to be unauthenticated
	// (AUTH_RESULTS_UNKNOWN): a forged From over someone else's envelope
	// then loses AUTH_* and FROM_RETURN_PATH_MISMATCH alike. Valid for a
	// test bench, not for a gateway.
	if cfg.Auth.Mode == "headers" && len(cfg.Trust.Relays) == 0 && len(cfg.Trust.Networks) == 0 {
		fmt.Fprintf(stderr, say(*lang, "%s : attention : auth.mode headers sans relais de confiance (trust.relays, trust.networks) : aucun résultat d'authentification ne sera lu, chaque message sera AUTH_RESULTS_UNKNOWN\n",
			"%s: warning: auth.mode headers without a trusted relay (trust.relays, trust.networks): no authentication result will be read, every message will be AUTH_RESULTS_UNKNOWN\n"), file)
	}
	return nil
}

func runSignals(_ context.Context, args []string, stdout, _ io.Writer) error {
	// The catalogue is the one a scanner is built with.
	cfg := config.Default()
	sc, err := engine.New(&cfg, engine.Options{})
	if err != nil {
		return err
	}
	if len(args) > 0 && args[0] == "--markdown" {
		return signalsMarkdown(stdout, sc.Catalogue, cfg.Policy.Policy)
	}
	lang := "fr"
	if len(args) > 0 && args[0] == "--lang=en" || len(args) > 1 && args[1] == "en" {
		lang = "en"
	}
	for _, d := range sc.Catalogue.All() {
		text := d.FR
		if lang == "en" {
			text = d.EN
		}
		fmt.Fprintf(stdout, "%-8s %-30s %+5.1f  %s\n", d.Family, d.Name, cfg.Policy.Weight(d), text)
	}
	return nil
}

// signalsMarkdown writes docs/signals.md: one section per family, one row
// per signal with its expert and learned weights and both explanations.
func signalsMarkdown(w io.Writer, cat *scan.Catalogue, p scan.Policy) error {
	fmt.Fprint(w, "# Signals\n\nGenerated by `vigie signals --markdown` from the check families' data files;\n"+
		"a test keeps it in step. The expert weight is the catalogue's; the learned one is\n"+
		"what the embedded model fitted on the training part (`docs/weights.md`) and what\n"+
		"the default policy uses. Override either under `policy.weights`.\n"+
		"What raises each signal, its thresholds, data sources and known false positives:\n"+
		"`internal/checks/<family>/README.md` (the `ioc` family is `ioccheck`, `bayes` is `bayescheck`;\n"+
		"`scan` are the pipeline's own signals and the parser's defects, `docs/message.md`).\n"+
		"`{d}` stands for the value involved (a domain, a file name, the phrases read...); a clause\n"+
		"in square brackets is shown only when there is one.\n")
	family := ""
	for _, d := range cat.All() {
		if d.Family != family {
			family = d.Family
			fmt.Fprintf(w, "\n## %s\n\n| signal | expert | learned | français | English |\n|---|---|---|---|---|\n", family)
		}
		weight := fmt.Sprintf("%+.1f | %+.2f", d.Weight, p.Weight(d))
		if d.Action != "" {
			weight += ", at least " + string(d.Action)
		}
		esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
		fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", d.Name, weight, esc(d.FR), esc(d.EN))
	}
	return nil
}
