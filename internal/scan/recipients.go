package scan

import (
	"slices"
	"strings"
)

// RecipientOrgs returns the registrable domains of the message's
// recipients, each once: the envelope's (the gateway's own), else, where
// there is no envelope (vigie scan, vigie eval, a stored message), the To
// field's addresses but the sender's own — the phisher's mass mailing to
// himself, its victims in Bcc, names no reader. Where no organisation is
// configured, the check families take the reader's own domain from it
// (lure's toOwnDomain, brand's recipientDomains).
func (in *Input) RecipientOrgs() []string {
	rcpts := in.Env.RcptTo
	if len(rcpts) == 0 {
		from := strings.ToLower(in.Msg.FromAddr().Addr)
		for _, a := range in.Msg.To {
			if strings.ToLower(a.Addr) != from {
				rcpts = append(rcpts, a.Domain())
			}
		}
	}
	var orgs []string
	for _, r := range rcpts {
		if _, d, ok := strings.Cut(r, "@"); ok {
			r = d
		}
		if r = in.Registrable(strings.ToLower(r)); r != "" && !slices.Contains(orgs, r) {
			orgs = append(orgs, r)
		}
	}
	return orgs
}
