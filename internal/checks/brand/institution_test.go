package brand

import (
	"slices"
	"strings"
	"testing"
)

// A public body named after a channel preposition is the channel of what
// the sender did, not the subject's author; named at the head of the
// subject, or as the one who pays or is owed, it is put forward.
func TestSubjectPutsInstitutionForward(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	urssaf := slices.IndexFunc(c.brands, func(b Brand) bool { return b.Name == "URSSAF" })
	chorus := slices.IndexFunc(c.brands, func(b Brand) bool { return b.Name == "Chorus Pro" })
	ameli := slices.IndexFunc(c.brands, func(b Brand) bool { return b.Name == "Assurance Maladie / ameli" })
	for _, tc := range []struct {
		subject string
		brand   int
		want    bool
	}{
		{"Votre facture F-2026-0518 a été déposée sur Chorus Pro", chorus, false},
		{"Facture transmise via Chorus Pro", chorus, false},
		{"Déclaration transmise à l'URSSAF", urssaf, false},
		{"Dossier déposé auprès de l'URSSAF", urssaf, false},
		// what the copies write: the body heads the subject, or pays
		{"Chorus Pro : votre facture F-2026-0518 a été déposée", chorus, true},
		{"URSSAF - votre attestation est disponible", urssaf, true},
		{"Votre remboursement de l'Assurance Maladie", ameli, true},
		// named twice, once as the channel and once at the head: put forward
		{"Chorus Pro : facture déposée sur Chorus Pro", chorus, true},
	} {
		if got := c.putsForward(tc.subject, tc.brand); got != tc.want {
			t.Errorf("%q: puts %s forward = %v, want %v", tc.subject, c.brands[tc.brand].Name, got, tc.want)
		}
	}
}

func TestSignatureLines(t *testing.T) {
	text := "Bonjour,\n\nAprès le dernier calcul de votre impôt, vous pouvez bénéficier d'un remboursement de la Direction générale des Finances publiques dès cette semaine.\n\nCordialement,\n\nDirection générale des Finances publiques\n"
	var buf [signatureLast]string
	got := signatureLines(text, &buf)
	if !slices.Contains(got, "Direction générale des Finances publiques") || slices.ContainsFunc(got, func(l string) bool { return len(l) > 60 }) {
		t.Errorf("signature lines %q", got)
	}
}

// moreWordsThan counts words as strings.Fields cuts them, whatever the
// spaces and the bytes between them.
func TestMoreWordsThan(t *testing.T) {
	for _, s := range []string{
		"", " ", "Direction générale des Finances publiques",
		"L'équipe\u00a0URSSAF\tde\u2003votre région",
		"  un  deux\ttrois\nquatre\vcinq\fsix\rsept huit ",
		"un deux trois quatre cinq six sept huit neuf",
		"\xff\xfe mots \x85 invalides\u0085ici",
	} {
		for n := 0; n <= 9; n++ {
			if got, want := moreWordsThan(s, n), len(strings.Fields(s)) > n; got != want {
				t.Errorf("moreWordsThan(%q, %d) = %v, want %v", s, n, got, want)
			}
		}
	}
}
