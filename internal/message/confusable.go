package message

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A lure's words are written with Cyrillic or Greek letters drawn like
// the Latin ones ("сode", "Fаcture", "rεtard"): the reader sees the word,
// a regular expression or a field comparison does not. Unicode Technical
// Standard #39 lists these letters as confusable with Latin ones
// (confusables.txt, unicode.org/Public/security/latest/), and vendors'
// write-ups of homoglyph lures show them inside otherwise Latin words
// (Talos, "Seeing the unseen", 2025). The text the checks read gives such
// a word back in Latin letters; a word of one script only (Russian, Greek
// text) is left as it is. The lure dictionaries fold the same letters
// (textmatch.Fold); this is for the checks that read the text itself.

// confusable maps the Cyrillic and Greek letters drawn as a Latin letter
// to it (TR39 confusables.txt, the prototypes in the Latin script).
var confusable = map[rune]rune{
	// Cyrillic.
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's',
	'ԁ': 'd', 'һ': 'h', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l',
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T',
	'Х': 'X', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S', 'Ү': 'Y',
	// Greek.
	'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'υ': 'u', 'χ': 'x',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O',
	'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
}

// mayHoldConfusable reports a byte that leads a Greek or Cyrillic letter
// (U+0370 to U+052F): a text without one, most of any mail, is passed
// over by eight vectorised searches, a few times faster on a long text
// than a look at each byte.
func mayHoldConfusable(text string) bool {
	for c := byte(0xcd); c <= 0xd4; c++ {
		if strings.IndexByte(text, c) >= 0 {
			return true
		}
	}
	return false
}

// unconfuse returns text with its full-width letters and digits in ASCII
// (unwiden) and the confusable letters of its mixed words (a word of
// Latin letters holding one or more of confusable's) in Latin letters,
// and how many mixed words it changed.
func unconfuse(text string) (string, int) {
	text, _ = unwiden(text)
	if !mayHoldConfusable(text) {
		return text, 0
	}
	var b []byte
	n := 0
	done := 0 // text[:done] is in b, or b is nil and nothing changed
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		// A word: a run of letters.
		start := i
		latin, mixed := false, false
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) {
				break
			}
			if _, ok := confusable[r]; ok {
				mixed = true
			} else if r < 0x250 {
				latin = true
			}
			i += size
		}
		if !latin || !mixed {
			continue
		}
		n++
		if b == nil {
			b = make([]byte, 0, len(text))
		}
		b = append(b, text[done:start]...)
		for _, r := range text[start:i] {
			if l, ok := confusable[r]; ok {
				r = l
			}
			b = utf8.AppendRune(b, r)
		}
		done = i
	}
	if b == nil {
		return text, 0
	}
	return string(append(b, text[done:]...)), n
}

// Full-width Latin letters and digits (U+FF10 to U+FF5A, "ｖｏｔｒｅ
// ｃｏｄｅ") are the ASCII ones in their compatibility form (Unicode
// NFKC): a lure writes its words so to pass a filter, and East Asian
// text writes Latin words so; the text the checks read has them in
// ASCII either way.

// unwiden returns text with its full-width letters and digits in ASCII,
// and whether it changed any.
func unwiden(text string) (string, bool) {
	if !strings.Contains(text, "\xef\xbc") && !strings.Contains(text, "\xef\xbd") {
		return text, false
	}
	changed := false
	out := strings.Map(func(r rune) rune {
		switch {
		case r >= 0xff10 && r <= 0xff19, r >= 0xff21 && r <= 0xff3a, r >= 0xff41 && r <= 0xff5a:
			changed = true
			return r - 0xff00 + 0x20
		}
		return r
	}, text)
	return out, changed
}
