package lure

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// ownName returns the sender's display name when it is the name of a
// service that holds an urgency word — DGS-Urgent, the Ministry of
// Health's system of urgent health alerts to professionals (sante.gouv.fr,
// "DGS-Urgent": messages to subscribed professionals sent under that name
// with a "DGS-URGENT N°" reference) — and "" otherwise. Its occurrences
// in the subject, the body and its own links then name the service, not
// the message's tone. Only a sender whose domain answers for the message
// (scan.Input.SenderAnswers) and who does not pose (posing: no free
// mailbox, whose display name is whatever its user types, no brand's
// name) names its own service, in a name that is no other domain or
// address (FROM_NAME_OTHER_DOMAIN: "ethereum.org" on a free mailbox); and
// only a name that is more than its urgency phrases, an organisation's
// acronym beside them, is a name ("DGS-Urgent", not "Urgent", "Action
// requise" nor "Paiement Urgent": acronymBeside). Other themes are not
// spared so: a casino's or a crypto seller's name is its lure.
func (c *Check) ownName(in *scan.Input, out *scan.Emitter, distinct map[phrase]int) string {
	name := in.Msg.FromAddr().Name
	if out == nil || name == "" || c.urgency < 0 {
		return ""
	}
	urgent := false
	for p := range distinct {
		urgent = urgent || p.theme == c.urgency
	}
	if !urgent || !in.SenderAnswers() || posing(in, out) || out.Emitted("FROM_NAME_OTHER_DOMAIN") || out.Emitted("FROM_NAME_OTHER_ADDRESS") {
		return ""
	}
	if n := len(strings.Fields(textmatch.Normalize(name))); n < 2 || n > textmatch.MaxWords {
		return ""
	}
	rest, inName := name, false
	c.dict.Find(name, 0, func(p phrase) bool {
		if p.theme == c.urgency {
			rest, inName = textmatch.Mask(rest, c.entries[p.id].Text), true
		}
		return true
	})
	if !inName || textmatch.Normalize(rest) == "" || !acronymBeside(name, rest) {
		return ""
	}
	return name
}

// acronymBeside reports an organisation's acronym written next to the
// urgency words of a display name — the words name holds that rest
// (name, urgency phrases blanked out by textmatch.Mask) no longer holds:
// "DGS-Urgent", "DGS Urgent", "Urgent ARS". A service's name is its
// organisation's initials joined to the word; "Paiement Urgent" or
// "Paiement-Urgent" is an ordinary urgency phrase under another common
// word, whatever the spelling. An acronym is two to six letters, all
// capitals, in a name not written in capitals throughout (where every
// word would read as one), or the name's only other word.
func acronymBeside(name, rest string) bool {
	type word struct{ start, end int }
	var words []word
	start := -1
	for i, r := range name + " " {
		letter := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case letter && start < 0:
			start = i
		case !letter && start >= 0:
			words = append(words, word{start, i})
			start = -1
		}
	}
	masked := func(w word) bool { return strings.TrimSpace(rest[w.start:w.end]) == "" }
	shouting := strings.ToUpper(name) == name
	acronym := func(w word) bool {
		s := name[w.start:w.end]
		n := utf8.RuneCountInString(s)
		return n >= 2 && n <= 6 && strings.ToUpper(s) == s && strings.ToLower(s) != s && (!shouting || len(words) == 2)
	}
	for i, w := range words {
		if !masked(w) {
			continue
		}
		if i > 0 && !masked(words[i-1]) && acronym(words[i-1]) || i+1 < len(words) && !masked(words[i+1]) && acronym(words[i+1]) {
			return true
		}
	}
	return false
}
