package brand

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/scan"
)

// TestMisspeltBrandWord: a brand's label misspelt as one word of a
// hyphenated domain (sanoffi-france.com) is that brand's look-alike, as
// the sender's and as a link's, when the message names the brand, in its
// display name or its text; the same domain in a message that names no
// brand, an everyday word one letter from a brand's label (apache-server
// and Servier) where that brand is not named, one that differs from the
// label at its first or last letter (mon-cloud and iCloud, mon-appli and
// Apple) where it is, and the brand's own domains are not.
func TestMisspeltBrandWord(t *testing.T) {
	for _, tc := range []struct {
		name, from, text, link string
		want                   []string
	}{
		{"the laboratory named in the text, its name misspelt in the sender's and the link's domain", "Camille Rousseau <c.rousseau@sanoffi-france.com>", "Bien cordialement, Camille Rousseau, d&eacute;l&eacute;gu&eacute;e Sanofi.", "https://docs.sanoffi-france.com/partage", []string{"FROM_LOOKALIKE_DOMAIN", "URL_LOOKALIKE_DOMAIN"}},
		{"the laboratory named in the display name", "Sanofi <c.rousseau@sanoffi-france.com>", "Bonjour.", "https://www.exemple-docs.fr/", []string{"FROM_LOOKALIKE_DOMAIN"}},
		{"no brand named", "Camille Rousseau <c.rousseau@sanoffi-france.com>", "Bonjour, voici le document.", "https://docs.sanoffi-france.com/partage", nil},
		{"an everyday word one letter from a laboratory's name, the laboratory not named", "Apache <news@apache-server.com>", "The release notes of the web server.", "https://www.apache-server.com/notes", nil},
		{"an everyday word differing from a brand's label at its start, the brand named", "Le Club <news@mon-cloud-exemple.fr>", "T&eacute;l&eacute;chargez l'appli sur l'App Store d'Apple et sauvegardez sur iCloud.", "https://www.mon-cloud-exemple.fr/", nil},
		{"an everyday word differing from a brand's label at its end, the brand named", "Le Club <news@mon-appli-exemple.fr>", "Disponible pour iPhone, sur l'App Store d'Apple.", "https://www.mon-appli-exemple.fr/", nil},
		{"a first name holding a brand's label whole, the brand named in the text", "Amelie Martin <contact@amelie-sophrologie.fr>", "Les s&eacute;ances ne sont pas rembours&eacute;es : votre compte ameli n'indiquera rien.", "https://www.amelie-sophrologie.fr/rendez-vous", nil},
		{"the laboratory's own domain", "Sanofi <c.rousseau@sanofi.com>", "Bien cordialement, Sanofi.", "https://www.sanofi.fr/", nil},
	} {
		c, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		raw := "From: " + tc.from + "\r\nTo: <n.benali@chu-exemple.fr>\r\nSubject: Documentation\r\nMessage-ID: <m@example.net>\r\nContent-Type: text/html\r\n\r\n<p>" + tc.text + " <a href=\"" + tc.link + "\">Le document</a>.</p>\r\n"
		sigs := checktest.Scan([]byte(raw), c)
		for _, name := range []string{"FROM_LOOKALIKE_DOMAIN", "URL_LOOKALIKE_DOMAIN"} {
			got := slices.ContainsFunc(sigs, func(s scan.Signal) bool { return s.Name == name })
			if got != slices.Contains(tc.want, name) {
				t.Errorf("%s: %s %v: %v", tc.name, name, got, sigs)
			}
		}
	}
}
