package logs

import "sync"

// Sign-ins are the events logs hold most of (an auth log of 100 MB is half
// a million), and the hunt keeps none of them: it copies what it needs. The
// busiest parsers take them from blocks of signInBlock rather than one
// allocation each; a consumer that keeps one keeps its block (18 KB).
const signInBlock = 64

var signInBlocks = sync.Pool{New: func() any { return new([]SignIn) }}

// NewSignIn returns a zeroed *SignIn carved from a block.
func NewSignIn() *SignIn {
	b := signInBlocks.Get().(*[]SignIn)
	if len(*b) == 0 {
		*b = make([]SignIn, signInBlock)
	}
	s := &(*b)[0]
	*b = (*b)[1:]
	signInBlocks.Put(b)
	return s
}
