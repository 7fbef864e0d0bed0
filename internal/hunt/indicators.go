package hunt

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/urlx"
)

// Indicator is one matched entry of the indicator set, in the gateway's
// indicator model (package ioc): kind ip (an address or a network), host
// (exactly one name), domain (a name and its subdomains) or url.
type Indicator struct {
	Kind  ioc.Kind `json:"kind"`
	Value string   `json:"value"`
}

// Indicators is what detections ask of an indicator set. Matching is exact on
// normalised values: a host matches itself, a domain itself and its
// subdomains, a URL with or without its query, whatever the scheme.
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
	hosts   map[string]struct{}               // exact names (kind host)
	domains map[string]struct{}               // names and their subdomains (kind domain)
	urls    map[string]struct{}               // normalised: lower-case host + path[?query], no scheme
	// urlHosts lets a line that names only a host be skipped quickly for URL lookups.
	urlHosts map[string]struct{}
	// suffixes holds the last two labels of every domain and URL host: a host
	// whose own last two labels are absent cannot match, which settles most
	// lookups with one probe.
	suffixes map[string]struct{}
	bits     []int // prefix lengths present, longest first
	// ipBits has the bit ipSlot(a) set for each address a of ips: most
	// addresses of a log are in no list, and one bit tells so for less
	// than hashing a netip.Addr (which holds a pointer) for the map.
	ipBits []uint64

	// names holds the host, domain and URL indicators ReadList read, checked
	// but not yet in their tables, which are built when first needed (a
	// name or URL lookup, a sweep, Len): a hunt of sign-in logs looks up
	// addresses only and never pays for a hundred thousand names.
	names   [][]guessed
	nNames  struct{ host, domain, url int }
	pending atomic.Bool // names is not empty
	mu      sync.Mutex  // held while the tables are built
}

// guessed is one line of an indicator list, classified.
type guessed struct {
	kind ioc.Kind
	norm string
	err  error
}

// ensure puts the names ReadList left pending in their tables.
func (s *Set) ensure() {
	if !s.pending.Load() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.pending.Load() {
		return
	}
	if len(s.hosts)+len(s.domains)+len(s.urls) == 0 {
		n := s.nNames
		s.hosts = make(map[string]struct{}, n.host)
		s.domains = make(map[string]struct{}, n.domain)
		s.urls = make(map[string]struct{}, n.url)
		s.urlHosts = make(map[string]struct{}, n.url) // at most one host per URL
		s.suffixes = make(map[string]struct{}, (n.url+n.host+n.domain)/2)
	}
	for _, b := range s.names {
		for _, g := range b {
			s.add(g.kind, g.norm) // checked by ReadList: no error
		}
	}
	s.names, s.nNames = nil, struct{ host, domain, url int }{}
	s.pending.Store(false)
}

// Empty tells whether the set has no indicator, without building the
// tables of names.
func (s *Set) Empty() bool {
	return !s.pending.Load() && s.Len() == 0
}

// ipSlot is the bit of ipBits for an address: a multiplicative hash of its
// 16 bytes, taken from the top.
func ipSlot(ip netip.Addr) uint {
	b := ip.As16()
	h := (binary.LittleEndian.Uint64(b[:8])*0x9e3779b97f4a7c15 ^ binary.LittleEndian.Uint64(b[8:])) * 0xbf58476d1ce4e5b9
	return uint(h >> (64 - ipFilterBits))
}

// ipFilterBits: 65,536 bits (8 KB), a few per cent filled by the anchor's
// thousand addresses, and ten per cent by ten thousand.
const ipFilterBits = 16

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
		hosts: map[string]struct{}{}, domains: map[string]struct{}{}, urls: map[string]struct{}{}, urlHosts: map[string]struct{}{}, suffixes: map[string]struct{}{}}
}

func (s *Set) hasIPs() bool { return len(s.ips) > 0 || len(s.bits) > 0 }

// Len is the number of indicators.
func (s *Set) Len() int {
	s.ensure()
	n := len(s.ips) + len(s.hosts) + len(s.domains) + len(s.urls)
	for _, m := range s.cidrs {
		n += len(m)
	}
	return n
}

// Add classifies and adds one indicator as the gateway's indicator store
// would (ioc.Guess): an IP address or network, a URL (with a scheme) or a
// name, which like a blocklist's means the domain and its subdomains.
// Defanged forms (hxxp://, example[.]com) are accepted.
func (s *Set) Add(v string) error {
	s.ensure()
	k, norm, err := ioc.Guess(v)
	if err != nil {
		return fmt.Errorf("hunt: %w", err)
	}
	return s.add(k, norm)
}

// AddIndicator adds an indicator of a known kind (one of the store's): a
// host stays one host, a domain covers its subdomains. Kinds that never
// appear in logs (e-mail addresses, hashes) are refused.
func (s *Set) AddIndicator(k ioc.Kind, v string) error {
	s.ensure()
	norm, err := ioc.Parse(k, v)
	if err != nil {
		return fmt.Errorf("hunt: %w", err)
	}
	return s.add(k, norm)
}

// add adds a value ioc normalised.
func (s *Set) add(k ioc.Kind, v string) error {
	switch k {
	case ioc.KindIP:
		p, err := netip.ParsePrefix(v)
		if err != nil {
			ip, err := netip.ParseAddr(v)
			if err != nil {
				return fmt.Errorf("hunt: bad IP indicator %q", v)
			}
			ip = ip.Unmap()
			s.ips[ip] = struct{}{}
			if s.ipBits == nil {
				s.ipBits = make([]uint64, 1<<ipFilterBits/64)
			}
			i := ipSlot(ip)
			s.ipBits[i/64] |= 1 << (i % 64)
			return nil
		}
		if s.cidrs[p.Bits()] == nil {
			s.cidrs[p.Bits()] = map[netip.Prefix]struct{}{}
			s.bits = append(s.bits, p.Bits())
		}
		s.cidrs[p.Bits()][p] = struct{}{}
	case ioc.KindURL:
		key, host, ok := normURL(v)
		if !ok {
			return fmt.Errorf("hunt: bad URL indicator %q", v)
		}
		s.urls[key] = struct{}{}
		s.urlHosts[host] = struct{}{}
		s.suffixes[lastTwoLabels(host)] = struct{}{}
	case ioc.KindHost:
		s.hosts[v] = struct{}{}
		s.suffixes[lastTwoLabels(v)] = struct{}{}
	case ioc.KindDomain:
		s.domains[v] = struct{}{}
		s.suffixes[lastTwoLabels(v)] = struct{}{}
	default:
		return fmt.Errorf("hunt: %s indicators do not appear in logs", k)
	}
	return nil
}

// ErrListStopped is wrapped by ReadList's error when the list was not
// read to its end (a line over 64 KiB, a read error): the indicators after
// that point are missing, and a hunt with them would say "no hit" where it
// did not look.
var ErrListStopped = errors.New("hunt: indicator list not read to its end")

// ReadList adds one indicator per line ("#" comments allowed) and returns how many
// lines were rejected, with the first error; a list not read to its end
// gives that error instead (ErrListStopped), whatever was rejected before. The lines are classified
// first, so that a fresh set's tables are made at their size instead of
// growing a hundred thousand times.
func (s *Set) ReadList(r io.Reader) (bad int, first error) {
	// In blocks, not one slice grown by copying.
	var list [][]guessed
	var n struct{ ip, host, domain, url int }
	// The lines are gathered in blocks of 64 KiB, each made one string
	// that the values (and the tables' keys) are cut from, rather than one
	// string a line.
	block := make([]byte, 0, 64<<10)
	var ends []int
	guess := func() {
		all := string(block)
		start := 0
		for _, end := range ends {
			k, norm, err := ioc.Guess(all[start:end])
			start = end
			if len(list) == 0 || len(list[len(list)-1]) == cap(list[len(list)-1]) {
				list = append(list, make([]guessed, 0, 4096))
			}
			list[len(list)-1] = append(list[len(list)-1], guessed{k, norm, err})
			switch k {
			case ioc.KindIP:
				n.ip++
			case ioc.KindHost:
				n.host++
			case ioc.KindDomain:
				n.domain++
			case ioc.KindURL:
				n.url++
			}
		}
		block, ends = block[:0], ends[:0]
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if len(block)+len(line) > cap(block) {
			guess() // a line fits in an empty block: the scanner's are shorter
		}
		block = append(block, line...)
		ends = append(ends, len(block))
	}
	guess()
	if len(s.ips) == 0 {
		s.ips = make(map[netip.Addr]struct{}, n.ip)
	}
	// Addresses go in their table now; names are checked now (so that the
	// lines refused are counted here) and put in theirs when first needed.
	// The names stay in the blocks they were classified in, moved to the
	// front of each: copied to new blocks, the old ones were 40 bytes of
	// garbage a line, a third of what the load allocated.
	for _, b := range list {
		names := b[:0]
		for _, g := range b {
			err := g.err
			switch {
			case err != nil:
				err = fmt.Errorf("hunt: %w", err)
			case g.kind == ioc.KindHost || g.kind == ioc.KindDomain:
			case g.kind == ioc.KindURL:
				if _, _, ok := normURL(g.norm); !ok {
					err = fmt.Errorf("hunt: bad URL indicator %q", g.norm)
				}
			default:
				err = s.add(g.kind, g.norm)
			}
			if err == nil && (g.kind == ioc.KindHost || g.kind == ioc.KindDomain || g.kind == ioc.KindURL) {
				names = append(names, g) // at or before g's own place
			}
			if err != nil {
				bad++
				if first == nil {
					first = err
				}
			}
		}
		if len(names) > 0 {
			s.names = append(s.names, names)
		}
	}
	if len(s.names) > 0 {
		s.nNames.host += n.host
		s.nNames.domain += n.domain
		s.nNames.url += n.url
		s.pending.Store(true)
	}
	if err := sc.Err(); err != nil {
		first = fmt.Errorf("%w: %w", ErrListStopped, err)
	}
	return bad, first
}

// MatchIP implements Indicators.
func (s *Set) MatchIP(ip netip.Addr) (Indicator, bool) {
	ip = ip.Unmap()
	if s.ipBits != nil {
		if i := ipSlot(ip); s.ipBits[i/64]&(1<<(i%64)) != 0 {
			if _, ok := s.ips[ip]; ok {
				return Indicator{ioc.KindIP, ip.String()}, true
			}
		}
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
			return Indicator{ioc.KindIP, p.String()}, true
		}
	}
	return Indicator{}, false
}

// MatchHost implements Indicators: the host itself, or one of its parent
// domains.
func (s *Set) MatchHost(host string) (Indicator, bool) {
	s.ensure()
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if _, ok := s.hosts[host]; ok {
		return Indicator{ioc.KindHost, host}, true
	}
	for h := range urlx.Parents(host) {
		if _, ok := s.domains[h]; ok {
			return Indicator{ioc.KindDomain, h}, true
		}
	}
	return Indicator{}, false
}

// MatchURL implements Indicators: the URL's own entry, then without query and
// fragment, then its host as a domain.
func (s *Set) MatchURL(raw string) (Indicator, bool) {
	s.ensure()
	key, host, ok := normURL(raw)
	if !ok {
		return Indicator{}, false
	}
	if _, ok := s.urls[key]; ok {
		return Indicator{ioc.KindURL, key}, true
	}
	if i := strings.IndexAny(key, "?#"); i >= 0 {
		if _, ok := s.urls[key[:i]]; ok {
			return Indicator{ioc.KindURL, key[:i]}, true
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
	// inPlace: host + path is rest's beginning, so the key needs no copy
	// (the usual case: a normalised URL with a path).
	inPlace := j >= 0
	if j >= 0 {
		auth, path = rest[:j], rest[j:]
		if path[0] != '/' {
			path = "/" + path
			inPlace = false
		}
	}
	if k := strings.LastIndexByte(auth, '@'); k >= 0 {
		auth = auth[k+1:]
		inPlace = false
	}
	host = strings.ToLower(auth)
	inPlace = inPlace && host == auth
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
	if inPlace && len(host) == len(auth) {
		return rest[:len(host)+len(path)], host, true
	}
	return host + path, host, true
}
