package hunt

import (
	"math/bits"
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

// sortBufReference is sortBuf as it was before the order was kept apart
// (3116ab3): the records gathered into the buffer's twin.
func sortBufReference(buf []signIn) []signIn {
	if len(buf) == 0 {
		return nil
	}
	sorted := make([]signIn, len(buf))
	lo, hi := buf[0].t, buf[0].t
	for i := range buf {
		lo, hi = min(lo, buf[i].t), max(hi, buf[i].t)
	}
	if uint64(hi-lo) < 1<<43 && len(buf) <= 1<<21 {
		keys, tmp := make([]uint64, len(buf)), make([]uint64, len(buf))
		for i := range buf {
			keys[i] = uint64(buf[i].t-lo)<<21 | uint64(buf[i].seq)
		}
		radixSort(keys, tmp, 21, bits.Len64(uint64(hi-lo)))
		for i, k := range keys {
			sorted[i] = buf[k&(1<<21-1)]
		}
		return sorted
	}
	type key struct {
		t   int64
		seq uint32
	}
	keys := make([]key, len(buf))
	for i := range buf {
		keys[i] = key{buf[i].t, buf[i].seq}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmpTimeSeq(a.t, a.seq, b.t, b.seq) })
	for i, k := range keys {
		sorted[i] = buf[k.seq]
	}
	return sorted
}

// FuzzStoreOrder holds the store (sortBuf's order, spills, the merge) to
// sortBufReference over one buffer of the same sign-ins: the same records
// in the same order. Each three bytes of the input make one sign-in: a
// step in time (or undated, or far away), and its address.
func FuzzStoreOrder(f *testing.F) {
	f.Add(uint8(7), []byte("\x01\x00\x05\x00\x00\x06\xff\x10\x07\x03\x20\x01"))
	f.Add(uint8(0), []byte("\xfe\x01\x02\xfd\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, spill uint8, in []byte) {
		defer func(n int) { spillAt = n }(spillAt)
		spillAt = 1 << 20
		if spill > 0 {
			spillAt = int(spill)
		}
		var st store
		var kept []signIn
		now := int64(1735689600000)
		for i := 0; i+3 <= len(in) && i < 3*5000; i += 3 {
			s := signIn{who: uint32(i/3 + 1), n: 1, ip: addr{kind: 4}}
			s.ip.b[15] = in[i+2]
			switch in[i] {
			case 0xff:
				s.t = 0
			case 0xfe:
				s.t = now + 1<<44 // beyond the one-integer key's span
			case 0xfd:
				s.t = -now
			default:
				now += int64(int8(in[i]))*1000 + int64(in[i+1])
				s.t = now
			}
			st.add(s)
			kept = append(kept, s)
		}
		for i := range kept {
			kept[i].seq = uint32(i)
		}
		want := sortBufReference(kept)
		var got []signIn
		st.each(func(s *signIn) { got = append(got, *s) })
		if len(got) != len(want) {
			t.Fatalf("%d sign-ins back of %d", len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			g.seq, w.seq = 0, 0 // the rank in a spilled run's buffer is not written out
			if g != w {
				t.Fatalf("position %d: %+v, want %+v", i, g, w)
			}
		}
	})
}
