package layout

import (
	"testing"
	"unicode"
)

func TestLeetSparesTechnicalNames(t *testing.T) {
	for in, want := range map[string]string{
		"HABILITE SUA C0NTA":                "C0NTA",
		"Votre compte P4YPAL":               "P4YPAL",
		"[PATCH] ps3vram: fix the cache":    "",
		"log4j and gpt4o in the newsletter": "",
		// Exim's message identifiers in its delay warnings, both formats.
		"Warning: message 1vQz4B-000Ab3-1T delayed 24 hours":        "",
		"Warning: message 1vQz4B-000Ab3aK9z1-1Tq0 delayed 24 hours": "",
		"Votre compte P4YPAL-000Ab3-1T":                             "P4YPAL",
		"Votre compte P4YPAL 1vQz4B-000Ab3-1T":                      "P4YPAL",
		// A brand disguised with a digit first has the shape: it is an
		// identifier only where Exim writes one, after "message".
		"Votre compte 4MAZ0N-000Ab3-1T suspendu":      "4MAZ0N",
		"4MAZ0N-000Ab3-1T : message 1vQz4B-000Ab3-1T": "4MAZ0N",
	} {
		if got := leet(in); got != want {
			t.Errorf("leet(%q) = %q, want %q", in, got, want)
		}
	}
}

// A CamelCase identifier in a technical subject is a name people wrote,
// each of its words judged alone; random letters and case flipping where
// no one puts capitals are still gibberish.
func TestGibberishSparesCamelCase(t *testing.T) {
	for in, want := range map[string]string{
		"Re: [SAtalk] PerMsgStatus.pm error?":     "",
		"HttpServletRequest et getParameterNames": "",
		"XMLHttpRequest bloque par le proxy":      "",
		"Votre colis pIsdlCthlCTXTgpZeWBu":        "pIsdlCthlCTXTgpZeWBu",
		"MPZNQKOBSR offre":                        "MPZNQKOBSR",
		"Rappel xkcdqwrtzbv":                      "xkcdqwrtzbv",
		"Votre colis XkqzvbtWrtplm":               "XkqzvbtWrtplm",
		"Facture BxkqTzrvWplm":                    "BxkqTzrvWplm",
	} {
		if got := gibberish(in); got != want {
			t.Errorf("gibberish(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzUpperShare checks the ASCII fast path of upperShareMin against its
// definition, rune by rune.
func FuzzUpperShare(f *testing.F) {
	for _, s := range []string{"", "URGENT: VOTRE COMPTE", "Bonjour Madame", "ÉTÉ À PARIS", "\xff\xfeAB", "ǅungla ΣΑΣ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		up, letters := 0, 0
		for _, r := range s {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					up++
				}
			}
		}
		for _, tenths := range []int{0, 5, 7, 10} {
			want := letters >= 1 && up*10 >= letters*tenths
			if got := upperShareMin(s, 1, tenths); got != want {
				t.Fatalf("upperShareMin(%q, 1, %d) = %v, want %v (%d of %d)", s, tenths, got, want, up, letters)
			}
		}
	})
}
