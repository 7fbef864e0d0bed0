package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
)

// qualification flags shared by open and update.
type qualFlags struct {
	title, summary, assignee, perimeter, impact, urgency, aware string
	personal                                                    string
	accounts, machines                                          multiFlag
}

func (q *qualFlags) register(c *incidentCmd) {
	fs := c.fs
	fs.StringVar(&q.title, "title", "", c.t("titre (interne : il n'apparaît dans aucun avertissement aux utilisateurs)", "title (internal: never quoted in user warnings)"))
	fs.StringVar(&q.summary, "summary", "", c.t("résumé", "summary"))
	fs.StringVar(&q.assignee, "assignee", "", c.t("qui pilote la réponse", "who leads the response"))
	fs.StringVar(&q.perimeter, "perimeter", "", c.t("périmètre : restreint, partiel, étendu", "perimeter: low, medium, high (restreint, partiel, étendu)"))
	fs.StringVar(&q.impact, "impact", "", c.t("impact : faible, modéré, fort", "impact: low, medium, high (faible, modéré, fort)"))
	fs.StringVar(&q.urgency, "urgency", "", c.t("urgence : faible, modérée, forte", "urgency: low, medium, high (faible, modérée, forte)"))
	fs.StringVar(&q.personal, "personal-data", "", c.t("oui/non : des données personnelles sont peut-être en cause (CNIL, 72 h)", "yes/no: personal data may have been breached (CNIL, 72 h)"))
	fs.StringVar(&q.aware, "aware-at", "", c.t("prise de connaissance (RFC 3339 ou « AAAA-MM-JJ HH:MM », heure de Paris ; défaut : maintenant ; jamais dans le futur)",
		"when the organisation became aware (RFC 3339 or \"YYYY-MM-DD HH:MM\", Paris time; default: now; never in the future)"))
	fs.Var(&q.accounts, "account", c.t("compte affecté (répétable)", "affected account (repeatable)"))
	fs.Var(&q.machines, "machine", c.t("machine affectée (répétable)", "affected machine (repeatable)"))
}

func (q *qualFlags) changes(c *incidentCmd) (incident.Changes, error) {
	var ch incident.Changes
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	ch.Title, ch.Summary, ch.Assignee = str(q.title), str(q.summary), str(q.assignee)
	for _, a := range []struct {
		axis incident.Axis
		v    string
		dst  **incident.Level
	}{{incident.Perimeter, q.perimeter, &ch.Perimeter}, {incident.Impact, q.impact, &ch.Impact}, {incident.Urgency, q.urgency, &ch.Urgency}} {
		if a.v == "" {
			continue
		}
		l, err := incident.ParseLevel(a.axis, a.v)
		if err != nil {
			return ch, usageErr("%s", incident.Message(err, c.lang))
		}
		*a.dst = &l
	}
	if q.personal != "" {
		var b bool
		switch strings.ToLower(q.personal) {
		case "yes", "oui", "true", "1":
			b = true
		case "no", "non", "false", "0":
		default:
			return ch, c.usage("--personal-data %q : oui ou non", "--personal-data %q: want yes or no", q.personal)
		}
		ch.PersonalData = &b
	}
	if q.aware != "" {
		t, err := c.parseTime("aware-at", q.aware)
		if err != nil {
			return ch, err
		}
		ch.AwareAt = &t
	}
	ch.AddAccounts, ch.AddMachines = q.accounts, q.machines
	return ch, nil
}

func runIncidentOpen(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	typ := c.fs.String("type", "", "phishing-campaign | mailbox-compromise")
	var q qualFlags
	q.register(c)
	if _, _, err := c.args(args, 0, "incident open --type phishing-campaign|mailbox-compromise --title T [options]"); err != nil {
		return err
	}
	ch, err := q.changes(c)
	if err != nil {
		return err
	}
	t, err := incident.ParseType(*typ)
	if err != nil {
		return usageErr("%s", incident.Message(err, c.lang))
	}
	r := incident.OpenRequest{Type: t, Title: q.title, Summary: q.summary, Assignee: q.assignee,
		Accounts: q.accounts, Machines: q.machines, By: c.author()}
	for _, a := range []struct{ src, dst *incident.Level }{{ch.Perimeter, &r.Perimeter}, {ch.Impact, &r.Impact}, {ch.Urgency, &r.Urgency}} {
		if a.src != nil {
			*a.dst = *a.src
		}
	}
	if ch.PersonalData != nil {
		r.PersonalData = *ch.PersonalData
	}
	if ch.AwareAt != nil {
		r.AwareAt = *ch.AwareAt
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	inc, err := svc.Open(ctx, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, c.t("incident %d ouvert : %s — %s\n", "incident %d opened: %s — %s\n"), inc.ID, journal.Printable(inc.Title), severity(inc.Severity, c.lang))
	if due := inc.CNILDue(svc.Now(), false, c.lang); due != "" {
		fmt.Fprintln(stdout, due)
	}
	return nil
}

func severity(s incident.Severity, lang string) string {
	if lang == "en" {
		return s.EN()
	}
	return s.String()
}

func runIncidentList(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	all := c.fs.Bool("all", false, c.t("inclure les incidents clos", "include closed incidents"))
	asJSON := c.fs.Bool("json", false, c.t("sortie JSON", "JSON output"))
	if _, _, err := c.args(args, 0, "incident list [--all] [--json]"); err != nil {
		return err
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	f := incident.ListFilter{Status: incident.Open}
	if *all {
		f.Status = ""
	}
	list, err := svc.List(ctx, f)
	if err != nil || *asJSON {
		if err == nil {
			err = writeJSON(stdout, list)
		}
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, c.t("N°\tOUVERT (UTC)\tSTATUT\tTYPE\tGRAVITÉ\tÉCHÉANCE CNIL\tRESPONSABLE\tTITRE", "ID\tOPENED (UTC)\tSTATUS\tTYPE\tSEVERITY\tCNIL DEADLINE\tASSIGNEE\tTITLE"))
	now := svc.Now()
	for _, inc := range list {
		cnil := "—"
		if d, ok := inc.CNILDeadline(); ok {
			cnil = d.UTC().Format("2006-01-02 15:04")
			if left := d.Sub(now); inc.Status == incident.Open && left < 0 {
				cnil += c.t(" DÉPASSÉE", " OVERDUE")
			} else if inc.Status == incident.Open {
				cnil += " (" + incident.Duration(left, c.lang) + ")"
			}
		}
		status := inc.Status.Label(c.lang)
		if inc.Resolution != "" {
			status += " (" + inc.Resolution.Label(c.lang) + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", inc.ID, inc.OpenedAt.Format("2006-01-02 15:04"), status,
			inc.Type, severity(inc.Severity, c.lang), cnil, journal.Printable(inc.Assignee), journal.Printable(inc.Title))
	}
	return tw.Flush()
}

// cnilLine says where the CNIL deadline stands, the D.cnil item of the
// checklist telling whether the notification was made.
func cnilLine(cs incident.Case, now func() time.Time, lang string) string {
	notified := false
	for _, it := range cs.Checklist {
		if it.ItemID == "D.cnil" && it.Status.Finished() {
			notified = true
		}
	}
	return cs.Incident.CNILDue(now(), notified, lang)
}

func runIncidentShow(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	asJSON := c.fs.Bool("json", false, c.t("le dossier entier en JSON", "the whole case as JSON"))
	id, _, svc, err := c.open(ctx, args, 1, "incident show ID [--json]")
	if err != nil {
		return err
	}
	cs, err := svc.Load(ctx, id)
	if err != nil || *asJSON {
		if err == nil {
			err = writeJSON(stdout, cs)
		}
		return err
	}
	p := journal.Printable
	inc := cs.Incident
	status := inc.Status.Label(c.lang)
	if inc.Status == incident.Closed {
		status += fmt.Sprintf(c.t(" le %s par %s (%s)", " on %s by %s (%s)"), journal.FormatTime(inc.ClosedAt), p(inc.ClosedBy), inc.Resolution.Label(c.lang))
	}
	fmt.Fprintf(stdout, "Incident %d — %s\n", inc.ID, p(inc.Title))
	fmt.Fprintf(stdout, c.t("  %s, %s ; gravité : %s (périmètre %s, impact %s, urgence %s)\n", "  %s, %s; severity: %s (perimeter %s, impact %s, urgency %s)\n"),
		typeLabel(inc.Type, c.lang), status, severity(inc.Severity, c.lang), inc.Perimeter.Label(incident.Perimeter),
		inc.Impact.Label(incident.Impact), inc.Urgency.Label(incident.Urgency))
	fmt.Fprintf(stdout, c.t("  ouvert le %s par %s ; responsable : %s\n", "  opened %s by %s; assignee: %s\n"), journal.FormatTime(inc.OpenedAt), p(inc.OpenedBy), p(inc.Assignee))
	fmt.Fprintf(stdout, c.t("  prise de connaissance : %s\n", "  aware since: %s\n"), journal.FormatTime(inc.AwareAt))
	if line := cnilLine(cs, svc.Now, c.lang); line != "" {
		fmt.Fprintf(stdout, "  %s\n", line)
	}
	fmt.Fprintf(stdout, c.t("  comptes : %s ; machines : %s\n", "  accounts: %s; machines: %s\n"), p(strings.Join(inc.Accounts, ", ")), p(strings.Join(inc.Machines, ", ")))
	counts := map[incident.ItemStatus]int{}
	for _, it := range cs.Checklist {
		counts[it.Status]++
	}
	fmt.Fprintf(stdout, c.t("  fiche : %d fait, %d en cours, %d à faire, %d sans objet\n", "  checklist: %d done, %d in progress, %d to do, %d n/a\n"),
		counts[incident.Done], counts[incident.InProgress], counts[incident.Todo], counts[incident.NotApplied])
	if next := incident.Next(cs.Checklist); len(next) > 0 {
		var ids []string
		for _, it := range next {
			ids = append(ids, it.ItemID)
		}
		fmt.Fprintf(stdout, c.t("  à faire maintenant (%s) : %s\n", "  next (%s): %s\n"), next[0].Def.Priority, strings.Join(ids, ", "))
	}
	fmt.Fprintf(stdout, c.t("\nIndicateurs (%d) :\n", "\nIndicators (%d):\n"), len(cs.Indicators))
	printIndicators(stdout, cs.Indicators, c.lang)
	fmt.Fprintf(stdout, c.t("\nPreuves (%d) :\n", "\nEvidence (%d):\n"), len(cs.Evidence))
	for _, e := range cs.Evidence {
		fmt.Fprintf(stdout, "  %s  %8d  %s\n", e.SHA256, e.Size, p(e.Name))
		fmt.Fprintf(stdout, c.t("      collectée par %s le %s, provenance %s ; ajoutée par %s le %s\n", "      collected by %s on %s from %s; added by %s on %s\n"),
			p(e.CollectedBy), journal.FormatTime(e.CollectedAt), p(e.Source), p(e.AddedBy), journal.FormatTime(e.AddedAt))
	}
	fmt.Fprintf(stdout, c.t("\nMain courante (%d entrées) :\n", "\nMain courante (%d entries):\n"), len(cs.Journal))
	incident.WriteJournal(stdout, cs.Journal, c.lang)
	return nil
}

func typeLabel(t incident.Type, lang string) string {
	if lang == "en" {
		return string(t)
	}
	return t.FR()
}

func printIndicators(w io.Writer, inds []incident.Indicator, lang string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, ind := range inds {
		var state string
		switch {
		case ind.State == incident.Pushed && lang == "en":
			state = ind.Mode + expiryNote(ind.ExpiresAt)
		case ind.State == incident.Pushed:
			state = map[string]string{"block": "bloqué", "watch": "en détection"}[ind.Mode]
			if !ind.ExpiresAt.IsZero() {
				state += " jusqu'au " + ind.ExpiresAt.UTC().Format("2006-01-02 15:04Z")
			}
		case lang == "en":
			state = "proposed (suggested " + ind.Suggested + ")"
		default:
			state = "proposé (" + map[string]string{"block": "blocage", "watch": "détection"}[ind.Suggested] + " suggéré)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", ind.Kind, journal.Printable(ind.Value), ind.Origin, state)
	}
	tw.Flush()
}

func runIncidentUpdate(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	var q qualFlags
	q.register(c)
	id, _, err := c.args(args, 1, "incident update ID [--impact fort] [--account A] [--aware-at T] …")
	if err != nil {
		return err
	}
	ch, err := q.changes(c)
	if err != nil {
		return err
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	inc, err := svc.Update(ctx, id, ch, c.author())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, c.t("incident %d : %s\n", "incident %d: %s\n"), inc.ID, severity(inc.Severity, c.lang))
	if due := inc.CNILDue(svc.Now(), false, c.lang); due != "" {
		fmt.Fprintln(stdout, due)
	}
	return nil
}

func runIncidentClose(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	reason := c.fs.String("reason", "", c.t("pourquoi il est clos", "why it is closed"))
	res := c.fs.String("resolution", "", c.t("résolution : resolu, faux-positif, transfere, doublon, sans-suite", "resolution: resolu (resolved), faux-positif (false positive), transfere (transferred), doublon (duplicate), sans-suite (dropped)"))
	confirm := c.fs.Bool("confirm", false, c.t("clore même si des actions P0 de la fiche sont ouvertes (le journal le note)", "close even with P0 actions of the fiche still open (journaled)"))
	id, _, err := c.args(args, 1, "incident close ID --resolution R [--reason TEXTE] [--confirm]")
	if err != nil {
		return err
	}
	if _, err := incident.ParseResolution(*res); err != nil {
		return c.usage("--resolution obligatoire : resolu, faux-positif, transfere, doublon ou sans-suite",
			"--resolution required: resolu (resolved), faux-positif (false positive), transfere (transferred), doublon (duplicate) or sans-suite (dropped)")
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	inc, err := svc.Close(ctx, id, incident.CloseRequest{Resolution: incident.Resolution(*res), Reason: *reason, Confirm: *confirm, By: c.author()})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, c.t("incident %d clos (%s)\n", "incident %d closed (%s)\n"), id, inc.Resolution.Label(c.lang))
	return nil
}

func runIncidentReopen(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	reason := c.fs.String("reason", "", c.t("pourquoi il est rouvert (obligatoire)", "why it is reopened (required)"))
	id, _, err := c.args(args, 1, "incident reopen ID --reason TEXTE")
	if err != nil {
		return err
	}
	if strings.TrimSpace(*reason) == "" {
		return c.usage("--reason obligatoire : pourquoi l'incident est rouvert", "--reason required: why the incident is reopened")
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	if _, err := svc.Reopen(ctx, id, *reason, c.author()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, c.t("incident %d rouvert\n", "incident %d reopened\n"), id)
	return nil
}

func runIncidentLog(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	kind := c.fs.String("kind", "action", c.t("action, décision, constat ou communication", "action, decision, finding or communication"))
	at := c.fs.String("at", "", c.t("quand l'événement a eu lieu (RFC 3339 ou « AAAA-MM-JJ HH:MM », heure de Paris) ; l'heure d'enregistrement reste celle de l'horloge",
		"when it happened (RFC 3339 or \"YYYY-MM-DD HH:MM\", Paris time); the record time stays the clock's"))
	var accounts, machines multiFlag
	c.fs.Var(&accounts, "account", c.t("compte concerné (répétable)", "account concerned (repeatable)"))
	c.fs.Var(&machines, "machine", c.t("machine concernée (répétable)", "machine concerned (repeatable)"))
	id, rest, err := c.args(args, 2, `incident log ID "texte" [--kind K] [--account A] [--machine M] [--at T]`)
	if err != nil {
		return err
	}
	k, err := journal.ParseKind(*kind)
	if err != nil {
		return c.usage("--kind %q : action, décision, constat ou communication", "--kind %q: want action, decision, finding or communication", *kind)
	}
	d := journal.Draft{Author: c.author(), Kind: k, Text: rest[0], Accounts: accounts, Machines: machines}
	if *at != "" {
		if d.EventAt, err = c.parseTime("at", *at); err != nil {
			return err
		}
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	e, err := svc.Log(ctx, id, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, c.t("incident %d : entrée %d enregistrée le %s", "incident %d: entry %d recorded %s"), id, e.Seq, journal.FormatTime(e.At))
	if !e.EventAt.IsZero() {
		fmt.Fprintf(stdout, c.t(" (survenu le %s)", " (happened %s)"), journal.FormatTime(e.EventAt))
	}
	fmt.Fprintln(stdout)
	return nil
}
