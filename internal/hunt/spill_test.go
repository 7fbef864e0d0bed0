package hunt

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestStoreOrder: sign-ins come back by time, ties in the order kept,
// whether the buffer's times fit the one-integer key or not (undated
// sign-ins among dated ones), over a few or many radix passes, spilled or
// in memory.
func TestStoreOrder(t *testing.T) {
	defer func(n int) { spillAt = n }(spillAt)
	for _, tc := range []struct {
		name    string
		spill   int
		undated bool
		span    int64 // seconds
	}{{"memory", 1 << 20, false, 600}, {"spilled", 97, false, 600}, {"memory undated", 1 << 20, true, 600}, {"spilled undated", 97, true, 600},
		{"ten years", 1 << 20, false, 10 * 365 * 86400}, {"one instant", 1 << 20, false, 1},
		{"nearly in order", 1 << 20, false, -1}, {"nearly in order, spilled", 97, false, -1}} {
		t.Run(tc.name, func(t *testing.T) {
			spillAt = tc.spill
			r := rand.New(rand.NewPCG(5, 6))
			var st store
			var kept []signIn
			for i := 0; i < 5000; i++ {
				var s signIn
				if tc.span < 0 { // in order but for one in ten, filed up to a minute late
					s = signIn{t: 1735689600000 + int64(i)*1000 - int64(r.IntN(10)/9)*r.Int64N(60_000), who: uint32(i + 1), n: 1}
				} else {
					s = signIn{t: 1735689600000 + r.Int64N(tc.span)*1000, who: uint32(i + 1), n: 1}
				}
				if tc.undated && r.IntN(10) == 0 {
					s.t = 0
				}
				st.add(s)
				kept = append(kept, s)
			}
			// The expected order: by time, then by rank kept (who).
			slices.SortStableFunc(kept, func(a, b signIn) int { return cmpInt64(a.t, b.t) })
			var got []uint32
			st.each(func(s *signIn) { got = append(got, s.who) })
			if len(got) != len(kept) {
				t.Fatalf("%d sign-ins back of %d", len(got), len(kept))
			}
			for i := range kept {
				if got[i] != kept[i].who {
					t.Fatalf("position %d: sign-in %d, want %d", i, got[i], kept[i].who)
				}
			}
		})
	}
}
