package ioc

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strings"
	"time"
)

// The matcher's index is built for lookups that allocate nothing: each
// indicator is a compact entry (its strings shared with the map keys, its
// source, reason and author interned), and every kind has a hash table.
//
// IP networks are kept in one hash table per prefix length present (in
// practice a handful: /32, /24, /128, /64…), probed longest first. A lookup
// costs one probe per distinct length, independent of the number of
// entries, and a table can be rebuilt or patched without re-sorting.
// Domains walk the name's label boundaries ("a.b.example" → "b.example" →
// "example"), one probe each.

// kcode is a compact Kind.
type kcode uint8

const (
	kIP kcode = iota
	kDomain
	kHost
	kURL
	kEmail
	kSHA256
	kFuzzy
)

var kindNames = [...]Kind{KindIP, KindDomain, KindHost, KindURL, KindEmail, KindSHA256, KindFuzzy}

func codeOf(k Kind) (kcode, bool) {
	for i, n := range kindNames {
		if n == k {
			return kcode(i), true
		}
	}
	return 0, false
}

// meta is the part of an indicator that feeds repeat by the million;
// entries share one interned copy.
type meta struct {
	source, reason, addedBy string
	code                    int
}

type entry struct {
	id      int64
	created int64 // Unix ms
	expires int64 // Unix ms, 0: never
	value   string
	meta    *meta
	kind    kcode
	block   bool
	allow   bool // an allow entry: never a hit, hides feed entries of what it covers
	feed    bool // from a feed: an allow entry wins over it
}

func (e *entry) live(now int64) bool { return e.expires == 0 || now < e.expires }

func (e *entry) indicator() Indicator {
	mode := Watch
	switch {
	case e.block:
		mode = Block
	case e.allow:
		mode = Allow
	}
	in := Indicator{ID: e.id, Kind: kindNames[e.kind], Value: e.value, Mode: mode,
		Source: e.meta.source, Reason: e.meta.reason, AddedBy: e.meta.addedBy, Code: e.meta.code,
		CreatedAt: time.UnixMilli(e.created).UTC()}
	if e.expires != 0 {
		in.ExpiresAt = time.UnixMilli(e.expires).UTC()
	}
	return in
}

type v4table struct {
	bits int
	m    map[uint32]int32
}

type v6table struct {
	bits int
	m    map[[16]byte]int32
}

type index struct {
	entries []entry
	v4      []v4table // longest prefix first
	v6      []v6table
	names   [kFuzzy + 1]map[string]int32 // domain, host, url, email, fuzzy (by value)
	sha     map[[32]byte]int32
	urlHash map[[32]byte]int32 // SHA-256 of the normalised URL, for the DNSBL
	allows  int                // allow entries: when none, lookups skip the allow rules
}

var emptyIndex = buildIndex(nil)

func buildIndex(entries []entry) *index {
	ix := &index{entries: entries}
	var counts [kFuzzy + 1]int
	for i := range entries {
		counts[entries[i].kind]++
	}
	for _, k := range []kcode{kDomain, kHost, kURL, kEmail, kFuzzy} {
		ix.names[k] = make(map[string]int32, counts[k])
	}
	ix.sha = make(map[[32]byte]int32, counts[kSHA256])
	ix.urlHash = make(map[[32]byte]int32, counts[kURL])
	v4 := map[int]map[uint32]int32{}
	v6 := map[int]map[[16]byte]int32{}
	for i := range entries {
		e := &entries[i]
		pos := int32(i)
		if e.allow {
			ix.allows++
		}
		switch e.kind {
		case kIP:
			p, ok := parseIPValue(e.value)
			if !ok {
				continue
			}
			if p.Addr().Is4() {
				t := v4[p.Bits()]
				if t == nil {
					t = map[uint32]int32{}
					v4[p.Bits()] = t
				}
				t[v4key(p.Addr())] = pos
			} else {
				t := v6[p.Bits()]
				if t == nil {
					t = map[[16]byte]int32{}
					v6[p.Bits()] = t
				}
				t[p.Addr().As16()] = pos
			}
		case kSHA256:
			var h [32]byte
			if n, err := hex.Decode(h[:], []byte(e.value)); err == nil && n == 32 {
				ix.sha[h] = pos
			}
		case kURL:
			ix.names[kURL][e.value] = pos
			ix.urlHash[sha256.Sum256([]byte(e.value))] = pos
		default:
			ix.names[e.kind][e.value] = pos
		}
	}
	for bits := 32; bits >= 0; bits-- {
		if t := v4[bits]; t != nil {
			ix.v4 = append(ix.v4, v4table{bits, t})
		}
	}
	for bits := 128; bits >= 0; bits-- {
		if t := v6[bits]; t != nil {
			ix.v6 = append(ix.v6, v6table{bits, t})
		}
	}
	return ix
}

func parseIPValue(v string) (netip.Prefix, bool) {
	if strings.IndexByte(v, '/') >= 0 {
		p, err := netip.ParsePrefix(v)
		return p.Masked(), err == nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

func v4key(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func mask6(a [16]byte, bits int) [16]byte {
	for i := range a {
		switch {
		case bits >= 8:
			bits -= 8
		case bits <= 0:
			a[i] = 0
		default:
			a[i] &= ^byte(0xff >> bits)
			bits = 0
		}
	}
	return a
}

// eachIP calls fn for every IP entry containing a, longest prefix first.
func (ix *index) eachIP(a netip.Addr, fn func(e *entry) bool) {
	a = a.Unmap()
	if a.Is4() {
		k := v4key(a)
		for _, t := range ix.v4 {
			var m uint32
			if t.bits > 0 {
				m = ^uint32(0) << (32 - t.bits)
			}
			if i, ok := t.m[k&m]; ok && !fn(&ix.entries[i]) {
				return
			}
		}
		return
	}
	if !a.Is6() {
		return
	}
	k := a.As16()
	for _, t := range ix.v6 {
		if i, ok := t.m[mask6(k, t.bits)]; ok && !fn(&ix.entries[i]) {
			return
		}
	}
}

func (ix *index) name(k kcode, v string) (*entry, bool) {
	if i, ok := ix.names[k][v]; ok {
		return &ix.entries[i], true
	}
	return nil, false
}

func (ix *index) nameBytes(k kcode, v []byte) (*entry, bool) {
	if i, ok := ix.names[k][string(v)]; ok {
		return &ix.entries[i], true
	}
	return nil, false
}

func (ix *index) hash(m map[[32]byte]int32, h *[32]byte) (*entry, bool) {
	if i, ok := m[*h]; ok {
		return &ix.entries[i], true
	}
	return nil, false
}
