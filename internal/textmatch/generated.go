package textmatch

import "strings"

// Generated reports whether an ASCII token (a word of a subject, the local
// part of an address, a display-name tag) reads as machine-generated rather
// than written by a person: letters with almost no vowels (MvSSrjf,
// zlxwgyuqyrir), five consonants in a row, letters and digits interleaved
// (kgm5xwql99vk), or upper and lower case flipping back and forth
// (aNiOPsklEuPFaAJ, GdGiFyie). CamelCase words (TitanSpinsWinZone) and
// short handles and
// names (djwong, starzhangzsd) are not generated; a rare real word may be
// (strengths). Tokens with other characters,
// shorter than minLen or longer than 64 bytes are never generated.
func Generated(w string, minLen int) bool {
	if len(w) < minLen || len(w) > 64 {
		return false
	}
	letters, vowels, digits := 0, 0, 0
	cons, maxCons := 0, 0
	caseFlips, digitFlips := 0, 0
	var prev byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		pc := prev
		lower := c | 0x20
		isLetter := lower >= 'a' && lower <= 'z'
		isDigit := c >= '0' && c <= '9'
		if !isLetter && !isDigit {
			return false
		}
		if i > 0 {
			prevDigit := prev >= '0' && prev <= '9'
			if isDigit != prevDigit {
				digitFlips++
			}
			if isLetter && !prevDigit && (c >= 'a') != (prev >= 'a') {
				caseFlips++
				cons = 0 // an acronym ends (MailNFTlaunch)
			}
		}
		prev = c
		if isDigit {
			digits++
			cons = 0
			continue
		}
		letters++
		if strings.IndexByte("aeiouy", lower) >= 0 {
			vowels++
			cons = 0
		} else {
			// Digraphs count once: pinyin and European names cluster
			// them (zhang, schmidt).
			pl := pc | 0x20
			if !(lower == 'h' && strings.IndexByte("csztpgwk", pl) >= 0 || lower == 'g' && pl == 'n' || lower == 'k' && pl == 'c') {
				cons++
			}
			maxCons = max(maxCons, cons)
		}
	}
	switch {
	case digitFlips >= 4 && letters >= 3:
		return true
	case vowels*5 < letters && letters >= 7 && caseFlips >= 2:
		return true
	case vowels == 0 && letters >= 9:
		return true
	case letters >= 8 && maxCons >= 5:
		return true
	case caseFlips >= 5 && !camel(w):
		return true
	}
	return false
}

// camel reports a CamelCase word: each capital (or run of capitals, an
// acronym) opens a lower-case run of at least two letters.
func camel(w string) bool {
	upper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	i := 0
	for i < len(w) && !upper(w[i]) {
		i++
	}
	for i < len(w) {
		for i < len(w) && upper(w[i]) {
			i++
		}
		n := 0
		for i < len(w) && !upper(w[i]) {
			i++
			n++
		}
		if n < 2 && i < len(w) {
			return false
		}
		if n == 1 {
			return false
		}
	}
	return true
}
