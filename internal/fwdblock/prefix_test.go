package fwdblock

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
)

// Subject prefixes as the clients and users write them, French
// typography's spaces before the colon included.
func TestPrefix(t *testing.T) {
	cases := []struct {
		subject, want  string
		forward, reply bool
	}{
		{"TR: Facture", "tr", true, false},
		{"TR : Facture", "tr", true, false},
		{"TR\u00a0: Facture", "tr", true, false},
		{"TR\u202f: Facture", "tr", true, false},
		{"Fwd\u00a0: Alerte", "fwd", true, false},
		{"fwd\u202f:Alerte", "fwd", true, false},
		{"  Fw: x", "fw", true, false},
		{"\u00a0WG: Rechnung", "wg", true, false},
		{"Doorst: factuur", "doorst", true, false},
		{"RE: Réunion", "re", false, true},
		{"RE : Réunion", "re", false, true},
		{"RE\u00a0: Réunion", "re", false, true},
		{"Re\u202f: Réunion", "re", false, true},
		{"AW\u00a0: Termin", "aw", false, true},
		{"R: campioni viti M6", "r", false, true},
		{"I: fattura 2026/1184", "i", true, false},
		{"RE \u00a0 : trois espaces", "re", false, true},
		{"RE    : quatre espaces", "", false, false},
		{"Trop: le mot n'est pas un préfixe", "trop", false, false},
		{"Attention: compte", "attention", false, false},
		{"Confidentialité: x", "", false, false},
		{"Facture 2024-118", "", false, false},
		{"TR - Facture", "", false, false},
		{"RE_: x", "", false, false},
		{"Ré: accent", "", false, false},
		{"", "", false, false},
		{"TR", "", false, false},
		{"Réunion : ordre du jour", "", false, false},
	}
	for _, tc := range cases {
		if got := Prefix(tc.subject); got != tc.want {
			t.Errorf("Prefix(%q) = %q, want %q", tc.subject, got, tc.want)
		}
		if forwardSubject(tc.subject) != tc.forward || replySubject(tc.subject) != tc.reply {
			t.Errorf("%q: forward %v reply %v", tc.subject, forwardSubject(tc.subject), replySubject(tc.subject))
		}
	}
}

// A forward whose subject says "TR :" with a no-break space, and whose
// block's labels hold narrow no-break spaces, is recognised as "TR:" is;
// a reply written "RE :" is not a forward, marker or not.
func TestRecogniseTypographicSpaces(t *testing.T) {
	block := "De\u202f: Facturation <f@fournisseur-exemple.fr>\nEnvoyé\u202f: lundi 8 avril 2024 09:41\nObjet\u202f: Facture FA-2024-01127\n\nMadame,\n"
	cases := []struct {
		subject, body string
		want          bool
	}{
		{"=?UTF-8?Q?TR=C2=A0:_Facture_FA-2024-01127?=", "Pour info\n\n" + block, true},
		{"=?UTF-8?Q?TR=E2=80=AF:_Facture_FA-2024-01127?=", block, true},
		{"TR : Facture FA-2024-01127", block, true},
		{"=?UTF-8?Q?RE=C2=A0:_Facture_FA-2024-01127?=", "Merci\n\n-----Message d'origine-----\n" + block, false},
		{"=?UTF-8?Q?RE=E2=80=AF:_Facture?=", "Merci\n\n-----Message d'origine-----\n" + block, false},
		{"Facture", "Début du message réexpédié\u202f:\n\n" + block, true},
	}
	for _, tc := range cases {
		raw := []byte("Subject: " + tc.subject + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + tc.body)
		m := message.Parse(raw, message.DefaultLimits())
		f, ok := Recognise(m.Subject, m)
		if ok != tc.want {
			t.Errorf("%q: recognised %v, want %v", m.Subject, ok, tc.want)
			continue
		}
		if ok && (f.From != "Facturation <f@fournisseur-exemple.fr>" || f.Subject != "Facture FA-2024-01127" || !strings.HasPrefix(f.Body, "\nMadame")) {
			t.Errorf("%q: %+v", m.Subject, f)
		}
	}
}

// The prefix is read the same whichever space stands before the colon,
// and is a short lower-case ASCII word.
func FuzzPrefix(f *testing.F) {
	for _, s := range []string{"TR: x", "TR\u00a0: x", "Fwd\u202f: x", "RE \u00a0\u202f: x", "\u00a0\u202f:", "Doorstuur:", "a\u00a0", "TR\xc2: x", "re\u202f"} {
		f.Add(s)
	}
	ascii := strings.NewReplacer("\u00a0", " ", "\u202f", " ")
	f.Fuzz(func(t *testing.T, s string) {
		p := Prefix(s)
		if len(p) > 10 || p != lowerASCII(p) || strings.IndexFunc(p, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			t.Fatalf("%q: prefix %q", s, p)
		}
		if q := Prefix(ascii.Replace(s)); q != p {
			t.Errorf("%q: %q, with ASCII spaces %q", s, p, q)
		}
	})
}

// A gateway's external-sender tag before the subject hides neither a
// forward's prefix nor a reply's: "[EXTERNE] TR:" over a block is the
// forward, "[EXT] RE:" over a quoted message the reply; a bracketed word
// that is no gateway's tag is left as the subject's own.
func TestRecogniseUnderGatewayTag(t *testing.T) {
	block := "De : Facturation <f@fournisseur-exemple.fr>\nEnvoyé : lundi 8 avril 2024 09:41\nObjet : Facture FA-2024-01127\n\nMadame,\n"
	cases := []struct {
		subject, body string
		want          bool
	}{
		{"[EXTERNE] TR: Facture FA-2024-01127", "Pour info\n\n" + block, true},
		{"[EXTERNE] RE: Facture FA-2024-01127", "Merci\n\n-----Message d'origine-----\n" + block, false},
		{"[EXT] Re: Facture FA-2024-01127", "Merci\n\n-----Message d'origine-----\n" + block, false},
		{"[Ticket 4411] RE: Facture FA-2024-01127", "Merci\n\n-----Message d'origine-----\n" + block, true},
	}
	for _, tc := range cases {
		raw := []byte("Subject: " + tc.subject + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + tc.body)
		m := message.Parse(raw, message.DefaultLimits())
		if _, ok := Recognise(m.Subject, m); ok != tc.want {
			t.Errorf("%q: recognised %v, want %v", m.Subject, ok, tc.want)
		}
	}
	for in, want := range map[string]string{"[EXTERNE] TR: x": "TR: x", "[ext]RE: x": "RE: x", "[dpo-reseau] Re: x": "[dpo-reseau] Re: x", "EXTERNE x": "EXTERNE x", "[EXTERNE": "[EXTERNE"} {
		if got := WithoutGatewayTag(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
