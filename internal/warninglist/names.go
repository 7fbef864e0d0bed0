package warninglist

import "hash/maphash"

// setID names an interned set of lists (Set.sets); 0 is the empty set.
type setID uint32

// names maps strings to list sets with no pointer per entry: the names are
// stored one after the other in an arena and found by their hash.
type names struct {
	seed    maphash.Seed
	index   map[uint64]uint32 // hash of a name -> 1 + its entry
	entries []nameEntry
	arena   []byte
}

type nameEntry struct {
	at, to uint32 // the name is arena[at:to]
	set    setID
	next   uint32 // 1 + the next entry whose name has the same hash, 0 for none
}

// get returns the lists of name, 0 when it has none.
func (t *names) get(name string) setID {
	if t.index == nil {
		return 0
	}
	return t.getHashed(maphash.String(t.seed, name), name)
}

func (t *names) getHashed(h uint64, name string) setID {
	for e := t.index[h]; e != 0; e = t.entries[e-1].next {
		if n := &t.entries[e-1]; string(t.arena[n.at:n.to]) == name {
			return n.set
		}
	}
	return 0
}

// put sets the lists of name.
func (t *names) put(name string, set setID) {
	if t.index == nil {
		t.seed = maphash.MakeSeed()
		t.index = map[uint64]uint32{}
	}
	t.putHashed(maphash.String(t.seed, name), name, set)
}

func (t *names) putHashed(h uint64, name string, set setID) {
	first := t.index[h]
	for e := first; e != 0; e = t.entries[e-1].next {
		if n := &t.entries[e-1]; string(t.arena[n.at:n.to]) == name {
			n.set = set
			return
		}
	}
	at := uint32(len(t.arena))
	t.arena = append(t.arena, name...)
	t.entries = append(t.entries, nameEntry{at: at, to: uint32(len(t.arena)), set: set, next: first})
	t.index[h] = uint32(len(t.entries))
}
