package engine

import (
	"os"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// Genuine PDFs that lead elsewhere (testdata/pdflure/README.md): supplier
// invoices whose "Payer en ligne" button goes to their payment provider
// (GoCardless, PayPlug, Stripe, Pennylane), a bank's statement, a Chorus
// Pro deposit receipt, a conference ticket with its QR code, a DocuSign
// and a Yousign certificate, an association's newsletter, a hospital's
// internal memo and the tax office's notice; and the PDFs that invite to
// sign in to the portal they are also on — a supplier's invoice deposited
// on Chorus Pro, a payslip in the employee's Digiposte vault, a buyer's
// answers on its procurement platform, a broker's schedule of the
// insurer, a congress badge and its event app, a clinic's convocation
// and Doctolib — each also from a sender without DKIM or DMARC, two of
// them with a bit.ly link to a brochure in the body. Each is
// accepted behind the hospital's MX and under the evaluation's trust:
// their PDFs say a sum, a due date, a ticket to show, or a sign-in to a
// portal, not a hand-over.
func TestPDFLureGenuineAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/pdflure/*.eml", 25)
}

// The same PDFs turned into the lure's carrier: a "document protégé" to
// open behind a button to a free host, a shortener or a look-alike, a
// code to scan to sign in (LURE_PDF_HANDOVER).
func TestPDFLureTwinsFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/pdflure/twins/*.eml", 6)
}

// The portal's invitation alone ("connectez-vous à votre espace") on a
// domain nobody has kept long is the kit's again: the supplier's invoice
// whose sign-in leads to a domain registered days ago (the
// newly-registered list) is quarantined behind the MX and under the
// evaluation's trust, and the one on an abused TLD behind the MX, each
// with LURE_PDF_HANDOVER (testdata/pdflure/README.md, "portail").
func TestPDFLurePortalWordsOnUnestablishedDomain(t *testing.T) {
	nrd := filepath.Join(t.TempDir(), "nrd.txt")
	if err := os.WriteFile(nrd, []byte("blanchisserie-val-espace.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	chu, eval := chuConfig(t, "microsoft.com", "google.com"), evalTrustConfig(t)
	chu.Data.NRD, eval.Data.NRD = nrd, nrd
	for _, c := range []struct {
		file  string
		trust []namedScanner
	}{
		{"facture-blanchisserie-espace-domaine-recent.eml", []namedScanner{{"hospital", newScanner(t, chu)}, {"eval-corpus trust", newScanner(t, eval)}}},
		{"facture-blanchisserie-espace-tld-abuse-sans-dmarc.eml", []namedScanner{{"hospital", hospitalConfig(t)}}},
	} {
		raw, err := os.ReadFile("testdata/pdflure/portail/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range c.trust {
			if v := s.s.Scan(t.Context(), raw, scan.Envelope{}); v.Action == scan.Accept || !v.Has("LURE_PDF_HANDOVER") {
				t.Errorf("%s, %s: %s (%.2f) %s", s.name, c.file, v.Action, v.Score, weighted(v))
			}
		}
	}
}

// The twins still accepted (README, "Still accepted"): the unknown
// shortener, the kit's button to a page anyone publishes on a top site
// (Google Drive, Dropbox, Microsoft Forms, SharePoint, a Google redirect,
// an association's HelloAsso form: LURE_PDF_HANDOVER alone; Canva:
// nothing), the kit on the sender's own
// domain, and the portal's invitation alone on a domain not known young.
func TestPDFLureGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/pdflure/gaps", []string{
		"facture-traiteur-document-securise-raccourci-inconnu.eml",
		"facture-imprimerie-document-protege-drive-google.eml",
		"facture-imprimerie-document-protege-dropbox.eml",
		"facture-imprimerie-document-protege-forms-office.eml",
		"facture-imprimerie-document-protege-sharepoint.eml",
		"facture-imprimerie-document-protege-google-url.eml",
		"facture-imprimerie-document-protege-helloasso.eml",
		"facture-imprimerie-document-protege-canva.eml",
		"facture-imprimerie-document-protege-domaine-propre.eml",
		"facture-blanchisserie-espace-domaine-inconnu-sans-dmarc.eml",
		"facture-blanchisserie-espace-typo-expediteur-sans-dmarc.eml",
		"facture-blanchisserie-espace-digiposte-securite-sans-dmarc.eml",
		"facture-blanchisserie-espace-adresse-destinataire-sans-dmarc.eml",
		"facture-blanchisserie-espace-redirect-linkedin-sans-dmarc.eml",
	}, true)
}

// The portal's invitation behind a button to a host dressed as another's
// (testdata/pdflure/README.md, "sosies"): Chorus Pro's name in a domain of
// the kit's, the hospital's own name in another domain, a port of its
// own. The brand and link families name that host (URL_BRAND_IN_DOMAIN,
// URL_NONSTANDARD_PORT), and the invitation counts toward it again:
// LURE_PDF_HANDOVER behind the MX for each; the copies from a sender
// without DMARC quarantined there, the port's tagged under both trusts,
// as at 69aa329b.
func TestPDFLurePortalWordsOnDeceptiveHost(t *testing.T) {
	chu, eval := hospitalConfig(t), newScanner(t, evalTrustConfig(t))
	for _, c := range []struct {
		file     string
		atLeast  scan.Action
		evalFlag bool
	}{
		{"facture-blanchisserie-espace-chorus-pro-gouv-fr.eml", scan.Accept, false},
		{"facture-blanchisserie-espace-chorus-pro-gouv-fr-sans-dmarc.eml", scan.Quarantine, false},
		{"facture-blanchisserie-espace-sosie-destinataire.eml", scan.Accept, false},
		{"facture-blanchisserie-espace-sosie-destinataire-sans-dmarc.eml", scan.Quarantine, false},
		{"facture-blanchisserie-espace-port.eml", scan.Tag, true},
		{"facture-blanchisserie-espace-port-sans-dmarc.eml", scan.Quarantine, true},
	} {
		raw, err := os.ReadFile("testdata/pdflure/sosies/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		v := chu.Scan(t.Context(), raw, scan.Envelope{})
		rank := map[scan.Action]int{scan.Accept: 0, scan.Tag: 1, scan.Quarantine: 2, scan.Reject: 3}
		if !v.Has("LURE_PDF_HANDOVER") || rank[v.Action] < rank[c.atLeast] {
			t.Errorf("hospital, %s: %s (%.2f) %s", c.file, v.Action, v.Score, weighted(v))
		}
		if e := eval.Scan(t.Context(), raw, scan.Envelope{}); c.evalFlag && e.Action == scan.Accept {
			t.Errorf("eval-corpus trust, %s: %s (%.2f) %s", c.file, e.Action, e.Score, weighted(e))
		}
	}
}

// The kit's "document protégé" behind a button to a page anyone publishes
// on a known domain raises LURE_PDF_HANDOVER, under both trusts: the
// brand catalogue's published hosts (Google Drive, Dropbox, Microsoft
// Forms, SharePoint) lead elsewhere though their domains are top sites,
// and a catalogued brand's domain that is no top site (HelloAsso's, where
// any association publishes its forms) is not spared.
func TestPDFLureUserContentHostsRaiseIt(t *testing.T) {
	for _, name := range []string{"drive-google", "dropbox", "forms-office", "sharepoint", "helloasso"} {
		raw, err := os.ReadFile("testdata/pdflure/gaps/facture-imprimerie-document-protege-" + name + ".eml")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range hospitalAndEvalScanners(t) {
			if v := c.s.Scan(t.Context(), raw, scan.Envelope{}); !v.Has("LURE_PDF_HANDOVER") {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, name, v.Action, v.Score, weighted(v))
			}
		}
	}
}
