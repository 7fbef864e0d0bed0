package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/ir/incident"
)

// The incident commands speak French unless --lang en is given: help,
// errors and output. They only translate arguments into calls of the
// incident service (package app builds it) and its answers into text.
func init() {
	for _, c := range []struct {
		name, summary string
		run           incidentRun
	}{
		{"incident open", "ouvrir un incident : --type phishing-campaign|mailbox-compromise --title T", runIncidentOpen},
		{"incident list", "lister les incidents ouverts (--all : les clos aussi), avec l'échéance CNIL", runIncidentList},
		{"incident show", "afficher un incident : gravité, échéance CNIL, fiche, indicateurs, preuves, main courante", runIncidentShow},
		{"incident update", "modifier la qualification, le responsable, les comptes et machines, la prise de connaissance", runIncidentUpdate},
		{"incident close", "clore un incident : --resolution resolu|faux-positif|transfere|doublon|sans-suite", runIncidentClose},
		{"incident reopen", "rouvrir un incident clos (--reason obligatoire)", runIncidentReopen},
		{"incident log", "ajouter une entrée à la main courante (--at : heure de l'événement)", runIncidentLog},
		{"incident verify", "vérifier la main courante (chaîne, dossier, sceaux ; --head, --against EXPORT)", runIncidentVerify},
		{"incident checklist", "ce qu'il reste à faire selon la fiche (--all : toutes les actions)", runIncidentChecklist},
		{"incident check", "changer le statut d'une action de la fiche (à faire, en cours, fait, sans objet)", runIncidentCheck},
		{"incident add-evidence", "joindre une preuve avec sa provenance (un .eml signalé propose ses indicateurs)", runIncidentAddEvidence},
		{"incident block", "pousser les indicateurs vers la liste de blocage (--all ou --indicator V)", runIncidentBlock},
		{"incident hunt", "recherche rétrospective : qui d'autre a reçu la campagne", runIncidentHunt},
		{"incident correspondents", "à qui le compte compromis a écrit (trace, journaux Postfix) : fiche InterCERT 4.b", runIncidentCorrespondents},
		{"incident export", "exporter preuves, main courante, rapports et manifeste d'empreintes vers un répertoire", runIncidentExport},
		{"incident report", "produire un document (rapport, déclarations, avertissements, ARF, X-ARF, MISP, STIX…)", runIncidentReport},
	} {
		register(incidentCommand(c.name, c.summary, c.run))
	}
}

type incidentRun func(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error

// incidentCommand wraps a run function: it prepares the flags in the
// requested language, closes what the command opened, and says the error
// in that language.
func incidentCommand(name, summary string, run incidentRun) command {
	return command{Name: name, Summary: summary, Run: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		c := newIncidentCmd(name, args, stderr)
		err := run(ctx, c, args, stdout)
		if c.done != nil {
			c.done()
		}
		return c.localize(err)
	}}
}

// incidentCmd holds the flags every incident command shares and opens
// what the command needs.
type incidentCmd struct {
	name   string
	fs     *flag.FlagSet
	store  string
	config string
	by     string
	lang   string
	stderr io.Writer
	cfg    config.Config
	app    *app.App
	done   func()
}

func newIncidentCmd(name string, args []string, stderr io.Writer) *incidentCmd {
	c := &incidentCmd{name: name, fs: flag.NewFlagSet("vigie "+name, flag.ContinueOnError), stderr: stderr, lang: "fr"}
	for i, a := range args { // the language must be known before the help is written
		if a == "--lang=en" || a == "-lang=en" || (a == "--lang" || a == "-lang") && i+1 < len(args) && args[i+1] == "en" {
			c.lang = "en"
		}
	}
	c.fs.SetOutput(stderr)
	c.fs.StringVar(&c.store, "store", "", c.t("base : sqlite:CHEMIN ou postgres://… (défaut : $"+envStore+", la configuration, le répertoire de données)",
		"store DSN: sqlite:PATH or postgres://… (default: $"+envStore+", the configuration, the data directory)"))
	c.fs.StringVar(&c.config, "config", "", c.t("fichier de configuration", "configuration file"))
	c.fs.StringVar(&c.by, "by", "", c.t("qui agit, pour la main courante (défaut : l'utilisateur courant)", "who acts, for the main courante (default: the current user)"))
	c.fs.StringVar(&c.lang, "lang", c.lang, c.t("langue : fr ou en", "language: fr or en"))
	return c
}

// t picks the French or the English text.
func (c *incidentCmd) t(fr, en string) string {
	if c.lang == "en" {
		return en
	}
	return fr
}

func (c *incidentCmd) localize(err error) error {
	if err == nil {
		return nil
	}
	code := 1
	var ee exitError
	if errors.As(err, &ee) {
		code = ee.code
		if code == 0 {
			return err
		}
	}
	return exitError{code: code, err: errors.New(incident.Message(err, c.lang))}
}

func (c *incidentCmd) usage(fr, en string, a ...any) error {
	return usageErr("%s", fmt.Sprintf(c.t(fr, en), a...))
}

// parse accepts flags before, between and after positional arguments.
func (c *incidentCmd) parse(args []string) ([]string, error) { return parseMixed(c.fs, args) }

// args parses the arguments: n positional ones, the first an incident
// number when n > 0.
func (c *incidentCmd) args(args []string, n int, usage string) (int64, []string, error) {
	pos, err := c.parse(args)
	if err != nil {
		return 0, nil, err
	}
	if len(pos) != n {
		return 0, nil, c.usage("usage : vigie %s", "usage: vigie %s", usage)
	}
	if n == 0 {
		return 0, pos, nil
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(pos[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, nil, c.usage("%q n'est pas un numéro d'incident", "%q is not an incident number", pos[0])
	}
	return id, pos[1:], nil
}

func (c *incidentCmd) author() string { return operator(c.by) }

// service opens the store and builds the incident service; the scanner is
// loaded only for the commands that analyse messages.
func (c *incidentCmd) service(ctx context.Context, withScanner bool) (*incident.Service, error) {
	cfg, err := config.Load(c.config)
	if err != nil {
		return nil, err
	}
	a, err := app.Open(ctx, cfg, app.Options{Store: c.store, Log: cliLog(c.stderr)})
	if err != nil {
		return nil, err
	}
	c.cfg, c.app = cfg, a
	c.done = func() { a.Close() }
	if !withScanner {
		return a.Incidents(nil)
	}
	_, sc, err := loadScanner(c.config, c.stderr)
	if err != nil {
		return nil, err
	}
	return a.Incidents(sc)
}

// open parses the arguments and builds the service: the preamble of most
// incident commands.
func (c *incidentCmd) open(ctx context.Context, args []string, n int, usage string) (int64, []string, *incident.Service, error) {
	id, rest, err := c.args(args, n, usage)
	if err != nil {
		return 0, nil, nil, err
	}
	svc, err := c.service(ctx, false)
	return id, rest, svc, err
}

// parseTime reads a time given on the command line: RFC 3339, or
// "2006-01-02 15:04" in Paris time.
func (c *incidentCmd) parseTime(flagName, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, parisZone()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, c.usage("--%s %q : date attendue au format 2024-03-12T09:15:00+01:00 ou « 2024-03-12 09:15 » (heure de Paris)",
		"--%s %q: want 2024-03-12T09:15:00+01:00 or \"2024-03-12 09:15\" (Paris time)", flagName, s)
}

func parisZone() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}
