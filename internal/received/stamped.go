package received

import "strings"

// WroteMessageID reports whether id (a Message-ID without its angle
// brackets, RFC 5322 §3.6.4) was written on the trusted side of the trace
// that c describes: its id-right names the relay that received the message
// from outside, or a trusted host that passed it on after that relay.
//
// An originator writes the Message-ID. A relay adds one only when the
// message reached it without any: RFC 6409 §8.3 lets a submission server
// do it, and the big receiving services (Exchange Online, Gmail) and
// Postfix's always_add_missing_headers do it for incoming mail too, under
// their own host name. A stored message whose Message-ID names one of our
// own relays therefore reached the door without one, as rspamd's and
// SpamAssassin's MISSING_MID see it at the door itself.
//
// Mail written on the trusted side (c.Internal) is never counted: our own
// servers write its Message-ID as its originator. Neither is a host named
// only in the hops below the first untrusted one: those the sender wrote.
func (t Trust) WroteMessageID(id string, hops []Hop, c Context) bool {
	at := strings.LastIndexByte(id, '@')
	if at < 0 || c.Internal || c.HopIndex < 0 || c.HopIndex >= len(hops) {
		return false
	}
	right := strings.TrimSuffix(id[at+1:], ".")
	if right == "" || !strings.Contains(right, ".") {
		return false
	}
	same := func(name string) bool {
		return name != "" && strings.EqualFold(strings.TrimSuffix(name, "."), right)
	}
	for i := 0; i <= c.HopIndex; i++ {
		if same(hops[i].By) {
			return true
		}
		// Hops above the entry were received from trusted hosts, which
		// name themselves in their "from" clause.
		if i < c.HopIndex && (same(hops[i].HELO) || same(hops[i].RDNS)) {
			return true
		}
	}
	return false
}
