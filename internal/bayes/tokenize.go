package bayes

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// TokenizerVersion changes whenever the features of a message change (a new
// feature kind, another hash). A model learned with another version is
// refused: its hashes would mean nothing to this one.
const TokenizerVersion = 1

// Limits bound the work done on one message, for learning and scanning alike.
type Limits struct {
	// MaxBytes of body text read (the subject is read up to 1 KiB besides).
	MaxBytes int
	// MaxTokens is the most distinct features kept per message.
	MaxTokens int
	// MaxLinks is the most distinct link targets read.
	MaxLinks int
}

// DefaultLimits are sized so that the classifier costs a fraction of a scan
// (each feature is one random memory access into the model): the subject
// and the first 8 KiB of text say what a message is about. On the
// validation part of the shared corpus, 12 KiB and 1,500 features, or 24 KiB
// and 3,000, classified no better.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 8 << 10, MaxTokens: 1000, MaxLinks: 30}
}

// Seeds keep the kinds of features apart: "paiement" in the subject and in
// the body are two features, as are a host and a path segment of the same
// spelling.
const (
	seedSubject uint64 = 0x5375626a65637431
	seedBody    uint64 = 0x426f647954657874
	seedHost    uint64 = 0x55726c486f737431
	seedDomain  uint64 = 0x55726c446f6d6e31
	seedPath    uint64 = 0x55726c5061746831
	seedShape   uint64 = 0x5368617065733031
	seedPair    uint64 = 0x4f53422d50616972
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// mix is the SplitMix64 finaliser: it spreads FNV's weak low bits so that
// hashes index the dedupe table and the model's map evenly.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

func hashString(seed uint64, s string) uint64 {
	h := uint64(fnvOffset) ^ seed
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return mix(h)
}

// pairHash is an orthogonal sparse bigram: two words and how far apart they
// are (1 = adjacent), as rspamd's OSB tokenizer counts them.
func pairHash(a, b uint64, gap int) uint64 {
	return mix(seedPair ^ a*0x9E3779B97F4A7C15 ^ (b<<17 | b>>47) ^ uint64(gap)<<56)
}

// window is how many words back a sparse bigram reaches. rspamd's window is
// five words (four pairs per word); two pairs per word classified the
// validation part of the shared corpus as well, with 40 % fewer features in
// the model and per message.
const window = 2

// wordReader cuts text into words and feeds unigrams and sparse bigrams.
type wordReader struct {
	f    *Features
	lim  int
	seed uint64
	src  string
	id   uint8 // origin.src of the text
	// Ring of the last words' hashes and spans, for the sparse bigrams.
	prev  [window]uint64
	spans [window][2]int
	nprev int
}

// Tokenizer turns a message into features. The zero value uses DefaultLimits.
type Tokenizer struct {
	Limits Limits
}

func (t Tokenizer) limits() Limits {
	l := t.Limits
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxTokens <= 0 {
		l.MaxTokens = d.MaxTokens
	}
	if l.MaxLinks <= 0 {
		l.MaxLinks = d.MaxLinks
	}
	return l
}

// Tokenize adds the features of a message to f: the words of the subject,
// the words of the body text, sparse bigrams of each, and the hosts,
// registrable domains and first path segments of the links.
func (t Tokenizer) Tokenize(f *Features, subject, body string, links []scan.Link) {
	lim := t.limits()
	if len(subject) > 1024 {
		subject = subject[:1024]
		f.Truncated = true
	}
	if len(body) > lim.MaxBytes {
		body = body[:lim.MaxBytes]
		f.Truncated = true
	}
	f.subject, f.body, f.links = subject, body, links
	w := wordReader{f: f, lim: lim.MaxTokens, seed: seedSubject, src: subject, id: 0}
	w.read()
	w = wordReader{f: f, lim: lim.MaxTokens, seed: seedBody, src: body, id: 1}
	w.read()
	t.links(f, lim, links)
}

// read walks the text once. A word is a run of letters, digits and marks;
// invisible characters inside a word are skipped (they are slipped in to
// break filters); an apostrophe ends a word (l'adresse). Scripts written
// without spaces (Chinese, Japanese, Thai, Lao, Khmer, Burmese) are cut
// into overlapping character pairs instead.
func (w *wordReader) read() {
	s := w.src
	w.f.Bytes += len(s)
	start := -1
	var kept, folded uint64 // FNV states: lower case with accents, and folded
	differs := false
	var prevCJK rune // the previous character of a run written without spaces
	cjkAt, cjkRun := 0, 0
	endWord := func(end int) {
		if start >= 0 {
			w.word(start, end, kept, folded, differs)
			start = -1
		}
	}
	endCJK := func() {
		if cjkRun == 1 {
			w.cjk(cjkAt, cjkAt+utf8.RuneLen(prevCJK), prevCJK, 0)
		}
		prevCJK, cjkRun = 0, 0
	}
	for i := 0; i < len(s); {
		if len(w.f.Hashes) >= w.lim {
			w.f.Truncated = true
			return
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if textmatch.WordByte(c) == 0 {
				if c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
					w.f.Junk++
				}
				endWord(i)
				if cjkRun > 0 {
					endCJK()
				}
				i++
				continue
			}
			if cjkRun > 0 {
				endCJK()
			}
			if start < 0 {
				start, kept, folded, differs = i, fnvOffset^w.seed, fnvOffset^w.seed, false
			}
			// The run of ASCII letters and digits, lower-cased, is the
			// same with and without accents.
			k, f := kept, folded
			for ; i < len(s) && textmatch.WordByte(s[i]) != 0; i++ {
				lower := uint64(textmatch.WordByte(s[i]))
				k = (k ^ lower) * fnvPrime
				f = (f ^ lower) * fnvPrime
			}
			kept, folded = k, f
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError || r >= 0x80 && r < 0xa0:
			w.f.Junk += size
			endWord(i)
		case textmatch.Invisible(r):
			// Inside a word or not, it changes nothing.
		case noSpaceScript(r):
			endWord(i)
			if cjkRun > 0 {
				w.cjk(cjkAt, i+size, prevCJK, r)
			}
			prevCJK, cjkAt = r, i
			cjkRun++
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if cjkRun > 0 {
				endCJK()
			}
			if start < 0 {
				start, kept, folded, differs = i, fnvOffset^w.seed, fnvOffset^w.seed, false
			}
			lr := textmatch.Lower(r)
			var buf [utf8.UTFMax]byte
			n := utf8.EncodeRune(buf[:], lr)
			for _, b := range buf[:n] {
				kept = (kept ^ uint64(b)) * fnvPrime
			}
			fs := textmatch.Fold(lr)
			if fs != string(buf[:n]) {
				differs = true
			}
			for j := 0; j < len(fs); j++ {
				folded = (folded ^ uint64(fs[j])) * fnvPrime
			}
		default:
			endWord(i)
			if cjkRun > 0 {
				endCJK()
			}
		}
		i += size
	}
	endWord(len(s))
	if cjkRun > 0 {
		endCJK()
	}
}

// word handles one word s[a:b]: its shape when it is a number, an
// identifier or an encoded blob; else the word with its accents and, when
// they differ, without them (the folded form is the one bigrams use).
func (w *wordReader) word(a, b int, kept, folded uint64, differs bool) {
	text := w.src[a:b]
	w.f.Words++
	if len(text) == 1 {
		return // "a", "l", "3": too common to tell anything
	}
	if sh, ok := shapeOf(text); ok {
		w.f.Shapes++
		h := sh.hash(w.seed)
		w.f.add(h, w.lim, w.at(kShape, a, b))
		w.pairs(h, a, b)
		return
	}
	hf := mix(folded)
	if w.f.add(hf, w.lim, w.at(kWord, a, b)) {
		w.f.Distinct++
	}
	if differs {
		w.f.add(mix(kept), w.lim, w.at(kWordKept, a, b))
	}
	w.pairs(hf, a, b)
}

func (w *wordReader) at(k kind, a, b int) origin {
	return origin{kind: k, src: w.id, a: uint32(a), b: uint32(b)}
}

// pairs emits the sparse bigrams ending at the word h and pushes it.
func (w *wordReader) pairs(h uint64, a, b int) {
	for k := 0; k < w.nprev; k++ {
		gap := k + 1
		p := w.prev[k]
		span := w.spans[k]
		w.f.add(pairHash(p, h, gap), w.lim, w.at(kPair, span[0], b))
	}
	for k := window - 1; k > 0; k-- {
		w.prev[k], w.spans[k] = w.prev[k-1], w.spans[k-1]
	}
	w.prev[0], w.spans[0] = h, [2]int{a, b}
	w.nprev = min(w.nprev+1, window)
}

// readable is a word as the explanation shows it: without the invisible
// characters it was read through, lower-cased, folded as the tokenizer
// folds it or with its accents.
func readable(w string, fold bool) string {
	w = strings.Map(func(r rune) rune {
		if textmatch.Invisible(r) {
			return -1
		}
		return r
	}, w)
	if fold {
		return textmatch.Normalize(w)
	}
	return strings.ToLower(w)
}

// cjk emits a character pair (or a lone character when b is 0), which also
// takes part in the sparse bigrams.
func (w *wordReader) cjk(at, end int, a, b rune) {
	w.f.Words++
	var buf [2 * utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], a)
	if b != 0 {
		n += utf8.EncodeRune(buf[n:], b)
	}
	h := uint64(fnvOffset) ^ w.seed
	for _, c := range buf[:n] {
		h = (h ^ uint64(c)) * fnvPrime
	}
	h = mix(h)
	w.f.add(h, w.lim, w.at(kChars, at, end))
	w.pairs(h, at, end)
}

// noSpaceScript reports the scripts written without spaces between words.
func noSpaceScript(r rune) bool {
	if r < 0x0E00 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai,
		unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// shapeOf replaces words that are unique by nature — long numbers, order
// and tracking identifiers, encoded blobs — by their shape, so that they
// teach something ("a 10-digit number") instead of filling the model with
// features seen once.
func shapeOf(w string) (shape, bool) {
	if len(w) <= 12 && (len(w) < 5 || w[0] < '0' || w[0] > '9') {
		return shape{}, false // most words: too short, or not a number
	}
	digits := 0
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= '0' && c <= '9' {
			digits++
		}
	}
	switch {
	case digits == len(w) && digits > 4:
		return shape{'n', min(digits, 20)}, true
	case digits > 0 && len(w) > 12:
		return shape{'i', min(len(w)/4*4, 64)}, true
	case len(w) > 40:
		return shape{'l', min(len(w)/16*16, 128)}, true
	}
	return shape{}, false
}

// shape is a kind of unique word (number, identifier, long blob) and its
// rounded length.
type shape struct {
	kind byte
	size int
}

func (s shape) hash(seed uint64) uint64 {
	return mix((seedShape ^ seed ^ uint64(s.kind)<<8 ^ uint64(s.size)) * fnvPrime)
}

func (s shape) String() string {
	name := map[byte]string{'n': "num", 'i': "id", 'l': "long"}[s.kind]
	return "<" + name + strconv.Itoa(s.size) + ">"
}

// links adds the hosts, registrable domains and first path segments of the
// message's distinct link targets.
func (t Tokenizer) links(f *Features, lim Limits, links []scan.Link) {
	seen := 0
	for i, l := range links {
		if l.Host == "" {
			continue
		}
		dup := false
		for _, p := range links[:i] {
			if p.Target == l.Target {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		if seen++; seen > lim.MaxLinks {
			f.Truncated = true
			return
		}
		host := l.Host
		link := uint16(min(i, 1<<16-1))
		f.add(hashString(seedHost, host), lim.MaxTokens, origin{kind: kHost, src: 2, link: link})
		if d := l.Domain; d != "" && d != host {
			f.add(hashString(seedDomain, d), lim.MaxTokens, origin{kind: kDomain, src: 2, link: link})
		}
		start, end := pathOf(l.Target)
		for n := 0; n < 3 && start < end; {
			a := start
			b := strings.IndexByte(l.Target[a:end], '/')
			if b < 0 {
				b = end
			} else {
				b += a
			}
			start = b + 1
			seg := l.Target[a:b]
			if seg == "" || len(seg) > 200 {
				continue
			}
			n++
			o := origin{kind: kPath, src: 2, link: link, a: uint32(a), b: uint32(b)}
			if sh, ok := shapeOf(seg); ok {
				f.add(sh.hash(seedPath), lim.MaxTokens, o)
				continue
			}
			f.add(hashLower(seedPath, seg), lim.MaxTokens, o)
		}
	}
}

// hashLower is hashString over the ASCII-lower-cased s, without a copy.
func hashLower(seed uint64, s string) uint64 {
	h := uint64(fnvOffset) ^ seed
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * fnvPrime
	}
	return mix(h)
}

// pathOf returns where a URL's path lies in u, without its leading slash,
// query and fragment (start == end when it has none).
func pathOf(u string) (start, end int) {
	rest := 0
	if i := strings.Index(u, "://"); i >= 0 {
		rest = i + 3
	}
	i := strings.IndexByte(u[rest:], '/')
	if i < 0 {
		return len(u), len(u)
	}
	start = rest + i + 1
	end = len(u)
	if j := strings.IndexAny(u[start:], "?#"); j >= 0 {
		end = start + j
	}
	return start, end
}
