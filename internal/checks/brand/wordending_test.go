package brand

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/scan"
)

// TestWordEndingBeforeHyphen: a brand's label closed by a word ending
// before a hyphen (amelie-sophrologie.fr, Amélie a first name) is that
// brand in the domain only when the message speaks as or of the brand,
// or an account word stands beside it; a plural or consonants after the
// label stay the brand's whatever the message says.
func TestWordEndingBeforeHyphen(t *testing.T) {
	for _, tc := range []struct {
		name, from, text, link string
		want                   bool
	}{
		{"a first name's practice, no brand named", "Cabinet de sophrologie <contact@amelie-sophrologie.fr>", "Les s&eacute;ances sont &agrave; r&eacute;gler sur place.", "https://www.amelie-sophrologie.fr/rendez-vous", false},
		{"the same domain naming the brand in its text", "Service remboursements <service@amelie-remboursement.fr>", "Connectez-vous &agrave; votre compte ameli pour recevoir votre remboursement.", "https://amelie-remboursement.fr/connexion", true},
		{"the same domain naming the brand in its display name", "Assurance Maladie <service@amelie-remboursement.fr>", "Votre remboursement est en attente.", "https://amelie-remboursement.fr/connexion", true},
		{"an account word beside the ending", "Service <service@paypalo-secure.com>", "Votre compte est suspendu.", "https://paypalo-secure.com/login", true},
		{"consonants after the label", "Service <service@ameliz-remboursement.fr>", "Votre remboursement est en attente.", "https://ameliz-remboursement.fr/", true},
	} {
		c, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		raw := "From: " + tc.from + "\r\nTo: <n.benali@chu-exemple.fr>\r\nSubject: Information\r\nMessage-ID: <m@example.net>\r\nContent-Type: text/html\r\n\r\n<p>" + tc.text + " <a href=\"" + tc.link + "\">Le lien</a>.</p>\r\n"
		sigs := checktest.Scan([]byte(raw), c)
		got := slices.ContainsFunc(sigs, func(s scan.Signal) bool { return s.Name == "FROM_BRAND_IN_DOMAIN" })
		if got != tc.want {
			t.Errorf("%s: FROM_BRAND_IN_DOMAIN %v, want %v: %v", tc.name, got, tc.want, sigs)
		}
	}
}
