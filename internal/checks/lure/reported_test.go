package lure

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
)

// reportedQuotes blanks the quotations a warning about fraud reports, and
// nothing of a text that does not name the fraud, of a quotation whose
// sentence holds a link or the sender's own call to action, of ASCII
// quotes, or of a quotation that is a letter rather than a phrase.
func TestReportedQuotes(t *testing.T) {
	link := []message.URL{{Raw: "https://exemple-verif.top/login", Host: "exemple-verif.top", Text: "Vérifier mon compte"}}
	long := "« " + strings.Repeat("votre compte sera suspendu ", 12) + "»"
	for _, c := range []struct {
		name, body string
		links      []message.URL
		spared     []string // quoted words no longer read
		kept       []string // words still read
	}{{
		name:   "a warning describes the lure",
		body:   "Campagne d'hameçonnage.\n\nLes courriels prétendent que « votre boîte aux lettres a atteint sa limite de stockage » et invitent à « vérifier votre compte » sur une fausse page.\n",
		spared: []string{"limite de stockage", "vérifier votre compte"},
		kept:   []string{"invitent"},
	}, {
		name:   "the quotation, then the advice after a colon",
		body:   "Les arnaques du mois.\n\n« Votre colis n'a pas pu être livré. Réglez 1,99 € » : ne cliquez pas, ne payez pas.\n",
		spared: []string{"colis n'a pas pu"},
	}, {
		name: "no word of fraud: a quotation is the sender's own",
		body: "Information importante.\n\n« Votre compte sera suspendu » si vous ne répondez pas.\n",
		kept: []string{"compte sera suspendu"},
	}, {
		name: "the sender's call around the quoted button",
		body: "Protection contre le phishing : cliquez sur « Vérifier mon compte » avant 24 heures.\n",
		kept: []string{"Vérifier mon compte"},
	}, {
		name:  "a link in the sentence",
		body:  "Alerte hameçonnage. « Votre compte sera suspendu » : Vérifier mon compte\n",
		links: link,
		kept:  []string{"compte sera suspendu"},
	}, {
		name:   "a plain-text bulletin quotes with ASCII quotes",
		body:   "Campagne de phishing : des courriels intitulés \"Votre boîte de réception est pleine\" visent les agents.\n",
		spared: []string{"boîte de réception est pleine"},
	}, {
		name: "an ASCII-quoted button is still the sender's call",
		body: "Alerte phishing : cliquez sur \"Vérifier mon compte\" pour sécuriser votre accès.\n",
		kept: []string{"Vérifier mon compte"},
	}, {
		name: "a long quotation is a letter",
		body: "Arnaque signalée. " + long + " voilà.\n",
		kept: []string{"compte sera suspendu"},
	}, {
		name:  "the message asks to follow its link elsewhere",
		body:  "Tentative d'hameçonnage détectée : des messages « votre mot de passe expire aujourd'hui » sont partis de votre adresse.\n\nCliquez sur Vérifier mon compte pour sécuriser votre boîte.\n",
		links: link,
		kept:  []string{"mot de passe expire"},
	}} {
		got, cut := reportedQuotes(c.body, false, c.links)
		if cut != (len(c.spared) > 0) {
			t.Errorf("%s: cut = %v", c.name, cut)
		}
		if len(got) != len(c.body) {
			t.Errorf("%s: offsets moved", c.name)
		}
		for _, w := range c.spared {
			if strings.Contains(got, w) {
				t.Errorf("%s: %q still read in %q", c.name, w, got)
			}
		}
		for _, w := range c.kept {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q blanked in %q", c.name, w, got)
			}
		}
	}
	body := "Bonjour,\nvoici la lettre d'information du mois.\nCordialement\n"
	if n := testing.AllocsPerRun(100, func() { reportedQuotes(body, false, nil) }); n != 0 {
		t.Errorf("reportedQuotes of a text without quotation marks: %.0f allocations, want 0", n)
	}
}

// FuzzReportedQuotes: any text keeps its length and every byte outside
// the quotation marks' words.
func FuzzReportedQuotes(f *testing.F) {
	f.Add("Arnaque : « votre compte sera suspendu » . Voilà.")
	f.Add("hameçonnage “x” « « » » “")
	f.Add("phishing «")
	f.Fuzz(func(t *testing.T, body string) {
		got, cut := reportedQuotes(body, len(body)%2 == 0, nil)
		if len(got) != len(body) {
			t.Fatalf("length %d, want %d", len(got), len(body))
		}
		if !cut && got != body {
			t.Fatalf("changed without a cut")
		}
		for i := range len(body) {
			if got[i] != body[i] && got[i] != ' ' {
				t.Fatalf("byte %d changed to %q", i, got[i])
			}
		}
	})
}
