package brand

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/scan"
)

// TestReplyToOwnDomainWithoutOrganisation: where no organisation is
// configured, the recipient's registrable domain is read as our own for
// the Reply-To (recipientDomains): answers to a look-alike of it from a
// free mailbox raise REPLYTO_LOOKALIKE_OWN_DOMAIN; a From in the
// recipient's own domain (a colleague, whose organisation's other
// domains are unknown), a Reply-To in the recipient's domain, or one
// sharing only a word with it do not.
func TestReplyToOwnDomainWithoutOrganisation(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, from, to, replyTo string
		want                    bool
	}{
		{"a typo of the recipient's domain", "dg.direction@gmail.com", "compta@chu-exemple.fr", "ceo@chu-exempIe.fr", true},
		{"its name under another suffix", "l.moreau@biomed-services-exemple.fr", "compta@chu-exemple.fr", "ceo@chu-exemple.com", true},
		{"its name as a word of another domain", "dg.direction@outlook.fr", "compta@chu-exemple.fr", "ceo@chu-exemple-fr.com", true},
		{"a colleague's Reply-To at the organisation's .com", "s.martin@chu-exemple.fr", "compta@chu-exemple.fr", "recrutement@chu-exemple.com", false},
		{"the recipient's own domain", "dg.direction@gmail.com", "compta@chu-exemple.fr", "secretariat@chu-exemple.fr", false},
		{"a domain sharing a word", "l.moreau@biomed-services-exemple.fr", "compta@chu-exemple.fr", "sav@exemple-medical.fr", false},
		{"a list's Reply-To at the list", "p.girard@ch-valmont-exemple.fr", "hygiene@listes.cpias-exemple.fr", "hygiene@listes.cpias-exemple.fr", false},
	} {
		raw := "From: <" + tc.from + ">\r\nTo: <" + tc.to + ">\r\nReply-To: <" + tc.replyTo + ">\r\nSubject: Dossier\r\nMessage-ID: <r@example.net>\r\n\r\nBonjour.\r\n"
		got := slices.ContainsFunc(checktest.Scan([]byte(raw), c), func(s scan.Signal) bool { return s.Name == "REPLYTO_LOOKALIKE_OWN_DOMAIN" })
		if got != tc.want {
			t.Errorf("%s: REPLYTO_LOOKALIKE_OWN_DOMAIN %v, want %v: %v", tc.name, got, tc.want, checktest.Scan([]byte(raw), c))
		}
	}
}
