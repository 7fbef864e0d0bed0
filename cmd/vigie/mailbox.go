package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/mailbox"
)

// The mailbox commands act inside users' mailboxes on the mail server
// (docs/mailbox.md): they speak French unless --lang en, share the
// incident commands' flags, and write what they do into the incident.
func init() {
	for _, c := range []struct {
		name, summary string
		run           incidentRun
	}{
		{"mailbox purge", "retirer des boîtes les copies d'une campagne (--incident N ; --dry-run, puis --yes) vers un dossier de quarantaine", runMailboxPurge},
		{"mailbox restore", "remettre à leur place les copies qu'une purge a déplacées (--incident N)", runMailboxRestore},
		{"mailbox audit", "règles, transferts et délégations d'une boîte (USER ou --all) ; --fix ID désactive", runMailboxAudit},
		{"mailbox sweep", "examen d'un compte compromis depuis --since (InterCERT 6.a/6.b)", runMailboxSweep},
	} {
		register(incidentCommand(c.name, c.summary, c.run))
	}
}

// remediator builds the engine from the configuration, journaling into
// svc and recording into the store's ledger.
func (c *incidentCmd) remediator(svc *incident.Service) (*mailbox.Remediator, error) {
	conn, err := mailboxConnector(c.cfg.Mailbox)
	if err != nil {
		return nil, err
	}
	return &mailbox.Remediator{Connector: conn, Journal: svc, Ledger: c.app.DB.MailboxLedger(),
		Quarantine: c.cfg.Mailbox.Quarantine, Concurrency: c.cfg.Mailbox.Concurrency}, nil
}

// incidentFlag reads --incident N.
func (c *incidentCmd) incidentFlag(s string, required bool) (int64, error) {
	if s == "" {
		if required {
			return 0, c.usage("--incident N est obligatoire : les actions sont écrites dans la main courante de l'incident",
				"--incident N is required: the actions are written to the incident's main courante")
		}
		return 0, nil
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, c.usage("%q n'est pas un numéro d'incident", "%q is not an incident number", s)
	}
	return id, nil
}

// protected are the mailboxes a purge never touches.
func (c *incidentCmd) protected() []string {
	p := slices.Clone(c.cfg.Mailbox.Protected)
	if e := c.cfg.Incidents.Profile.Email; e != "" {
		p = append(p, strings.ToLower(e))
	}
	return p
}

// planPurge runs the retro-hunt and the guards: what a purge would move.
func (c *incidentCmd) planPurge(ctx context.Context, svc *incident.Service, id int64, days int, o mailbox.PlanOptions) ([]mailbox.Target, []mailbox.Skipped, error) {
	cs, err := svc.Load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	hunt, err := svc.Hunt(ctx, id, days, c.author())
	if err != nil {
		return nil, nil, err
	}
	recs := make([]incident.TraceRecord, 0, len(hunt.Rows))
	for _, r := range hunt.Rows {
		recs = append(recs, incident.TraceRecord{Time: r.Time, MessageID: r.MessageID, From: r.From, Subject: r.Subject,
			Recipients: []string{r.Recipient}, Action: r.Action, Matched: r.Matched})
	}
	o.OwnDomains, o.Protected = c.cfg.Org.Domains, c.protected()
	t, s := mailbox.Plan(recs, cs.Indicators, o)
	return t, s, nil
}

func runMailboxPurge(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	incFlag := c.fs.String("incident", "", c.t("l'incident dont la recherche rétrospective donne les copies", "the incident whose retro-hunt gives the copies"))
	days := c.fs.Int("days", 30, c.t("jours de trace à fouiller", "days of trace to search"))
	dry := c.fs.Bool("dry-run", false, c.t("chercher les copies sur le serveur sans rien déplacer", "find the copies on the server, move nothing"))
	yes := c.fs.Bool("yes", false, c.t("confirmer le déplacement", "confirm the move"))
	internal := c.fs.Bool("internal", false, c.t("inclure les messages d'expéditeurs internes (compte compromis), après vérification", "include mail from internal senders (a compromised account), once checked"))
	var users multiFlag
	c.fs.Var(&users, "user", c.t("se limiter à cette boîte (répétable)", "only this mailbox (repeatable)"))
	format := c.fs.String("format", "table", "table, json")
	if _, err := c.parse(args); err != nil {
		return err
	}
	id, err := c.incidentFlag(*incFlag, true)
	if err != nil {
		return err
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	targets, skipped, err := c.planPurge(ctx, svc, id, *days, mailbox.PlanOptions{Internal: *internal})
	if err != nil {
		return err
	}
	if len(users) > 0 {
		targets = slices.DeleteFunc(targets, func(t mailbox.Target) bool { return !slices.Contains(users, t.Mailbox) })
	}
	return c.purge(ctx, svc, id, targets, skipped, *dry, *yes, *format, stdout)
}

// purge shows the plan, asks for --yes, runs it and records the
// checklist: the part `mailbox purge` and `incident block --zap` share.
func (c *incidentCmd) purge(ctx context.Context, svc *incident.Service, id int64, targets []mailbox.Target, skipped []mailbox.Skipped,
	dry, yes bool, format string, stdout io.Writer) error {
	boxes := map[string]bool{}
	for _, t := range targets {
		boxes[t.Mailbox] = true
	}
	r, err := c.remediator(svc)
	if err != nil {
		return err
	}
	if format != "json" {
		fmt.Fprintf(stdout, c.t("Plan : %d copie(s) dans %d boîte(s) ; %d laissée(s) de côté par les garde-fous.\n",
			"Plan: %d copies in %d mailboxes; %d held back by the guards.\n"), len(targets), len(boxes), len(skipped))
		for _, s := range skipped {
			fmt.Fprintf(stdout, "  - %s <%s> : %s\n", journal.Printable(s.Mailbox), journal.Printable(s.MessageID), c.t(s.WhyFR, s.WhyEN))
		}
	}
	if len(targets) == 0 {
		return nil
	}
	if !dry && !yes {
		q := r.Quarantine
		if q == "" {
			q = mailbox.DefaultQuarantine
		}
		return c.usage("%d copie(s) dans %d boîte(s) seront déplacées vers « %s » (rien n'est supprimé ; vigie mailbox restore les remet) : relancez avec --dry-run pour les chercher, ou --yes pour confirmer",
			"%d copies in %d mailboxes will be moved to %q (nothing is deleted; vigie mailbox restore puts them back): run again with --dry-run to find them, or --yes to confirm",
			len(targets), len(boxes), q)
	}
	rep := r.Purge(ctx, mailbox.PurgeRequest{Incident: id, Targets: targets, Verify: c.verifier(ctx, svc, id), DryRun: dry, By: c.author()})
	c.checkItems(ctx, svc, id, mailbox.PurgeChecklist(rep))
	if format == "json" {
		return writeJSON(stdout, rep)
	}
	c.writeReport(stdout, rep)
	if rep.Failed > 0 {
		return fmt.Errorf(c.t("%d boîte(s) non traitée(s) : voir ci-dessus et la main courante", "%d mailboxes not treated: see above and the main courante"), rep.Failed)
	}
	return nil
}

// verifier confirms copies by the incident's content indicators.
func (c *incidentCmd) verifier(ctx context.Context, svc *incident.Service, id int64) func([]byte) (bool, string) {
	cs, err := svc.Load(ctx, id)
	if err != nil {
		return nil
	}
	return mailbox.ContentVerifier(cs.Indicators)
}

// checkItems marks what an operation did in the incident's checklist,
// for the items the incident's playbook has (they differ by incident type).
func (c *incidentCmd) checkItems(ctx context.Context, svc *incident.Service, id int64, marks []mailbox.Checklist) {
	for _, m := range marks {
		for _, item := range m.Items {
			_, err := svc.Check(ctx, id, item, incident.ItemChange{Status: &m.Status, Note: &m.Note}, c.author())
			if err != nil && !errors.Is(err, incident.ErrNotFound) {
				fmt.Fprintf(c.stderr, "vigie: %s %s : %v\n", c.t("action", "item"), item, incident.Message(err, c.lang))
			}
		}
	}
}

func (c *incidentCmd) writeReport(w io.Writer, rep mailbox.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, c.t("BOÎTE\tDÉPLACÉES\tDÉJÀ\tINTROUVABLES\tCOMMANDES\tERREUR", "MAILBOX\tMOVED\tALREADY\tNOT FOUND\tCOMMANDS\tERROR"))
	for _, m := range rep.Mailboxes {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\n", journal.Printable(m.Mailbox), len(m.Moved), len(m.Already), len(m.NotFound), m.Commands, journal.Printable(m.Err))
	}
	tw.Flush()
	what := c.t("déplacée(s)", "moved")
	if rep.DryRun {
		what = c.t("à déplacer (simulation)", "to move (dry run)")
	}
	fmt.Fprintf(w, c.t("\n%d copie(s) %s, %d déjà en quarantaine, %d introuvable(s), %d boîte(s) non traitée(s) ; %d commandes en %s (exécution %s).\n",
		"\n%d copies %s, %d already in quarantine, %d not found, %d mailboxes not treated; %d commands in %s (run %s).\n"),
		rep.Moved, what, rep.Already, rep.NotFound, rep.Failed, rep.Commands, rep.Elapsed.Round(1e6), rep.Run)
}

func runMailboxRestore(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	incFlag := c.fs.String("incident", "", c.t("l'incident dont la purge est à défaire", "the incident whose purge to undo"))
	dry := c.fs.Bool("dry-run", false, c.t("chercher les copies sans rien déplacer", "find the copies, move nothing"))
	yes := c.fs.Bool("yes", false, c.t("confirmer", "confirm"))
	var users multiFlag
	c.fs.Var(&users, "user", c.t("se limiter à cette boîte (répétable)", "only this mailbox (repeatable)"))
	format := c.fs.String("format", "table", "table, json")
	if _, err := c.parse(args); err != nil {
		return err
	}
	id, err := c.incidentFlag(*incFlag, true)
	if err != nil {
		return err
	}
	if !*dry && !*yes {
		return c.usage("la restauration remet les copies de la campagne dans les boîtes : relancez avec --dry-run ou --yes",
			"restoring puts the campaign's copies back in the mailboxes: run again with --dry-run or --yes")
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	r, err := c.remediator(svc)
	if err != nil {
		return err
	}
	req := mailbox.RestoreRequest{Incident: id, DryRun: *dry, By: c.author()}
	if len(users) > 0 {
		req.Mailboxes = users
	}
	rep, err := r.Restore(ctx, req)
	if err != nil {
		return err
	}
	c.checkItems(ctx, svc, id, mailbox.RestoreChecklist(rep))
	if *format == "json" {
		return writeJSON(stdout, rep)
	}
	c.writeReport(stdout, rep)
	if rep.Failed > 0 {
		return fmt.Errorf(c.t("%d boîte(s) non traitée(s)", "%d mailboxes not treated"), rep.Failed)
	}
	return nil
}

// MaxZapMailboxes bounds an automatic purge: a campaign in more mailboxes
// than this is purged deliberately, with mailbox purge --dry-run first.
const MaxZapMailboxes = 500

// zap is the automatic purge of `incident block --zap` (Microsoft's
// zero-hour auto purge, for an on-premises server): the copies delivered
// within mailbox.zap_window that carry one of the indicators just pushed
// in block mode are moved to the quarantine folder, under the same guards
// as mailbox purge; --zap itself is the confirmation.
func (c *incidentCmd) zap(ctx context.Context, svc *incident.Service, id int64, pushed []incident.Indicator, stdout io.Writer) error {
	var only []string
	for _, ind := range pushed {
		if ind.Mode == "block" {
			only = append(only, ind.Kind+" "+strings.ToLower(ind.Value))
		}
	}
	if len(only) == 0 {
		fmt.Fprintln(stdout, c.t("--zap : aucun indicateur poussé en blocage, rien à retirer des boîtes.", "--zap: no indicator pushed in block mode, nothing to pull out."))
		return nil
	}
	window := c.cfg.Mailbox.ZapWindow
	if window <= 0 {
		window = 48 * time.Hour
	}
	days := int((window + 24*time.Hour - 1) / (24 * time.Hour))
	targets, skipped, err := c.planPurge(ctx, svc, id, days, mailbox.PlanOptions{Since: svc.Now().Add(-window), Only: only})
	if err != nil {
		return err
	}
	boxes := map[string]bool{}
	for _, t := range targets {
		boxes[t.Mailbox] = true
	}
	if len(boxes) > MaxZapMailboxes {
		return c.usage("--zap : %d boîtes concernées, plus que la limite d'une purge automatique (%d) : lancez vigie mailbox purge --incident %d --dry-run puis --yes",
			"--zap: %d mailboxes, more than an automatic purge may touch (%d): run vigie mailbox purge --incident %d --dry-run, then --yes",
			len(boxes), MaxZapMailboxes, id)
	}
	fmt.Fprintf(stdout, c.t("--zap : copies livrées depuis %s portant les indicateurs bloqués.\n", "--zap: copies delivered in the last %s carrying the blocked indicators.\n"), window)
	return c.purge(ctx, svc, id, targets, skipped, false, true, "table", stdout)
}

func init() {
	register(incidentCommand("mailbox ledger", "ce que Vigie a fait dans les boîtes pour un incident : copies déplacées, remises, règles désactivées, échecs", runMailboxLedger))
}

// runMailboxLedger lists the ledger: what was and was not done, mailbox by
// mailbox, as restore reads it.
func runMailboxLedger(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	incFlag := c.fs.String("incident", "", c.t("l'incident", "the incident"))
	format := c.fs.String("format", "table", "table, json")
	if _, err := c.parse(args); err != nil {
		return err
	}
	id, err := c.incidentFlag(*incFlag, true)
	if err != nil {
		return err
	}
	if _, err := c.service(ctx, false); err != nil {
		return err
	}
	rows, err := c.app.DB.MailboxLedger().Actions(ctx, id, "", "")
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, rows)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, c.t("HEURE (UTC)\tACTION\tSTATUT\tBOÎTE\tDE → VERS\tMESSAGE-ID / RÈGLE\tSHA-256\tDÉTAIL",
		"TIME (UTC)\tACTION\tSTATUS\tMAILBOX\tFROM → TO\tMESSAGE-ID / RULE\tSHA-256\tDETAIL"))
	for _, r := range rows {
		what := r.MessageID
		if what == "" {
			what = r.Ref
		}
		sum := r.SHA256
		if len(sum) > 16 {
			sum = sum[:16] + "…"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s → %s\t%s\t%s\t%s\n", r.At.Format("2006-01-02 15:04:05"), r.Kind, r.Status,
			journal.Printable(r.Mailbox), journal.Printable(r.Folder), journal.Printable(r.Dest), journal.Printable(what), sum, journal.Printable(r.Detail))
	}
	return tw.Flush()
}
