package received

import (
	"net/netip"
	"strings"

	"vigie.dev/vigie/internal/urlx"
)

// clientClass is what a hop's client is to the trusted side.
type clientClass uint8

const (
	clientUntrusted clientClass = iota
	clientInternal              // internal address or no client: ours only between trusted relays
	clientTrusted               // listed in Trust: vouches for the hop it wrote
)

// Context returns the connection context of a message from its hops (newest
// first, as Chain returns them). The rule is in the package documentation.
func (t Trust) Context(hops []Hop) Context {
	if len(hops) == 0 {
		return Context{HopIndex: -1}
	}
	if len(t.Hosts) == 0 && len(t.Networks) == 0 {
		return contextOf(hops, 0)
	}
	if !t.receivedByTrusted(hops[0]) {
		return Context{HopIndex: -1}
	}
	return t.walk(hops)
}

// Behind returns the connection context of a message handed to a gateway
// by a trusted relay (TrustsClient): that relay wrote hops[0], so the walk
// starts there whatever name its "by" gives. A message that reached the
// trusted relay without any trace, or only through trusted hops, was
// written on the trusted side: Internal is set.
func (t Trust) Behind(hops []Hop) Context {
	if len(hops) == 0 {
		return Context{HopIndex: -1, Internal: true}
	}
	return t.walk(hops)
}

// TrustsClient reports whether a gateway's own SMTP client is a trusted
// relay: its address is in Networks, or its forward-confirmed reverse name
// (rdns, "" if none) matches Hosts. The HELO name never counts.
func (t Trust) TrustsClient(ip netip.Addr, rdns string) bool {
	if ip.IsValid() && t.inNetworks(ip.Unmap()) {
		return true
	}
	return rdns != "" && t.matchHost(rdns)
}

// walk classifies the hops from the newest, hops[0] being received by a
// trusted relay (rule 2 of the package documentation).
func (t Trust) walk(hops []Hop) Context {
	for i := range hops {
		switch t.classify(hops[i]) {
		case clientTrusted:
			// It wrote hop i+1: believed whatever its "by" says.
		case clientInternal:
			if i+1 < len(hops) && t.receivedByTrusted(hops[i+1]) {
				continue
			}
			if i+1 == len(hops) {
				c := contextOf(hops, i)
				c.Internal = true
				return c
			}
			return contextOf(hops, i)
		default:
			return contextOf(hops, i)
		}
	}
	c := contextOf(hops, len(hops)-1)
	c.Internal = true
	return c
}

func contextOf(hops []Hop, i int) Context {
	h := hops[i]
	return Context{ClientIP: h.IP, HELO: h.HELO, RDNS: h.RDNS, RDNSKnown: h.RDNSKnown, HopIndex: i}
}

// receivedByTrusted reports whether the hop's "by" names a trusted relay.
func (t Trust) receivedByTrusted(h Hop) bool {
	if h.By == "" {
		return false
	}
	if t.matchHost(h.By) {
		return true
	}
	if a, ok := parseIP(h.By); ok {
		return t.inNetworks(a)
	}
	return false
}

func (t Trust) classify(h Hop) clientClass {
	if !h.Parsed {
		return clientInternal
	}
	if h.IP.IsValid() {
		switch {
		case t.inNetworks(h.IP):
			return clientTrusted
		case h.RDNS != "" && t.matchHost(h.RDNS):
			return clientTrusted
		case isInternal(h.IP):
			return clientInternal
		}
		return clientUntrusted
	}
	// No address recorded: only names are left.
	switch {
	case h.RDNS != "" && t.matchHost(h.RDNS):
		return clientTrusted
	case h.HELO != "" && t.matchHost(h.HELO):
		return clientTrusted
	case h.HELO == "" && h.RDNS == "":
		return clientInternal // no "from" clause: local submission
	case strings.EqualFold(h.HELO, "localhost") || strings.EqualFold(h.HELO, "localhost.localdomain"):
		return clientInternal
	}
	return clientUntrusted
}

func (t Trust) inNetworks(a netip.Addr) bool {
	for _, p := range t.Networks {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func (t Trust) matchHost(name string) bool {
	return urlx.MatchName(t.Hosts, name)
}

// shared is the RFC 6598 shared address space (carrier-grade NAT), used
// inside large providers' networks.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// isInternal reports whether a is an address that only makes sense inside a
// network: loopback, RFC 1918 and RFC 4193 private, link-local, RFC 6598.
func isInternal(a netip.Addr) bool {
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsUnspecified() || sharedSpace.Contains(a)
}
