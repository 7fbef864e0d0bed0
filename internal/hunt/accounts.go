package hunt

import "hash/maphash"

// Each sign-in names its account, and finding the account's number and
// what the hunter keeps of it while reading was the hunt's largest single
// cost: a map from names to principals touched its group, the slot, the
// key's bytes and the principal, four cache lines scattered over the heap,
// for every sign-in. The index below is a table of small entries (a tag
// of the name's hash and the account's number, 8 bytes each) in front of a
// dense slice of accounts that hold their name's bytes and their state
// while reading: a sign-in touches the table, which stays in cache, and
// one account.

// account is what the hunter updates for each sign-in of a principal, by
// number (signIn.who - 1): its last sign-in still taking repeats, and
// flags. Its name is kept inline when short enough, so that finding it
// compares bytes already in the same cache lines.
type account struct {
	// open is the last sign-in, still taking repeats (folded into its n).
	open    signIn
	hasOpen bool
	service bool
	known   bool  // signed in successfully: a real account
	nlen    uint8 // len(name) when it is inline, else longName
	name    [inlineName]byte
}

// inlineName is the longest name kept in an account (most addresses are
// shorter); longer ones are compared with the principal's name.
const inlineName = 44

const longName = 0xff

// accountIndex finds an account's number by name: open addressing with
// linear probing, at most half full. Each slot is the high half of the
// name's hash above the account's number; 0 is an empty slot.
type accountIndex struct {
	seed  maphash.Seed
	slots []uint64
	n     int
}

// findAccount returns the number of the account named name, or 0.
func (h *Hunter) findAccount(name string) uint32 {
	x := &h.index
	if x.n == 0 {
		return 0
	}
	hv := maphash.String(x.seed, name)
	tag, mask := hv>>32, uint64(len(x.slots)-1)
	for i := hv & mask; ; i = (i + 1) & mask {
		e := x.slots[i]
		if e == 0 {
			return 0
		}
		if e>>32 == tag {
			if who := uint32(e); h.sameName(who, name) {
				return who
			}
		}
	}
}

func (h *Hunter) sameName(who uint32, name string) bool {
	a := &h.accts[who-1]
	if a.nlen == longName {
		return h.people[who-1].name == name
	}
	return int(a.nlen) == len(name) && string(a.name[:a.nlen]) == name
}

// newAccount numbers a principal not seen before.
func (h *Hunter) newAccount(name string, service bool) uint32 {
	who := uint32(len(h.people) + 1)
	h.people = append(h.people, &principal{name: name, who: who, service: service})
	a := account{service: service, nlen: longName}
	if len(name) <= inlineName {
		a.nlen = uint8(copy(a.name[:], name))
	}
	h.accts = append(h.accts, a)
	x := &h.index
	if (x.n+1)*2 > len(x.slots) {
		if x.n == 0 {
			x.seed = maphash.MakeSeed()
		}
		x.slots = make([]uint64, max(1024, 2*len(x.slots)))
		for _, p := range h.people[:len(h.people)-1] {
			x.insert(p.name, p.who)
		}
	}
	x.insert(name, who)
	x.n++
	return who
}

func (x *accountIndex) insert(name string, who uint32) {
	hv := maphash.String(x.seed, name)
	mask := uint64(len(x.slots) - 1)
	i := hv & mask
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = hv>>32<<32 | uint64(who)
}
