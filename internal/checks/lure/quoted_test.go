package lure

import "testing"

// unquotedLines keeps the replier's own lines, drops the ones quoted with
// ">" (RFC 3676 §4.5), and copies nothing of a body without quotes.
func TestUnquotedLines(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
		quoted           bool
	}{
		{"no quote", "Bonjour,\nmerci pour l'envoi.\n", "Bonjour,\nmerci pour l'envoi.\n", false},
		{"reply above the quote",
			"Merci, c'est noté.\n\nLe 3 déc., Club a écrit :\n> Réunion jeudi.\n> Pour vous désabonner, écrivez-nous.\n",
			"Merci, c'est noté.\n\nLe 3 déc., Club a écrit :\n", true},
		{"interleaved", "> Question ?\nRéponse.\n  > Autre ?\nAutre réponse.", "Réponse.\nAutre réponse.", true},
		{"quote first, no newline", "> seul", "", true},
		{"empty", "", "", false},
	} {
		got, quoted := unquotedLines(c.body)
		if got != c.want || quoted != c.quoted {
			t.Errorf("%s: unquotedLines = %q, %v, want %q, %v", c.name, got, quoted, c.want, c.quoted)
		}
	}
	body := "Bonjour,\nvoici la convocation à l'assemblée générale.\nCordialement\n"
	if n := testing.AllocsPerRun(100, func() { unquotedLines(body) }); n != 0 {
		t.Errorf("unquotedLines of a body without quotes: %.0f allocations, want 0", n)
	}
}
