package lure

import (
	"strings"

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
// only a name that is more than its urgency phrases is a name
// ("DGS-Urgent", not "Urgent" or "Action requise"). Other themes are not
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
	if !inName || textmatch.Normalize(rest) == "" {
		return ""
	}
	return name
}
