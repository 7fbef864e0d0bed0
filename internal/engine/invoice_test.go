package engine

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
)

// The invoice fixtures: two fictitious suppliers in the register, their
// invoices, and the frauds aimed at them. Every name, number and IBAN is
// made up (invoicetest); the IBANs have valid check digits.
var (
	papeterieSIREN = invoicetest.SIREN("90000001")
	papeterie      = invoicetest.Party{Name: "Papeterie Fictive SARL", SIRET: invoicetest.SIRET(papeterieSIREN, "0001"),
		VAT: invoicetest.FrenchVAT(papeterieSIREN), Country: "FR", Email: "factures@papeterie-fictive.example"}
	papeterieIBAN   = invoicetest.IBAN("FR", "99999000010000000000001")
	blanchSIREN     = invoicetest.SIREN("90000002")
	blanchisserie   = invoicetest.Party{Name: "Blanchisserie Imaginaire SAS", SIRET: invoicetest.SIRET(blanchSIREN, "0001"), VAT: invoicetest.FrenchVAT(blanchSIREN), Country: "FR", Email: "compta@blanchisserie-imaginaire.example"}
	blanchIBAN      = invoicetest.IBAN("FR", "99999000030000000000003")
	fraudIBAN       = invoicetest.IBAN("LT", "9999900000000004")
	hopital         = invoicetest.Party{Name: "Centre hospitalier Exemple", SIRET: invoicetest.SIRET(invoicetest.SIREN("26000001"), "0001")}
	supplierEntries = []*suppliers.Entry{
		{Supplier: suppliers.Supplier{ID: 1, Name: papeterie.Name, Domain: "papeterie-fictive.example", SIREN: papeterieSIREN, SIRET: papeterie.SIRET, Country: "FR"},
			Banks: []suppliers.BankDetail{{SupplierID: 1, IBAN: papeterieIBAN, Status: suppliers.BankConfirmed}}},
		{Supplier: suppliers.Supplier{ID: 2, Name: blanchisserie.Name, Domain: "blanchisserie-imaginaire.example", SIREN: blanchSIREN, Country: "FR"},
			Banks: []suppliers.BankDetail{{SupplierID: 2, IBAN: blanchIBAN, Status: suppliers.BankLearned}}},
	}
)

type staticBooks struct{ b *suppliers.Book }

func (s staticBooks) Book(context.Context) *suppliers.Book { return s.b }

// invAttachment is one MIME part to attach.
type invAttachment struct {
	name, ctype string
	data        []byte
}

// invoiceMail writes a message received through the trusted MX, with the
// authentication results it recorded.
func invoiceMail(from, replyTo, results, subject, text string, atts ...invAttachment) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Authentication-Results: mx.example-hopital.fr; %s\r\n", results)
	fmt.Fprintf(&b, "Received: from smtp.sender.example (smtp.sender.example [198.51.100.7])\r\n\tby mx.example-hopital.fr (Postfix) with ESMTPS id 4Tq9Ab2CdEz7rP\r\n\tfor <compta@example-hopital.fr>; Tue, 01 Dec 2026 10:02:11 +0100 (CET)\r\n")
	fmt.Fprintf(&b, "From: %s\r\nTo: compta@example-hopital.fr\r\nSubject: %s\r\nDate: Tue, 01 Dec 2026 10:02:10 +0100\r\nMessage-ID: <%d@fixture.example>\r\nMIME-Version: 1.0\r\n", from, subject, len(text))
	if replyTo != "" {
		fmt.Fprintf(&b, "Reply-To: %s\r\n", replyTo)
	}
	b.WriteString("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(text, "\n", "\r\n") + "\r\n")
	for _, a := range atts {
		fmt.Fprintf(&b, "--b1\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", a.ctype, a.name, a.name)
		enc := base64.StdEncoding.EncodeToString(a.data)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	}
	b.WriteString("--b1--\r\n")
	return []byte(b.String())
}

const (
	authPass = "spf=pass smtp.mailfrom=%[1]s; dkim=pass header.d=%[1]s header.s=s1; dmarc=pass (p=quarantine) header.from=%[1]s"
	authNone = "spf=none smtp.mailfrom=%[1]s; dkim=none; dmarc=none header.from=%[1]s"
)

func facturX(seller invoicetest.Party, iban, number string) invAttachment {
	d := invoicetest.Doc{Number: number, Seller: seller, Buyer: hopital, IBAN: iban, BIC: "FICTFRPPXXX", Total: "1480.20"}
	return invAttachment{number + ".pdf", "application/pdf", invoicetest.PDF(invoicetest.Text(d),
		[]invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 4096)}
}

func TestInvoiceFraud(t *testing.T) {
	s, err := New(gatewayConfig(t), Options{Suppliers: staticBooks{suppliers.NewBook(1, supplierEntries)}})
	if err != nil {
		t.Fatal(err)
	}
	lookalike := papeterie
	lookalike.Email = "factures@papeterie-fictlve.example"
	ublDoc := invoicetest.Doc{Number: "BL-2026-118", Seller: blanchisserie, Buyer: hopital, IBAN: blanchIBAN, BIC: "FICTFRPPXXX", Total: "812.00"}
	ublChanged := ublDoc
	ublChanged.IBAN = fraudIBAN
	ribPDF := invoicetest.PDF([]string{"RELEVÉ D'IDENTITÉ BANCAIRE", "Titulaire : PAPETERIE FICTIVE", "IBAN : " + fraudIBAN, "BIC : FICTLT2XXXX"}, nil, 0)
	for _, c := range []struct {
		name      string
		raw       []byte
		action    scan.Action
		want, not []string
		fr        map[string]string // signal -> French explanation
	}{{
		name: "genuine Factur-X",
		raw: invoiceMail("Papeterie Fictive <factures@papeterie-fictive.example>", "", fmt.Sprintf(authPass, "papeterie-fictive.example"),
			"Facture FA-2026-0042", "Bonjour,\nVeuillez trouver ci-joint notre facture FA-2026-0042.\nCordialement,\nService comptabilité",
			facturX(papeterie, papeterieIBAN, "FA-2026-0042")),
		action: scan.Accept,
		not:    []string{"IBAN_CHANGED", "IBAN_FIRST_SEEN_UNAUTHENTICATED", "IBAN_COUNTRY_MISMATCH", "BANK_DETAILS_CHANGE_REQUEST", "INVOICE_LOOKALIKE_SUPPLIER"},
	}, {
		name: "same supplier, new IBAN, look-alike domain",
		raw: invoiceMail("Papeterie Fictive <factures@papeterie-fictlve.example>", "", fmt.Sprintf(authNone, "papeterie-fictlve.example"),
			"Facture FA-2026-0043", "Bonjour,\nVeuillez trouver ci-joint notre facture FA-2026-0043, à régler sous huitaine.\nCordialement",
			facturX(lookalike, fraudIBAN, "FA-2026-0043")),
		action: scan.Quarantine,
		want:   []string{"IBAN_CHANGED", "INVOICE_LOOKALIKE_SUPPLIER", "IBAN_FIRST_SEEN_UNAUTHENTICATED", "IBAN_COUNTRY_MISMATCH"},
		fr: map[string]string{
			"IBAN_CHANGED":               "Coordonnées bancaires jamais vues pour ce fournisseur connu (" + fraudIBAN[:4] + " … 0004, Papeterie Fictive SARL) : vérifier par un appel à un numéro déjà connu avant tout paiement",
			"INVOICE_LOOKALIKE_SUPPLIER": "Se présente comme un fournisseur connu sans venir de son domaine (papeterie-fictlve.example ~ papeterie-fictive.example (Papeterie Fictive SARL))",
			"IBAN_COUNTRY_MISMATCH":      "L'IBAN est tenu dans un autre pays que celui du fournisseur (LT ≠ FR)",
		},
	}, {
		name: "RIB change request in French with a PDF",
		raw: invoiceMail("Papeterie Fictive SARL <papeterie.fictive.compta@gmail.com>", "Comptabilité <paiements@fictive-finance.example>",
			fmt.Sprintf(authPass, "gmail.com"), "Changement de coordonnées bancaires",
			"Bonjour,\nSuite à un changement de banque, veuillez trouver ci-joint notre nouveau RIB.\nMerci de mettre à jour nos coordonnées bancaires avant le règlement de nos prochaines factures.\nCordialement,\nLa comptabilité",
			invAttachment{"RIB Papeterie Fictive.pdf", "application/pdf", ribPDF}),
		action: scan.Quarantine,
		want:   []string{"BANK_DETAILS_CHANGE_REQUEST", "INVOICE_LOOKALIKE_SUPPLIER", "IBAN_CHANGED", "LURE_BANK_DETAILS"},
		not:    []string{"IBAN_FIRST_SEEN_UNAUTHENTICATED"},
		fr: map[string]string{
			"BANK_DETAILS_CHANGE_REQUEST": "Demande de changement de coordonnées bancaires (« changement de coordonnees bancaires », pièce jointe RIB Papeterie Fictive.pdf, réponses vers fictive-finance.example) : scénario de la fraude au faux fournisseur",
			"INVOICE_LOOKALIKE_SUPPLIER":  "Se présente comme un fournisseur connu sans venir de son domaine (« Papeterie Fictive SARL » <gmail.com>, Papeterie Fictive SARL <papeterie-fictive.example>)",
		},
	}, {
		name: "UBL invoice of a known supplier",
		raw: invoiceMail("Blanchisserie Imaginaire <compta@blanchisserie-imaginaire.example>", "", fmt.Sprintf(authPass, "blanchisserie-imaginaire.example"),
			"Facture BL-2026-118", "Bonjour,\nVotre facture BL-2026-118 au format UBL est jointe.\n",
			invAttachment{"BL-2026-118.xml", "application/xml", invoicetest.UBL(ublDoc)}),
		action: scan.Accept,
		not:    []string{"IBAN_CHANGED", "IBAN_FIRST_SEEN_UNAUTHENTICATED", "IBAN_COUNTRY_MISMATCH", "INVOICE_LOOKALIKE_SUPPLIER"},
	}, {
		// A supplier's own mailbox taken over: authenticated, the only
		// tell is the IBAN. Never silently accepted.
		name: "UBL invoice of a known supplier, new IBAN, authenticated",
		raw: invoiceMail("Blanchisserie Imaginaire <compta@blanchisserie-imaginaire.example>", "", fmt.Sprintf(authPass, "blanchisserie-imaginaire.example"),
			"Facture BL-2026-119", "Bonjour,\nVotre facture BL-2026-119 au format UBL est jointe.\n",
			invAttachment{"BL-2026-119.xml", "application/xml", invoicetest.UBL(ublChanged)}),
		action: scan.Tag,
		want:   []string{"IBAN_CHANGED", "IBAN_COUNTRY_MISMATCH"},
		not:    []string{"IBAN_FIRST_SEEN_UNAUTHENTICATED", "INVOICE_LOOKALIKE_SUPPLIER"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			v := s.Scan(context.Background(), c.raw, scan.Envelope{})
			t.Logf("%s: %s %.1f %v", c.name, v.Action, v.Score, names(v))
			if v.Action.Rank() < c.action.Rank() || c.action == scan.Accept && v.Action != scan.Accept {
				t.Errorf("action %s (score %.1f), want %s; signals %v", v.Action, v.Score, c.action, names(v))
			}
			for _, n := range c.want {
				if !v.Has(n) {
					t.Errorf("missing %s: %v", n, names(v))
				}
			}
			for _, n := range c.not {
				if v.Has(n) {
					t.Errorf("raised %s: %v", n, v.Signals)
				}
			}
			for _, sig := range v.Signals {
				if want, ok := c.fr[sig.Name]; ok && sig.FR != want {
					t.Errorf("%s:\n got %s\nwant %s", sig.Name, sig.FR, want)
				}
			}
			if len(v.Indicators.IBANs) == 0 {
				t.Error("no IBAN in the indicators")
			}
		})
	}
	// The official Chorus Pro notification stays accepted with a register loaded.
	if v := scanFile(t, s, "chorus-pro-official.eml"); v.Action != scan.Accept || slices.ContainsFunc(v.Signals, func(s scan.Signal) bool {
		return strings.HasPrefix(s.Name, "IBAN_") || strings.HasPrefix(s.Name, "INVOICE_") || s.Name == "BANK_DETAILS_CHANGE_REQUEST"
	}) {
		t.Errorf("official Chorus Pro notification: %s %v", v.Action, names(v))
	}
}
