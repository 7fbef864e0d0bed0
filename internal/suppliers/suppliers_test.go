package suppliers_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/suppliers"

	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

var (
	siren    = invoicetest.SIREN("90000001")
	siret    = invoicetest.SIRET(siren, "0001")
	ibanOld  = invoicetest.IBAN("FR", "99999000010000000000001")
	ibanNew  = invoicetest.IBAN("FR", "99999000020000000000002")
	ibanLent = invoicetest.IBAN("LT", "9999900000000003")
)

func TestImportLearnConfirm(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
		reg := &suppliers.Register{Store: db.Suppliers(), Now: func() time.Time { return now }}
		csv := "Fournisseur;SIRET;IBAN;Domaine\n" +
			"Papeterie Fictive SARL;" + siret + ";" + invoicetest.IBAN("FR", "99999000010000000000001") + ";factures@papeterie-fictive.example\n"
		rows, err := suppliers.ParseCSV(strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := reg.Import(ctx, rows, "export.csv", "alice")
		if err != nil || rep.NewSuppliers != 1 || rep.NewIBANs != 1 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		// The same supplier's authenticated mail with a new IBAN: pending.
		now = now.Add(time.Hour)
		out, err := reg.Learn(ctx, suppliers.Sighting{Domain: "papeterie-fictive.example", SIREN: siren, IBANs: []string{ibanOld, ibanNew}, MessageID: "m1@x"})
		if err != nil || out.Created || len(out.Pending) != 1 || out.Pending[0] != ibanNew {
			t.Fatalf("learn: %+v %v", out, err)
		}
		// A look-alike domain claiming the SIREN without a known IBAN: refused.
		out, err = reg.Learn(ctx, suppliers.Sighting{Domain: "papeterie-fictlve.example", SIREN: siren, IBANs: []string{ibanLent}, MessageID: "m2@x"})
		if err != nil || out.Refused == "" || len(out.NewIBANs) != 0 {
			t.Fatalf("look-alike learned: %+v %v", out, err)
		}
		// A new supplier's first IBAN is learned.
		out, err = reg.Learn(ctx, suppliers.Sighting{Domain: "fournisseur-neuf.example", Name: "Fournisseur Neuf", IBANs: []string{ibanLent}, MessageID: "m3@x"})
		if err != nil || !out.Created || len(out.NewIBANs) != 1 || len(out.Pending) != 0 {
			t.Fatalf("new supplier: %+v %v", out, err)
		}
		book, err := suppliers.Load(ctx, db.Suppliers())
		if err != nil || book.Len() != 2 {
			t.Fatalf("book: %v %d", err, book.Len())
		}
		e := book.ByDomain("papeterie-fictive.example")[0]
		if !e.Known(ibanOld) || e.Known(ibanNew) || e.Countries()[0] != "FR" {
			t.Errorf("entry %+v", e)
		}
		if b, _ := e.Bank(ibanOld); b.Seen != 1 || b.Authenticated != 1 || b.Status != suppliers.BankConfirmed {
			t.Errorf("old IBAN %+v", b)
		}
		if book.Lookalike("papeterie-fictlve.example") != e || book.Lookalike("papeterie-fictive.example") != nil ||
			book.Lookalike("papeterie-fictive-factures.example") != e || book.Lookalike("hopital.example") != nil {
			t.Error("look-alikes")
		}
		if book.ByName("PAPETERIE FICTIVE") != e || book.ByName("Papeterie") != nil {
			t.Error("names")
		}
		if got, err := suppliers.Resolve(book, siret); err != nil || got != e {
			t.Errorf("resolve by SIRET: %v", err)
		}
		if _, err := suppliers.Resolve(book, "personne"); !errors.Is(err, suppliers.ErrNotFound) {
			t.Errorf("resolve unknown: %v", err)
		}
		if err := reg.Confirm(ctx, e.ID, ibanNew, "bob", "appel au 01 02 03 04 05"); err != nil {
			t.Fatal(err)
		}
		book, _ = suppliers.Load(ctx, db.Suppliers())
		if e := book.ByDomain("papeterie-fictive.example")[0]; !e.Known(ibanNew) {
			t.Error("confirmed IBAN not known")
		}
		h, err := suppliers.HistoryOf(ctx, db.Suppliers(), e)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, ev := range h.Events {
			actions = append(actions, ev.Actor+":"+ev.Action)
		}
		if strings.Join(actions, ",") != "bob:confirm,gateway:learn-refused,gateway:iban-pending,alice:import" {
			t.Errorf("events %v", actions)
		}
		// The cache sees a change through the revision, in the background.
		c := &suppliers.Cache{Store: db.Suppliers(), Every: time.Nanosecond}
		if c.Book(ctx).Len() != 2 {
			t.Error("cache")
		}
		if _, err := reg.Learn(ctx, suppliers.Sighting{Domain: "troisieme.example", IBANs: []string{invoicetest.IBAN("BE", "999000000001")}, MessageID: "m4@x"}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for c.Book(ctx).Len() != 3 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if c.Book(ctx).Len() != 3 {
			t.Error("cache not refreshed after a change")
		}
	})
}

func TestParseCSVErrors(t *testing.T) {
	bad := "Supplier,SIRET,IBAN\n" +
		"Papeterie Fictive," + siret + "," + ibanOld + "\n" +
		"," + siret[:13] + string('0'+(siret[13]-'0'+1)%10) + "," + ibanOld[:len(ibanOld)-1] + "0\n" +
		"Trop Court,123," + ibanOld[:20] + "\n"
	_, err := suppliers.ParseCSV(strings.NewReader(bad))
	var ie *suppliers.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err %v", err)
	}
	fr := ie.Message("fr")
	for _, want := range []string{"ligne 3 : nom du fournisseur manquant", "ligne 3 : SIRET/SIREN invalide (clé de contrôle)",
		"ligne 3 : IBAN invalide (clé de contrôle)", "ligne 4 : SIRET/SIREN invalide (14 ou 9 chiffres attendus) « 123 »",
		"ligne 4 : IBAN invalide (longueur pour son pays)", "rien n'a été importé"} {
		if !strings.Contains(fr, want) {
			t.Errorf("missing %q in\n%s", want, fr)
		}
	}
	if !strings.Contains(ie.Message("en"), "line 4: invalid IBAN (length for its country)") {
		t.Errorf("en: %s", ie.Message("en"))
	}
	if _, err := suppliers.ParseCSV(strings.NewReader("nom;iban\nx;y\n")); err == nil || !strings.Contains(err.(*suppliers.ImportError).Message("fr"), "colonne manquante : « siret »") {
		t.Errorf("missing column: %v", err)
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add("Fournisseur;SIRET;IBAN\nA;" + siret + ";" + ibanOld + "\n")
	f.Add("supplier,siret,iban,bic\n\"a\"\"b\",1,2,3\n")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = suppliers.ParseCSV(strings.NewReader(s))
	})
}
