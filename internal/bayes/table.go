package bayes

// table is the model's feature table: open addressing with linear probing
// over 16-byte slots (hash and both counts side by side), so that a lookup
// costs one cache miss where a Go map costs two. Classification is a few
// hundred to a thousand random lookups per message into a table of up to a
// million features: those misses are the classifier's cost. Hash 0 marks
// an empty slot; features never hash to 0 (Features.add maps it to 1).
type table struct {
	slots []slot
	n     int
}

type slot struct {
	h uint64
	c Counts
}

// bytesPerSlot is what the memory bound is computed from.
const bytesPerSlot = 16

func (t *table) len() int { return t.n }

func (t *table) get(h uint64) (Counts, bool) {
	if h == 0 {
		h = 1
	}
	if len(t.slots) == 0 {
		return Counts{}, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.h == h {
			return s.c, true
		}
		if s.h == 0 {
			return Counts{}, false
		}
	}
}

// touch loads the home slots of hs one after the other: the loads do not
// depend on each other, so the processor overlaps their cache misses, and
// the lookups that follow find the slots in cache. Classification spends
// most of its time waiting for these misses.
// The sum it returns is meaningless; the caller keeps it so that the
// compiler keeps the loads.
func (t *table) touch(hs []uint64) uint64 {
	if len(t.slots) == 0 {
		return 0
	}
	mask := uint64(len(t.slots) - 1)
	var sink uint64
	for _, h := range hs {
		sink += t.slots[h&mask].h
	}
	return sink
}

// put sets a feature's counts; zero counts delete it.
func (t *table) put(h uint64, c Counts) {
	if h == 0 {
		h = 1
	}
	if c == (Counts{}) {
		t.del(h)
		return
	}
	if 4*(t.n+1) > 3*len(t.slots) { // keep the load under 3/4
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.h == h {
			s.c = c
			return
		}
		if s.h == 0 {
			*s = slot{h, c}
			t.n++
			return
		}
	}
}

func (t *table) grow() {
	old := t.slots
	size := max(1024, 2*len(old))
	t.slots = make([]slot, size)
	t.n = 0
	mask := uint64(size - 1)
	for _, s := range old {
		if s.h == 0 {
			continue
		}
		i := s.h & mask
		for t.slots[i].h != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
		t.n++
	}
}

// del removes h, shifting back the slots of its probe run so that no
// lookup stops early (no tombstones to accumulate).
func (t *table) del(h uint64) {
	if len(t.slots) == 0 {
		return
	}
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for {
		if t.slots[i].h == 0 {
			return
		}
		if t.slots[i].h == h {
			break
		}
		i = (i + 1) & mask
	}
	j := i
	for {
		t.slots[i] = slot{}
		for {
			j = (j + 1) & mask
			if t.slots[j].h == 0 {
				t.n--
				return
			}
			k := t.slots[j].h & mask
			// Move slot j back to i unless its home k lies cyclically in (i, j].
			if (i <= j && (i < k && k <= j)) || (i > j && (i < k || k <= j)) {
				continue
			}
			break
		}
		t.slots[i] = t.slots[j]
		i = j
	}
}

// MemoryBound is the most memory, in bytes, the feature table of a model
// with these options takes in steady state: the hard bound of features
// (MaxTokens and a quarter, for a store another node has not pruned yet)
// at a load under 3/4, in a power-of-two table of 16-byte slots. A full
// reload from the store builds the new table before dropping the old one,
// so twice this is held for the length of a reload.
func (o Options) MemoryBound() int64 {
	o = o.withDefaults()
	hard := o.MaxTokens + o.MaxTokens/4
	slots := int64(1024)
	for 3*slots < 4*int64(hard+1) {
		slots <<= 1
	}
	return slots * bytesPerSlot
}
