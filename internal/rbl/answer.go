package rbl

import (
	"encoding/base32"
	"encoding/hex"
	"net/netip"
	"strings"

	"github.com/miekg/dns"
)

// This file is the query path: bytes in, bytes out, no sockets, so that it
// can be fuzzed and benchmarked directly.

// Query size limits. A DNSBL query is a header, one question of at most 255
// bytes and an optional OPT record; anything bigger is not a lookup.
const (
	headerLen    = 12
	maxQueryLen  = 1024
	minUDPSize   = 512  // RFC 1035 §4.2.1, without EDNS
	defaultEDNS0 = 1232 // the DNS flag day 2020 recommendation
)

// Zone kinds, used as the "zone" metric label.
const (
	zoneNone = iota
	zoneIP
	zoneDomain
	zoneURL
	numZoneKinds
)

var zoneKindNames = [numZoneKinds]string{"none", "ip", "domain", "url"}

// Query results, the "result" metric label.
const (
	resListed = iota
	resUnlisted
	resNoData
	resApex
	resRefused
	resFormErr
	resNotImp
	resDropped
	resRateLimited
	numResults
)

var resultNames = [numResults]string{"listed", "unlisted", "nodata", "apex", "refused", "formerr", "notimp", "dropped", "ratelimited"}

// zone is one served zone with its prebuilt apex records.
type zone struct {
	kind int
	name string // lower case, fully qualified
	ns   []dns.RR
}

// Respond answers one DNS query packet received from client, over TCP or
// UDP, and returns the response packed into dst's storage when it has the
// capacity.
// It returns nil when the packet must be dropped: malformed, oversized, not a
// query, or over the client's rate limit.
func (s *Server) Respond(dst, query []byte, client netip.Addr, tcp bool) []byte {
	if s.init() != nil {
		return nil
	}
	if len(query) < headerLen || len(query) > maxQueryLen || query[2]&0x80 != 0 {
		s.count(zoneNone, resDropped)
		return nil // too short, too long, or a response (QR=1)
	}
	slip := false
	if !tcp && s.limiter != nil {
		switch s.limiter.allow(client) {
		case rateDrop:
			s.count(zoneNone, resRateLimited)
			return nil
		case rateSlip:
			slip = true
		}
	}
	req := new(dns.Msg)
	if err := req.Unpack(query); err != nil {
		s.count(zoneNone, resDropped)
		return nil
	}
	resp, kind, res, udpSize := s.answer(req)
	if slip {
		// RRL slip: a truncated empty answer costs the victim nothing and
		// lets a real client retry over TCP.
		resp.Answer, resp.Ns, resp.Truncated = nil, nil, true
		kind, res = zoneNone, resRateLimited
	}
	s.count(kind, res)
	out, err := resp.PackBuffer(dst[:cap(dst)])
	if err != nil {
		s.log.Debug("rbl: pack response", "err", err)
		return nil
	}
	if tcp || len(out) <= udpSize {
		return out
	}
	// RFC 1035 §4.2.1 and RFC 6891 §7: too big for this client over UDP.
	resp.Truncate(udpSize)
	s.truncated.Inc()
	if out, err = resp.PackBuffer(dst[:cap(dst)]); err != nil {
		return nil
	}
	return out
}

// answer builds the response to an unpacked query and reports the zone
// kind, the result, and how big a UDP response the client accepts.
func (s *Server) answer(req *dns.Msg) (resp *dns.Msg, kind, res, udpSize int) {
	resp = new(dns.Msg)
	resp.SetReply(req)
	resp.Authoritative = true
	resp.RecursionAvailable = false // RFC 1035 §4.1.1: we never recurse
	// Answers are small; Truncate turns compression on when it helps.
	resp.Compress = false
	udpSize = minUDPSize
	if opt := req.IsEdns0(); opt != nil {
		udpSize = min(max(int(opt.UDPSize()), minUDPSize), s.maxUDP)
		o := new(dns.OPT)
		o.Hdr.Name, o.Hdr.Rrtype = ".", dns.TypeOPT
		o.SetUDPSize(uint16(s.maxUDP))
		resp.Extra = append(resp.Extra, o)
		if opt.Version() != 0 { // RFC 6891 §6.1.3
			resp.Question = nil
			resp.Rcode = dns.RcodeBadVers
			return resp, zoneNone, resFormErr, udpSize
		}
	}
	switch {
	case req.Opcode != dns.OpcodeQuery:
		resp.Rcode = dns.RcodeNotImplemented
		resp.Authoritative = false
		return resp, zoneNone, resNotImp, udpSize
	case len(req.Question) != 1, len(req.Answer) != 0, len(req.Ns) != 0:
		resp.Rcode = dns.RcodeFormatError
		resp.Authoritative = false
		resp.Answer, resp.Ns = nil, nil
		return resp, zoneNone, resFormErr, udpSize
	}
	q := req.Question[0]
	z, sub := s.findZone(q.Name)
	if z == nil || q.Qclass != dns.ClassINET || q.Qtype == dns.TypeAXFR || q.Qtype == dns.TypeIXFR {
		// Not ours, or a zone transfer: refuse (never recurse, never leak).
		resp.Rcode = dns.RcodeRefused
		resp.Authoritative = false
		if z == nil {
			return resp, zoneNone, resRefused, udpSize
		}
		return resp, z.kind, resRefused, udpSize
	}
	st := s.state.Load()
	// Shared and read-only: packing never writes to the records.
	soa := st.soaRRs[z.kind]
	if sub == "" { // the apex
		switch q.Qtype {
		case dns.TypeSOA, dns.TypeANY: // ANY: minimal answer, RFC 8482 §4.2
			resp.Answer = soa
		case dns.TypeNS:
			resp.Answer = z.ns
		default:
			resp.Ns = soa
		}
		return resp, z.kind, resApex, udpSize
	}
	e, subj, listed := s.lookup(st.src, z.kind, sub)
	if !listed {
		resp.Rcode = dns.RcodeNameError
		resp.Ns = soa // RFC 2308 §3: SOA for negative caching
		return resp, z.kind, resUnlisted, udpSize
	}
	hdr := dns.RR_Header{Name: q.Name, Class: dns.ClassINET, Ttl: s.ttl}
	switch q.Qtype {
	case dns.TypeA, dns.TypeANY: // ANY: the A record only (RFC 8482 §4.2)
		hdr.Rrtype = dns.TypeA
		resp.Answer = []dns.RR{&dns.A{Hdr: hdr, A: []byte{127, 0, 0, e.Code}}}
	case dns.TypeTXT:
		if e.Reason == "" {
			resp.Ns = soa
			return resp, z.kind, resNoData, udpSize
		}
		hdr.Rrtype = dns.TypeTXT
		resp.Answer = []dns.RR{&dns.TXT{Hdr: hdr, Txt: txtStrings(expandReason(e.Reason, subj.String()))}}
	default:
		resp.Ns = soa
		return resp, z.kind, resNoData, udpSize
	}
	return resp, z.kind, resListed, udpSize
}

// findZone returns the zone that contains name and the part of name left of
// the zone (without the dot), "" for the apex.
func (s *Server) findZone(name string) (*zone, string) {
	for i := range s.zones {
		z := &s.zones[i]
		if len(name) == len(z.name) && strings.EqualFold(name, z.name) {
			return z, ""
		}
		if len(name) > len(z.name)+1 && name[len(name)-len(z.name)-1] == '.' &&
			strings.EqualFold(name[len(name)-len(z.name):], z.name) {
			return z, name[:len(name)-len(z.name)-1]
		}
	}
	return nil, ""
}

// RFC 5782 §5 test points, answered whatever the source says.
var (
	testListed4   = netip.AddrFrom4([4]byte{127, 0, 0, 2})
	testUnlisted4 = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	testEntry     = Entry{Code: CodeBlock, Reason: "Test entry (RFC 5782 section 5): $"}
)

// subject is what '$' in a reason stands for: the queried address or
// name, formatted only when a TXT answer needs it.
type subject struct {
	ip   netip.Addr
	name string
}

func (s subject) String() string {
	if s.ip.IsValid() {
		return s.ip.String()
	}
	return s.name
}

// lookup consults the source for the name left of the zone and returns the
// entry, the subject ('$' in the reason) and whether it is listed.
func (s *Server) lookup(src Source, kind int, sub string) (Entry, subject, bool) {
	switch kind {
	case zoneIP:
		ip, ok := parseReversed(sub)
		if !ok {
			return Entry{}, subject{}, false
		}
		ip = ip.Unmap() // ::FFFF:7F00:2 is the IPv6 test point, RFC 5782 §5
		switch ip {
		case testListed4:
			return testEntry, subject{ip: ip}, true
		case testUnlisted4:
			return Entry{}, subject{}, false
		}
		e, ok := src.LookupIP(ip)
		if !ok {
			return Entry{}, subject{}, false
		}
		return e, subject{ip: ip}, true
	case zoneDomain:
		name := strings.ToLower(sub)
		if checkDomain(name) != nil {
			return Entry{}, subject{}, false
		}
		switch name { // RFC 5782 §5 for domain-based lists
		case "test":
			return testEntry, subject{name: name}, true
		case "invalid":
			return Entry{}, subject{}, false
		}
		e, ok := src.LookupDomain(name)
		return e, subject{name: name}, ok
	case zoneURL:
		h, ok := urlHashLabel(sub)
		if !ok {
			return Entry{}, subject{}, false
		}
		e, ok := src.LookupURLHash(h)
		return e, subject{name: h}, ok
	}
	return Entry{}, subject{}, false
}

// urlHashLabel reads the hashed-URL zone's query form and returns the lower
// hex SHA-256. A DNS label holds at most 63 bytes (RFC 1035 §2.3.4), so the
// 64 hex digits come as two labels of 32; the 52-character unpadded base32
// form (RFC 4648 §6) fits one label and is accepted too.
func urlHashLabel(sub string) (string, bool) {
	var sum [32]byte
	switch len(sub) {
	case 65:
		if sub[32] != '.' {
			return "", false
		}
		if _, err := hex.Decode(sum[:], []byte(sub[:32]+sub[33:])); err != nil {
			return "", false
		}
	case 52:
		n, err := base32.StdEncoding.WithPadding(base32.NoPadding).Decode(sum[:], []byte(strings.ToUpper(sub)))
		if err != nil || n != len(sum) {
			return "", false
		}
	default:
		return "", false
	}
	return hex.EncodeToString(sum[:]), true
}

// parseReversed reads the IP zone's query form, RFC 5782 §2.1 and §2.4:
// four decimal octets in reverse order, or 32 hex nibbles in reverse order.
func parseReversed(s string) (netip.Addr, bool) {
	if len(s) == 63 { // 32 nibbles and 31 dots
		var b [16]byte
		for i := range 32 {
			c := s[2*i]
			if i < 31 && s[2*i+1] != '.' {
				return netip.Addr{}, false
			}
			var v byte
			switch {
			case '0' <= c && c <= '9':
				v = c - '0'
			case 'a' <= c && c <= 'f':
				v = c - 'a' + 10
			case 'A' <= c && c <= 'F':
				v = c - 'A' + 10
			default:
				return netip.Addr{}, false
			}
			j := 31 - i // the first label is the lowest nibble
			if j%2 == 0 {
				b[j/2] |= v << 4
			} else {
				b[j/2] |= v
			}
		}
		return netip.AddrFrom16(b), true
	}
	var b [4]byte
	n, octet, digits := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || n == 4 || digits > 1 && s[i-digits] == '0' {
				return netip.Addr{}, false // empty label, too many, or leading zero
			}
			b[3-n] = byte(octet)
			n, octet, digits = n+1, 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || digits == 3 {
			return netip.Addr{}, false
		}
		octet = octet*10 + int(c-'0')
		digits++
		if octet > 255 {
			return netip.Addr{}, false
		}
	}
	if n != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(b), true
}

// expandReason applies rbldnsd's TXT template rule: "$" is the listed
// subject, "$$" a dollar sign.
func expandReason(reason, subject string) string {
	if !strings.Contains(reason, "$") {
		return reason
	}
	var b strings.Builder
	for i := 0; i < len(reason); i++ {
		switch {
		case reason[i] != '$':
			b.WriteByte(reason[i])
		case i+1 < len(reason) && reason[i+1] == '$':
			b.WriteByte('$')
			i++
		default:
			b.WriteString(subject)
		}
	}
	return b.String()
}

// txtStrings cuts text into character-strings of at most 255 bytes (RFC 1035
// §3.3.14) and escapes them for miekg/dns, which reads TXT fields in zone-file
// presentation form.
func txtStrings(text string) []string {
	var out []string
	for len(text) > 0 {
		n := min(len(text), 255)
		out = append(out, escapeTXT(text[:n]))
		text = text[n:]
	}
	return out
}

func escapeTXT(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
