package engine

import (
	"path/filepath"
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
