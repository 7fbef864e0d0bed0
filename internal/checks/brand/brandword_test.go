package brand

import "testing"

func TestBrandWord(t *testing.T) {
	for _, tc := range []struct {
		label, brand string
		want         bool
	}{
		{"paypalsecure", "paypal", true},
		{"secure-paypal", "paypal", true},
		{"ledgerlive", "ledger", true},
		{"my1paypal", "paypal", true},
		{"shagmail", "gmail", false},
		{"pineapple", "apple", false},
		{"outlook-apple-id", "apple", true},
		// A word that opens with the brand and ends one or two
		// letters later is another word; a glued account word is not.
		{"ledgerly", "ledger", false},
		// Before a hyphen the ending is the brand's, the combosquat's
		// word after it; a plural is the brand's name.
		{"paypals-secure", "paypal", true},
		{"amazons-account", "amazon", true},
		{"ledgerly-events", "ledger", true},
		{"paypals", "paypal", true},
		{"paypalfr", "paypal", true},
		{"amelifr", "ameli", true},
		{"appleid", "apple", true},
		// One letter without a vowel is glued to the brand, not a
		// word's ending (paypalx as ledgerx).
		{"ledgerx", "ledger", true},
		{"ledger2fa", "ledger", true},
	} {
		if got := brandWord(tc.label, tc.brand); got != tc.want {
			t.Errorf("%s ~ %s: got %v", tc.label, tc.brand, got)
		}
	}
}

// TestComboWord: a link's host built on a brand that is an everyday word
// counts only with an account or security word beside the brand.
func TestComboWord(t *testing.T) {
	tests := []struct {
		host, label string
		want        bool
	}{
		{"outlook.4team.biz", "outlook", false},
		{"orangecountybusinessdirectory.de", "orange", false},
		{"www.booking-salles-exemple.fr", "booking", false},
		{"outlooksecure.com", "outlook", true},
		{"outlook-verify-account.example", "outlook", true},
		{"secure-orange-espace.example", "orange", true},
		{"ledger-mailuser.com", "ledger", true},
		{"apple-id.example", "apple", true},
		{"apple-pie-recipes.example", "apple", false},
	}
	for _, tt := range tests {
		if got := comboWord(tt.host, tt.label); got != tt.want {
			t.Errorf("comboWord(%q, %q) = %v, want %v", tt.host, tt.label, got, tt.want)
		}
	}
}
