// Package warninglist answers one question: is this value something that
// must never be treated as an attacker's indicator or as a suspicious name?
//
// It reads MISP warning lists (github.com/MISP/misp-warninglists, CC0): top
// sites, the big providers' domains and address ranges, CDNs, URL shorteners,
// public resolvers, reserved networks, TLDs and second-level TLDs, hashes of
// empty files... A copy is embedded (data/, see data/SOURCE.md) so Vigie works
// offline, and it is the one the scanner uses unless data.warninglists
// names newer files: the lists are refreshed by copying newer
// <name>/list.json files from MISP into data/ and rebuilding
// (TestEmbeddedListsAreMISPCopies checks they are MISP's bytes). Between
// releases, Refreshed reads newer MISP files from a directory
// (data.warninglists) in place of the embedded lists of the same name; the
// engine builds each scanner with it, at start and on every reload. Load
// reads any directory of <name>/list.json.
//
// A Set is immutable once built and safe for concurrent use. Lookups are map
// probes (a host walks up its parent labels; an address probes one map per
// prefix length present), cheap enough for the scan hot path.
package warninglist

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed data
var embedded embed.FS

// List describes one warning list.
type List struct {
	Name        string   // directory name, e.g. "tranco10k"
	Role        Role     // what a match means for an indicator
	Description string   // the list's own description
	Type        string   // string, hostname, substring, cidr or regex
	Attributes  []string // MISP attribute types the list applies to
	Entries     int
	// Provenance is what the list says of each entry, where it says
	// anything (Vigie's own lists: the provider and what it documents the
	// host for), keyed by the entry as written.
	Provenance map[string]string
}

// Hit is one list a value matched.
type Hit struct {
	List  *List
	Entry string // the listed entry that matched, as written in the list
	// Exact is true when the value is the entry itself (or broader than it,
	// for a network containing a listed one), false when the value only
	// falls under it (a subdomain of a listed domain, an address inside a
	// listed range). Blocking an exact hit hits the listed thing itself;
	// blocking a value under an entry may be specific enough.
	Exact bool
}

// Set is a loaded collection of warning lists.
//
// Its indexes hold no pointer per entry (names live in one arena, list
// sets are interned, networks are keyed by their address bytes): the
// garbage collector walks every pointer of the live heap at each cycle,
// and the 400,000 small strings, slices and addresses of a plainer layout
// made that walk the largest cost of a scan.
type Set struct {
	lists []*List

	hostExact names // name -> lists listing exactly that name
	hostUnder names // name -> lists listing that name and its subdomains
	strExact  names // lower-cased string entries (hashes, e-mail addresses...)
	substr    []substrEntry
	regexes   []regexEntry
	nets      map[int]map[[16]byte]setID // prefix length -> masked address -> lists
	netLens   []int                      // lengths present, ascending
	allNets   []netEntry                 // for network-overlap queries
	netRaw    []byte                     // allNets' entries as written, one after the other

	sets   [][]int          // interned list sets: setID -> list indexes, in order of addition
	setIDs map[string]setID // while loading: a set's key -> its ID

	outcomes []Outcome // Refreshed's, one per file of its directory
}

type substrEntry struct {
	needle string
	list   int
}

type regexEntry struct {
	re   *regexp.Regexp
	raw  string
	list int
}

// netEntry is a listed network: its masked address, length, list and
// where its written form lies in netRaw.
type netEntry struct {
	addr         [16]byte
	bits         int16
	is4          bool
	list         int32
	rawAt, rawTo uint32
}

func (n *netEntry) prefix() netip.Prefix {
	a := netip.AddrFrom16(n.addr)
	if n.is4 {
		a = a.Unmap()
	}
	return netip.PrefixFrom(a, int(n.bits))
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
	defaultErr  error
)

// Default returns the embedded lists, loaded once.
func Default() (*Set, error) {
	defaultOnce.Do(func() {
		sub, err := fs.Sub(embedded, "data")
		if err != nil {
			defaultErr = err
			return
		}
		defaultSet, defaultErr = Load(sub)
	})
	return defaultSet, defaultErr
}

// MustDefault is Default for callers that cannot work without the embedded
// lists (they are part of the binary; failing to read them is a build bug).
func MustDefault() *Set {
	s, err := Default()
	if err != nil {
		panic(err)
	}
	return s
}

// Load reads every <name>/list.json under fsys.
func Load(fsys fs.FS) (*Set, error) {
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("warninglist: read directory: %w", err)
	}
	s := newSet()
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(e.Name(), "list.json"))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("warninglist: %s: %w", e.Name(), err)
		}
		if _, err := s.add(e.Name(), b); err != nil {
			return nil, err
		}
	}
	if len(s.lists) == 0 {
		return nil, fmt.Errorf("warninglist: no <name>/list.json found")
	}
	s.finish()
	return s, nil
}

func newSet() *Set {
	return &Set{
		nets:   map[int]map[[16]byte]setID{},
		sets:   [][]int{nil}, // setID 0: no list
		setIDs: map[string]setID{},
	}
}

// finish ends loading: the set is read-only from here on.
func (s *Set) finish() {
	for l := range s.nets {
		s.netLens = append(s.netLens, l)
	}
	sort.Ints(s.netLens)
	s.setIDs = nil
}

type rawList struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Type        string            `json:"type"`
	Attributes  []string          `json:"matching_attributes"`
	List        []string          `json:"list"`
	Provenance  map[string]string `json:"provenance"`
}

// add indexes the list of JSON b under the name dir and returns how many
// of its entries it indexed (a network that does not parse, a regular
// expression that does not compile are skipped).
func (s *Set) add(dir string, b []byte) (int, error) {
	var r rawList
	if err := json.Unmarshal(b, &r); err != nil {
		return 0, fmt.Errorf("warninglist: %s: %w", dir, err)
	}
	n := 0
	l := &List{Name: dir, Role: roleOf(dir), Description: r.Description, Type: r.Type, Attributes: r.Attributes, Entries: len(r.List), Provenance: r.Provenance}
	hostish := appliesTo(r.Attributes, "domain", "hostname", "url", "uri", "domain|ip")
	idx := len(s.lists)
	s.lists = append(s.lists, l)
	for _, raw := range r.List {
		v := strings.TrimSpace(raw)
		if v == "" {
			continue
		}
		n++
		switch r.Type {
		case "cidr":
			p, err := parseNet(v)
			if err != nil {
				n--
				continue // a stray non-network entry: skip, the rest of the list stands
			}
			m := s.nets[p.Bits()+bitsOffset(p)]
			if m == nil {
				m = map[[16]byte]setID{}
				s.nets[p.Bits()+bitsOffset(p)] = m
			}
			key := p.Addr().As16()
			m[key] = s.with(m[key], idx)
			at := uint32(len(s.netRaw))
			s.netRaw = append(s.netRaw, v...)
			s.allNets = append(s.allNets, netEntry{addr: key, bits: int16(p.Bits()), is4: p.Addr().Is4(),
				list: int32(idx), rawAt: at, rawTo: uint32(len(s.netRaw))})
		case "regex":
			re, err := compileMISPRegex(v)
			if err != nil {
				n--
				continue
			}
			s.regexes = append(s.regexes, regexEntry{re: re, raw: v, list: idx})
		case "substring":
			s.substr = append(s.substr, substrEntry{needle: strings.ToLower(v), list: idx})
			if looksLikeHost(v) {
				s.addName(&s.hostUnder, normHost(v), idx)
			}
		case "hostname":
			s.addName(&s.hostUnder, normHost(v), idx)
		default: // string
			lv := strings.ToLower(v)
			if strings.HasPrefix(lv, ".") {
				s.addName(&s.hostUnder, normHost(lv), idx)
				continue
			}
			s.addName(&s.strExact, lv, idx)
			if hostish && looksLikeHost(lv) {
				s.addName(&s.hostExact, normHost(lv), idx)
			}
		}
	}
	return n, nil
}

// bitsOffset keeps IPv4 and IPv6 prefixes of the same length apart.
func bitsOffset(p netip.Prefix) int {
	if p.Addr().Is4() {
		return 0
	}
	return 1000
}

func parseNet(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return p, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// compileMISPRegex turns a PHP-style /pattern/flags entry into a Go regexp.
func compileMISPRegex(v string) (*regexp.Regexp, error) {
	if len(v) >= 2 && v[0] == '/' {
		end := strings.LastIndexByte(v, '/')
		if end > 0 {
			pat, flags := v[1:end], v[end+1:]
			if strings.Contains(flags, "i") {
				pat = "(?i)" + pat
			}
			return regexp.Compile(pat)
		}
	}
	return regexp.Compile(v)
}

// addName adds list idx to name's lists in t.
func (s *Set) addName(t *names, name string, idx int) {
	t.put(name, s.with(t.get(name), idx))
}

// with returns the set of the lists of id and list idx (interned: sets
// are few, 54 for the embedded lists).
func (s *Set) with(id setID, idx int) setID {
	cur := s.sets[id]
	if slices.Contains(cur, idx) {
		return id
	}
	next := append(slices.Clip(cur), idx)
	key := fmt.Sprint(next)
	if n, ok := s.setIDs[key]; ok {
		return n
	}
	n := setID(len(s.sets))
	s.sets = append(s.sets, next)
	s.setIDs[key] = n
	return n
}

func normHost(h string) string {
	return strings.Trim(strings.ToLower(strings.TrimSpace(h)), ".")
}

// looksLikeHost accepts names made of letters, digits, hyphens and dots
// with at least one dot or a single label (TLD lists).
func looksLikeHost(v string) bool {
	v = strings.Trim(v, ".")
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80) {
			return false
		}
	}
	return true
}

// Lists returns every loaded list, in load order.
func (s *Set) Lists() []*List { return s.or().lists }

// or is s, or the embedded lists for a nil s: a check or an input built
// without a set (a test, a tool) reads the embedded lists.
func (s *Set) or() *Set {
	if s == nil {
		return MustDefault()
	}
	return s
}
