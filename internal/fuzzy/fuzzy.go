// Package fuzzy fingerprints a message body so that copies of a reported
// campaign can be told apart from unrelated mail: a MinHash of 16 slots
// over three-word shingles of the normalised text (letters folded to lower
// case; digits, URLs and e-mail addresses dropped), and one over the
// sequence of HTML tags (the template). Similarity gives the share of
// equal slots.
//
// What production does with them: the scan puts both signatures in the
// verdict (scan.Input.FuzzyBody/FuzzyLayout) and the trace keeps the
// body's. The gateway's indicator matcher (package ioc, kind fuzzy) and
// the trace search match a body signature as an exact string: at the
// gateway only a copy whose normalised text gives the same 16 slots is
// caught (the same words with other amounts, references, links or
// addresses). Near-duplicate matching, Similarity at least
// mailbox.MinFuzzySimilarity, is done when a purge confirms the copies it
// found in the mailboxes (mailbox.ContentVerifier). The layout signature
// is shown, never matched.
package fuzzy

import (
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie.dev/vigie/internal/textmatch"
)

// Slots is the number of MinHash values in a signature.
const Slots = 16

// MinTokens is the least number of shingles worth fingerprinting; shorter
// texts give "" (too little to tell campaigns apart).
const MinTokens = 8

const maxTokens = 3000

// Signature is a MinHash signature written as "v1:" and 16 hex-encoded 32-bit values.
type Signature string

// Body fingerprints visible text.
func Body(text string) Signature {
	var s sketch
	s.reset()
	var w0, w1 uint64
	n := 0
	for words := (wordScanner{text: text}); n < maxTokens; n++ {
		h, ok := words.next()
		if !ok {
			break
		}
		// Shingles of three words: order matters, single words do not dominate.
		if n >= 2 {
			s.add(w0*0x9E3779B97F4A7C15 ^ w1*0xC2B2AE3D27D4EB4F ^ h)
		}
		w0, w1 = w1, h
	}
	if n-2 < MinTokens {
		return ""
	}
	return s.signature()
}

// Layout fingerprints the structure of HTML: the sequence of its tag names.
func Layout(html string) Signature {
	var s sketch
	s.reset()
	var t0, t1, t2 uint64
	n := 0
	for i := 0; i < len(html) && n < maxTokens; i++ {
		lt := strings.IndexByte(html[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		j := i + 1
		if j < len(html) && html[j] == '/' {
			j++
		}
		k := j
		for k < len(html) && k-j < 16 && isTagByte(html[k]) {
			k++
		}
		if k == j {
			continue
		}
		h := fnvLower(html[i:k])
		if n >= 3 {
			s.add(t0*0x9E3779B97F4A7C15 ^ t1*0xC2B2AE3D27D4EB4F ^ t2*0x165667B19E3779F9 ^ h)
		}
		t0, t1, t2 = t1, t2, h
		n++
		i = k - 1
	}
	if n-3 < MinTokens {
		return ""
	}
	return s.signature()
}

func isTagByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// Similarity returns the share of equal slots of two signatures, 0 when
// either is empty or malformed.
func Similarity(a, b Signature) float64 {
	va, okA := decode(a)
	vb, okB := decode(b)
	if !okA || !okB {
		return 0
	}
	same := 0
	for i := range va {
		if va[i] == vb[i] {
			same++
		}
	}
	return float64(same) / Slots
}

// Valid reports whether s is a well-formed signature.
func Valid(s Signature) bool { _, ok := decode(s); return ok }

type sketch struct{ min [Slots]uint32 }

func (s *sketch) reset() {
	for i := range s.min {
		s.min[i] = ^uint32(0)
	}
}

// add folds one token hash in. This is one-permutation hashing: the mixed
// hash picks a slot with its top bits and competes there with its low bits,
// one multiply per token instead of one per slot.
func (s *sketch) add(h uint64) {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 29
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 32
	i := h >> 60
	if v := uint32(h); v < s.min[i] {
		s.min[i] = v
	}
}

// densify fills empty slots from the next filled one (rotation), so that
// short texts still give comparable signatures.
func (s *sketch) densify() {
	for i := range s.min {
		if s.min[i] != ^uint32(0) {
			continue
		}
		for k := 1; k < Slots; k++ {
			if v := s.min[(i+k)%Slots]; v != ^uint32(0) {
				s.min[i] = v ^ uint32(k)*0x9E3779B9
				break
			}
		}
	}
}

func (s *sketch) signature() Signature {
	s.densify()
	var buf [4 * Slots]byte
	for i, x := range s.min {
		buf[4*i], buf[4*i+1], buf[4*i+2], buf[4*i+3] = byte(x>>24), byte(x>>16), byte(x>>8), byte(x)
	}
	return Signature("v1:" + hex.EncodeToString(buf[:]))
}

func decode(s Signature) ([Slots]uint32, bool) {
	var v [Slots]uint32
	rest, ok := strings.CutPrefix(string(s), "v1:")
	if !ok || len(rest) != 8*Slots {
		return v, false
	}
	b, err := hex.DecodeString(rest)
	if err != nil {
		return v, false
	}
	for i := range v {
		v[i] = uint32(b[4*i])<<24 | uint32(b[4*i+1])<<16 | uint32(b[4*i+2])<<8 | uint32(b[4*i+3])
	}
	return v, true
}

// fnvLower is FNV-1a over s with its ASCII letters lower-cased (a tag
// name: '<', '/' and ASCII letters and digits).
func fnvLower(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// wordScanner reads the normalised words of a text: letters folded to
// lower case; digits, URLs and e-mail addresses dropped, as they change
// from one copy of a campaign to the next.
type wordScanner struct {
	text string
	i    int
}

// next returns the hash of the next word, or false at the end of the text.
func (w *wordScanner) next() (uint64, bool) {
	text, i := w.text, w.i
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf {
			if !asciiLetter(c) {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(text[i:]); !unicode.IsLetter(r) {
			i += size
			continue
		}
		start := i
		h := uint64(14695981039346656037)
		skip := false
		for i < len(text) {
			// A run of ASCII letters, most of the text.
			for i < len(text) && asciiLetter(text[i]) {
				h ^= uint64(text[i] | 0x20)
				h *= 1099511628211
				i++
			}
			if i == len(text) {
				break
			}
			c := text[i]
			if c >= utf8.RuneSelf {
				r, size := utf8.DecodeRuneInString(text[i:])
				switch {
				case unicode.IsLetter(r):
					r = textmatch.Lower(r)
					h ^= uint64(r)
					h *= 1099511628211
				case unicode.IsDigit(r):
					skip = true
				default:
					goto end
				}
				i += size
				continue
			}
			switch {
			case c >= '0' && c <= '9':
				skip = true // amounts, dates, tracking tokens
			case c == '@' || c == ':' && strings.HasPrefix(text[i:], "://"):
				// An address or a URL: skip it to the next blank.
				skip = true
				for i < len(text) && text[i] != ' ' && text[i] != '\n' && text[i] != '\t' {
					i++
				}
				continue
			case c == '-' || c == '_' || c == '/' || c == '\'' || c == '.' && i+1 < len(text) && unicode.IsLetter(rune(text[i+1])):
			default:
				goto end
			}
			i++
		}
	end:
		if skip || i-start < 2 {
			continue
		}
		w.i = i
		return h, true
	}
	w.i = i
	return 0, false
}

func asciiLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
