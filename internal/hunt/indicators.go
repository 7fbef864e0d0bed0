package hunt

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// Indicator kinds.
const (
	KindIP     = "ip"
	KindCIDR   = "cidr"
	KindDomain = "domain"
	KindURL    = "url"
)

// Indicator is one matched entry of the indicator set.
type Indicator struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Indicators is what detections ask of the indicator store (internal/ioc adapts
// to it). Matching is exact on normalised values: a domain matches itself and its
// subdomains, a URL matches with or without its query, whatever the scheme.
type Indicators interface {
	MatchIP(ip netip.Addr) (Indicator, bool)
	MatchHost(host string) (Indicator, bool)
	MatchURL(rawURL string) (Indicator, bool)
}

// Set is an in-memory indicator set, built to be looked up without allocating:
// the sweep calls it for every token of every line.
type Set struct {
	ips     map[netip.Addr]struct{}
	cidrs   map[int]map[netip.Prefix]struct{} // by prefix length
	domains map[string]struct{}
	urls    map[string]struct{} // normalised: lower-case host + path[?query], no scheme
	// urlHosts lets a line that names only a host be skipped quickly for URL lookups.
	urlHosts map[string]struct{}
	// suffixes holds the last two labels of every domain and URL host: a host
	// whose own last two labels are absent cannot match, which settles most
	// lookups with one probe.
	suffixes map[string]struct{}
	bits     []int // prefix lengths present, longest first
}

var defang = strings.NewReplacer("[.]", ".", "(.)", ".", "[:]", ":", "hxxp", "http", "hXXp", "http")

// lastTwoLabels returns "example.com" for "a.b.example.com".
func lastTwoLabels(h string) string {
	i := strings.LastIndexByte(h, '.')
	if i <= 0 {
		return h
	}
	if j := strings.LastIndexByte(h[:i], '.'); j >= 0 {
		return h[j+1:]
	}
	return h
}

// NewSet returns an empty set.
func NewSet() *Set {
	return &Set{ips: map[netip.Addr]struct{}{}, cidrs: map[int]map[netip.Prefix]struct{}{},
		domains: map[string]struct{}{}, urls: map[string]struct{}{}, urlHosts: map[string]struct{}{}, suffixes: map[string]struct{}{}}
}

func (s *Set) hasIPs() bool { return len(s.ips) > 0 || len(s.bits) > 0 }

// Len is the number of indicators.
func (s *Set) Len() int {
	n := len(s.ips) + len(s.domains) + len(s.urls)
	for _, m := range s.cidrs {
		n += len(m)
	}
	return n
}

// Add classifies and adds one indicator: an IP, a CIDR, a URL (with a scheme) or
// a domain. Defanged forms (hxxp://, example[.]com) are accepted.
func (s *Set) Add(v string) error {
	v = strings.TrimSpace(v)
	if strings.ContainsAny(v, "[(hX") {
		v = defang.Replace(v)
	}
	if v == "" {
		return nil
	}
	maybeIP := strings.Trim(v, "0123456789./") == "" || strings.Contains(v, ":") && !strings.Contains(v, "://")
	if ip, err := netip.ParseAddr(v); maybeIP && err == nil {
		s.ips[ip.Unmap()] = struct{}{}
		return nil
	}
	if p, err := netip.ParsePrefix(v); maybeIP && err == nil {
		p = p.Masked()
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		if s.cidrs[p.Bits()] == nil {
			s.cidrs[p.Bits()] = map[netip.Prefix]struct{}{}
			s.bits = append(s.bits, p.Bits())
		}
		s.cidrs[p.Bits()][p] = struct{}{}
		return nil
	}
	if i := strings.Index(v, "://"); i > 0 {
		key, host, ok := normURL(v)
		if !ok {
			return fmt.Errorf("hunt: bad URL indicator %q", v)
		}
		s.urls[key] = struct{}{}
		s.urlHosts[host] = struct{}{}
		s.suffixes[lastTwoLabels(host)] = struct{}{}
		return nil
	}
	d := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(v, "*."), "."))
	if strings.ContainsAny(d, " /\t@") || !strings.Contains(d, ".") {
		return fmt.Errorf("hunt: not an IP, CIDR, URL or domain: %q", v)
	}
	s.domains[d] = struct{}{}
	s.suffixes[lastTwoLabels(d)] = struct{}{}
	return nil
}

// ReadList adds one indicator per line ("#" comments allowed) and returns how many
// lines were rejected, with the first error.
func (s *Set) ReadList(r io.Reader) (bad int, first error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if err := s.Add(line); err != nil {
			bad++
			if first == nil {
				first = err
			}
		}
	}
	if err := sc.Err(); err != nil && first == nil {
		first = err
	}
	return bad, first
}

// MatchIP implements Indicators.
func (s *Set) MatchIP(ip netip.Addr) (Indicator, bool) {
	ip = ip.Unmap()
	if _, ok := s.ips[ip]; ok {
		return Indicator{KindIP, ip.String()}, true
	}
	for _, b := range s.bits {
		if b > ip.BitLen() {
			continue
		}
		p, err := ip.Prefix(b)
		if err != nil {
			continue
		}
		if _, ok := s.cidrs[b][p]; ok {
			return Indicator{KindCIDR, p.String()}, true
		}
	}
	return Indicator{}, false
}

// MatchHost implements Indicators: the host or one of its parent domains.
func (s *Set) MatchHost(host string) (Indicator, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for h := host; ; {
		if _, ok := s.domains[h]; ok {
			return Indicator{KindDomain, h}, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			return Indicator{}, false
		}
		h = h[i+1:]
	}
}

// MatchURL implements Indicators: the URL's own entry, then without query and
// fragment, then its host as a domain.
func (s *Set) MatchURL(raw string) (Indicator, bool) {
	key, host, ok := normURL(raw)
	if !ok {
		return Indicator{}, false
	}
	if _, ok := s.urls[key]; ok {
		return Indicator{KindURL, key}, true
	}
	if i := strings.IndexAny(key, "?#"); i >= 0 {
		if _, ok := s.urls[key[:i]]; ok {
			return Indicator{KindURL, key[:i]}, true
		}
	}
	if ind, ok := s.MatchHost(host); ok {
		return ind, true
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return s.MatchIP(ip)
	}
	return Indicator{}, false
}

// normURL returns the lookup key of a URL — lower-case host (no userinfo, no
// default port) followed by the path ("/" if empty) and query — and its host.
func normURL(raw string) (key, host string, ok bool) {
	i := strings.Index(raw, "://")
	if i < 0 {
		return "", "", false
	}
	rest := raw[i+3:]
	j := strings.IndexAny(rest, "/?#")
	auth, path := rest, "/"
	if j >= 0 {
		auth, path = rest[:j], rest[j:]
		if path[0] != '/' {
			path = "/" + path
		}
	}
	if k := strings.LastIndexByte(auth, '@'); k >= 0 {
		auth = auth[k+1:]
	}
	host = strings.ToLower(auth)
	if strings.HasSuffix(host, ":80") || strings.HasSuffix(host, ":443") {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	host = strings.TrimSuffix(host, ".")
	if h := strings.IndexByte(path, '#'); h >= 0 {
		path = path[:h]
	}
	if host == "" {
		return "", "", false
	}
	return host + path, host, true
}
