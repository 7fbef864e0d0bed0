package warninglist

import (
	"net/netip"
	"strings"
)

// Role says what being on a list means for an indicator.
type Role int

const (
	// Informative lists say something about a value (an EICAR hash, a
	// disposable mailbox provider) without making it unsafe to act on.
	Informative Role = iota
	// Shared lists name infrastructure many parties use (cloud and CDN
	// ranges, URL shorteners, dynamic DNS, link-in-bio and parking
	// services): the service itself must not be blocked, but one
	// attacker's name under it may be.
	Shared
	// Protected lists name what must never be blocked: top sites, the big
	// providers' domains and mail ranges, public resolvers, reserved and
	// private networks, TLDs and second-level TLDs, hashes of empty files,
	// known threat-intelligence false positives.
	Protected
)

func (r Role) String() string {
	switch r {
	case Protected:
		return "protected"
	case Shared:
		return "shared"
	}
	return "informative"
}

// roles classifies the MISP lists by name; a list not named here (a newer
// list dropped into the directory) is informative until classified.
var roles = map[string]Role{
	"tranco10k": Protected, "cloudflare-top10k": Protected, "google": Protected,
	"microsoft": Protected, "microsoft-office365": Protected, "apple": Protected,
	"google-gmail-sending-ips": Protected, "smtp-sending-ips": Protected,
	"smtp-receiving-ips": Protected, "rfc1918": Protected, "rfc3849": Protected,
	"rfc5735": Protected, "rfc6598": Protected, "rfc6761": Protected,
	"ipv6-linklocal": Protected, "multicast": Protected, "public-dns-v4": Protected,
	"public-dns-v6": Protected, "public-dns-hostname": Protected, "tlds": Protected,
	"second-level-tlds": Protected, "empty-hashes": Protected,
	"common-ioc-false-positive": Protected, "ti-falsepositives": Protected,
	"university_domains": Protected, "bank-website": Protected, "whats-my-ip": Protected,
	"security-provider-blogpost": Protected, "microsoft-attack-simulator": Protected,
	"common-contact-emails": Protected, "sinkholes": Protected,

	"akamai": Shared, "amazon-aws": Shared, "cloudflare": Shared, "fastly": Shared,
	"github": Shared, "url-shortener": Shared, "dynamic-dns": Shared,
	"link-in-bio": Shared, "disposable-email": Shared, "parking-domain": Shared,
	ESPAssets: Shared, // Vigie's own list, see data/SOURCE.md

	"eicar.com": Informative, // the test file's hashes: harmless to block
}

func roleOf(name string) Role { return roles[name] }

func appliesTo(attrs []string, kinds ...string) bool {
	for _, a := range attrs {
		for _, k := range kinds {
			if a == k {
				return true
			}
		}
	}
	return false
}

func (s *Set) hits(id setID, entry string, exact bool, out []Hit) []Hit {
	for _, i := range s.sets[id] {
		out = append(out, Hit{List: s.lists[i], Entry: entry, Exact: exact})
	}
	return out
}

// ESPAssets is Vigie's own list of e-mailing platforms' shared click
// tracking and asset hosts, each entry with the platform's documentation
// as provenance (data/vigie-esp-assets: Twilio SendGrid's
// *.ct.sendgrid.net, Mailchimp's list-manage.com, Salesforce Marketing
// Cloud's exct.net, Mailjet, Brevo, Campaign Monitor, HubSpot, Amazon
// SES…).
const ESPAssets = "vigie-esp-assets"

// ESPAsset reports a host on ESPAssets, or under one of its entries.
func (s *Set) ESPAsset(host string) bool {
	s = s.or()
	for _, h := range s.Host(host) {
		if h.List.Name == ESPAssets {
			return true
		}
	}
	return false
}

// ESPClickTracker reports a host on ESPAssets, or under one of its
// entries, whose entry the list documents as click tracking (its
// provenance says "click"): the address a platform rewrites an anchor
// into. Not an asset host where customers put their own files and
// pages (Mailchimp's mcusercontent.com, Constant Contact's ctctcdn.com,
// the e-mail builders' image hosts): a link there is written by the
// sender, not rewritten by the platform.
func (s *Set) ESPClickTracker(host string) bool {
	s = s.or()
	for _, h := range s.Host(host) {
		if h.List.Name == ESPAssets && strings.Contains(strings.ToLower(h.List.Provenance[h.Entry]), "click") {
			return true
		}
	}
	return false
}

// Host returns the lists naming host (a domain or host name, any case,
// with or without a trailing dot): exact hits for the name itself, and
// non-exact hits for a listed parent domain.
func (s *Set) Host(host string) []Hit {
	s = s.or()
	h := normHost(host)
	if h == "" {
		return nil
	}
	var out []Hit
	out = s.hits(s.hostExact.get(h), h, true, out)
	out = s.hits(s.hostUnder.get(h), h, true, out)
	for p := h; ; {
		i := strings.IndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[i+1:]
		out = s.hits(s.hostUnder.get(p), p, false, out)
	}
	return out
}

// HostOn reports whether host or one of its parents is on a list of the
// given role or a stronger one. It allocates nothing: use it on hot paths.
func (s *Set) HostOn(host string, min Role) bool {
	s = s.or()
	h := normHost(host)
	if h == "" {
		return false
	}
	if s.anyRole(s.hostExact.get(h), min) || s.anyRole(s.hostUnder.get(h), min) {
		return true
	}
	for p := h; ; {
		i := strings.IndexByte(p, '.')
		if i < 0 {
			return false
		}
		p = p[i+1:]
		if s.anyRole(s.hostUnder.get(p), min) {
			return true
		}
	}
}

// HostListed reports whether host itself (not merely a parent) is listed
// with at least the given role.
func (s *Set) HostListed(host string, min Role) bool {
	s = s.or()
	h := normHost(host)
	return h != "" && (s.anyRole(s.hostExact.get(h), min) || s.anyRole(s.hostUnder.get(h), min))
}

func (s *Set) anyRole(id setID, min Role) bool {
	for _, i := range s.sets[id] {
		if s.lists[i].Role >= min {
			return true
		}
	}
	return false
}

// Addr returns the lists whose ranges contain a. A /32 (or /128) entry
// equal to a is an exact hit.
func (s *Set) Addr(a netip.Addr) []Hit {
	s = s.or()
	if !a.IsValid() {
		return nil
	}
	a = a.Unmap()
	var out []Hit
	for _, l := range s.netLens {
		is6 := l >= 1000
		bits := l
		if is6 {
			bits -= 1000
		}
		if is6 == a.Is4() {
			continue
		}
		p, err := a.Prefix(bits)
		if err != nil {
			continue
		}
		if id := s.nets[l][p.Addr().As16()]; id != 0 {
			out = s.hits(id, p.String(), bits == a.BitLen(), out)
		}
	}
	return out
}

// Prefix returns the lists with a range overlapping p: exact when p
// contains the listed range (blocking p would block all of it), not exact
// when p lies inside a listed range.
func (s *Set) Prefix(p netip.Prefix) []Hit {
	s = s.or()
	if !p.IsValid() {
		return nil
	}
	p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-unmapLoss(p)).Masked()
	var out []Hit
	for i := range s.allNets {
		n := &s.allNets[i]
		if !n.prefix().Overlaps(p) {
			continue
		}
		out = append(out, Hit{List: s.lists[n.list], Entry: string(s.netRaw[n.rawAt:n.rawTo]), Exact: p.Bits() <= int(n.bits)})
	}
	return out
}

func unmapLoss(p netip.Prefix) int {
	if p.Addr().Is4In6() {
		return 96
	}
	return 0
}

// Email returns the lists naming an e-mail address: the address itself,
// a pattern it matches (security@, abuse@...), or its domain.
func (s *Set) Email(addr string) []Hit {
	s = s.or()
	a := strings.ToLower(strings.TrimSpace(addr))
	var out []Hit
	out = s.hits(s.strExact.get(a), a, true, out)
	for _, r := range s.regexes {
		if r.re.MatchString(a) {
			out = append(out, Hit{List: s.lists[r.list], Entry: r.raw, Exact: true})
		}
	}
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		for _, h := range s.Host(a[i+1:]) {
			h.Exact = false
			out = append(out, h)
		}
	}
	return out
}

// Hash returns the lists naming a file hash (hex, any case).
func (s *Set) Hash(h string) []Hit {
	s = s.or()
	v := strings.ToLower(strings.TrimSpace(h))
	return s.hits(s.strExact.get(v), v, true, nil)
}

// Substring returns the substring-type entries contained in v (MISP's
// substring lists: attack-simulator URLs and addresses, for example).
func (s *Set) Substring(v string) []Hit {
	s = s.or()
	lv := strings.ToLower(v)
	var out []Hit
	for _, e := range s.substr {
		if strings.Contains(lv, e.needle) {
			out = append(out, Hit{List: s.lists[e.list], Entry: e.needle, Exact: false})
		}
	}
	return out
}

// Strongest returns the highest role among hits, and whether there was any.
func Strongest(hits []Hit) (Role, bool) {
	if len(hits) == 0 {
		return Informative, false
	}
	r := Informative
	for _, h := range hits {
		if h.List.Role > r {
			r = h.List.Role
		}
	}
	return r, true
}

// TopSite reports whether a registrable domain is one of the sites that
// must never be taken for an attacker's: the top sites, the big providers'
// domains and the other Protected lists. Heuristics that guess from a
// name's shape ("randomly generated", "looks like a brand") do not apply
// to them: their names are known, whatever they look like.
func (s *Set) TopSite(domain string) bool {
	return domain != "" && s.HostListed(domain, Protected)
}
