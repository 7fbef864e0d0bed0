package rbl

import (
	"hash/maphash"
	"slices"
	"strings"
)

// domainBuilder builds the domain table as names arrive: the hash table,
// the arena and the per-name arrays are the final ones (values held at 4
// bytes until Build knows their width), so a load never holds the names
// twice.
type domainBuilder struct {
	seed      maphash.Seed
	arena     []byte
	offs      []uint32
	lens      []uint8
	self, sub packedVals
	slots     []uint32
}

func (d *domainBuilder) grow(names int) {
	d.offs = slices.Grow(d.offs, names)
	d.lens = slices.Grow(d.lens, names)
	d.self.grow(names)
	d.sub.grow(names)
	if 2*names > len(d.slots) {
		d.rehash(names)
	}
}

// rehash sizes the slots for about n names at a load of at most 1/2.
func (d *domainBuilder) rehash(n int) {
	size := 16
	for size < 2*n {
		size *= 2
	}
	if d.slots == nil {
		d.seed = maphash.MakeSeed()
	}
	d.slots = make([]uint32, size)
	for j := range d.offs {
		i := d.slot(maphash.Bytes(d.seed, d.arena[d.offs[j]:d.offs[j]+uint32(d.lens[j])]))
		for d.slots[i] != 0 {
			i = (i + 1) & (len(d.slots) - 1)
		}
		d.slots[i] = uint32(j + 1)
	}
}

func (d *domainBuilder) slot(h uint64) int { return int(h & uint64(len(d.slots)-1)) }

func (d *domainBuilder) add(name string, self, sub uint32) {
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > 253 {
		return
	}
	if 2*(len(d.offs)+1) > len(d.slots) {
		d.rehash(2 * (len(d.offs) + 1))
	}
	off := len(d.arena)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		d.arena = append(d.arena, c)
	}
	lname := d.arena[off:]
	i := d.slot(maphash.Bytes(d.seed, lname))
	for ; d.slots[i] != 0; i = (i + 1) & (len(d.slots) - 1) {
		j := d.slots[i] - 1
		if string(d.arena[d.offs[j]:d.offs[j]+uint32(d.lens[j])]) == string(lname) {
			d.arena = d.arena[:off] // a name seen before: its values are updated
			break
		}
	}
	if d.slots[i] == 0 {
		d.offs = append(d.offs, uint32(off))
		d.lens = append(d.lens, uint8(len(name)))
		d.self.push(noValue)
		d.sub.push(noValue)
		d.slots[i] = uint32(len(d.offs))
	}
	j := int(d.slots[i] - 1)
	if self != noValue {
		d.self.update(j, self) // the last addition wins
	}
	if sub != noValue {
		d.sub.update(j, sub)
	}
}

// domainTable is an open-addressing hash table (linear probing, load ≤ 1/2)
// whose slots hold index+1 into the name arrays: each name's offset and
// length in the arena, and its values for itself and for its subdomains.
type domainTable struct {
	seed      maphash.Seed
	arena     []byte
	offs      []uint32
	lens      []uint8
	self, sub packedVals
	slots     []uint32
}

func (d *domainBuilder) build() domainTable {
	n := len(d.offs)
	t := domainTable{seed: d.seed, arena: shrinkSlice(d.arena, len(d.arena)), offs: shrinkSlice(d.offs, n),
		lens: shrinkSlice(d.lens, n), slots: d.slots}
	if t.slots == nil {
		t.slots = make([]uint32, 16)
	}
	t.self, t.sub = d.self, d.sub
	t.self.shrink(n)
	t.sub.shrink(n)
	*d = domainBuilder{}
	return t
}

func (t *domainTable) slot(h uint64) int { return int(h & uint64(len(t.slots)-1)) }

// find returns the index of name, or -1.
func (t *domainTable) find(name string) int {
	if len(t.offs) == 0 {
		return -1
	}
	for i := t.slot(maphash.String(t.seed, name)); t.slots[i] != 0; i = (i + 1) & (len(t.slots) - 1) {
		j := int(t.slots[i] - 1)
		if int(t.lens[j]) == len(name) && string(t.arena[t.offs[j]:t.offs[j]+uint32(t.lens[j])]) == name {
			return j
		}
	}
	return -1
}
