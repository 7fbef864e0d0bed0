package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/mailbox"
)

func runMailboxAudit(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	all := c.fs.Bool("all", false, c.t("toutes les boîtes (liste du connecteur : users_file, annuaire Graph ou Workspace)", "every mailbox (the connector's list: users_file, Graph or Workspace directory)"))
	incFlag := c.fs.String("incident", "", c.t("écrire l'audit et les corrections dans cet incident", "write the audit and fixes into this incident"))
	var fix multiFlag
	c.fs.Var(&fix, "fix", c.t("désactiver cette règle (identifiant affiché par l'audit ; répétable) — jamais supprimée", "disable this rule (id shown by the audit; repeatable) — never deleted"))
	format := c.fs.String("format", "table", "table, json")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if *all == (len(pos) == 1) || len(pos) > 1 {
		return c.usage("usage : vigie mailbox audit UTILISATEUR|--all [--incident N] [--fix ID …]", "usage: vigie mailbox audit USER|--all [--incident N] [--fix ID …]")
	}
	id, err := c.incidentFlag(*incFlag, len(fix) > 0)
	if err != nil {
		return err
	}
	if len(fix) > 0 && *all {
		return c.usage("--fix s'applique à une boîte nommée, pas à --all", "--fix applies to one named mailbox, not to --all")
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	r, err := c.remediator(svc)
	if err != nil {
		return err
	}
	users := pos
	if *all {
		l, ok := r.Connector.(mailbox.Lister)
		if !ok {
			return fmt.Errorf("%s", c.t("ce connecteur ne sait pas lister les boîtes", "this connector cannot list mailboxes"))
		}
		if users, err = l.Users(ctx); errors.Is(err, mailbox.ErrUnsupported) {
			return fmt.Errorf("%s (%w)", c.t("ce connecteur ne sait pas lister les boîtes : avec Gmail, renseigner mailbox.gmail.admin (docs/mailbox.md)",
				"this connector cannot list mailboxes: with Gmail, set mailbox.gmail.admin (docs/mailbox.md)"), err)
		} else if err != nil {
			return err
		}
	}
	req := mailbox.AuditRequest{Incident: id, Mailboxes: users, OwnDomains: c.cfg.Org.Domains, Fix: fix, By: c.author(),
		Keep: func(ctx context.Context, name string, data []byte) (string, error) {
			rec, _, err := svc.AddEvidence(ctx, id, incident.EvidenceRequest{Name: name, Content: bytes.NewReader(data),
				MediaType: "application/json", Source: r.Connector.Name() + " : définition exportée par vigie mailbox audit --fix",
				Note: "règle non désactivable sans suppression, laissée en place : sa définition pour la personne qui la traite", By: c.author()})
			return rec.SHA256, err
		}}
	res := r.Audit(ctx, req)
	if len(fix) > 0 { // what is left once the selection is disabled
		req.Fix = nil
		left := r.Audit(ctx, req)
		for i := range res {
			res[i].Findings = left[i].Findings
		}
	}
	findings, failed := 0, 0
	for _, a := range res {
		findings += len(a.Findings)
		if a.Err != "" {
			failed++
		}
	}
	if id != 0 {
		d, marks := mailbox.AuditRecord(res, c.author())
		if _, err := svc.Log(ctx, id, d); err != nil {
			return err
		}
		c.checkItems(ctx, svc, id, marks)
	}
	if *format == "json" {
		return writeJSON(stdout, res)
	}
	for _, a := range res {
		if a.Err != "" {
			what := c.t("NON LUE", "NOT READ")
			if a.Rules > 0 {
				what = c.t("LUE EN PARTIE", "PARTLY READ")
			}
			fmt.Fprintf(stdout, "%s : %s — %s\n", journal.Printable(a.Mailbox), what, journal.Printable(a.Err))
			if a.Rules == 0 {
				continue
			}
		}
		fmt.Fprintf(stdout, c.t("%s : %d règle(s), %d constat(s)\n", "%s: %d rules, %d findings\n"), journal.Printable(a.Mailbox), a.Rules, len(a.Findings))
		for _, f := range a.Findings { // the text says when the rule cannot be disabled, and why
			fmt.Fprintf(stdout, "  [%s] %s %s\n      %s\n", f.Severity.Label(c.lang), f.Signal, journal.Printable(f.Rule.ID), journal.Printable(c.t(f.FR, f.EN)))
			if f.Rule.Text != "" {
				fmt.Fprintf(stdout, "      %s\n", journal.Printable(strings.Join(strings.Fields(f.Rule.Text), " ")))
			}
		}
		for _, x := range a.Fixed {
			fmt.Fprintf(stdout, "  → %s\n", journal.Printable(x))
		}
	}
	if findings > 0 && len(fix) == 0 {
		fmt.Fprintln(stdout, c.t("\nPour désactiver une règle (sans la supprimer) : vigie mailbox audit UTILISATEUR --incident N --fix ID",
			"\nTo disable a rule (without deleting it): vigie mailbox audit USER --incident N --fix ID"))
	}
	if failed > 0 {
		return fmt.Errorf(c.t("%d boîte(s) non lue(s)", "%d mailboxes not read"), failed)
	}
	return nil
}

// parseSince reads --since: a date, a date and time, or a duration back
// from now (7d, 36h).
func (c *incidentCmd) parseSince(s string) (time.Time, error) {
	if d, err := parseTTL(s); err == nil && d > 0 {
		return time.Now().Add(-d), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, parisZone()); err == nil {
		return t, nil
	}
	return c.parseTime("since", s)
}

func runMailboxSweep(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	since := c.fs.String("since", "", c.t("début de la période : 2026-12-01, « 2026-12-01 09:00 » ou 7d", "start of the period: 2026-12-01, \"2026-12-01 09:00\" or 7d"))
	incFlag := c.fs.String("incident", "", c.t("l'incident (ses indicateurs, sa main courante, sa fiche)", "the incident (its indicators, main courante, checklist)"))
	inbox := c.fs.Bool("inbox", false, c.t("examiner aussi la boîte de réception", "also sweep the inbox"))
	evidence := c.fs.Bool("evidence", false, c.t("joindre chaque message relevé aux preuves de l'incident", "attach each flagged message to the incident's evidence"))
	noScan := c.fs.Bool("no-scan", false, c.t("ne pas passer les messages à l'analyseur", "do not run the scanner on the messages"))
	format := c.fs.String("format", "table", "table, json")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *since == "" {
		return c.usage("usage : vigie mailbox sweep UTILISATEUR --since T [--incident N] [--inbox] [--evidence]",
			"usage: vigie mailbox sweep USER --since T [--incident N] [--inbox] [--evidence]")
	}
	from, err := c.parseSince(*since)
	if err != nil {
		return err
	}
	id, err := c.incidentFlag(*incFlag, *evidence)
	if err != nil {
		return err
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	r, err := c.remediator(svc)
	if err != nil {
		return err
	}
	req := mailbox.SweepRequest{Incident: id, User: pos[0], Since: from, Inbox: *inbox, By: c.author()}
	if id != 0 {
		cs, err := svc.Load(ctx, id)
		if err != nil {
			return err
		}
		req.Indicators = cs.Indicators
	}
	if !*noScan {
		if _, req.Scanner, err = loadScanner(c.config, c.stderr); err != nil {
			return err
		}
	}
	if *evidence {
		req.Evidence = func(ctx context.Context, raw []byte, name, source string) (string, error) {
			rec, _, err := svc.AddEvidence(ctx, id, incident.EvidenceRequest{Name: name, Content: bytes.NewReader(raw),
				MediaType: "message/rfc822", Source: source, Note: "relevé par vigie mailbox sweep", By: c.author()})
			return rec.SHA256, err
		}
	}
	rep, err := r.Sweep(ctx, req)
	if err != nil {
		return err
	}
	if id != 0 {
		c.checkItems(ctx, svc, id, rep.Checklist())
	}
	if *format == "json" {
		return writeJSON(stdout, rep)
	}
	c.writeSweep(stdout, rep)
	return nil
}

func (c *incidentCmd) writeSweep(w io.Writer, rep mailbox.SweepReport) {
	fmt.Fprintf(w, c.t("Examen de %s depuis le %s\n\n", "Sweep of %s since %s\n\n"), journal.Printable(rep.User), journal.FormatTime(rep.Since))
	var sigs []string
	for _, f := range rep.Folders {
		for s := range f.Signals {
			if !slices.Contains(sigs, s) {
				sigs = append(sigs, s)
			}
		}
	}
	slices.Sort(sigs)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, c.t("DOSSIER\tMESSAGES", "FOLDER\tMESSAGES"))
	for _, s := range sigs {
		fmt.Fprint(tw, "\t"+strings.TrimPrefix(s, "SWEEP_"))
	}
	fmt.Fprintln(tw)
	for _, f := range rep.Folders {
		fmt.Fprintf(tw, "%s\t%d", journal.Printable(f.Folder), f.Messages)
		for _, s := range sigs {
			fmt.Fprintf(tw, "\t%d", f.Signals[s])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, it := range rep.Items {
		m := it.Message
		fmt.Fprintf(w, "- %s %s/%s %s « %s »\n    %s\n", it.Signal, journal.Printable(it.Folder), m.Ref.ID,
			m.Date.UTC().Format("2006-01-02 15:04"), journal.Printable(m.Subject), journal.Printable(c.t(it.FR, it.EN)))
		if it.Evidence != "" {
			fmt.Fprintf(w, c.t("    preuve de l'incident %d : sha256 %s\n", "    evidence of incident %d: sha256 %s\n"), rep.Incident, it.Evidence)
		}
	}
	if rep.Journal > 0 {
		fmt.Fprintf(w, c.t("\nÉcrit dans la main courante de l'incident %d (entrée n° %d) ; vigie incident show %d\n",
			"\nWritten to incident %d's main courante (entry %d); vigie incident show %d\n"), rep.Incident, rep.Journal, rep.Incident)
	}
	if rep.Truncated {
		fmt.Fprintln(w, c.t("Examen tronqué : limite de messages atteinte, réduisez la période.", "Sweep truncated: message limit reached, narrow the period."))
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(w, "%s : %s\n", c.t("erreur", "error"), journal.Printable(e))
	}
}
