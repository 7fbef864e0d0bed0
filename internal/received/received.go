// Package received reads the trace of a stored message: the Received chain
// (RFC 5321 §4.4) and the Authentication-Results fields (RFC 8601). With a
// list of trusted relays it finds the connection context a gateway would have
// seen at the door (client IP, HELO, rDNS: the first hop received from an
// untrusted host, as SpamAssassin's trusted_networks does) and keeps only the
// authentication results that a trusted relay wrote.
package received

import (
	"net/netip"
	"time"
)

// Hop is one parsed Received field.
type Hop struct {
	HELO   string     // name the client gave ("from" clause), "" if absent
	RDNS   string     // reverse DNS name the receiver recorded, "" if unknown
	IP     netip.Addr // client IP, invalid if none was recorded
	By     string     // receiving host
	With   string     // protocol (ESMTP, ESMTPS, HTTP, ...)
	ID     string
	For    string
	Time   time.Time // zero when the date is missing or unparsable
	Raw    string
	Parsed bool // false when the field could not be understood
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
	ClientIP netip.Addr
	HELO     string
	RDNS     string
	HopIndex int // index in the chain (0 = newest) of the hop that gave it; -1 if none
}
