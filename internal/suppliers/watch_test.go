package suppliers_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/gateway/nexthop"
	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
	"vigie.dev/vigie/internal/suppliers"
)

func mail(n int, iban, text string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf(`Authentication-Results: mx.example-hopital.fr; spf=pass smtp.mailfrom=papeterie-fictive.example; dkim=pass header.d=papeterie-fictive.example; dmarc=pass header.from=papeterie-fictive.example
Received: from smtp.papeterie-fictive.example (smtp.papeterie-fictive.example [198.51.100.7])
	by mx.example-hopital.fr (Postfix) with ESMTPS id 4Tq9Ab%dz
	for <compta@example-hopital.fr>; Tue, 01 Dec 2026 10:02:11 +0100 (CET)
From: Papeterie Fictive <factures@papeterie-fictive.example>
To: compta@example-hopital.fr
Subject: Facture FA-%d
Date: Tue, 01 Dec 2026 10:02:10 +0100
Message-ID: <fa-%d@papeterie-fictive.example>
Content-Type: text/plain; charset=utf-8

%s
IBAN : %s
`, n, n, n, text, invoice.FormatIBAN(iban)), "\n", "\r\n"))
}

// The gateway's watcher, end to end: the register imported from the
// accounting export, a genuine invoice counted, a changed IBAN kept
// pending, flagged in the verdict, and an alert with the supplier's
// history delivered to the accounting mailbox through a real SMTP peer
// (Postfix's smtp-sink).
func TestWatcherLearnsAndAlerts(t *testing.T) {
	postfixtest.Require(t)
	storetest.ForEach(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		siret := invoicetest.SIRET(invoicetest.SIREN("90000001"), "0001")
		old := invoicetest.IBAN("FR", "99999000010000000000001")
		changed := invoicetest.IBAN("FR", "99999000020000000000002")
		reg := &suppliers.Register{Store: db.Suppliers()}
		rows, err := suppliers.ParseCSV(strings.NewReader("Fournisseur;SIRET;IBAN;Domaine\nPapeterie Fictive SARL;" + siret + ";" + old + ";papeterie-fictive.example\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Import(ctx, rows, "export.csv", "alice"); err != nil {
			t.Fatal(err)
		}
		cache := &suppliers.Cache{Store: db.Suppliers(), Every: time.Nanosecond}
		cfg := config.Default()
		cfg.Auth.Mode = "headers"
		cfg.Trust.Relays = []string{"mx.example-hopital.fr"}
		cfg.Trust.AuthServIDs = []string{"mx.example-hopital.fr"}
		sc, err := engine.New(&cfg, engine.Options{Suppliers: cache})
		if err != nil {
			t.Fatal(err)
		}
		dir := postfixtest.WorldDir(t, "vigie-alert-sink-")
		os.Chmod(dir, 0o777) // smtp-sink writes as postfix
		addr := fmt.Sprintf("127.0.0.1:%d", postfixtest.FreePort(t))
		cmd := exec.Command("smtp-sink", "-u", "postfix", "-d", filepath.Join(dir, "%M."), addr, "10")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		postfixtest.WaitListening(t, addr)
		w := &suppliers.Watcher{Register: reg, Books: cache, Learn: true, Mailbox: "compta@example-hopital.fr",
			From: "vigie@example-hopital.fr", Mailer: nexthop.Release{Client: &nexthop.Client{Addr: addr, HELO: "vigie.test"}}}

		genuine := mail(1, old, "Veuillez trouver notre facture.")
		v := sc.Scan(ctx, genuine, scan.Envelope{})
		if v.Action != scan.Accept || v.Has("IBAN_CHANGED") {
			t.Fatalf("genuine: %s %v", v.Action, v.Signals)
		}
		w.Handle(ctx, genuine, v)

		fraud := mail(2, changed, "Veuillez noter notre nouveau compte pour cette facture.")
		v = sc.Scan(ctx, fraud, scan.Envelope{})
		if !v.Has("IBAN_CHANGED") || v.Action.Rank() < scan.Tag.Rank() {
			t.Fatalf("changed IBAN: %s %v", v.Action, v.Signals)
		}
		w.Handle(ctx, fraud, v)

		book, err := suppliers.Load(ctx, db.Suppliers())
		if err != nil {
			t.Fatal(err)
		}
		e := book.ByDomain("papeterie-fictive.example")[0]
		if b, _ := e.Bank(old); b.Seen != 1 || b.Authenticated != 1 {
			t.Errorf("genuine invoice not counted: %+v", b)
		}
		if b, ok := e.Bank(changed); !ok || b.Status != suppliers.BankPending {
			t.Errorf("changed IBAN: %+v %v", b, ok)
		}
		// Still flagged after learning: pending is not known.
		if v := sc.Scan(ctx, mail(3, changed, "Relance."), scan.Envelope{}); !v.Has("IBAN_CHANGED") {
			t.Errorf("pending IBAN accepted silently: %v", v.Signals)
		}
		var got string
		deadline := time.Now().Add(30 * time.Second)
		for got == "" && time.Now().Before(deadline) {
			files, _ := filepath.Glob(filepath.Join(dir, "*"))
			for _, f := range files {
				b, _ := os.ReadFile(f)
				got += string(b)
			}
			if got == "" {
				time.Sleep(50 * time.Millisecond)
			}
		}
		for _, want := range []string{"compta@example-hopital.fr", "Coordonn=C3=A9es_bancaires_=C3=A0_v=C3=A9rifier",
			invoice.FormatIBAN(changed), "Fournisseur 1 : Papeterie Fictive SARL",
			"confirmé", "À CONFIRMER", "alice", "import:export.csv:2", "appel à un numéro déjà connu"} {
			if !strings.Contains(got, want) {
				t.Errorf("alert lacks %q:\n%s", want, got)
			}
		}
		ev, _ := db.Suppliers().Events(ctx, e.ID, 10)
		if len(ev) == 0 || ev[0].Action != "alert-sent" {
			t.Errorf("alert not journaled: %+v", ev)
		}
	})
}

// An incomplete verdict (the scan's deadline reached, a check failed),
// passed on unscanned with fail_open, is seen by the watcher for its
// alert but teaches the register nothing: the check that would have held
// the message may be the one that did not run.
func TestWatcherDoesNotLearnFromAnIncompleteScan(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		reg := &suppliers.Register{Store: db.Suppliers()}
		cfg := config.Default()
		cfg.Auth.Mode = "headers"
		cfg.Trust.Relays = []string{"mx.example-hopital.fr"}
		cfg.Trust.AuthServIDs = []string{"mx.example-hopital.fr"}
		sc, err := engine.New(&cfg, engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		w := &suppliers.Watcher{Register: reg, Learn: true}
		iban := invoicetest.IBAN("FR", "99999000030000000000003")
		raw := mail(1, iban, "Veuillez trouver notre facture.")
		v := sc.Scan(ctx, raw, scan.Envelope{})
		v.Partial = true
		w.Handle(ctx, raw, v)
		book, err := suppliers.Load(ctx, db.Suppliers())
		if err != nil {
			t.Fatal(err)
		}
		if e := book.ByDomain("papeterie-fictive.example"); len(e) != 0 {
			t.Fatalf("learned from an incomplete scan: %+v", e[0])
		}
		v.Partial = false
		w.Handle(ctx, raw, v)
		if book, _ = suppliers.Load(ctx, db.Suppliers()); len(book.ByDomain("papeterie-fictive.example")) != 1 {
			t.Errorf("complete scan not learned")
		}
	})
}
