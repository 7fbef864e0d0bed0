package lure

import "strings"

// An urgency phrase of two words or more is a call when it is read as
// one: "Act now to keep your account". Its first word may also close a
// name: "The EU Data Act now applies" names a regulation, and a law
// firm's briefing was read to urge its reader (engine testdata/
// brandplace, LURE_URGENCY on "act now"). A name written with capitals
// runs on from the capitalised words before it; a call opens its
// sentence or follows a lower-case word ("you must act now", "please act
// now"). So an occurrence whose first word is capitalised, whose last is
// not, and which follows, in its sentence, a capitalised word that does
// not itself open the sentence, is a name's end, not a call
// (namedOnly), when the article opens that name (afterInnerCapital). Written from the English style guides' rule that the
// short names of laws and regulations keep their capitals (the EU's
// Interinstitutional Style Guide, "Titles of acts").
//
// What a phisher could do with it: write "the" and capitalised words
// before his call, mid-sentence ("the Mailbox Act now"), which reads as
// no English; a title-cased run without the article ("Microsoft Outlook
// Act now", "Your Email Account Act now") stays a call. A
// phrase found only through the matcher's folding (look-alike letters,
// accents) has no plain occurrence to judge and counts as before.

// namedIn reports whether the phrase p is found in plain letters in one
// of texts at least, and ends a capitalised name wherever it is
// (namedOnly).
func namedIn(p string, texts ...string) bool {
	named := false
	for _, t := range texts {
		if namedOnly(t, p) {
			named = true
		} else if indexWord(t, p) >= 0 {
			return false
		}
	}
	return named
}

// indexWord is indexFold of p as whole words.
func indexWord(text, p string) int {
	for from := 0; ; {
		i := indexFold(text[from:], p)
		if i < 0 {
			return -1
		}
		at := from + i
		from = at + len(p)
		if !(at > 0 && isASCIILetter(text[at-1]) || from < len(text) && isASCIILetter(text[from])) {
			return at
		}
	}
}

// namedOnly reports whether text holds the phrase p (as the catalogue
// writes it, lower case ASCII words) in plain letters, and every such
// occurrence ends a capitalised name.
func namedOnly(text, p string) bool {
	if !strings.Contains(p, " ") || len(text) < len(p) {
		return false
	}
	found := false
	for from := 0; ; {
		i := indexFold(text[from:], p)
		if i < 0 {
			return found
		}
		at := from + i
		from = at + len(p)
		if at > 0 && isASCIILetter(text[at-1]) || from < len(text) && isASCIILetter(text[from]) {
			continue // inside a longer word
		}
		found = true
		occ := text[at:from]
		last := occ[strings.LastIndexByte(occ, ' ')+1:]
		if !isUpper(occ[0]) || isUpper(last[0]) || !afterInnerCapital(text[:at]) {
			return false
		}
	}
}

// afterInnerCapital reports whether the words just before the end of
// before, in the same sentence, are a capitalised name that the article
// opens: "The EU Data", "the Data". The short name of an act is written
// with its article ("the Data Act", the Interinstitutional Style Guide);
// a run of capitals without it is a phisher's title-cased line or two
// cells of a layout table read as one ("Microsoft Outlook Act now",
// "Your Email Account Act now", "Messagerie Outlook Action requise"),
// where the call stands.
func afterInnerCapital(before string) bool {
	w, rest, ok := lastWord(before)
	if !ok || !isUpper(w[0]) || w == "The" {
		return false
	}
	for {
		w, rest, ok = lastWord(rest)
		switch {
		case !ok:
			return false
		case w == "the" || w == "The":
			return true
		case !isUpper(w[0]):
			return false
		}
	}
}

// lastWord returns the last word of s and what precedes it, or false
// when a sentence's end (or s's start) comes first.
func lastWord(s string) (word, rest string, ok bool) {
	end := len(s)
	for end > 0 && (s[end-1] == ' ' || s[end-1] == '\t') {
		end--
	}
	start := end
	for start > 0 && (isASCIILetter(s[start-1]) || s[start-1] >= '0' && s[start-1] <= '9' || s[start-1] == '-') {
		start--
	}
	if start == end {
		return "", "", false
	}
	return s[start:end], s[:start], true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// indexFold is strings.Index for an ASCII lower-case needle, ignoring
// the case of ASCII letters of s.
func indexFold(s, needle string) int {
	n := len(needle)
	for i := 0; i+n <= len(s); i++ {
		if s[i]|0x20 != needle[0] {
			continue
		}
		if strings.EqualFold(s[i:i+n], needle) {
			return i
		}
	}
	return -1
}
