// Package rbl serves Vigie's indicators as a DNS blocklist (DNSBL, RFC 5782):
// an IP zone (reversed IPv4 octets and IPv6 nibbles), a domain zone (RHSBL)
// and a hashed-URL zone. It is an authoritative-only server built on
// miekg/dns: it refuses names outside its zones, never recurses, bounds its
// responses and rate-limits each client network, so it cannot be abused for
// amplification.
//
// The server reads its data through the small Source interface; MemSource is
// a compact in-memory implementation, and Server.SetSource swaps sources
// atomically so that live updates never block queries.
package rbl

import "net/netip"

// Entry is what a listing returns: the last octet of the 127.0.0.x A record
// and the TXT reason. A '$' in Reason is replaced by the queried address or
// name, as rbldnsd does with its TXT templates.
type Entry struct {
	Code   byte
	Reason string
}

// Answer codes (the last octet of 127.0.0.x). Clients select on them, e.g.
// Postfix "reject_rbl_client bl.vigie.local=127.0.0.2" rejects blocked
// entries only and lets watched ones through.
const (
	CodeBlock byte = 2 // block: reject or quarantine (also the RFC 5782 §5 test entry)
	CodeWatch byte = 3 // watch: observe only, never reject on it
	CodePhish byte = 4 // phishing indicator imported from a feed
)

// Source answers the three kinds of lookups the zones need. Implementations
// must be safe for concurrent use.
type Source interface {
	// LookupIP reports the entry for an exact address or a containing CIDR
	// (the most specific wins). IPv4-mapped IPv6 addresses arrive unmapped.
	LookupIP(ip netip.Addr) (Entry, bool)
	// LookupDomain reports the entry for a lower-case name without the
	// trailing dot, if the name or one of its parent domains is listed.
	LookupDomain(name string) (Entry, bool)
	// LookupURLHash reports the entry for the lower-case hex SHA-256 of a
	// normalised URL (scheme and host lower-cased, fragment removed; the
	// indicator store normalises, the server only passes the hash on).
	LookupURLHash(hexSHA256 string) (Entry, bool)
}

// emptySource lists nothing; the server uses it until SetSource is called.
type emptySource struct{}

func (emptySource) LookupIP(netip.Addr) (Entry, bool)  { return Entry{}, false }
func (emptySource) LookupDomain(string) (Entry, bool)  { return Entry{}, false }
func (emptySource) LookupURLHash(string) (Entry, bool) { return Entry{}, false }
