package brand

import "testing"

// A domain carries a brand's initials as the first word of its first
// label, a hyphen after it; names with a short word have none.
func TestInitialsDomain(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	banks := -1
	for i, b := range c.brands {
		if b.Name == "French banks" {
			banks = i
		}
	}
	for _, tc := range []struct {
		domain string
		want   bool
	}{
		{"ca-norddefrance.fr", true},   // Crédit Agricole
		{"ca-paris.fr", true},          // Crédit Agricole
		{"bp-rivesparis.fr", true},     // Banque Populaire
		{"ce-notifications.fr", true},  // Caisse d'Epargne, the "d" elided
		{"cm-exemple.fr", true},        // Crédit Mutuel
		{"canorddefrance.fr", false},   // no hyphen: another word
		{"ca.fr", false},               // the initials alone
		{"ca-.fr", false},              // nothing after the hyphen
		{"lbp-exemple.fr", false},      // "la banque postale": "la" is short
		{"bp-exemple.fr", true},        // Banque Populaire, not "bnp paribas"
		{"xy-norddefrance.fr", false},  // no bank's initials
		{"secure-ca-paris.com", false}, // not the first word
	} {
		if got := c.initialsDomain(tc.domain, banks); got != tc.want {
			t.Errorf("%s: got %v", tc.domain, got)
		}
	}
}
