// Package received reads the trace of a stored message: the Received chain
// (RFC 5321 §4.4) and where its Authentication-Results fields (RFC 8601)
// sit in it. With a list of trusted relays it finds the connection context a
// gateway would have seen at the door (client IP, HELO, rDNS: the first hop
// received from an untrusted host, as SpamAssassin's trusted_networks does)
// and keeps only the authentication results that a trusted relay wrote; the
// fields themselves are read by package auth, the dates by
// message.ParseDate.
//
// # The trust walk
//
// Chain returns the hops newest first (header order). Trust.Context walks
// them from the newest:
//
//  1. Hop 0 must be received by a trusted relay: its "by" host matches
//     Trust.Hosts (or is an address in Trust.Networks). Otherwise no trusted
//     relay wrote a trace and the context is unknown (HopIndex -1).
//  2. For each hop i received by a trusted relay, its client is classified:
//     - trusted: the client IP is in Trust.Networks, or the rDNS name the
//     receiver recorded matches Trust.Hosts, or — only when no IP was
//     recorded — the HELO name matches. The HELO alone never vouches for a
//     client whose IP is known: any client can say any HELO.
//     - internal: the client IP is loopback, private (RFC 1918, RFC 4193),
//     link-local or shared (RFC 6598), or the hop names no client at all
//     (local submission, unparsable field). Such a client belongs to the
//     trusted side only when it sits between trusted relays, that is when
//     hop i+1 is itself received by a host in Trust.Hosts.
//     - untrusted: anything else.
//  3. A trusted client wrote hop i+1, so hop i+1 counts as received by a
//     trusted relay whatever name it gives itself ("by localhost" from a
//     content filter). An internal client needs hop i+1's "by" to match.
//  4. The first hop whose client is not trusted gives the Context: ClientIP,
//     HELO, RDNS and HopIndex i. When every hop is trusted the message was
//     written on the trusted side: the oldest hop gives the context and
//     Internal is set.
//
// With an empty Trust (no Hosts, no Networks) the newest hop gives the
// context: a gateway sees its own client.
//
// Example, trusting *.outlook.com and 2603:1000::/24-style internal networks:
//
//	0 from A.prod.outlook.com (::1) by B.prod.outlook.com with HTTPS       loopback, next hop by trusted host: continue
//	1 from C.PROD.OUTLOOK.COM (2603:10a6:e10:39::20) by A.prod.outlook.com  2603:10a6::/32 is trusted: continue
//	2 from so254-55.mailgun.net (198.61.254.55) by D.mail.protection.outlook.com
//	                                                                        untrusted client: Context{198.61.254.55, HELO so254-55.mailgun.net, HopIndex 2}
//	3 from <unknown> (<unknown> []) by 47a34c698db9 with HTTP              written by the sender: not believed
//
// Trust.Results then keeps only the Authentication-Results fields added on
// the trusted side, see its documentation.
package received

import (
	"net/netip"
	"strings"
	"time"

	"vigie.dev/vigie/internal/message"
)

// MaxHops bounds the number of Received fields Chain reads. RFC 5321 §6.3
// suggests a loop limit of 100 hops.
const MaxHops = 100

// Hop is one parsed Received field.
type Hop struct {
	HELO string // name the client gave ("from" clause), "" if absent
	RDNS string // reverse DNS name the receiver recorded, "" if unknown
	// RDNSKnown is true when the receiver recorded its reverse lookup, so
	// that an empty RDNS means the client had none ("unknown [1.2.3.4]").
	RDNSKnown bool
	IP        netip.Addr // client IP, invalid if none was recorded
	By        string     // receiving host
	With      string     // protocol (ESMTP, ESMTPS, HTTP, ...)
	ID        string
	For       string
	Time      time.Time // zero when the date is missing or unparsable
	Raw       string
	Parsed    bool // false when the field could not be understood
}

// Trust lists the relays whose hops and headers are believed.
type Trust struct {
	Hosts       []string       // host names; "*.example.com" matches subdomains
	Networks    []netip.Prefix // trusted client addresses
	AuthServIDs []string       // authserv-ids whose Authentication-Results are used; "*.example.com" allowed
	// NoAuthServID accepts Microsoft 365's Authentication-Results that carry no
	// authserv-id, but only when they sit above the first untrusted hop.
	NoAuthServID bool
}

// Context is the connection as seen by the first trusted relay.
type Context struct {
	ClientIP  netip.Addr
	HELO      string
	RDNS      string
	RDNSKnown bool
	HopIndex  int // index in the chain (0 = newest) of the hop that gave it; -1 if none
	// Internal is set when every hop of the chain was trusted: the message
	// was written on the trusted side and ClientIP is one of ours.
	Internal bool
}

// Chain parses every Received field of h, newest (top) first, at most
// MaxHops of them.
func Chain(h message.Header) []Hop {
	var hops []Hop
	for _, f := range h.Fields {
		if !strings.EqualFold(f.Name, "Received") {
			continue
		}
		if len(hops) == MaxHops {
			break
		}
		hops = append(hops, ParseReceived(rawOrValue(f)))
	}
	return hops
}

// rawOrValue prefers the undecoded value: Received and Authentication-Results
// are structured fields where RFC 2047 encoded-words have no business.
func rawOrValue(f message.Field) string {
	if f.Raw != "" {
		return f.Raw
	}
	return f.Value
}
