package rbl

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Values stored in the indexes: 0 is "no value", excluded masks any less
// specific listing, anything else is an index+1 into MemSource.entries.
const (
	noValue  uint32 = 0
	excluded uint32 = ^uint32(0)
)

// MemSource is an immutable, compact in-memory Source: sorted arrays per
// prefix length for addresses (longest prefix wins, exclusions supported),
// an open-addressing hash table over one byte arena for domains, and a map
// for URL hashes. Build one with a MemBuilder; replace it with
// Server.SetSource to update.
type MemSource struct {
	entries []Entry
	v4      v4Table
	v6      prefixTable[u128]
	dom     domainTable
	urls    map[[32]byte]uint32
}

// MemBuilder accumulates listings for a MemSource. It is not safe for
// concurrent use; Build may be called once.
type MemBuilder struct {
	entries []Entry
	index   map[Entry]uint32
	last    Entry
	lastVal uint32

	v4 [33]v4Builder // by prefix length, in insertion order
	v6 [129]level[u128]
	// Two-pass IPv4 loading (CountIPv4, PlaceIPv4): pass 1 or 2, and the
	// large levels being placed.
	v4pass  int
	v4plans [33]*v4Plan
	dom     domainBuilder
	urls    map[[32]byte]uint32
}

// NewMemBuilder returns an empty builder.
func NewMemBuilder() *MemBuilder {
	return &MemBuilder{index: map[Entry]uint32{}, urls: map[[32]byte]uint32{}}
}

// value interns e and returns its index+1. Bulk loads repeat the same entry,
// so the last one is remembered to skip the map.
func (b *MemBuilder) value(e Entry) uint32 {
	if b.lastVal != noValue && e == b.last {
		return b.lastVal
	}
	v, ok := b.index[e]
	if !ok {
		b.entries = append(b.entries, e)
		v = uint32(len(b.entries))
		b.index[e] = v
	}
	b.last, b.lastVal = e, v
	return v
}

// Grow reserves room for about prefixes more addresses or CIDRs and domains
// more names (of about 20 bytes), so that a bulk load does not copy its
// scratch space over and over.
func (b *MemBuilder) Grow(prefixes, domains int) {
	lv := &b.v4[32] // address lists are mostly single addresses
	lv.keys = slices.Grow(lv.keys, max(prefixes, 0))
	b.dom.grow(max(domains, 0))
	b.dom.arena = slices.Grow(b.dom.arena, 20*max(domains, 0))
}

// GrowNames reserves bytes of name storage: the size of the zone files
// the names come from is an upper bound that is never copied.
func (b *MemBuilder) GrowNames(bytes int64) {
	b.dom.arena = slices.Grow(b.dom.arena, int(max(bytes, 0)))
}

// AddPrefix lists every address in p (a single address is a /32 or /128).
func (b *MemBuilder) AddPrefix(p netip.Prefix, e Entry) { b.addPrefix(p, b.value(e)) }

// ExcludePrefix unlists p even when a shorter prefix containing it is listed.
func (b *MemBuilder) ExcludePrefix(p netip.Prefix) { b.addPrefix(p, excluded) }

func (b *MemBuilder) addPrefix(p netip.Prefix, v uint32) {
	if !p.IsValid() {
		return
	}
	p = p.Masked()
	a := p.Addr()
	if a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		a = p.Addr()
	}
	if a.Is4() {
		k := toV4key(a)
		switch b.v4pass {
		case 1:
			pl := b.v4plans[p.Bits()]
			if pl == nil {
				pl = &v4Plan{first: make([]uint32, 1<<16+1)}
				b.v4plans[p.Bits()] = pl
			}
			pl.total++
			pl.first[k.top16()+1]++
			return
		case 2:
			if pl := b.v4plans[p.Bits()]; pl != nil {
				pl.place(k, v)
				return
			}
		}
		b.v4[p.Bits()].add(k, v)
		return
	}
	b.v6[p.Bits()].add(toU128(a), v)
}

// CountIPv4 starts the first of two passes over the same IPv4 data: the
// following AddPrefix and ExcludePrefix calls for IPv4 only count (IPv6,
// names and URL hashes are added as usual). Call PlaceIPv4 and give the
// same data again. Values must be added in the first pass too: they are
// interned there.
func (b *MemBuilder) CountIPv4() { b.v4pass = 1 }

// PlaceIPv4 starts the second pass: large levels get their final arrays,
// and each IPv4 prefix now goes straight to its place.
func (b *MemBuilder) PlaceIPv4() {
	width := widthFor(len(b.entries))
	for bits, pl := range b.v4plans {
		if pl == nil {
			continue
		}
		if pl.total < minIndexed {
			b.v4plans[bits] = nil // small: collected as usual
			continue
		}
		for i := 1; i < len(pl.first); i++ {
			pl.first[i] += pl.first[i-1]
		}
		pl.next = slices.Clone(pl.first[:1<<16])
		pl.low = make([]uint16, pl.total)
		pl.vals = makePacked(width, pl.total)
	}
	b.v4pass = 2
}

// ErrChanged is returned by BuildChecked when the two IPv4 passes did not
// see the same data (a file changed while being read).
var ErrChanged = fmt.Errorf("rbl: the IPv4 data changed between the two loading passes")

// BuildChecked is Build for a two-pass load: it fails with ErrChanged when
// the passes disagree.
func (b *MemBuilder) BuildChecked() (*MemSource, error) {
	var planned []v4Level
	for bits := len(b.v4plans) - 1; bits >= 0; bits-- {
		pl := b.v4plans[bits]
		if pl == nil {
			continue
		}
		b.v4plans[bits] = nil
		if pl.bad || pl.vals.len() > 0 && widthFor(len(b.entries)) != packedWidth(&pl.vals) {
			return nil, ErrChanged
		}
		lv, ok := pl.finish(bits)
		if !ok {
			return nil, ErrChanged
		}
		planned = append(planned, lv)
	}
	m := b.Build()
	if len(planned) > 0 {
		m.v4.levels = append(m.v4.levels, planned...)
		slices.SortFunc(m.v4.levels, func(x, y v4Level) int { return cmp.Compare(y.bits, x.bits) })
	}
	return m, nil
}

func packedWidth(p *packedVals) int {
	switch {
	case p.w8 != nil:
		return 1
	case p.w16 != nil:
		return 2
	}
	return 4
}

// AddDomain lists name and all its subdomains.
func (b *MemBuilder) AddDomain(name string, e Entry) {
	b.dom.add(name, b.value(e), b.lastVal)
}

// AddHost lists name only, not its subdomains.
func (b *MemBuilder) AddHost(name string, e Entry) { b.dom.add(name, b.value(e), noValue) }

// AddSubdomains lists the subdomains of name but not name itself (rbldnsd's
// "*.example.com").
func (b *MemBuilder) AddSubdomains(name string, e Entry) {
	b.dom.add(name, noValue, b.value(e))
}

// ExcludeDomain unlists name (and, if withSubdomains, its subdomains) even
// when a parent domain is listed.
func (b *MemBuilder) ExcludeDomain(name string, withSubdomains bool) {
	sub := noValue
	if withSubdomains {
		sub = excluded
	}
	b.dom.add(name, excluded, sub)
}

// AddURLHash lists a URL by the hex SHA-256 of its normalised form.
func (b *MemBuilder) AddURLHash(hexSHA256 string, e Entry) error {
	var k [32]byte
	if len(hexSHA256) != 64 {
		return fmt.Errorf("rbl: url hash %q: want 64 hex digits", hexSHA256)
	}
	if _, err := hex.Decode(k[:], []byte(hexSHA256)); err != nil {
		return fmt.Errorf("rbl: url hash %q: %w", hexSHA256, err)
	}
	b.urls[k] = b.value(e)
	return nil
}

// Build freezes the listings into a MemSource. When the same prefix or name
// is added twice, the last addition wins.
func (b *MemBuilder) Build() *MemSource {
	// Drop each scratch slice as soon as its table is built, so that the
	// peak memory of a large load stays near the final size.
	m := &MemSource{entries: slices.Clip(b.entries), urls: b.urls}
	width := widthFor(len(b.entries))
	m.v4 = buildV4(b.v4[:], width)
	m.v6 = buildPrefixTable(b.v6[:])
	m.dom = b.dom.build()
	*b = MemBuilder{}
	return m
}

// Len reports the number of distinct address prefixes, domain names and URL
// hashes.
func (m *MemSource) Len() (prefixes, domains, urls int) {
	return m.v4.len() + m.v6.len(), len(m.dom.offs), len(m.urls)
}

func (m *MemSource) entry(v uint32) (Entry, bool) {
	if v == noValue || v == excluded {
		return Entry{}, false
	}
	return m.entries[v-1], true
}

// LookupIP implements Source.
func (m *MemSource) LookupIP(ip netip.Addr) (Entry, bool) {
	ip = ip.Unmap()
	if ip.Is4() {
		return m.entry(m.v4.lookup(toV4key(ip)))
	}
	if ip.Is6() {
		return m.entry(m.v6.lookup(toU128(ip)))
	}
	return Entry{}, false
}

// LookupDomain implements Source.
func (m *MemSource) LookupDomain(name string) (Entry, bool) {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if r := m.dom.find(name); r >= 0 {
		if v := m.dom.self.get(r); v != noValue {
			return m.entry(v)
		}
	}
	for i := strings.IndexByte(name, '.'); i >= 0; {
		name = name[i+1:]
		if r := m.dom.find(name); r >= 0 {
			if v := m.dom.sub.get(r); v != noValue {
				return m.entry(v)
			}
		}
		i = strings.IndexByte(name, '.')
	}
	return Entry{}, false
}

// LookupURLHash implements Source.
func (m *MemSource) LookupURLHash(hexSHA256 string) (Entry, bool) {
	var k [32]byte
	if len(hexSHA256) != 64 {
		return Entry{}, false
	}
	if _, err := hex.Decode(k[:], []byte(hexSHA256)); err != nil {
		return Entry{}, false
	}
	return m.entry(m.urls[k])
}

// ---- address prefixes

// prefixKey is an address as an integer, ordered and maskable.
type prefixKey[K any] interface {
	comparable
	compare(K) int
	mask(bits uint8) K
	top16() int
}

type v4key uint32

func toV4key(a netip.Addr) v4key {
	b := a.As4()
	return v4key(b[0])<<24 | v4key(b[1])<<16 | v4key(b[2])<<8 | v4key(b[3])
}

func (k v4key) compare(o v4key) int { return cmp.Compare(k, o) }
func (k v4key) top16() int          { return int(k >> 16) }

func (k v4key) mask(bits uint8) v4key {
	if bits == 0 {
		return 0
	}
	return k &^ (1<<(32-v4key(bits)) - 1)
}

type u128 struct{ hi, lo uint64 }

func toU128(a netip.Addr) u128 {
	b := a.As16()
	var k u128
	for i := range 8 {
		k.hi = k.hi<<8 | uint64(b[i])
		k.lo = k.lo<<8 | uint64(b[8+i])
	}
	return k
}

func (k u128) top16() int { return int(k.hi >> 48) }

func (k u128) compare(o u128) int {
	if c := cmp.Compare(k.hi, o.hi); c != 0 {
		return c
	}
	return cmp.Compare(k.lo, o.lo)
}

func (k u128) mask(bits uint8) u128 {
	switch {
	case bits == 0:
		return u128{}
	case bits <= 64:
		return u128{hi: k.hi &^ (1<<(64-uint64(bits)) - 1)}
	case bits < 128:
		return u128{hi: k.hi, lo: k.lo &^ (1<<(128-uint64(bits)) - 1)}
	}
	return k
}

// prefixTable holds one sorted key array per prefix length present, longest
// first; a lookup masks the address and binary-searches each array.
type prefixTable[K prefixKey[K]] struct {
	levels []level[K]
}

type level[K prefixKey[K]] struct {
	bits uint8
	keys []K
	vals []uint32
	// first[i] is the index of the first key whose top 16 bits are ≥ i, so
	// that a search touches one small run of keys instead of the whole
	// array (a 1M-entry binary search misses the cache at every step).
	first []uint32
}

func (lv *level[K]) add(k K, v uint32) {
	lv.keys = append(lv.keys, k)
	lv.vals = append(lv.vals, v)
}

// minIndexed is the level size from which the 256 KiB first-index pays off.
const minIndexed = 1 << 15

func (lv *level[K]) buildIndex() {
	if len(lv.keys) < minIndexed {
		return
	}
	lv.first = make([]uint32, 1<<16+1)
	j := 0
	for i := range 1 << 16 {
		for j < len(lv.keys) && lv.keys[j].top16() < i {
			j++
		}
		lv.first[i] = uint32(j)
	}
	lv.first[1<<16] = uint32(len(lv.keys))
}

// buildPrefixTable takes the builder's levels (indexed by prefix length,
// in insertion order), sorts each with a stable sort so that among
// duplicates the last addition wins, and clears them.
func buildPrefixTable[K prefixKey[K]](byBits []level[K]) prefixTable[K] {
	var t prefixTable[K]
	for bits := len(byBits) - 1; bits >= 0; bits-- {
		lv := byBits[bits]
		byBits[bits] = level[K]{}
		if len(lv.keys) == 0 {
			continue
		}
		lv.bits = uint8(bits)
		sortLevel(lv.keys, lv.vals)
		n := 0 // keep the last of each run of equal keys
		for j := range lv.keys {
			if j+1 < len(lv.keys) && lv.keys[j+1] == lv.keys[j] {
				continue
			}
			lv.keys[n], lv.vals[n] = lv.keys[j], lv.vals[j]
			n++
		}
		if n < cap(lv.keys)*7/8 { // give back what Grow over-reserved
			lv.keys, lv.vals = slices.Clone(lv.keys[:n]), slices.Clone(lv.vals[:n])
		}
		lv.keys, lv.vals = lv.keys[:n:n], lv.vals[:n:n]
		lv.buildIndex()
		t.levels = append(t.levels, lv)
	}
	return t
}

// sortLevel sorts keys, and vals alongside, stably. IPv4 keys use a two-pass
// LSD radix sort: linear, and a million keys sort in milliseconds.
func sortLevel[K prefixKey[K]](keys []K, vals []uint32) {
	if k4, ok := any(keys).([]v4key); ok {
		radixSortV4(k4, vals)
		return
	}
	type pair struct {
		key K
		val uint32
	}
	ps := make([]pair, len(keys))
	for i := range keys {
		ps[i] = pair{keys[i], vals[i]}
	}
	slices.SortStableFunc(ps, func(a, b pair) int { return a.key.compare(b.key) })
	for i, p := range ps {
		keys[i], vals[i] = p.key, p.val
	}
}

func radixSortV4(keys []v4key, vals []uint32) {
	tk, tv := make([]v4key, len(keys)), make([]uint32, len(vals))
	srcK, srcV, dstK, dstV := keys, vals, tk, tv
	count := make([]int, 1<<16+1)
	for shift := 0; shift < 32; shift += 16 {
		clear(count)
		for _, k := range srcK {
			count[(k>>shift)&0xffff+1]++
		}
		for i := 1; i < len(count); i++ {
			count[i] += count[i-1]
		}
		for i, k := range srcK {
			d := &count[(k>>shift)&0xffff]
			dstK[*d], dstV[*d] = k, srcV[i]
			*d++
		}
		srcK, srcV, dstK, dstV = dstK, dstV, srcK, srcV
	}
	// Two passes: the sorted data is back in keys and vals.
}

func (t *prefixTable[K]) len() int {
	n := 0
	for _, lv := range t.levels {
		n += len(lv.keys)
	}
	return n
}

func (t *prefixTable[K]) lookup(k K) uint32 {
	for i := range t.levels {
		lv := &t.levels[i]
		want := k.mask(lv.bits)
		lo, hi := 0, len(lv.keys)
		if lv.first != nil {
			top := want.top16()
			lo, hi = int(lv.first[top]), int(lv.first[top+1])
		}
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if lv.keys[mid].compare(want) < 0 {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if lo < len(lv.keys) && lv.keys[lo] == want {
			return lv.vals[lo]
		}
	}
	return noValue
}
