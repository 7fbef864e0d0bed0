package rbl

import (
	"slices"
)

// The IPv4 and domain tables of a MemSource are laid out to be as small as
// the data allows, because an rbldnsd-sized list (a million addresses)
// should not cost much more memory in Vigie than in rbldnsd:
//
//   - values (index+1 into MemSource.entries, or excluded) are stored in the
//     narrowest width that holds them: one byte while there are fewer than
//     255 distinct entries, which is the rule (a list has a handful of
//     codes and reasons);
//   - a large IPv4 level is bucketed by the top 16 bits of the address, so
//     each key keeps only its low 16 bits: 2 bytes per address plus a
//     256 KiB bucket index, instead of 4;
//   - the builder keeps values as runs (bulk loads repeat one value), so a
//     million addresses cost 4 bytes each while loading.

// packedVals is a []uint32 stored in 1, 2 or 4 bytes per value.
type packedVals struct {
	w8  []uint8
	w16 []uint16
	w32 []uint32
}

// widthFor returns the bytes per value needed for values up to maxVal
// (excluded maps to the width's all-ones).
func widthFor(maxVal int) int {
	switch {
	case maxVal < 0xff:
		return 1
	case maxVal < 0xffff:
		return 2
	}
	return 4
}

func makePacked(width, n int) packedVals {
	switch width {
	case 1:
		return packedVals{w8: make([]uint8, n)}
	case 2:
		return packedVals{w16: make([]uint16, n)}
	}
	return packedVals{w32: make([]uint32, n)}
}

func (p *packedVals) set(i int, v uint32) {
	switch {
	case p.w8 != nil:
		if v == excluded {
			v = 0xff
		}
		p.w8[i] = uint8(v)
	case p.w16 != nil:
		if v == excluded {
			v = 0xffff
		}
		p.w16[i] = uint16(v)
	default:
		p.w32[i] = v
	}
}

func (p *packedVals) get(i int) uint32 {
	switch {
	case p.w8 != nil:
		if v := p.w8[i]; v != 0xff {
			return uint32(v)
		}
		return excluded
	case p.w16 != nil:
		if v := p.w16[i]; v != 0xffff {
			return uint32(v)
		}
		return excluded
	}
	return p.w32[i]
}

func (p *packedVals) len() int { return max(len(p.w8), len(p.w16), len(p.w32)) }

// shrink keeps the first n values, copying them when that frees memory.
func (p *packedVals) shrink(n int) {
	switch {
	case p.w8 != nil:
		p.w8 = shrinkSlice(p.w8, n)
	case p.w16 != nil:
		p.w16 = shrinkSlice(p.w16, n)
	default:
		p.w32 = shrinkSlice(p.w32, n)
	}
}

func shrinkSlice[T any](s []T, n int) []T {
	if n < cap(s)/2 { // a copy costs a moment's peak: only when it halves the array
		return slices.Clone(s[:n])
	}
	return s[:n:n]
}

// fits reports whether v can be stored at the current width.
func (p *packedVals) fits(v uint32) bool {
	switch {
	case v == excluded:
		return true
	case p.w8 != nil:
		return v < 0xff
	case p.w16 != nil:
		return v < 0xffff
	}
	return true
}

// push appends v, widening the storage when v does not fit (a list with
// more distinct entries than the width holds: rare, paid once).
func (p *packedVals) push(v uint32) {
	if p.w8 == nil && p.w16 == nil && p.w32 == nil {
		p.w8 = make([]uint8, 0, 16)
	}
	if !p.fits(v) {
		n := p.len()
		w := makePacked(widthFor(int(v)+1), n)
		for i := range n {
			w.set(i, p.get(i))
		}
		*p = w
	}
	switch {
	case p.w8 != nil:
		p.w8 = append(p.w8, 0)
	case p.w16 != nil:
		p.w16 = append(p.w16, 0)
	default:
		p.w32 = append(p.w32, 0)
	}
	p.set(p.len()-1, v)
}

// grow reserves room for n more values at the current width (one byte
// when nothing was pushed yet).
func (p *packedVals) grow(n int) {
	switch {
	case p.w16 != nil:
		p.w16 = slices.Grow(p.w16, n)
	case p.w32 != nil:
		p.w32 = slices.Grow(p.w32, n)
	default:
		p.w8 = slices.Grow(p.w8, n)
	}
}

// update sets value i, widening the storage when v does not fit.
func (p *packedVals) update(i int, v uint32) {
	if !p.fits(v) {
		n := p.len()
		w := makePacked(widthFor(int(v)+1), n)
		for j := range n {
			w.set(j, p.get(j))
		}
		*p = w
	}
	p.set(i, v)
}

// valRuns are the values of a builder level: run i covers the keys from
// runs[i].start to the next run's start.
type valRun struct{ start, val uint32 }

type runList []valRun

func (r *runList) add(i int, v uint32) {
	if n := len(*r); n > 0 && (*r)[n-1].val == v {
		return
	}
	*r = append(*r, valRun{uint32(i), v})
}

// at returns the value of key i, for i increasing from 0 (cursor keeps the
// current run).
func (r runList) at(i int, cursor *int) uint32 {
	for *cursor+1 < len(r) && int(r[*cursor+1].start) <= i {
		*cursor++
	}
	return r[*cursor].val
}

// v4Level is one prefix length of the IPv4 table. A small level keeps
// full keys; a large one (minIndexed keys or more) keeps the low 16 bits
// of each key, sorted within buckets of equal top 16 bits that first
// delimits.
type v4Level struct {
	bits  uint8
	keys  []v4key  // small level
	first []uint32 // large level: first[t] is the index of bucket t's first key
	low   []uint16 // large level
	vals  packedVals
}

type v4Table struct{ levels []v4Level }

func (t *v4Table) len() int {
	n := 0
	for i := range t.levels {
		n += t.levels[i].vals.len()
	}
	return n
}

func (t *v4Table) lookup(k v4key) uint32 {
	for i := range t.levels {
		lv := &t.levels[i]
		want := k.mask(lv.bits)
		if lv.first != nil {
			top := want.top16()
			lo, hi := int(lv.first[top]), int(lv.first[top+1])
			w := uint16(want)
			for lo < hi {
				mid := int(uint(lo+hi) >> 1)
				if lv.low[mid] < w {
					lo = mid + 1
				} else {
					hi = mid
				}
			}
			if lo < int(lv.first[top+1]) && lv.low[lo] == w {
				return lv.vals.get(lo)
			}
			continue
		}
		lo, hi := 0, len(lv.keys)
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if lv.keys[mid] < want {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		if lo < len(lv.keys) && lv.keys[lo] == want {
			return lv.vals.get(lo)
		}
	}
	return noValue
}

// v4Builder collects one prefix length's keys in insertion order.
type v4Builder struct {
	keys []v4key
	runs runList
}

func (b *v4Builder) add(k v4key, v uint32) {
	b.runs.add(len(b.keys), v)
	b.keys = append(b.keys, k)
}

// buildV4 turns the builder's levels (indexed by prefix length) into the
// table, longest prefix first, freeing each level's scratch space as soon
// as its table is built. Among duplicates of one key, the last added wins.
func buildV4(byBits []v4Builder, width int) v4Table {
	var t v4Table
	for bits := len(byBits) - 1; bits >= 0; bits-- {
		b := byBits[bits]
		byBits[bits] = v4Builder{}
		if len(b.keys) == 0 {
			continue
		}
		lv := v4Level{bits: uint8(bits)}
		if len(b.keys) < minIndexed {
			lv.buildSmall(b, width)
		} else {
			lv.buildLarge(b, width)
		}
		t.levels = append(t.levels, lv)
	}
	return t
}

func (lv *v4Level) buildSmall(b v4Builder, width int) {
	n := len(b.keys)
	idx := make([]uint64, n)
	for i, k := range b.keys {
		idx[i] = uint64(k)<<32 | uint64(i)
	}
	slices.Sort(idx) // keys then insertion order: stable
	lv.keys = make([]v4key, 0, n)
	lv.vals = makePacked(width, n)
	cur := 0
	vals := make([]uint32, n)
	for i := range n {
		vals[i] = b.runs.at(i, &cur)
	}
	for j, x := range idx {
		if j+1 < n && idx[j+1]>>32 == x>>32 {
			continue // a later addition of the same key wins
		}
		lv.vals.set(len(lv.keys), vals[uint32(x)])
		lv.keys = append(lv.keys, v4key(x>>32))
	}
	lv.vals.shrink(len(lv.keys))
	lv.keys = slices.Clip(lv.keys)
}

func (lv *v4Level) buildLarge(b v4Builder, width int) {
	n := len(b.keys)
	// Counting sort on the top 16 bits: stable, so each bucket keeps the
	// insertion order of its keys.
	first := make([]uint32, 1<<16+1)
	for _, k := range b.keys {
		first[k.top16()+1]++
	}
	for i := 1; i < len(first); i++ {
		first[i] += first[i-1]
	}
	low := make([]uint16, n)
	vals := makePacked(width, n)
	next := slices.Clone(first[:1<<16])
	cur := 0
	for i, k := range b.keys {
		p := next[k.top16()]
		next[k.top16()]++
		low[p] = uint16(k)
		vals.set(int(p), b.runs.at(i, &cur))
	}
	next = nil
	b.keys, b.runs = nil, nil
	w := sortBuckets(first, low, &vals)
	lv.first = first
	lv.low = shrinkSlice(low, w)
	vals.shrink(w)
	lv.vals = vals
}

// sortBuckets sorts each bucket of low (delimited by first) by its low 16
// bits, stably, keeps the last of equal keys, compacts the buckets in
// place and rewrites first; it returns the number of keys kept.
func sortBuckets(first []uint32, low []uint16, vals *packedVals) int {
	// Sort each bucket by its low 16 bits, stably, and keep the last of
	// equal keys; buckets are compacted in place as they go.
	var tmp []uint64
	var tmpVals []uint32
	const posMask = 1<<48 - 1
	w := 0
	for t := range 1 << 16 {
		lo, hi := int(first[t]), int(first[t+1])
		first[t] = uint32(w)
		if hi-lo == 1 {
			low[w] = low[lo]
			vals.set(w, vals.get(lo))
			w++
			continue
		}
		// low<<48 | position: sorting by it is a stable sort by low.
		tmp, tmpVals = tmp[:0], tmpVals[:0]
		for i := lo; i < hi; i++ {
			tmp = append(tmp, uint64(low[i])<<48|uint64(i-lo))
			tmpVals = append(tmpVals, vals.get(i))
		}
		slices.Sort(tmp)
		for j, x := range tmp {
			if j+1 < len(tmp) && tmp[j+1]>>48 == x>>48 {
				continue
			}
			low[w] = uint16(x >> 48)
			vals.set(w, tmpVals[x&posMask])
			w++
		}
	}
	first[1<<16] = uint32(w)
	return w
}

// Two-pass loading. A million addresses read once into a scratch array
// and then sorted cost that array on top of the table being built. Read
// twice instead — once to count the addresses of each prefix length and
// 16-bit bucket, once to place each in its final slot — a large level is
// built in place and the scratch array never exists. MemBuilder.CountIPv4
// and PlaceIPv4 switch the passes; a small level (fewer than minIndexed
// addresses) is collected as usual in the second pass.

// v4Plan is a large level being placed: its bucket boundaries, the next
// free slot of each bucket, and the final arrays.
type v4Plan struct {
	total int
	first []uint32 // counts during the first pass, then boundaries
	next  []uint32
	low   []uint16
	vals  packedVals
	bad   bool // more addresses than counted: the file changed between passes
}

func (p *v4Plan) place(k v4key, v uint32) {
	t := k.top16()
	i := p.next[t]
	if i >= p.first[t+1] {
		p.bad = true
		return
	}
	p.low[i] = uint16(k)
	p.vals.set(int(i), v)
	p.next[t]++
}

// finish checks that every bucket was filled exactly and sorts them.
func (p *v4Plan) finish(bits int) (v4Level, bool) {
	for t := range 1 << 16 {
		if p.next[t] != p.first[t+1] {
			return v4Level{}, false
		}
	}
	p.next = nil
	w := sortBuckets(p.first, p.low, &p.vals)
	lv := v4Level{bits: uint8(bits), first: p.first, low: shrinkSlice(p.low, w), vals: p.vals}
	lv.vals.shrink(w)
	return lv, true
}
