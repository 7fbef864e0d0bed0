package lure

import "testing"

// withoutListedMessages drops a digest's rows (two lines in a row or more,
// each short and naming one address) and keeps everything else: a single
// line naming an address, long lines, lines naming two addresses.
func TestWithoutListedMessages(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
		dropped          bool
	}{
		{"digest rows",
			"Voici les messages bloqués pour compta@atelier-exemple.fr.\nStatut Expéditeur Objet\nEn attente a@b-exemple.fr Votre relevé 03/12 07:12 Récupérer\nSpam win@c-exemple.top Vous avez gagné un iPhone 04/12 02:17\nConnectez-vous à votre espace.",
			"Voici les messages bloqués pour compta@atelier-exemple.fr.\nStatut Expéditeur Objet\nConnectez-vous à votre espace.", true},
		{"rows to the end, bracketed", "<a@b.fr> Un\n<c@d.fr> Deux", "", true},
		{"one line is a sentence", "Écrivez à support@exemple.fr\nVous avez gagné un iPhone\n", "Écrivez à support@exemple.fr\nVous avez gagné un iPhone\n", false},
		{"two addresses a line", "De a@b.fr à c@d.fr\nDe e@f.fr à g@h.fr\n", "De a@b.fr à c@d.fr\nDe e@f.fr à g@h.fr\n", false},
		{"not addresses", "@handle et x@y\nvoir a@.fr et b@c.\n", "@handle et x@y\nvoir a@.fr et b@c.\n", false},
		{"long lines", "a@b.fr " + words(25) + "\nc@d.fr " + words(25) + "\n", "a@b.fr " + words(25) + "\nc@d.fr " + words(25) + "\n", false},
		{"empty", "", "", false},
	} {
		got, dropped := withoutListedMessages(c.body)
		if got != c.want || dropped != c.dropped {
			t.Errorf("%s: withoutListedMessages = %q, %v, want %q, %v", c.name, got, dropped, c.want, c.dropped)
		}
	}
	body := "Bonjour,\nvoici la convocation, écrivez à secretariat@exemple.fr.\nCordialement\n"
	if n := testing.AllocsPerRun(100, func() { withoutListedMessages(body) }); n != 0 {
		t.Errorf("withoutListedMessages of a body without a list: %.0f allocations, want 0", n)
	}
}

func words(n int) string {
	s := "mot"
	for range n - 1 {
		s += " mot"
	}
	return s
}
