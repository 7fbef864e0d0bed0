package invoice

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/invoice/invoicetest"
)

func TestValidIBAN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		// Examples printed in the SWIFT IBAN registry and by ECBS.
		{"GB82 WEST 1234 5698 7654 32", true},
		{"FR14 2004 1010 0505 0001 3M02 606", true},
		{"DE89 3704 0044 0532 0130 00", true},
		{"BE68 5390 0754 7034", true},
		{"GB82 WEST 1234 5698 7654 33", false},      // one digit changed
		{"GB28 WEST 1234 5698 7654 32", false},      // check digits swapped
		{"FR14 2004 1010 0505 0001 3M02 60", false}, // one short for FR
		{"XX82 WEST 1234 5698 7654 32", false},      // no such country
		{"GB82 WEST 1234 5698 7654 3!", false},
		{"", false},
		{"FR7", false},
	} {
		if got := ValidIBAN(NormalizeIBAN(c.in)); got != c.want {
			t.Errorf("ValidIBAN(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	// The generator's IBANs are valid in every country of the registry.
	for cc, n := range ibanLengths {
		bban := "1234567890123456789012345678901234"[:n-4]
		if s := invoicetest.IBAN(cc, bban); !ValidIBAN(s) {
			t.Errorf("generated %s not valid", s)
		}
	}
}

func TestFindIBANs(t *testing.T) {
	text := "Merci de régler sur le compte IBAN : FR14 2004 1010 0505 0001 3M02 606 (BIC : PSSTFRPPXXX).\n" +
		"Ancien compte: DE89370400440532013000, ref FR14 2004 1010 0505 0001 3M02 6061 (trop long), " +
		"GB82WEST12345698765433 (faux), fr14-2004-1010-0505-0001-3m02-606 en double, XFR1420041010050500013M02606 collé."
	var got []string
	FindIBANs(text, func(s string) { got = append(got, s) })
	want := []string{"FR1420041010050500013M02606", "DE89370400440532013000", "FR1420041010050500013M02606"}
	if !slices.Equal(got, want) {
		t.Errorf("FindIBANs = %q, want %q", got, want)
	}
	var bics []string
	FindBICs(text+" Code SWIFT: DEUTDEFF. PAIEMENT PROCHAIN", func(s string) { bics = append(bics, s) })
	if !slices.Equal(bics, []string{"PSSTFRPPXXX", "DEUTDEFF"}) {
		t.Errorf("FindBICs = %q", bics)
	}
}

func TestCompanyIDs(t *testing.T) {
	siren := invoicetest.SIREN("73282932")
	siret := invoicetest.SIRET(siren, "0007")
	for _, c := range []struct {
		name string
		ok   bool
		f    func(string) bool
		in   string
	}{
		{"siren", true, ValidSIREN, siren},
		{"siren bad key", false, ValidSIREN, siren[:8] + string('0'+(siren[8]-'0'+1)%10)},
		{"siret", true, ValidSIRET, siret},
		{"siret bad key", false, ValidSIRET, siret[:13] + string('0'+(siret[13]-'0'+1)%10)},
		{"siret short", false, ValidSIRET, siret[:13]},
		// La Poste: the digit sum is a multiple of 5, the Luhn key fails.
		{"la poste", true, ValidSIRET, "35600000049837"},
		{"la poste bad sum", false, ValidSIRET, "35600000049838"},
		{"vat", true, ValidFrenchVAT, "FR83404833048"},
		{"vat generated", true, ValidFrenchVAT, invoicetest.FrenchVAT(siren)},
		{"vat bad key", false, ValidFrenchVAT, "FR84404833048"},
	} {
		if got := c.f(c.in); got != c.ok {
			t.Errorf("%s: %q = %v, want %v", c.name, c.in, got, c.ok)
		}
	}
	if luhn("35600000049837") {
		t.Error("the La Poste vector passes Luhn: it tests nothing")
	}
	var ids IDs
	FindIDs("SIRET : "+siret[:3]+" "+siret[3:6]+" "+siret[6:9]+" "+siret[9:]+" — SIREN n° "+siren+" — TVA FR 83 404 833 048, tel 0102030405", &ids)
	if !slices.Equal(ids.SIRET, []string{siret}) || !slices.Equal(ids.SIREN, []string{siren}) || !slices.Equal(ids.VAT, []string{"FR83404833048"}) {
		t.Errorf("FindIDs = %+v", ids)
	}
	if SIRENOf(siret) != siren || SIRENOf("FR83404833048") != "404833048" || SIRENOf("12") != "" {
		t.Error("SIRENOf")
	}
}

func FuzzFindIBANs(f *testing.F) {
	f.Add("IBAN FR14 2004 1010 0505 0001 3M02 606 BIC PSSTFRPPXXX SIRET 35600000049837 FR83404833048")
	f.Add("GB82WEST12345698765432")
	f.Fuzz(func(t *testing.T, s string) {
		FindIBANs(s, func(v string) {
			if !ValidIBAN(v) {
				t.Fatalf("invalid IBAN %q found", v)
			}
		})
		FindBICs(s, func(v string) {
			if !ValidBIC(v) {
				t.Fatalf("invalid BIC %q", v)
			}
		})
		var ids IDs
		FindIDs(s, &ids)
	})
}

// FuzzEachLabelPair checks that the paired passes find the labels at the
// offsets and in the order the six plain passes find them.
func FuzzEachLabelPair(f *testing.F) {
	for _, s := range []string{
		"SIRET 35600000049837 SIREN 356000000",
		"Siren: 404833048, siret : 40483304800022, xSIRET 1",
		"SIRESIRENSIRET", "sire", "SIRE", "SIRET", "SIREN", "siretsiren Siret",
		"n° SIRET: 356 000 000 49837 — Siren 356000000 siren 1",
	} {
		f.Add(s)
	}
	first, second := []string{"SIRET", "Siret", "siret"}, []string{"SIREN", "Siren", "siren"}
	f.Fuzz(func(t *testing.T, s string) {
		var want, got []int
		eachLabel(s, append(slices.Clone(first), second...), func(i int) { want = append(want, i) })
		eachLabelPair(s, first, second, func(i int) { got = append(got, i) })
		if !slices.Equal(got, want) {
			t.Fatalf("eachLabelPair(%q) = %v, eachLabel = %v", s, got, want)
		}
	})
}
