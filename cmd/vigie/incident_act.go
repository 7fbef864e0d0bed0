package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/ir/report"
)

func runIncidentChecklist(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	all := c.fs.Bool("all", false, c.t("toutes les actions, pas seulement les prochaines", "every item, not only what is next"))
	id, _, svc, err := c.open(ctx, args, 1, "incident checklist ID [--all]")
	if err != nil {
		return err
	}
	cs, err := svc.Load(ctx, id)
	if err != nil {
		return err
	}
	if line := cnilLine(cs, svc.Now, c.lang); line != "" {
		fmt.Fprintf(stdout, "%s\n\n", line)
	}
	items := incident.Next(cs.Checklist)
	if *all {
		items = cs.Checklist
	} else if len(items) == 0 {
		fmt.Fprintln(stdout, c.t("Toutes les actions de la fiche sont faites ou sans objet.", "Every action of the fiche is done or n/a."))
		return nil
	}
	for _, it := range items {
		title := it.Def.TitleFR
		if c.lang == "en" {
			title = it.Def.TitleEN
		}
		fmt.Fprintf(stdout, "[%s] %-5s %-10s %s", it.Def.Priority, it.ItemID, it.Status.Label(c.lang), title)
		if it.Assignee != "" {
			fmt.Fprintf(stdout, " — %s", journal.Printable(it.Assignee))
		}
		fmt.Fprintln(stdout)
		if !*all {
			fmt.Fprintf(stdout, "        %s\n", it.Def.TextFR)
			for _, n := range it.Def.Notes {
				fmt.Fprintf(stdout, "        %s : %s\n", n.Kind, n.FR)
			}
			if it.Def.Tool != "" {
				fmt.Fprintf(stdout, "        → %s\n", it.Def.Tool)
			}
		}
		if it.Note != "" {
			fmt.Fprintf(stdout, "        note : %s\n", journal.Printable(it.Note))
		}
	}
	return nil
}

func runIncidentCheck(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	status := c.fs.String("status", "", c.t("à faire, en cours, fait ou sans objet", "todo, in-progress, done or n/a"))
	assignee := c.fs.String("assignee", "", c.t("qui s'en charge", "who does it"))
	note := c.fs.String("note", "", c.t("une note", "a note"))
	id, rest, err := c.args(args, 2, "incident check ID ACTION [--status fait] [--assignee X] [--note TEXTE]")
	if err != nil {
		return err
	}
	var ch incident.ItemChange
	if *status != "" {
		s, err := incident.ParseItemStatus(*status)
		if err != nil {
			return usageErr("%s", incident.Message(err, c.lang))
		}
		ch.Status = &s
	}
	if *assignee != "" {
		ch.Assignee = assignee
	}
	if *note != "" {
		ch.Note = note
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	it, err := svc.Check(ctx, id, rest[0], ch, c.author())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, c.t("incident %d : %s %s — %s\n", "incident %d: %s %s — %s\n"), id, it.ItemID, it.Def.TitleFR, it.Status.Label(c.lang))
	return nil
}

func runIncidentAddEvidence(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	note := c.fs.String("note", "", c.t("ce qu'est le fichier", "what the file is"))
	source := c.fs.String("source", "", c.t("d'où vient la preuve (hôte:chemin, boîte, URL ; défaut : cet hôte et le chemin absolu)", "where it was collected (host:path, mailbox, URL; default: this host and the absolute path)"))
	collectedBy := c.fs.String("collected-by", "", c.t("qui l'a collectée (défaut : --by)", "who collected it (default: --by)"))
	collectedAt := c.fs.String("collected-at", "", c.t("quand elle a été collectée (défaut : maintenant ; jamais dans le futur)", "when it was collected (default: now; never in the future)"))
	id, rest, err := c.args(args, 2, "incident add-evidence ID FICHIER [--note TEXTE] [--source S] [--collected-by X] [--collected-at T]")
	if err != nil {
		return err
	}
	r := incident.EvidenceRequest{Note: *note, Source: *source, CollectedBy: *collectedBy, By: c.author()}
	if *collectedAt != "" {
		if r.CollectedAt, err = c.parseTime("collected-at", *collectedAt); err != nil {
			return err
		}
	}
	svc, err := c.service(ctx, true)
	if err != nil {
		return err
	}
	rec, props, err := svc.AddEvidenceFile(ctx, id, rest[0], r)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, c.t("incident %d : preuve %s (%d octets, sha256 %s)\n", "incident %d: evidence %s (%d bytes, sha256 %s)\n"), id, journal.Printable(rec.Name), rec.Size, rec.SHA256)
	if len(props) > 0 {
		fmt.Fprintf(stdout, c.t("indicateurs proposés (à pousser avec : vigie incident block %d --all) :\n", "proposed indicators (push with: vigie incident block %d --all):\n"), id)
		printIndicators(stdout, props, c.lang)
	}
	return nil
}

func runIncidentBlock(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	var values multiFlag
	c.fs.Var(&values, "indicator", c.t("valeur ou type:valeur d'un indicateur (répétable)", "indicator value or kind:value (repeatable)"))
	all := c.fs.Bool("all", false, c.t("tous les indicateurs proposés", "every proposed indicator"))
	mode := c.fs.String("mode", "", c.t("block (blocage) ou watch (détection) ; défaut : la suggestion de Vigie", "block or watch (default: Vigie's suggestion per indicator)"))
	ttl := c.fs.String("ttl", "7d", c.t("durée : 12h, 7d, 2w, never", "how long: 12h, 7d, 2w, never"))
	zap := c.fs.Bool("zap", false, c.t("retirer aussi des boîtes les copies livrées récemment (mailbox.zap_window) qui portent les indicateurs bloqués", "also pull out of the mailboxes the recent copies (mailbox.zap_window) carrying the blocked indicators"))
	id, _, err := c.args(args, 1, "incident block ID [--indicator V …|--all] [--mode block|watch] [--ttl 7d] [--zap]")
	if err != nil {
		return err
	}
	d, err := parseTTL(*ttl)
	if err != nil {
		return c.usage("--ttl : %v", "--ttl: %v", err)
	}
	svc, err := c.service(ctx, false)
	if err != nil {
		return err
	}
	pushed, err := svc.Block(ctx, id, incident.BlockRequest{Values: values, All: *all, Mode: *mode, TTL: d, By: c.author()})
	printIndicators(stdout, pushed, c.lang)
	if err == nil && *zap {
		err = c.zap(ctx, svc, id, pushed, stdout)
	}
	return err
}

func runIncidentHunt(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	days := c.fs.Int("days", 30, c.t("nombre de jours de trace à fouiller", "how many days of trace to search"))
	format := c.fs.String("format", "table", "table, json, csv")
	id, _, svc, err := c.open(ctx, args, 1, "incident hunt ID [--days N] [--format table|json|csv]")
	if err != nil {
		return err
	}
	res, err := svc.Hunt(ctx, id, *days, c.author())
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		return res.WriteJSON(stdout)
	case "csv":
		return res.WriteCSV(stdout)
	}
	return res.WriteTable(stdout, c.lang)
}

func runIncidentCorrespondents(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	account := c.fs.String("account", "", c.t("le compte compromis (défaut : le seul compte affecté de l'incident)", "the compromised account (default: the incident's only affected account)"))
	days := c.fs.Int("days", 30, c.t("nombre de jours à fouiller", "how many days to search"))
	var logs multiFlag
	c.fs.Var(&logs, "log", c.t("journal de messagerie à lire (Postfix… ; fichier ou répertoire, répétable)", "mail log to read (Postfix…; file or directory, repeatable)"))
	format := c.fs.String("format", "table", "table, json, csv")
	id, _, svc, err := c.open(ctx, args, 1, "incident correspondents ID [--account A] [--log maillog …] [--days N] [--format table|json|csv]")
	if err != nil {
		return err
	}
	res, err := svc.SentBy(ctx, id, incident.SentByRequest{Account: *account, Days: *days, Logs: logs, By: c.author()})
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		return writeJSON(stdout, res)
	case "csv":
		for _, r := range res.Correspondents {
			fmt.Fprintln(stdout, r)
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, c.t("HEURE (UTC)\tSOURCE\tDESTINATAIRES\tOBJET", "TIME (UTC)\tSOURCE\tRECIPIENTS\tSUBJECT"))
	for _, m := range res.Messages {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Time.UTC().Format("2006-01-02 15:04:05"), m.Source,
			journal.Printable(strings.Join(m.Recipients, ", ")), journal.Printable(m.Subject))
	}
	tw.Flush()
	fmt.Fprintf(stdout, c.t("\n%d message(s) envoyé(s) par %s ; %d correspondant(s) à prévenir : %s\n→ vigie incident report %d --format warning-correspondents --account %s\n",
		"\n%d message(s) sent by %s; %d correspondent(s) to warn: %s\n→ vigie incident report %d --format warning-correspondents --account %s\n"),
		len(res.Messages), res.Account, len(res.Correspondents), strings.Join(res.Correspondents, ", "), id, res.Account)
	return nil
}

func runIncidentVerify(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	var heads, exports multiFlag
	c.fs.Var(&heads, "head", c.t("tête publiée plus tôt, EMPREINTE ou NUMÉRO:EMPREINTE (répétable)", "head published earlier, HASH or SEQ:HASH (repeatable)"))
	c.fs.Var(&exports, "against", c.t("export (répertoire ou manifest.json) dont la tête doit être dans la chaîne (répétable)", "export (directory or manifest.json) whose head must be in the chain (repeatable)"))
	key := c.fs.String("key", "", c.t("clé de vérification des sceaux (secret HMAC ou clé publique ed25519 PEM ; défaut : incidents.journal_key)",
		"key checking the seals (HMAC secret or ed25519 public key PEM; default: incidents.journal_key)"))
	asJSON := c.fs.Bool("json", false, c.t("sortie JSON", "JSON output"))
	id, _, svc, err := c.open(ctx, args, 1, "incident verify ID [--head H] [--against EXPORT] [--key FICHIER]")
	if err != nil {
		return err
	}
	var r incident.VerifyRequest
	for _, h := range heads {
		a, err := incident.ParseAnchor(h)
		if err != nil {
			return usageErr("%s", incident.Message(err, c.lang))
		}
		r.Anchors = append(r.Anchors, a)
	}
	for _, e := range exports {
		a, expID, err := incident.AnchorFromExport(e)
		if err != nil {
			return err
		}
		if expID != id {
			return c.usage("%s est l'export de l'incident %d, pas du %d", "%s is the export of incident %d, not %d", e, expID, id)
		}
		r.Anchors = append(r.Anchors, a)
	}
	if *key != "" {
		if r.Key, err = journal.LoadKey(*key); err != nil {
			return err
		}
	}
	res, err := svc.Verify(ctx, id, r)
	if err != nil {
		return exitError{code: 1, err: fmt.Errorf("%s%s", c.t("main courante NON intègre : ", "main courante NOT intact: "), incident.Message(err, c.lang))}
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	fmt.Fprintf(stdout, c.t("incident %d : main courante intègre, %d entrées, tête %d sha256 %s\n", "incident %d: main courante intact, %d entries, head %d sha256 %s\n"),
		id, res.Entries, res.Head.Seq, res.Head.Hash)
	fmt.Fprint(stdout, c.t("  dossier (en-tête, fiche, preuves, indicateurs) conforme à la dernière entrée\n", "  case (header, checklist, evidence, indicators) matches the newest entry\n"))
	if res.Sealed != "" {
		fmt.Fprintf(stdout, c.t("  chaque entrée scellée (%s)\n", "  every entry sealed (%s)\n"), res.Sealed)
	} else {
		fmt.Fprint(stdout, c.t("  pas de clé de scellement : publiez la tête (export, rapport) pour ancrer la chaîne hors de la base\n", "  no sealing key: publish the head (export, report) to anchor the chain outside the database\n"))
	}
	fmt.Fprintf(stdout, c.t("  têtes publiées retrouvées : %d ; témoin local : %d\n", "  published heads found: %d; local witness: %d\n"), res.Anchors, res.Witnessed)
	return nil
}

func runIncidentExport(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	id, rest, svc, err := c.open(ctx, args, 2, "incident export ID RÉPERTOIRE")
	if err != nil {
		return err
	}
	m, err := svc.Export(ctx, id, rest[0], c.author())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, c.t("incident %d : %d fichiers exportés vers %s et vérifiés (%s) ; tête de la main courante %d %s\n→ publiez cette tête (au CERT, dans le ticket) : vigie incident verify %d --against %s\n",
		"incident %d: %d files exported to %s and verified (%s); journal head %d %s\n→ publish this head (to the CERT, in the ticket): vigie incident verify %d --against %s\n"),
		id, len(m.Files), rest[0], evidence.SumsFile, m.JournalSeq, m.JournalHead, id, rest[0])
	return nil
}

func runIncidentReport(ctx context.Context, c *incidentCmd, args []string, stdout io.Writer) error {
	var r incident.ReportRequest
	c.fs.StringVar(&r.Format, "format", "md", c.t("format (voir la liste plus bas)", "format (see the list below)"))
	out := c.fs.String("o", "", c.t("fichier de sortie (défaut : la sortie standard)", "output file (default: standard output)"))
	c.fs.StringVar(&r.From, "from", "", c.t("arf, xarf : l'adresse qui signale (défaut : incidents.profile.email)", "arf, xarf: the reporting address (default: incidents.profile.email)"))
	c.fs.StringVar(&r.To, "to", "", c.t("arf : l'adresse abuse du fournisseur", "arf: the provider's abuse address"))
	c.fs.StringVar(&r.ReportingMTA, "reporting-mta", "", c.t("arf : le nom de notre passerelle", "arf: our gateway's host name"))
	c.fs.StringVar(&r.Evidence, "evidence", "", c.t("arf : SHA-256 du message signalé (défaut : le premier)", "arf: SHA-256 of the reported message (default: the first one)"))
	c.fs.StringVar(&r.Indicator, "url", "", c.t("xarf : l'URL à signaler (défaut : la première)", "xarf: the URL to report (default: the first one)"))
	c.fs.StringVar(&r.Org, "org", "", c.t("misp, stix, xarf : l'organisation qui partage (défaut : incidents.profile.org)", "misp, stix, xarf: the sharing organisation (default: incidents.profile.org)"))
	c.fs.StringVar(&r.TLP, "tlp", "amber", c.t("misp, stix : TLP 2.0 — clear/clair, green/vert, amber/ambre, amber+strict, red/rouge", "misp, stix: TLP 2.0 — clear, green, amber, amber+strict, red (French names accepted)"))
	c.fs.StringVar(&r.Contact, "contact", "", c.t("avertissements : comment joindre l'assistance (défaut : incidents.profile.help_desk)", "warnings: how to reach the help desk (default: incidents.profile.help_desk)"))
	c.fs.StringVar(&r.Account, "account", "", c.t("warning-correspondents : le compte compromis", "warning-correspondents: the compromised account"))
	c.fs.StringVar(&r.Target, "target", "", c.t("phishtank : la marque imitée (Chorus Pro…)", "phishtank: the imitated brand (Chorus Pro…)"))
	id, _, svc, err := c.open(ctx, args, 1, "incident report ID --format F [-o FICHIER]")
	if err != nil {
		if ee, ok := err.(exitError); ok && ee.code == 0 {
			c.listFormats()
		}
		return err
	}
	r.Lang, r.By = c.lang, c.author()
	doc, err := svc.Report(ctx, id, r)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(doc.Data)
		return err
	}
	if err := os.WriteFile(*out, doc.Data, 0o640); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, c.t("%s → %s (%d octets)\n", "%s → %s (%d bytes)\n"), doc.Label, *out, len(doc.Data))
	return nil
}

// listFormats prints the report formats after the flag help.
func (c *incidentCmd) listFormats() {
	fmt.Fprintln(c.stderr, c.t("\nformats :", "\nformats:"))
	for _, f := range bridgeFormats() {
		label := f.LabelFR
		if c.lang == "en" {
			label = f.LabelEN
		}
		fmt.Fprintf(c.stderr, "  %-24s %s\n", f.Name, label)
	}
}

func bridgeFormats() []incident.Format { return report.Renderer{}.Formats() }
