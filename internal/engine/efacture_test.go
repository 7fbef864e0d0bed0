package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// The mail France's e-invoicing reform brings a company's inbox since
// 1 September 2026 (testdata/efacture/README.md): the approved platforms'
// (plateformes agréées) notices — an invoice received, refused, paid, a
// lifecycle status, the e-reporting — and their onboarding mail, the
// directory registration, software vendors' and the accountant's letters
// about the reform, suppliers announcing that their invoices now reach
// the company through a platform, Factur-X invoices attached. Each is
// accepted behind atelier-exemple.fr's trusted MX under the default
// policy with a point to spare (hospitalMargin), and under the
// evaluation's trust, where nothing of its authentication is believed.
func TestEInvoicingReformMailIsAccepted(t *testing.T) {
	files := fixtures(t, "testdata/efacture/*.eml", 30)
	for _, c := range trustSettings(t) {
		s := newScanner(t, c.cfg)
		for _, f := range files {
			v := scanLogged(t, s, f)
			if v.Action != scan.Accept || (c.believed && v.Score > hospitalMargin) {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}

// TestEInvoicingReformTwinsAreFlagged: the frauds riding on the reform
// (testdata/efacture/twins/README.md) — a fake public portal or directory
// deactivating the account, charging for a registration or holding an
// invoice, a platform's name on a look-alike domain, a refused invoice as
// an HTML sign-in form, a supplier's look-alike announcing new bank
// details, the DGFiP's name asking for customer invoices or threatening a
// fine — are flagged behind the company's MX and under the evaluation's
// trust. A platform's own domain spoofed is told only by the MX's DMARC
// result, which the evaluation does not believe: it is flagged behind the
// MX (the evaluation sees the same words from the genuine domain).
func TestEInvoicingReformTwinsAreFlagged(t *testing.T) {
	spoofedOwnDomain := map[string]bool{"faux-cegid-usurpe-dmarc-facture-refusee.eml": true}
	files := fixtures(t, "testdata/efacture/twins/*.eml", 11)
	for _, c := range trustSettings(t) {
		s := newScanner(t, c.cfg)
		for _, f := range files {
			if !c.believed && spoofedOwnDomain[filepath.Base(f)] {
				continue
			}
			if v := scanLogged(t, s, f); v.Action == scan.Accept {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}

// The platforms' first domains (brands.yaml: pennylane.tech, qonto.eu) are
// theirs: the same notice from either is accepted under both trusts. A
// phisher's domain spelling the old one with a hyphen, or under another
// suffix, is still the platform's name on someone else's address.
func TestEInvoicingPlatformsFormerDomains(t *testing.T) {
	for _, c := range []struct{ file, domain, former string }{
		{"pennylane-pa-nouvelle-facture-recue.eml", "pennylane.com", "pennylane.tech"},
		{"qonto-facture-fournisseur-recue.eml", "qonto.com", "qonto.eu"},
	} {
		raw, err := os.ReadFile("testdata/efacture/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, ts := range trustSettings(t) {
			s := newScanner(t, ts.cfg)
			for _, d := range []struct {
				domain string
				accept bool
			}{{c.former, true}, {strings.Replace(c.former, ".", "-", 1) + ".com", false}, {strings.Replace(c.former, ".", "-factures.", 1), false}} {
				v := s.Scan(t.Context(), []byte(strings.ReplaceAll(string(raw), c.domain, d.domain)), scan.Envelope{})
				t.Logf("%5.2f %-10s %s, %s from %s: %s", v.Score, v.Action, ts.name, c.file, d.domain, weighted(v))
				if (v.Action == scan.Accept) != d.accept {
					t.Errorf("%s, %s from %s: %s (%.2f) %s", ts.name, c.file, d.domain, v.Action, v.Score, weighted(v))
				}
			}
		}
	}
}
