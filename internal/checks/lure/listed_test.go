package lure

import (
	"strings"
	"testing"
)

// withoutListedMessages drops a digest's rows (two lines in a row or more,
// each short and naming one address) and keeps everything else: a single
// line naming an address, long lines, lines naming two addresses.
func TestWithoutListedMessages(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
		dropped          bool
		notListed        func(string) bool // nil: every address may be a sender
	}{
		{"digest rows",
			"Voici les messages bloqués pour compta@atelier-exemple.fr.\nStatut Expéditeur Objet\nEn attente a@b-exemple.fr Votre relevé 03/12 07:12 Récupérer\nSpam win@c-exemple.top Vous avez gagné un iPhone 04/12 02:17\nConnectez-vous à votre espace.",
			"Voici les messages bloqués pour compta@atelier-exemple.fr.\nStatut Expéditeur Objet\nConnectez-vous à votre espace.", true, nil},
		{"rows to the end, bracketed", "<a@b.fr> Un\n<c@d.fr> Deux", "", true, nil},
		{"one line is a sentence", "Écrivez à support@exemple.fr\nVous avez gagné un iPhone\n", "Écrivez à support@exemple.fr\nVous avez gagné un iPhone\n", false, nil},
		{"two addresses a line", "De a@b.fr à c@d.fr\nDe e@f.fr à g@h.fr\n", "De a@b.fr à c@d.fr\nDe e@f.fr à g@h.fr\n", false, nil},
		{"not addresses", "@handle et x@y\nvoir a@.fr et b@c.\n", "@handle et x@y\nvoir a@.fr et b@c.\n", false, nil},
		{"long lines", "a@b.fr " + words(25) + "\nc@d.fr " + words(25) + "\n", "a@b.fr " + words(25) + "\nc@d.fr " + words(25) + "\n", false, nil},
		{"empty", "", "", false, nil},
		// A held message's sender is neither the reader nor the digest's
		// own domain, and a list names two senders at least.
		{"the reader's address on two lines", "Bonjour c.martin@atelier-exemple.fr,\nvotre boîte c.martin@atelier-exemple.fr a atteint son quota, vérifiez votre compte.\n",
			"Bonjour c.martin@atelier-exemple.fr,\nvotre boîte c.martin@atelier-exemple.fr a atteint son quota, vérifiez votre compte.\n", false, reader},
		{"one sender twice", "De a@b-exemple.fr vérifiez votre compte\nDe A@b-exemple.fr votre boîte est pleine\n",
			"De a@b-exemple.fr vérifiez votre compte\nDe A@b-exemple.fr votre boîte est pleine\n", false, nil},
		{"rows beside the reader's line", "Pour c.martin@atelier-exemple.fr.\na@b-exemple.fr Un\nc@d-exemple.fr Deux\n", "Pour c.martin@atelier-exemple.fr.\n", true, reader},
	} {
		got, dropped := withoutListedMessages(c.body, c.notListed)
		if got != c.want || dropped != c.dropped {
			t.Errorf("%s: withoutListedMessages = %q, %v, want %q, %v", c.name, got, dropped, c.want, c.dropped)
		}
	}
	body := "Bonjour,\nvoici la convocation, écrivez à secretariat@exemple.fr.\nCordialement\n"
	if n := testing.AllocsPerRun(100, func() { withoutListedMessages(body, nil) }); n != 0 {
		t.Errorf("withoutListedMessages of a body without a list: %.0f allocations, want 0", n)
	}
}

// reader is notListed for a digest sent to c.martin@atelier-exemple.fr.
func reader(addr string) bool { return strings.EqualFold(addr, "c.martin@atelier-exemple.fr") }

func words(n int) string {
	s := "mot"
	for range n - 1 {
		s += " mot"
	}
	return s
}

func FuzzWithoutListedMessages(f *testing.F) {
	f.Add("Pour c.martin@atelier-exemple.fr.\na@b-exemple.fr Un\nc@d-exemple.fr Deux\n", true)
	f.Add("<a@b.fr> Un\n<c@d.fr> Deux", false)
	f.Add("@\n@@\n\na@b.c\n", true)
	f.Fuzz(func(t *testing.T, body string, readerOnly bool) {
		notListed := (func(string) bool)(nil)
		if readerOnly {
			notListed = reader
		}
		kept, dropped := withoutListedMessages(body, notListed)
		if !dropped && kept != body || dropped && len(kept) >= len(body) {
			t.Fatalf("withoutListedMessages(%q) = %q, %v", body, kept, dropped)
		}
	})
}
