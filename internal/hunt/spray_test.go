package hunt

import (
	"math/rand/v2"
	"testing"
)

// TestAccountCounts: the spray's per-account counts, in place then in a
// map, say what a map alone says, through the window's increments and
// decrements.
func TestAccountCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := 0; round < 200; round++ {
		var a accountCounts
		ref := map[uint32]int{}
		var window []uint32
		accounts := 1 + r.IntN(6)
		for i := 0; i < 300; i++ {
			if len(window) > 0 && r.IntN(3) == 0 {
				w := window[0]
				window = window[1:]
				a.dec(w)
				if ref[w]--; ref[w] == 0 {
					delete(ref, w)
				}
			} else {
				w := uint32(1 + r.IntN(accounts))
				window = append(window, w)
				a.inc(w)
				ref[w]++
			}
			if a.distinct() != len(ref) {
				t.Fatalf("round %d step %d: %d accounts, want %d", round, i, a.distinct(), len(ref))
			}
			for w := uint32(0); w <= uint32(accounts); w++ {
				if a.get(w) != ref[w] {
					t.Fatalf("round %d step %d: account %d counted %d, want %d", round, i, w, a.get(w), ref[w])
				}
			}
		}
	}
}
