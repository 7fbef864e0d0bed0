package lure

import (
	"strings"
	"testing"
)

func TestBigSum(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"the business proposal deal of US(US$18.5\r\nmillion US Dollars) to transfer", true},
		{"an amount of USD1,759,910.00 as restitution", true},
		{"the sum of $5,000,000 to be transferred", true},
		{"GBP4,843,000.00 in a dormant account", true},
		{"€ 1,700,000.00 a été versé", true},
		{"la somme de 2 500 000 euros vous revient", true},
		{"US$16,750.000.00 only", true},
		{"2M USD in gold", true},
		{"a fund of 10.5 million dollars", true},
		// Not an offer of a fortune.
		{"Order NP11395138351 for $299.99", false},
		{"une enveloppe de 250 000 € pour l'hôpital", false},
		{"the merger is worth $27 billion", false},
		{"uBid helps close to one million customers", false},
		{"Référence 2024-1500000 du 12/03", false},
		{"3 000 000 patients par an", false},
	} {
		if got := bigSum(tc.text) != ""; got != tc.want {
			t.Errorf("%q: got %q", tc.text, bigSum(tc.text))
		}
	}
}

// Any text: no panic, and a sum found is a piece of the text.
func FuzzBigSum(f *testing.F) {
	for _, s := range []string{"US$18.5 million", "$1,500,000,00", "1\u202f500\u202f000 €", "GBP4,843,000.00", "2M", "9,", "1.2.3.4.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := bigSum(s); got != "" && !strings.Contains(s, got) {
			t.Errorf("%q: %q is not in the text", s, got)
		}
	})
}
