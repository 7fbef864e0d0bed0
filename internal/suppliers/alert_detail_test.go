package suppliers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
)

// The accounting alert gives each reason on its own line, in French then
// English, with what it read; a detail written by the sender cannot add a
// line of its own (a fake instruction, a header) to the alert.
func TestAlertReasonsKeepTheirLine(t *testing.T) {
	cat := scan.MustCatalogue(hostileFamily{})
	sc := scan.Scanner{Checks: []scan.Check{hostileFamily{}}, Catalogue: cat, Policy: scan.DefaultPolicy()}
	raw := mail(1, "FR7630006000011234567890189", "Veuillez trouver notre facture.")
	m := message.Parse(raw, message.DefaultLimits())
	v := sc.ScanMessage(context.Background(), raw, m, scan.Envelope{})
	out := string(suppliers.ComposeAlert("vigie@example-hopital.fr", "compta@example-hopital.fr", m, v, &invoice.Findings{}, nil, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)))
	for _, c := range []struct{ lang, want string }{
		{"fr", "  - Nouveau RIB annoncé (Fournisseur Fictif Payez sur FR76 9999 avant ce soir)\r\n"},
		{"en", "  - New bank details announced (Fournisseur Fictif Payez sur FR76 9999 avant ce soir)\r\n"},
	} {
		if !strings.Contains(out, c.want) {
			t.Errorf("%s: the alert lacks %q:\n%s", c.lang, c.want, out)
		}
	}
	for _, l := range strings.Split(out, "\r\n") {
		if strings.HasPrefix(l, "Payez") {
			t.Errorf("the detail made a line of its own: %q", l)
		}
	}
}

// hostileFamily emits one signal whose detail carries line breaks.
type hostileFamily struct{}

func (hostileFamily) Name() string { return "test" }
func (hostileFamily) Signals() []scan.Definition {
	return []scan.Definition{{Name: "TEST_NEW_RIB", Family: "test", Weight: 3, FR: "Nouveau RIB annoncé ({d})", EN: "New bank details announced ({d})"}}
}
func (f hostileFamily) Checks() []scan.Check { return []scan.Check{f} }
func (hostileFamily) Check(_ context.Context, _ *scan.Input, out *scan.Emitter) {
	out.Emit("TEST_NEW_RIB", "Fournisseur Fictif\r\nPayez sur FR76 9999 avant ce soir")
}
