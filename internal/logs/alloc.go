package logs

import "sync/atomic"

// Sign-ins are the events logs hold most of (an auth log of 100 MB is half
// a million), and the hunt keeps none of them: it copies what it needs. The
// busiest parsers take them from blocks of signInBlock rather than one
// allocation each; a consumer that keeps one keeps its block (18 KB).
const signInBlock = 64

// signIns is the block sign-ins are carved from: each call takes the next
// index with one atomic add (a sync.Pool's Get and Put cost four times
// more), and the caller that finds it used up installs a new block.
var signIns atomic.Pointer[signInBlockOf]

type signInBlockOf struct {
	next atomic.Int32
	s    [signInBlock]SignIn
}

// spareSignIn is a sign-in that its consumer did not keep
// (Options.SignInsNotKept), zeroed: the next NewSignIn takes it, so a hunt
// reuses one sign-in from line to line.
var spareSignIn atomic.Pointer[SignIn]

func recycleSignIn(s *SignIn) {
	*s = SignIn{}
	spareSignIn.Store(s)
}

// NewSignIn returns a zeroed *SignIn: the spare one, or one carved from a
// block. Safe for concurrent use.
func NewSignIn() *SignIn {
	if s := spareSignIn.Swap(nil); s != nil {
		return s
	}
	for {
		b := signIns.Load()
		if b != nil {
			if i := b.next.Add(1) - 1; i < signInBlock {
				return &b.s[i]
			}
		}
		nb := new(signInBlockOf)
		nb.next.Store(1)
		if signIns.CompareAndSwap(b, nb) {
			return &nb.s[0]
		}
	}
}

// Interner hands back one string for the short values that most records of
// a log repeat (application names, client apps), allocating only when a
// value differs from the one last seen in its slot. Safe for concurrent use:
// each slot is an atomic pointer to an immutable string.
type Interner struct{ slots [32]atomic.Pointer[string] }

// Str is Str(raw), the same string, interned when raw is a plain JSON string
// (no escape) of at most 64 bytes.
func (in *Interner) Str(raw []byte) string {
	n := len(raw)
	if n < 3 || n > 66 || raw[0] != '"' || raw[n-1] != '"' {
		return Str(raw)
	}
	v := raw[1 : n-1]
	slot := &in.slots[(uint(len(v))*7+uint(v[0])*3+uint(v[len(v)-1]))%uint(len(in.slots))]
	if p := slot.Load(); p != nil && *p == string(v) {
		return *p // held only escape-free, valid UTF-8 strings: so is v
	}
	s := Str(raw)
	if s == string(v) { // no escape to decode, valid UTF-8
		slot.Store(&s)
	}
	return s
}
