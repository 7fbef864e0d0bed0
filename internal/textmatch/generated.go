package textmatch

import "strings"

// Generated reports whether an ASCII token (a word of a subject, the local
// part of an address, a display-name tag) reads as machine-generated rather
// than written by a person: letters with almost no vowels (MvSSrjf,
// zlxwgyuqyrir), five consonants in a row, letters and digits interleaved
// (kgm5xwql99vk), or capitals where no one puts them next to consonant
// clusters (aNiOPsklEuPFaAJ, SHTXhIWo, GdGiFyie). CamelCase and particles
// (TitanSpinsWinZone, deLaRochefoucauld), acronyms (NFTlaunch), short
// handles and names (djwong, starzhangzsd) are not generated; a rare real
// word may be (strengths). Tokens with other characters, shorter than
// minLen or longer than 64 bytes are never generated.
func Generated(w string, minLen int) bool {
	if len(w) < minLen || len(w) > 64 {
		return false
	}
	letters, vowels, digits := 0, 0, 0
	cons, maxCons, run, maxRun := 0, 0, 0, 0 // consonants: within one case, and across cases
	caseFlips, digitFlips := 0, 0
	var prev byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		lower := c | 0x20
		isLetter := lower >= 'a' && lower <= 'z'
		isDigit := c >= '0' && c <= '9'
		if !isLetter && !isDigit {
			return false
		}
		pc := prev
		prev = c
		if i > 0 {
			prevDigit := pc >= '0' && pc <= '9'
			if isDigit != prevDigit {
				digitFlips++
			}
			if isLetter && !prevDigit && (c >= 'a') != (pc >= 'a') {
				caseFlips++
				cons = 0 // an acronym ends (MailNFTlaunch)
			}
		}
		if isDigit {
			digits++
			cons, run = 0, 0
			continue
		}
		letters++
		if strings.IndexByte("aeiouy", lower) >= 0 {
			vowels++
			cons, run = 0, 0
			continue
		}
		// Digraphs count once: pinyin and European names cluster them
		// (zhang, schmidt).
		pl := pc | 0x20
		if !(lower == 'h' && strings.IndexByte("csztpgwk", pl) >= 0 || lower == 'g' && pl == 'n' || lower == 'k' && pl == 'c') {
			cons++
			run++
		}
		maxCons = max(maxCons, cons)
		maxRun = max(maxRun, run)
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
	case !naturalCase(w) && (maxRun >= 3 || caseFlips >= 4):
		return true
	}
	return false
}

// naturalCase reports capitals where people put them: none, all, a first
// capital or acronym (NFTlaunch, Jean), CamelCase words of two letters or
// more (deLaRoche, McDonald, TitanSpins, MailNFTlaunch) and one trailing
// initial (AnnaB).
// Digits are ignored.
func naturalCase(w string) bool {
	type caseRun struct {
		upper bool
		n     int
	}
	var runs []caseRun
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= '0' && c <= '9' {
			continue
		}
		up := c >= 'A' && c <= 'Z'
		if len(runs) > 0 && runs[len(runs)-1].upper == up {
			runs[len(runs)-1].n++
			continue
		}
		runs = append(runs, caseRun{up, 1})
	}
	for i := 1; i < len(runs); i++ {
		r, last := runs[i], i == len(runs)-1
		switch {
		case r.upper && r.n > 1 && !last && runs[i+1].n < 3:
			return false // capitals inside a word not opening one (SHTXhIWo)
		case r.upper && r.n > 2 && last:
			return false
		case !r.upper && r.n == 1 && !last && !(i == 1 && runs[0].n == 1) && !(i >= 2 && runs[i-2].n >= 2 && runs[i-1].n == 1):
			return false // one lower-case letter between capitals (GdGiFyie), not a particle (deLa)
		case !r.upper && r.n == 1 && last:
			return false
		}
	}
	return true
}
