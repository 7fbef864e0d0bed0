// Package textmatch finds phrases from a dictionary in text, whatever the
// case, accents or punctuation: "Facture impayée", "FACTURE IMPAYEE" and
// "facture-impayée" all match the phrase "facture impayee". Text is cut into
// words once and phrases of up to MaxWords words are looked up by hash, so
// the cost does not grow with the size of the dictionary.
package textmatch

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxWords is the longest phrase, in words.
const MaxWords = 5

// Dict maps phrases to caller-chosen values (a category, a brand index...).
type Dict[V any] struct {
	phrases map[uint64][]V
	lens    [MaxWords + 1]bool
	// last is a bit filter of the phrases' last words: most words of a
	// text end no phrase, and are passed over with one bit test.
	last [1024]uint64
	// keys is a bit filter of the phrases' keys: a common word that ends
	// some phrase is looked up only for the lengths where one may end.
	keys [1024]uint64
}

// New builds an empty dictionary.
func New[V any]() *Dict[V] { return &Dict[V]{phrases: map[uint64][]V{}} }

// Add registers a phrase; words beyond MaxWords are ignored. Phrases are
// normalised the same way as text.
func (d *Dict[V]) Add(phrase string, v V) {
	var hs []uint64
	words(phrase, func(h uint64) bool { hs = append(hs, h); return len(hs) < MaxWords })
	if len(hs) == 0 {
		return
	}
	k := combine(hs)
	d.phrases[k] = append(d.phrases[k], v)
	lw := hs[len(hs)-1] & 0xFFFF
	d.last[lw>>6] |= 1 << (lw & 63)
	d.keys[k>>6&1023] |= 1 << (k & 63)
	d.lens[len(hs)] = true
}

// Find calls f for each phrase occurrence in text, in order, with the value
// registered for it; f returns false to stop. At most maxWords words of the
// text are read (0 means all).
func (d *Dict[V]) Find(text string, maxWords int, f func(V) bool) {
	d.FindAfter(text, maxWords, func(v V, _ uint64) bool { return f(v) })
}

// FindAfter is Find that also gives f the hash of the word just before the
// occurrence (Word's), or 0 when the phrase opens the text: the caller can
// tell "aucun changement de RIB" from "changement de RIB". French's
// negative partitive, "pas de" or "jamais de" before the phrase ("ne vous
// communiquera jamais de changement de RIB"), is the determiner "aucun"
// in two words, and is given as "aucun" when the three are written
// together (joined): "ne vous inquiétez pas, de nouvelles coordonnées
// bancaires…" is no denial.
func (d *Dict[V]) FindAfter(text string, maxWords int, f func(v V, before uint64) bool) {
	var ring [8]uint64 // the last words' hashes, ring[n&7] the n-th
	var ends [8]int    // where the last words end in text
	sc := wordScanner{s: text}
	for n := 0; maxWords == 0 || n < maxWords; n++ {
		h, ok := sc.next()
		if !ok {
			return
		}
		ring[n&7], ends[n&7] = h, sc.end
		if lw := h & 0xFFFF; d.last[lw>>6]&(1<<(lw&63)) == 0 {
			continue
		}
		for l := 1; l <= MaxWords && l <= n+1; l++ {
			if !d.lens[l] {
				continue
			}
			var hs [MaxWords]uint64
			for i := range l {
				hs[i] = ring[(n+1-l+i)&7]
			}
			k := combine(hs[:l])
			if d.keys[k>>6&1023]&(1<<(k&63)) == 0 {
				continue
			}
			var before uint64
			if n >= l {
				before = ring[(n-l)&7]
				if n > l && (before == wordDe || before == wordD) && deniedBy(ring[(n-l-1)&7]) &&
					joined(text[ends[(n-l-1)&7]:ends[(n-l+1)&7]]) {
					before = noneOf[0]
				}
			}
			for _, v := range d.phrases[k] {
				if !f(v, before) {
					return
				}
			}
		}
	}
}

// Word returns the hash the matcher reads the first word of w as (0 when w
// has none), to compare with FindAfter's.
func Word(w string) uint64 {
	if h, ok := (&wordScanner{s: w}).next(); ok {
		return h
	}
	return 0
}

// noneOf are the determiners that say there is none of the noun phrase
// they open: "aucun changement de coordonnées bancaires n'est intervenu".
// Not the English "no", which invoices also write for "number" ("Invoice
// No. 4471", "Ref no: new bank details attached"): the matcher ignores the
// period, and the request after the number would read as denied.
var noneOf = [...]uint64{Word("aucun"), Word("aucune")}

// wordDe and wordD are French's "de" and its elided "d'"; after one of
// the adverbs deniedBy knows, the phrase that follows is denied ("il n'y
// a pas de changement de coordonnées bancaires", "jamais de nouveau RIB").
// Not "plus de", which is also "more of".
var wordDe, wordD = Word("de"), Word("d")

// deniedBy reports whether h is "pas" or "jamais", the adverbs of a
// negative partitive.
func deniedBy(h uint64) bool { return h == wordPas || h == wordJamais }

var wordPas, wordJamais = Word("pas"), Word("jamais")

// joined reports whether s, the text from the end of "pas" or "jamais" to
// the end of the phrase's first word, holds words, spaces and apostrophes
// only: a comma, colon or full stop ends the denial's clause ("n'attendez
// pas : de nouvelles coordonnées bancaires…", "ne change pas. De
// nouvelles…"), and the phrase is then no object of it.
func joined(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsMark(r), unicode.IsSpace(r),
			r == '\'', r == '’', r == ' ', Invisible(r):
		default:
			return false
		}
	}
	return true
}

// NoneOf reports whether the word before a phrase (FindAfter's before)
// is a determiner that negates it: the phrase names something there is
// none of.
func NoneOf(before uint64) bool {
	for _, h := range noneOf {
		if before == h {
			return true
		}
	}
	return false
}

// Contains reports whether any phrase occurs in text.
func (d *Dict[V]) Contains(text string, maxWords int) bool {
	found := false
	d.Find(text, maxWords, func(V) bool { found = true; return false })
	return found
}

// Mask returns text with every occurrence of phrase, read as the matcher
// reads words (any case, accents, punctuation between words), blanked out
// with spaces, so that Find no longer sees it nor any phrase inside it.
// Byte offsets are kept. A phrase of no word or of more than MaxWords
// words masks nothing.
func Mask(text, phrase string) string {
	var want [MaxWords]uint64
	k := 0
	over := false
	words(phrase, func(h uint64) bool {
		if k == MaxWords {
			over = true
			return false
		}
		want[k] = h
		k++
		return true
	})
	if k == 0 || over {
		return text
	}
	// The words read and not blanked since the last word the phrase does
	// not hold, with where each starts. Blanking an occurrence joins the
	// words before it to the words after it, which may make the phrase
	// again ("B B C C" less "b c" reads "B C"): the occurrence is taken
	// off this stack, so that the words under it meet the next ones, and
	// every occurrence Find would read in the result is blanked too.
	// A word outside the phrase is never blanked and no occurrence spans
	// it: it empties the stack, which stays on the array below unless the
	// text repeats the phrase's words at length.
	var buf [2 * MaxWords]maskWord
	stack := buf[:0]
	var out []byte
	sc := wordScanner{s: text}
	for {
		// A word starts after the separator that ended the one before:
		// blanking from there also blanks separators, which stay
		// separators.
		start := sc.i
		h, ok := sc.next()
		if !ok {
			break
		}
		if !slices.Contains(want[:k], h) {
			stack = stack[:0]
			continue
		}
		stack = append(stack, maskWord{h, start})
		top := len(stack) - k
		if top < 0 || !sameHashes(stack[top:], want[:k]) {
			continue
		}
		if out == nil {
			out = []byte(text)
		}
		for i := stack[top].from; i < sc.i; i++ {
			out[i] = ' '
		}
		stack = stack[:top]
	}
	if out == nil {
		return text
	}
	return string(out)
}

// maskWord is a word Mask read: its hash and where it starts.
type maskWord struct {
	h    uint64
	from int
}

// sameHashes reports whether words hold want in order.
func sameHashes(words []maskWord, want []uint64) bool {
	for i, w := range words {
		if w.h != want[i] {
			return false
		}
	}
	return true
}

func combine(hs []uint64) uint64 {
	k := uint64(len(hs)) * 0x9E3779B97F4A7C15
	for _, h := range hs {
		k = (k ^ h) * 0x100000001B3
		k ^= k >> 29
	}
	return k
}

// words calls f with the hash of each word of s (see wordScanner).
func words(s string, f func(uint64) bool) {
	sc := wordScanner{s: s}
	for {
		h, ok := sc.next()
		if !ok || !f(h) {
			return
		}
	}
}

// wordScanner cuts text into words: letters and digits, lower case,
// accents removed; anything else separates words, the apostrophe of an
// elision included ("l'adresse" is "l", "adresse"), but invisible
// characters slipped inside a word do not.
type wordScanner struct {
	s   string
	i   int
	end int // where the word next returned last ends
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// WordByte returns an ASCII letter or digit in lower case, and 0 for any
// other byte: a separator, or part of a longer UTF-8 character.
func WordByte(c byte) byte { return asciiWord[c] }

// asciiWord is WordByte's table.
var asciiWord = func() (t [256]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = c, c
	}
	return t
}()

// next returns the FNV-1a hash of the next word's folded bytes, or false
// at the end of the text.
func (sc *wordScanner) next() (uint64, bool) {
	s, i := sc.s, sc.i
	h := uint64(fnvOffset)
	in := false
	for i < len(s) {
		// A run of ASCII letters and digits, most of any text.
		for i < len(s) && asciiWord[s[i]] != 0 {
			h = (h ^ uint64(asciiWord[s[i]])) * fnvPrime
			in = true
			i++
		}
		if i == len(s) {
			break
		}
		if s[i] < utf8.RuneSelf {
			i++ // a separator
			if in {
				sc.i, sc.end = i, i-1
				return h, true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if Invisible(r) {
				continue // invisible characters used to break up words
			}
			if in {
				sc.i, sc.end = i, i-size
				return h, true
			}
			continue
		}
		for _, b := range []byte(Fold(r)) {
			h = (h ^ uint64(b)) * fnvPrime
		}
		in = true
	}
	sc.i, sc.end = i, i
	return h, in
}

// Fold maps a rune to the lower-case ASCII letters it is read as: accented
// Latin letters to their base, common Cyrillic and Greek look-alikes to the
// Latin letter they imitate. Other runes are lower-cased as they are.
func Fold(r rune) string {
	if r < utf8.RuneSelf {
		return asciiFold[r]
	}
	if r < foldTableSize {
		foldOnce.Do(buildFoldTable)
		return foldTable[r]
	}
	return foldCached(r)
}

// foldCache holds fold of the letters past the table met so far (CJK,
// kana, Hangul, mathematical and full-width letters): fold allocates the
// rune's string and its decomposition at every call, and a word scanner
// calls Fold for every letter of every text each dictionary reads.
// Bounded by foldCacheMax, so that a text of many rare letters cannot
// grow it without end; past the bound, fold is called as before.
var foldCache = struct {
	sync.RWMutex
	m map[rune]string
}{m: map[rune]string{}}

const foldCacheMax = 1 << 14

func foldCached(r rune) string {
	foldCache.RLock()
	s, ok := foldCache.m[r]
	foldCache.RUnlock()
	if ok {
		return s
	}
	s = fold(r)
	foldCache.Lock()
	if len(foldCache.m) < foldCacheMax {
		foldCache.m[r] = s
	}
	foldCache.Unlock()
	return s
}

const foldTableSize = 0x2000

// asciiFold is fold of each ASCII character, built once: string(r) of a
// rune allocates, and Fold is called for every letter of a text.
var asciiFold = func() (t [utf8.RuneSelf]string) {
	for r := range t {
		t[r] = strings.ToLower(string(rune(r)))
	}
	return t
}()

var (
	foldOnce  sync.Once
	foldTable []string
)

func buildFoldTable() {
	foldTable = make([]string, foldTableSize)
	for r := rune(0); r < foldTableSize; r++ {
		foldTable[r] = fold(r)
	}
}

func fold(r rune) string {
	if r < utf8.RuneSelf {
		return strings.ToLower(string(r))
	}
	if s, ok := folds[r]; ok {
		return s
	}
	r = unicode.ToLower(r)
	if s, ok := folds[r]; ok {
		return s
	}
	// Decompose (é = e + ´) and keep the base letter when it is ASCII; this
	// also maps mathematical and full-width letters (𝕀, Ａ) to plain ones.
	d := norm.NFKD.String(string(r))
	if d != "" && d[0] < utf8.RuneSelf {
		return strings.ToLower(d[:1])
	}
	return string(r)
}

var folds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ł': "l", 'ı': "i",
	// Cyrillic look-alikes.
	'а': "a", 'в': "b", 'е': "e", 'ё': "e", 'к': "k", 'м': "m", 'н': "h", 'о': "o", 'р': "p",
	'с': "c", 'т': "t", 'у': "y", 'х': "x", 'і': "i", 'ї': "i", 'ј': "j", 'ѕ': "s", 'ԁ': "d",
	'ԛ': "q", 'ԝ': "w", 'ɡ': "g", 'һ': "h",
	// Small capitals (ɴᴏʀᴛᴏɴ) and other phonetic letters used as decoration.
	'ᴀ': "a", 'ʙ': "b", 'ᴄ': "c", 'ᴅ': "d", 'ᴇ': "e", 'ꜰ': "f", 'ɢ': "g", 'ʜ': "h", 'ɪ': "i",
	'ᴊ': "j", 'ᴋ': "k", 'ʟ': "l", 'ᴍ': "m", 'ɴ': "n", 'ᴏ': "o", 'ᴘ': "p", 'ʀ': "r", 'ꜱ': "s",
	'ᴛ': "t", 'ᴜ': "u", 'ᴠ': "v", 'ᴡ': "w", 'ʏ': "y", 'ᴢ': "z",
	// Greek look-alikes.
	'α': "a", 'β': "b", 'ε': "e", 'η': "n", 'ι': "i", 'κ': "k", 'ν': "v", 'ο': "o", 'ρ': "p",
	'τ': "t", 'υ': "u", 'χ': "x", 'ω': "w",
}

// Lower is unicode.ToLower, answering Latin-1 (the accented letters of
// French and the other Western European languages) without a search of the
// case tables.
func Lower(r rune) rune {
	if r < 0x100 {
		if 'A' <= r && r <= 'Z' || 0xC0 <= r && r <= 0xDE && r != 0xD7 {
			return r + 0x20
		}
		return r
	}
	return unicode.ToLower(r)
}

// Normalize returns s folded as the matcher reads it: lower-case ASCII
// words separated by single spaces. Invisible characters inside a word
// are left out, as the word scanner leaves them ("con\u00adnectez" is
// "connectez"), not read as the end of a word.
func Normalize(s string) string {
	var b strings.Builder
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !Invisible(r) }) {
		sep := b.Len() > 0
		for _, r := range w {
			if Invisible(r) {
				continue
			}
			if sep {
				b.WriteByte(' ')
				sep = false
			}
			b.WriteString(Fold(r))
		}
	}
	return b.String()
}

// Invisible reports characters that render as nothing and are slipped into
// words to break filters (Mi\U000E0139cro\U000E0139soft): format
// characters (soft hyphen, zero-width space and joiners, bidi marks, tags),
// variation selectors, combining marks (U+034F among them) and blank
// fillers.
func Invisible(r rune) bool {
	if r < 0x300 {
		// Below the combining marks, the soft hyphen is the only one
		// (the accented letters of Latin scripts are all here).
		return r == 0xad
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) || unicode.Is(unicode.Mn, r) ||
		r == '\u115f' || r == '\u1160' || r == '\u3164' || r == '\u2800' || r == '\uffa0'
}
