package bayes

import (
	"slices"
	"strings"

	"vigie.dev/vigie/internal/scan"
)

// Features are the distinct hashed features of one message. A Features is
// reused from message to message (Reset) so that scanning allocates nothing.
type Features struct {
	Hashes []uint64
	// Words counts the words read and Shapes the words replaced by their
	// shape (long numbers, identifiers, encoded blobs): learning refuses a
	// message that is mostly shapes.
	Words, Shapes int
	// Distinct counts the words seen for the first time, and Junk the
	// control characters and undecodable bytes among the Bytes read:
	// learning refuses what reads like noise.
	Distinct, Junk, Bytes int
	// Truncated is set when a limit cut the message short.
	Truncated bool

	set     []uint64 // open-addressing set over Hashes, 0 = empty
	origins []origin // where each of Hashes came from, for explanations
	// The texts read, for explanations: subject, body, links.
	subject, body string
	links         []scan.Link
	clues         []Clue // Classify's buffer
	sink          uint64 // see table.touch
}

// Reset empties f for another message.
func (f *Features) Reset() {
	f.Hashes = f.Hashes[:0]
	f.origins = f.origins[:0]
	f.subject, f.body, f.links = "", "", nil
	f.Words, f.Shapes, f.Truncated = 0, 0, false
	f.Distinct, f.Junk, f.Bytes = 0, 0, 0
	clear(f.set)
}

// origin says where a feature came from: which text (0 subject, 1 body,
// 2 a link, numbered link), which bytes of it, and what kind of feature it
// is, so that an explanation can show it without tokenizing the message
// again.
type origin struct {
	kind kind
	src  uint8
	link uint16
	a, b uint32
}

type kind uint8

const (
	kWord     kind = iota // a word, folded
	kWordKept             // a word with its accents
	kShape                // a number, identifier or blob
	kPair                 // a sparse bigram: a..b spans both words
	kChars                // a character pair or lone character
	kHost
	kDomain
	kPath // a path segment, a..b within the link's target
)

// Text returns a feature's readable form ("" for a hash not among the
// features).
func (f *Features) Text(h uint64) string {
	i := slices.Index(f.Hashes, h)
	if i < 0 || i >= len(f.origins) {
		return ""
	}
	o := f.origins[i]
	var src string
	switch {
	case o.src == 0:
		src = f.subject
	case o.src == 1:
		src = f.body
	case int(o.link) < len(f.links):
		l := f.links[o.link]
		switch o.kind {
		case kHost:
			return l.Host
		case kDomain:
			return l.Domain
		}
		src = l.Target
	}
	if int(o.b) > len(src) || o.a > o.b {
		return ""
	}
	t := src[o.a:o.b]
	switch o.kind {
	case kWord, kPair:
		return readable(t, true)
	case kWordKept, kChars:
		return readable(t, false)
	case kShape:
		sh, _ := shapeOf(t)
		return sh.String()
	case kPath:
		if sh, ok := shapeOf(t); ok {
			return sh.String()
		}
		return "/" + strings.ToLower(t)
	}
	return t
}

// add records a feature once, with its origin, and reports whether it was
// new.
func (f *Features) add(h uint64, lim int, o origin) bool {
	if h == 0 {
		h = 1
	}
	if len(f.set) < 2*lim {
		n := 1024
		for n < 2*lim {
			n <<= 1
		}
		f.set = make([]uint64, n)
		for _, x := range f.Hashes {
			f.insert(x)
		}
	}
	if len(f.Hashes) >= lim {
		f.Truncated = true
		return false
	}
	if !f.insert(h) {
		return false
	}
	f.Hashes = append(f.Hashes, h)
	f.origins = append(f.origins, o)
	return true
}

func (f *Features) insert(h uint64) bool {
	mask := uint64(len(f.set) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch f.set[i] {
		case h:
			return false
		case 0:
			f.set[i] = h
			return true
		}
	}
}
