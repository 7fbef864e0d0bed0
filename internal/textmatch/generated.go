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
	// The longest consonant cluster that no language writes: a run of
	// five or more that is not a syllable's coda followed by the next
	// one's onset (armSTRong, engLBRecht).
	strange, runStart := 0, -1
	endRun := func(end int) {
		if runStart >= 0 && end-runStart >= 5 && !naturalCluster(strings.ToLower(w[runStart:end])) {
			strange = max(strange, end-runStart)
		}
		runStart = -1
	}
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
				endRun(i)
			}
		}
		if isDigit {
			digits++
			cons, run = 0, 0
			endRun(i)
			continue
		}
		letters++
		if strings.IndexByte("aeiouy", lower) >= 0 {
			vowels++
			cons, run = 0, 0
			endRun(i)
			continue
		}
		if runStart < 0 {
			runStart = i
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
	endRun(len(w))
	switch {
	case digitFlips >= 4 && letters >= 3:
		return true
	case vowels*5 < letters && letters >= 7 && caseFlips >= 2:
		return true
	case vowels == 0 && letters >= 9:
		return true
	case letters >= 8 && maxCons >= 5 && strange > 0:
		return true
	case !naturalCase(w) && (maxRun >= 3 || caseFlips >= 4):
		return true
	}
	return false
}

// NaturalCase reports whether a word's capitals are where people put
// them (naturalCase): a CamelCase identifier such as PerMsgStatus or
// HttpServletRequest, the way programming languages name classes and
// modules, flips case often and is written by a person.
func NaturalCase(w string) bool { return naturalCase(w) }

// naturalCase reports capitals where people put them: none, all, a first
// capital or acronym (NFTlaunch, Jean), CamelCase words of two letters or
// more (deLaRoche, McDonald, TitanSpins, MailNFTlaunch) and one trailing
// initial (AnnaB), and a closing capital word of up to six letters with a
// vowel (FOXSportsFLASH).
// Digits are ignored.
func naturalCase(w string) bool {
	type caseRun struct {
		upper  bool
		n      int
		vowels int
	}
	var runs []caseRun
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= '0' && c <= '9' {
			continue
		}
		up := c >= 'A' && c <= 'Z'
		v := 0
		if strings.IndexByte("aeiouy", c|0x20) >= 0 {
			v = 1
		}
		if len(runs) > 0 && runs[len(runs)-1].upper == up {
			runs[len(runs)-1].n++
			runs[len(runs)-1].vowels += v
			continue
		}
		runs = append(runs, caseRun{up, 1, v})
	}
	for i := 1; i < len(runs); i++ {
		r, last := runs[i], i == len(runs)-1
		switch {
		case r.upper && r.n > 1 && !last && runs[i+1].n < 3:
			return false // capitals inside a word not opening one (SHTXhIWo)
		case r.upper && r.n > 2 && last && !(r.n <= 6 && r.vowels > 0):
			// A closing capital word that reads as one (FOXSportsFLASH,
			// DealsNEWS) is a brand's; a closing consonant cluster is not.
			return false
		case !r.upper && r.n == 1 && !last && !(i == 1 && runs[0].n == 1) && !(i >= 2 && runs[i-2].n >= 2 && runs[i-1].n == 1):
			return false // one lower-case letter between capitals (GdGiFyie), not a particle (deLa)
		case !r.upper && r.n == 1 && last:
			return false
		}
	}
	return true
}

// onsets are the consonant clusters that open a syllable in the languages
// of the mail Vigie reads (English, French, German, Dutch…), as the
// phonology references tabulate them and the languages spell them: the
// English onsets of obstruent and liquid or glide and of s-clusters (bl,
// br, cl, cr, dr, fl, fr, gl, gr, pl, pr, tr, tw, sc, sk, sl, sm, sn, sp,
// st, sw, spl, spr, str, scr; Wikipedia's "English phonology", Phonotactics,
// after Giegerich's English Phonology, 1992), spelled with its digraphs
// (ch, sh, th, ph, wh, wr, kn: chr, shr, thr, phr, sph); French's
// obstruent and liquid (the same, and vr; Dell, Les règles et les sons,
// 1973) and gn; German's (Wiese, The Phonology of German, 1996: pf, kl,
// kn, kr, ps, ts (also spelled tz), zw and the sch- clusters schl, schm,
// schn, schr, schw); Dutch's vl and sch (Booij, The Phonology of Dutch,
// 1995).
var onsets = func() map[string]bool {
	m := map[string]bool{}
	for _, o := range strings.Fields("bl br ch chr cl cr dr fl fr gl gn gr kl kn kr ph phr pl pr ps sc sch schl schm schn schr schw scr sh shr sk sl sm sn sp sph spl spr st str sw th thr tr ts tw tz vl vr wh wr zw pf") {
		m[o] = true
	}
	return m
}()

// naturalCluster reports a consonant run that splits into the coda of one
// syllable (up to three of l, m, n, r, s, t, c, k, g, d, p, b, f, h) and
// the onset of the next (armSTRong, scHWarzschild), as names and words
// have it; a run of that length in a random string does not split so.
func naturalCluster(run string) bool {
	for k := 1; k <= 3 && k < len(run); k++ {
		coda, onset := run[:k], run[k:]
		if strings.Trim(coda, "lmnrstckgdpbfh") != "" {
			continue
		}
		if len(onset) == 1 || onsets[onset] {
			return true
		}
	}
	return false
}

// StrangeCluster reports a run of five consonants or more in an ASCII word
// that does not split into a syllable's coda and the next one's onset
// (hugetlbfs, zpkzm), unlike real words (passphrase, armstrong).
func StrangeCluster(w string) bool {
	start := -1
	for i := 0; i <= len(w); i++ {
		consonant := false
		if i < len(w) {
			c := w[i] | 0x20
			consonant = c >= 'a' && c <= 'z' && strings.IndexByte("aeiouy", c) < 0
		}
		switch {
		case consonant && start < 0:
			start = i
		case !consonant && start >= 0:
			if i-start >= 5 && !naturalCluster(strings.ToLower(w[start:i])) {
				return true
			}
			start = -1
		}
	}
	return false
}
