package bridge_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/suppliers"
)

// A reported RIB-change request: the incident points at its fraud steps
// (F.1 alert accounting, F.2 check recent bank-detail changes and
// payments) and carries the imitated supplier's history as evidence.
func TestInvoiceFraudIncidentCarriesSupplierHistory(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Auth.Mode = "headers"
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(cfg.DataDir, "vigie.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	siret := invoicetest.SIRET(invoicetest.SIREN("90000001"), "0001")
	known := invoicetest.IBAN("FR", "99999000010000000000001")
	fraud := invoicetest.IBAN("LT", "9999900000000004")
	rows, err := suppliers.ParseCSV(strings.NewReader("Fournisseur;SIRET;IBAN;Domaine\nPapeterie Fictive SARL;" + siret + ";" + known + ";papeterie-fictive.example\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&suppliers.Register{Store: db.Suppliers()}).Import(ctx, rows, "export.csv", "compta"); err != nil {
		t.Fatal(err)
	}
	sc, err := engine.New(&cfg, engine.Options{Suppliers: &suppliers.Cache{Store: db.Suppliers()}})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := app.With(cfg, db, app.Options{}).Incidents(sc)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Open(ctx, incident.OpenRequest{Type: incident.PhishingCampaign, Title: "Faux changement de RIB", By: "rssi"})
	if err != nil {
		t.Fatal(err)
	}
	raw := strings.ReplaceAll(fmt.Sprintf(`From: Papeterie Fictive SARL <papeterie.fictive.compta@gmail.com>
Reply-To: paiements@fictive-finance.example
To: compta@example-hopital.fr
Subject: Changement de coordonnées bancaires
Date: Tue, 01 Dec 2026 10:02:10 +0100
Message-ID: <rib-1@mail.gmail.com>
Content-Type: text/plain; charset=utf-8

Bonjour, suite à un changement de banque, merci de mettre à jour notre RIB :
IBAN %s
`, invoice.FormatIBAN(fraud)), "\n", "\r\n")
	if _, _, err := svc.AddEvidence(ctx, inc.ID, incident.EvidenceRequest{Name: "signalement.eml", Content: strings.NewReader(raw), By: "rssi"}); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Load(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var journal string
	for _, e := range c.Journal {
		journal += e.Text + "\n"
	}
	for _, want := range []string{"Fraude à la facture ou au RIB possible", "alerter la comptabilité (F.1)",
		"vérifier les changements de RIB et les paiements récents (F.2)", fraud, "historique joint : Papeterie Fictive SARL"} {
		if !strings.Contains(journal, want) {
			t.Errorf("journal lacks %q:\n%s", want, journal)
		}
	}
	var hist string
	for _, e := range c.Evidence {
		if e.Name == "historique-fournisseur-1.txt" {
			_, b, err := svc.EvidenceBytes(ctx, inc.ID, e.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			hist = string(b)
		}
	}
	if !strings.Contains(hist, "Papeterie Fictive SARL") || !strings.Contains(hist, invoice.FormatIBAN(known)) || !strings.Contains(hist, "confirmé") {
		t.Errorf("history evidence:\n%s", hist)
	}
	var f1, f2 bool
	for _, it := range c.Checklist {
		f1 = f1 || it.ItemID == "F.1"
		f2 = f2 || it.ItemID == "F.2" && strings.Contains(it.Def.Tool, "vigie suppliers show")
	}
	if !f1 || !f2 {
		t.Errorf("checklist lacks F.1 or the extended F.2")
	}
}
