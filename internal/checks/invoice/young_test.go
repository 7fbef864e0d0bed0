package invoice

import (
	"context"
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// BANK_DETAILS_NEW_DOMAIN is asked of a change request's sender only: a
// days-old domain that sends an invoice, a quote or sales outreach
// (a company's secondary domain for prospection, weeks old) raises
// nothing here, nor does a request from an established domain.
func TestBankDetailsNewDomain(t *testing.T) {
	request, err := os.ReadFile("testdata/08-rib-change-request-from-a-days-old-domain.eml")
	if err != nil {
		t.Fatal(err)
	}
	const domain = "fournitures-fictives-reglement.example"
	noRequest := strings.Replace(string(request), "Attention : suite à un changement de banque, merci d'effectuer le règlement sur notre nouveau compte, les anciennes coordonnées ne sont plus valables.", "Le règlement est à effectuer par virement, aux coordonnées habituelles rappelées ci-dessous.", 1)
	if noRequest == string(request) {
		t.Fatal("fixture changed: the request sentence is not found")
	}
	established := strings.ReplaceAll(string(request), domain, "fournitures-fictives.example")
	for _, c := range []struct {
		name  string
		raw   []byte
		young func(string) bool
		want  bool
	}{
		{"request from a days-old domain", request, func(d string) bool { return d == domain }, true},
		{"the same without a registry", request, nil, false},
		{"a days-old domain's invoice with its IBAN, no change asked", []byte(noRequest), func(d string) bool { return d == domain }, false},
		{"request from an established domain", []byte(established), func(d string) bool { return d == domain }, false},
	} {
		o := Options{}
		if c.young != nil {
			y := c.young
			o.Young = func(_ context.Context, d string) bool { return y(d) }
		}
		chk, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, s := range checktest.Emitted(c.raw, chk) {
			got = got || s.Name == "BANK_DETAILS_NEW_DOMAIN"
		}
		if got != c.want {
			t.Errorf("%s: BANK_DETAILS_NEW_DOMAIN %v, want %v", c.name, got, c.want)
		}
	}
}
