package layout

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie.dev/vigie/internal/textmatch"
)

// invisibleInWord returns the word of s (invisible characters removed)
// that has an invisible character between two of its letters: a sender
// name or subject broken up so that filters miss the brand it spells.
// Emoji variation selectors follow symbols, not letters, and do not count.
func invisibleInWord(s string) string {
	rs := []rune(s)
	for i := 1; i < len(rs)-1; i++ {
		if !textmatch.Invisible(rs[i]) || !unicode.IsLetter(rs[i-1]) {
			continue
		}
		j := i
		for j < len(rs) && textmatch.Invisible(rs[j]) {
			j++
		}
		if j < len(rs) && unicode.IsLetter(rs[j]) && !combining(rs[i]) {
			start, end := i-1, j
			for start > 0 && (unicode.IsLetter(rs[start-1]) || textmatch.Invisible(rs[start-1])) {
				start--
			}
			for end < len(rs) && (unicode.IsLetter(rs[end]) || textmatch.Invisible(rs[end])) {
				end++
			}
			return strings.Map(func(r rune) rune {
				if textmatch.Invisible(r) {
					return -1
				}
				return r
			}, string(rs[start:end]))
		}
	}
	return ""
}

// fancy reports letters from the Mathematical Alphanumeric Symbols and
// enclosed or full-width forms, used to dodge word filters (𝕀𝕙𝕣, Ｆｒｅｅ).
func fancy(s string) bool {
	n := 0
	for _, r := range s {
		if r >= 0x1D400 && r <= 0x1D7FF || r >= 0x1D00 && r <= 0x1D2B || r == 0x0274 || r == 0x0280 || r == 0x029F || r == 0x026A || r >= 0x2460 && r <= 0x24FF || r >= 0xFF01 && r <= 0xFF5E || r >= 0x1F130 && r <= 0x1F189 {
			n++
		}
	}
	return n >= 3
}

func hasEmoji(s string) bool {
	for _, r := range s {
		if r >= 0x1F300 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF {
			return true
		}
	}
	return false
}

func upperShare(s string) bool { return upperShareMin(s, 20, 8) }

// upperShareMin reports at least minLetters letters of which tenths/10 or
// more are capitals.
func upperShareMin(s string, minLetters, tenths int) bool {
	up, letters := 0, 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, most of a body: no rune decoding, no tables.
			if lc := c | 0x20; 'a' <= lc && lc <= 'z' {
				letters++
				if c < 'a' {
					up++
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				up++
			}
		}
		i += size
	}
	return letters >= minLetters && up*10 >= letters*tenths
}

// gibberish returns a word of the subject that reads as random letters: at
// least eight letters with no vowel run a language would have, or case
// flipping inside the word (pIsdlCthlCTX) where no one puts capitals —
// CamelCase words (PerMsgStatus, a Perl module in a list's subject) are
// how programming languages name things (textmatch.NaturalCase). A
// CamelCase word is still read whole for its vowels: random consonants
// cut by capitals into short pieces (XkqzvbtWrtplm) are no identifier.
func gibberish(subject string) string {
	var words []string
	for w := range strings.FieldsFuncSeq(subject, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) >= 8 && textmatch.NaturalCase(w) {
			if len(w) <= 40 && vowelPoor(w) {
				return w
			}
			words = append(words, camelWords(w)...)
		} else {
			words = append(words, w)
		}
	}
	for _, w := range words {
		if len(w) < 8 || len(w) > 40 {
			continue
		}
		vowels, flips, maxCons, cons := 0, 0, 0, 0
		prevUpper := false
		ascii := true
		for i, r := range w {
			if r > unicode.MaxASCII {
				ascii = false
				break
			}
			lr := unicode.ToLower(r)
			if strings.ContainsRune("aeiouy", lr) {
				vowels++
				cons = 0
			} else {
				cons++
				maxCons = max(maxCons, cons)
			}
			up := unicode.IsUpper(r)
			if i > 1 && up != prevUpper {
				flips++
			}
			prevUpper = up
		}
		if !ascii {
			continue
		}
		if maxCons >= 5 && textmatch.StrangeCluster(w) || vowels*5 < len(w) || flips >= 4 {
			return w
		}
	}
	return ""
}

// vowelPoor reports an ASCII word of which fewer than one letter in five
// is a vowel.
func vowelPoor(w string) bool {
	vowels := 0
	for i := 0; i < len(w); i++ {
		if w[i] > unicode.MaxASCII {
			return false
		}
		if strings.IndexByte("aeiouy", w[i]|0x20) >= 0 {
			vowels++
		}
	}
	return vowels*5 < len(w)
}

// camelWords splits a CamelCase word before each capital that follows a
// lower-case letter (PerMsgStatus: Per, Msg, Status), each judged alone.
func camelWords(w string) []string {
	var out []string
	start := 0
	for i := 1; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' && w[i-1] >= 'a' && w[i-1] <= 'z' {
			out = append(out, w[start:i])
			start = i
		}
	}
	return append(out, w[start:])
}

// leet returns a word of s written with digits in place of letters to
// dodge word filters (C0NTA, P4YPAL): letters on both sides of a 0, 1, 3 or
// 4, in a word that is not all lower case.
func leet(s string) string {
	if strings.IndexByte(s, '-') >= 0 {
		s = withoutEximIDs(s)
	}
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) < 4 || len(w) > 30 {
			continue
		}
		letters, digits := 0, 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			} else {
				digits++
			}
		}
		if digits == 0 || digits > 2 || letters < 3 {
			continue
		}
		// Lower-case tokens with a digit are names of things (log4j,
		// ps3vram, gpt4o, h264), not words disguised to dodge filters,
		// which are written in capitals (C0NTA, P4YPAL).
		if strings.ToLower(w) == w {
			continue
		}
		for i := 1; i < len(w)-1; i++ {
			if strings.IndexByte("0134", w[i]) >= 0 && isASCIILetter(w[i-1]) && isASCIILetter(w[i+1]) {
				return w
			}
		}
	}
	return ""
}

// withoutEximIDs drops from s the message identifiers Exim writes in its
// delay warnings' subjects ("Warning: message 1vQz4B-000Ab3-1T delayed 24
// hours"): three base-62 groups of 6, 6 and 2 characters, or 6, 11 and 4
// since Exim 4.97 (the Exim specification, "Message identification"),
// the first group the arrival time in seconds, whose leading base-62 digit
// is a digit (1 from 2000 until 2028). Base 62 mixes digits into letters
// of both cases by chance; the groups are no word and disguise none. Only
// where the warning puts one, after the word "message": a brand disguised
// with a digit first ("4MAZ0N-000Ab3-1T", A and O written 4 and 0) has
// the shape too, and stays a disguised word anywhere else in a subject.
func withoutEximIDs(s string) string {
	fields := strings.Fields(s)
	kept := fields[:0]
	after := ""
	for _, f := range fields {
		if !strings.EqualFold(after, "message") || !eximID(strings.Trim(f, "()[]<>,;:.\"'")) {
			kept = append(kept, f)
		}
		after = f
	}
	return strings.Join(kept, " ")
}

func eximID(f string) bool {
	g := strings.Split(f, "-")
	if len(g) != 3 || g[0] == "" || g[0][0] < '0' || g[0][0] > '9' || !(len(g[0]) == 6 && len(g[1]) == 6 && len(g[2]) == 2 || len(g[0]) == 6 && len(g[1]) == 11 && len(g[2]) == 4) {
		return false
	}
	for _, part := range g {
		for i := 0; i < len(part); i++ {
			if c := part[i]; !isASCIILetter(c) && (c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// combining reports the accents of decomposed letters (e + U+0301), which
// are invisible on their own but belong to the word.
func combining(r rune) bool {
	return unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Variation_Selector, r)
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
