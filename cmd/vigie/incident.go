package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/bridge"
	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/ir/report"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/trace"
)

func init() {
	for _, c := range []command{
		{"incident open", "open an incident: --type phishing-campaign|mailbox-compromise --title T", runIncidentOpen},
		{"incident list", "list incidents (--all: closed ones too)", runIncidentList},
		{"incident show", "show an incident: severity, checklist state, indicators, evidence, main courante", runIncidentShow},
		{"incident update", "change an incident's qualification, assignee, affected accounts and machines", runIncidentUpdate},
		{"incident close", "close an incident", runIncidentClose},
		{"incident log", "add an entry to an incident's main courante", runIncidentLog},
		{"incident verify", "verify the hash chain of an incident's main courante", runIncidentVerify},
		{"incident checklist", "show what is next on an incident's playbook checklist (--all: everything)", runIncidentChecklist},
		{"incident check", "set a checklist item's status (à faire, en cours, fait, sans objet), assignee or note", runIncidentCheck},
		{"incident add-evidence", "attach a file (a reported .eml proposes its indicators)", runIncidentAddEvidence},
		{"incident block", "push an incident's indicators to the blocklist (--all or --indicator V)", runIncidentBlock},
		{"incident hunt", "retro-hunt: who else received the campaign (--days N, --format table|json|csv)", runIncidentHunt},
		{"incident export", "export evidence, journal and a manifest of hashes to a directory", runIncidentExport},
		{"incident report", "write a report: md, html, arf, misp, stix, warning, declarations", runIncidentReport},
	} {
		register(c)
	}
}

// incidentCmd holds the flags every incident command shares and opens
// what the command needs.
type incidentCmd struct {
	*iocFlags
	config string
	by     string
	db     *store.DB
	cfg    config.Config
}

func newIncidentCmd(name string, stderr io.Writer) *incidentCmd {
	c := &incidentCmd{iocFlags: newIOCFlags(name, stderr)}
	c.fs.Lookup("store").DefValue = "" // resolved in open: flag, $VIGIE_STORE, config, data dir
	c.store = os.Getenv(envStore)
	c.fs.StringVar(&c.config, "config", "", "configuration file (data directory, store, scanner)")
	c.fs.StringVar(&c.by, "by", "", "who acts, for the main courante (default: the current user)")
	return c
}

// id parses the incident number of args[0] and checks the argument count.
func (c *incidentCmd) args(args []string, n int, usage string) (int64, []string, error) {
	pos, err := c.parse(args)
	if err != nil {
		return 0, nil, err
	}
	if len(pos) != n {
		return 0, nil, usageErr("usage: vigie %s", usage)
	}
	if n == 0 {
		return 0, pos, nil
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(pos[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, nil, usageErr("%q is not an incident number", pos[0])
	}
	return id, pos[1:], nil
}

func (c *incidentCmd) author() string { return operator(c.by) }

// open parses the arguments (n positional, the first an incident number)
// and opens the incident service: the preamble of most incident commands.
func (c *incidentCmd) open(ctx context.Context, args []string, n int, usage string, stderr io.Writer, withScanner bool) (int64, []string, *incident.Service, func(), error) {
	id, rest, err := c.args(args, n, usage)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	svc, done, err := c.service(ctx, stderr, withScanner)
	if err != nil {
		return 0, nil, nil, nil, err
	}
	return id, rest, svc, done, nil
}

// service opens the store and wires the incident service; scanner, trace
// and indicator store are added for the commands that use them.
func (c *incidentCmd) service(ctx context.Context, stderr io.Writer, withScanner bool) (*incident.Service, func(), error) {
	cfg, err := config.Load(c.config)
	if err != nil {
		return nil, nil, err
	}
	c.cfg = cfg
	dsn := c.store
	if dsn == "" {
		dsn = cfg.Store
	}
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(cfg.DataDir, "vigie.db")
	}
	if c.db, err = openStore(ctx, dsn); err != nil {
		return nil, nil, err
	}
	ev, err := evidence.Open(filepath.Join(cfg.DataDir, "evidence"))
	if err != nil {
		c.db.Close()
		return nil, nil, err
	}
	tl := trace.Open(c.db, nil)
	o := incident.Options{Repo: c.db.Incidents(), Evidence: ev,
		Indicators: bridge.Indicators{Service: ioc.NewService(c.db, ioc.ServiceOptions{})}, Trace: bridge.Trace{Log: tl}}
	if withScanner {
		if _, o.Scanner, err = loadScanner(c.config, stderr); err != nil {
			c.db.Close()
			return nil, nil, err
		}
	}
	svc, err := incident.New(o)
	if err != nil {
		c.db.Close()
		return nil, nil, err
	}
	return svc, func() { tl.Close(); c.db.Close() }, nil
}

// qualification flags shared by open and update.
type qualFlags struct {
	title, summary, assignee, perimeter, impact, urgency, aware string
	personal                                                    string
	accounts, machines                                          multiFlag
}

func (q *qualFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&q.title, "title", "", "title")
	fs.StringVar(&q.summary, "summary", "", "summary")
	fs.StringVar(&q.assignee, "assignee", "", "who leads the response")
	fs.StringVar(&q.perimeter, "perimeter", "", "périmètre: restreint, partiel, étendu")
	fs.StringVar(&q.impact, "impact", "", "impact: faible, modéré, fort")
	fs.StringVar(&q.urgency, "urgency", "", "urgence: faible, modérée, forte")
	fs.StringVar(&q.personal, "personal-data", "", "yes/no: personal data may have been breached (CNIL, 72 h)")
	fs.StringVar(&q.aware, "aware-at", "", "when the organisation became aware (RFC 3339; default: now)")
	fs.Var(&q.accounts, "account", "affected account (repeatable)")
	fs.Var(&q.machines, "machine", "affected machine (repeatable)")
}

func (q *qualFlags) changes() (incident.Changes, error) {
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
			return ch, usageErr("%v", err)
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
			return ch, usageErr("--personal-data %q: want yes or no", q.personal)
		}
		ch.PersonalData = &b
	}
	if q.aware != "" {
		t, err := time.Parse(time.RFC3339, q.aware)
		if err != nil {
			return ch, usageErr("--aware-at: %v", err)
		}
		ch.AwareAt = &t
	}
	ch.AddAccounts, ch.AddMachines = q.accounts, q.machines
	return ch, nil
}

func runIncidentOpen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident open", stderr)
	typ := c.fs.String("type", "", "phishing-campaign or mailbox-compromise")
	var q qualFlags
	q.register(c.fs)
	if _, _, err := c.args(args, 0, "incident open --type phishing-campaign|mailbox-compromise --title T [options]"); err != nil {
		return err
	}
	ch, err := q.changes()
	if err != nil {
		return err
	}
	t, err := incident.ParseType(*typ)
	if err != nil {
		return usageErr("%v", err)
	}
	r := incident.OpenRequest{Type: t, Title: q.title, Summary: q.summary, Assignee: q.assignee,
		Accounts: q.accounts, Machines: q.machines, By: c.author()}
	for _, a := range []struct {
		src *incident.Level
		dst *incident.Level
	}{{ch.Perimeter, &r.Perimeter}, {ch.Impact, &r.Impact}, {ch.Urgency, &r.Urgency}} {
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
	svc, done, err := c.service(ctx, stderr, false)
	if err != nil {
		return err
	}
	defer done()
	inc, err := svc.Open(ctx, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "incident %d opened: %s — %s\n", inc.ID, inc.Title, inc.Severity)
	return nil
}

func runIncidentList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident list", stderr)
	all := c.fs.Bool("all", false, "include closed incidents")
	asJSON := c.fs.Bool("json", false, "JSON output")
	if _, _, err := c.args(args, 0, "incident list [--all] [--json]"); err != nil {
		return err
	}
	svc, done, err := c.service(ctx, stderr, false)
	if err != nil {
		return err
	}
	defer done()
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
	fmt.Fprintln(tw, "ID\tOPENED (UTC)\tSTATUS\tTYPE\tSEVERITY\tASSIGNEE\tTITLE")
	for _, inc := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", inc.ID, inc.OpenedAt.Format("2006-01-02 15:04"), inc.Status,
			inc.Type, inc.Severity, inc.Assignee, inc.Title)
	}
	return tw.Flush()
}

func runIncidentShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident show", stderr)
	asJSON := c.fs.Bool("json", false, "the whole case as JSON")
	id, _, svc, done, err := c.open(ctx, args, 1, "incident show ID [--json]", stderr, false)
	if err != nil {
		return err
	}
	defer done()
	cs, err := svc.Load(ctx, id)
	if err != nil || *asJSON {
		if err == nil {
			err = writeJSON(stdout, cs)
		}
		return err
	}
	inc := cs.Incident
	fmt.Fprintf(stdout, "Incident %d — %s\n", inc.ID, inc.Title)
	fmt.Fprintf(stdout, "  type %s, %s, gravité : %s (périmètre %s, impact %s, urgence %s)\n", inc.Type, inc.Status,
		inc.Severity, inc.Perimeter.Label(incident.Perimeter), inc.Impact.Label(incident.Impact), inc.Urgency.Label(incident.Urgency))
	fmt.Fprintf(stdout, "  ouvert %s par %s ; responsable %s\n", journal.FormatTime(inc.OpenedAt), inc.OpenedBy, inc.Assignee)
	fmt.Fprintf(stdout, "  comptes : %s ; machines : %s\n", strings.Join(inc.Accounts, ", "), strings.Join(inc.Machines, ", "))
	var counts = map[incident.ItemStatus]int{}
	for _, it := range cs.Checklist {
		counts[it.Status]++
	}
	fmt.Fprintf(stdout, "  fiche : %d fait, %d en cours, %d à faire, %d sans objet\n", counts[incident.Done],
		counts[incident.InProgress], counts[incident.Todo], counts[incident.NotApplied])
	fmt.Fprintf(stdout, "\nIndicateurs (%d):\n", len(cs.Indicators))
	printIndicators(stdout, cs.Indicators)
	fmt.Fprintf(stdout, "\nPreuves (%d):\n", len(cs.Evidence))
	for _, e := range cs.Evidence {
		fmt.Fprintf(stdout, "  %s  %8d  %s  (%s, %s)\n", e.SHA256, e.Size, e.Name, e.AddedBy, journal.FormatTime(e.AddedAt))
	}
	fmt.Fprintf(stdout, "\nMain courante (%d entrées):\n", len(cs.Journal))
	incident.WriteJournal(stdout, cs.Journal)
	return nil
}

func printIndicators(w io.Writer, inds []incident.Indicator) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, ind := range inds {
		state := ind.State + " (suggested " + ind.Suggested + ")"
		if ind.State == incident.Pushed {
			state = ind.Mode + expiryNote(ind.ExpiresAt)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", ind.Kind, ind.Value, ind.Origin, state)
	}
	tw.Flush()
}

func runIncidentUpdate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident update", stderr)
	var q qualFlags
	q.register(c.fs)
	id, _, err := c.args(args, 1, "incident update ID [--impact fort] [--account A] …")
	if err != nil {
		return err
	}
	ch, err := q.changes()
	if err != nil {
		return err
	}
	svc, done, err := c.service(ctx, stderr, false)
	if err != nil {
		return err
	}
	defer done()
	inc, err := svc.Update(ctx, id, ch, c.author())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "incident %d: %s\n", inc.ID, inc.Severity)
	return nil
}

func runIncidentClose(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident close", stderr)
	reason := c.fs.String("reason", "", "why it is closed")
	id, _, svc, done, err := c.open(ctx, args, 1, "incident close ID [--reason TEXT]", stderr, false)
	if err != nil {
		return err
	}
	defer done()
	if _, err := svc.Close(ctx, id, *reason, c.author()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "incident %d closed\n", id)
	return nil
}

func runIncidentLog(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident log", stderr)
	kind := c.fs.String("kind", "action", "action, decision, finding or communication")
	at := c.fs.String("at", "", "when it happened (RFC 3339; default: now)")
	var accounts, machines multiFlag
	c.fs.Var(&accounts, "account", "account concerned (repeatable)")
	c.fs.Var(&machines, "machine", "machine concerned (repeatable)")
	id, rest, err := c.args(args, 2, `incident log ID "text" [--kind K] [--account A] [--machine M] [--at T]`)
	if err != nil {
		return err
	}
	k, err := journal.ParseKind(*kind)
	if err != nil {
		return usageErr("%v", err)
	}
	d := journal.Draft{Author: c.author(), Kind: k, Text: rest[0], Accounts: accounts, Machines: machines}
	if *at != "" {
		if d.At, err = time.Parse(time.RFC3339, *at); err != nil {
			return usageErr("--at: %v", err)
		}
	}
	svc, done, err := c.service(ctx, stderr, false)
	if err != nil {
		return err
	}
	defer done()
	e, err := svc.Log(ctx, id, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "incident %d: entry %d at %s\n", id, e.Seq, journal.FormatTime(e.At))
	return nil
}

func runIncidentVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident verify", stderr)
	id, _, svc, done, err := c.open(ctx, args, 1, "incident verify ID", stderr, false)
	if err != nil {
		return err
	}
	defer done()
	head, n, err := svc.Verify(ctx, id)
	if err != nil {
		return fmt.Errorf("main courante NOT intact: %w", err)
	}
	fmt.Fprintf(stdout, "incident %d: main courante intact, %d entries, head sha256 %s\n", id, n, head.Hash)
	return nil
}

func runIncidentChecklist(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident checklist", stderr)
	all := c.fs.Bool("all", false, "every item, not only what is next")
	lang := c.fs.String("lang", "fr", "fr or en titles")
	id, _, svc, done, err := c.open(ctx, args, 1, "incident checklist ID [--all]", stderr, false)
	if err != nil {
		return err
	}
	defer done()
	cs, err := svc.Load(ctx, id)
	if err != nil {
		return err
	}
	items := incident.Next(cs.Checklist)
	if *all {
		items = cs.Checklist
	} else if len(items) == 0 {
		fmt.Fprintln(stdout, "Toutes les actions de la fiche sont faites ou sans objet.")
		return nil
	}
	for _, it := range items {
		title := it.Def.TitleFR
		if *lang == "en" {
			title = it.Def.TitleEN
		}
		fmt.Fprintf(stdout, "[%s] %-5s %-10s %s", it.Def.Priority, it.ItemID, it.Status.FR(), title)
		if it.Assignee != "" {
			fmt.Fprintf(stdout, " — %s", it.Assignee)
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
			fmt.Fprintf(stdout, "        note : %s\n", it.Note)
		}
	}
	return nil
}

func runIncidentCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident check", stderr)
	status := c.fs.String("status", "", "à faire, en cours, fait or sans objet")
	assignee := c.fs.String("assignee", "", "who does it")
	note := c.fs.String("note", "", "a note")
	id, rest, err := c.args(args, 2, "incident check ID ITEM [--status fait] [--assignee X] [--note TEXT]")
	if err != nil {
		return err
	}
	var ch incident.ItemChange
	if *status != "" {
		s, err := incident.ParseItemStatus(*status)
		if err != nil {
			return usageErr("%v", err)
		}
		ch.Status = &s
	}
	if *assignee != "" {
		ch.Assignee = assignee
	}
	if *note != "" {
		ch.Note = note
	}
	svc, done, err := c.service(ctx, stderr, false)
	if err != nil {
		return err
	}
	defer done()
	it, err := svc.Check(ctx, id, rest[0], ch, c.author())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "incident %d: %s %s — %s\n", id, it.ItemID, it.Def.TitleFR, it.Status.FR())
	return nil
}

func runIncidentAddEvidence(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident add-evidence", stderr)
	note := c.fs.String("note", "", "what the file is")
	id, rest, err := c.args(args, 2, "incident add-evidence ID FILE [--note TEXT]")
	if err != nil {
		return err
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	svc, done, err := c.service(ctx, stderr, true)
	if err != nil {
		return err
	}
	defer done()
	rec, props, err := svc.AddEvidence(ctx, id, incident.EvidenceRequest{Name: rest[0], Content: f, Note: *note, By: c.author()})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "incident %d: evidence %s (%d bytes, sha256 %s)\n", id, rec.Name, rec.Size, rec.SHA256)
	if len(props) > 0 {
		fmt.Fprintf(stdout, "proposed indicators (push with: vigie incident block %d --all):\n", id)
		printIndicators(stdout, props)
	}
	return nil
}

func runIncidentBlock(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident block", stderr)
	var values multiFlag
	c.fs.Var(&values, "indicator", "indicator value or kind:value (repeatable)")
	all := c.fs.Bool("all", false, "every proposed indicator")
	mode := c.fs.String("mode", "", "block or watch (default: Vigie's suggestion per indicator)")
	ttl := c.fs.String("ttl", "7d", "how long: 12h, 7d, 2w, never")
	id, _, err := c.args(args, 1, "incident block ID [--indicator V …|--all] [--mode block|watch] [--ttl 7d]")
	if err != nil {
		return err
	}
	d, err := parseTTL(*ttl)
	if err != nil {
		return usageErr("--ttl: %v", err)
	}
	svc, done, err := c.service(ctx, stderr, false)
	if err != nil {
		return err
	}
	defer done()
	pushed, err := svc.Block(ctx, id, incident.BlockRequest{Values: values, All: *all, Mode: *mode, TTL: d, By: c.author()})
	printIndicators(stdout, pushed)
	return err
}

func runIncidentHunt(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident hunt", stderr)
	days := c.fs.Int("days", 30, "how many days of trace to search")
	format := c.fs.String("format", "table", "table, json or csv")
	id, _, svc, done, err := c.open(ctx, args, 1, "incident hunt ID [--days N] [--format table|json|csv]", stderr, false)
	if err != nil {
		return err
	}
	defer done()
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
	return res.WriteTable(stdout)
}

func runIncidentExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident export", stderr)
	id, rest, svc, done, err := c.open(ctx, args, 2, "incident export ID DIR", stderr, false)
	if err != nil {
		return err
	}
	defer done()
	atts, err := reportAttachments(ctx, svc, id)
	if err != nil {
		return err
	}
	m, err := svc.Export(ctx, id, rest[0], c.author(), atts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "incident %d: %d files exported to %s and verified (%s); journal head %d %s\n",
		id, len(m.Files), rest[0], evidence.SumsFile, m.JournalSeq, m.JournalHead)
	return nil
}

// reportAttachments are the reports an export carries.
func reportAttachments(ctx context.Context, svc *incident.Service, id int64) ([]evidence.Attachment, error) {
	c, err := svc.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	var md, html bytes.Buffer
	if err := report.Markdown(&md, c, time.Now()); err != nil {
		return nil, err
	}
	if err := report.HTML(&html, c, time.Now()); err != nil {
		return nil, err
	}
	return []evidence.Attachment{{Name: "rapport.md", Data: md.Bytes()}, {Name: "rapport.html", Data: html.Bytes()}}, nil
}

var reportNames = map[string]string{
	"md": "rapport d'incident (Markdown)", "html": "rapport d'incident (HTML)", "arf": "signalement d'abus ARF",
	"misp": "événement MISP", "stix": "bundle STIX 2.1", "warning": "message d'avertissement aux utilisateurs",
	"declarations": "liste des déclarations",
}

func runIncidentReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newIncidentCmd("incident report", stderr)
	format := c.fs.String("format", "md", "md, html, arf, misp, stix, warning or declarations")
	out := c.fs.String("o", "", "output file (default: standard output)")
	from := c.fs.String("from", "", "arf: the reporting address")
	to := c.fs.String("to", "", "arf: the provider's abuse address")
	mta := c.fs.String("reporting-mta", "", "arf: our gateway's host name")
	sum := c.fs.String("evidence", "", "arf: SHA-256 of the reported message (default: the first one)")
	org := c.fs.String("org", "", "misp/stix: the sharing organisation")
	tlp := c.fs.String("tlp", "amber", "misp/stix: clear, green, amber or red")
	contact := c.fs.String("contact", "", "warning: how users reach the help desk")
	id, _, err := c.args(args, 1, "incident report ID --format md|html|arf|misp|stix|warning|declarations [-o FILE]")
	if err != nil {
		return err
	}
	name, ok := reportNames[*format]
	if !ok {
		return usageErr("unknown report format %q", *format)
	}
	svc, done, err := c.service(ctx, stderr, false)
	if err != nil {
		return err
	}
	defer done()
	cs, err := svc.Load(ctx, id)
	if err != nil {
		return err
	}
	now := time.Now()
	var b bytes.Buffer
	share := report.ShareOptions{Org: *org, Now: now, TLP: *tlp}
	switch *format {
	case "md":
		err = report.Markdown(&b, cs, now)
	case "html":
		err = report.HTML(&b, cs, now)
	case "misp":
		err = report.MISP(&b, cs, share)
	case "stix":
		err = report.STIX(&b, cs, share)
	case "warning":
		err = report.Warning(&b, cs, report.WarningOptions{Contact: *contact})
	case "declarations":
		err = report.WriteDeclarations(&b, cs, now)
	case "arf":
		rec, raw, rerr := svc.EvidenceBytes(ctx, id, *sum)
		if rerr != nil {
			return rerr
		}
		err = report.ARF(&b, cs, raw, rec.SHA256, report.ARFOptions{From: *from, To: *to, ReportingMTA: *mta, Now: now})
		name += " pour " + *to
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(b.Bytes())
	} else {
		err = os.WriteFile(*out, b.Bytes(), 0o640)
		name += " → " + *out
	}
	if err != nil {
		return err
	}
	_, err = svc.Log(ctx, id, journal.Draft{Author: c.author(), Kind: journal.Communication,
		Text: fmt.Sprintf("Production : %s.", name)})
	return err
}
