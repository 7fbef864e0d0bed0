package brand

import (
	"slices"
	"strings"
	"unicode"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// ownSurname reports that brand i is named in the display name only as
// the sender's own family name, spelled in the address: "James Norton"
// <j.norton@…>, "NORTON, James (LEEDS TEACHING HOSPITALS NHS TRUST)"
// <james.norton7@nhs.net>, "Sylvie Orange" <sylvie.orange@…>. Norton,
// McAfee, Ledger, Orange, Disney are family names; a person writing under
// theirs claims no brand. It holds only for a sender whose domain passes
// DMARC, for a name written as people write theirs (letters, spaces,
// hyphens, apostrophes, a comma or a period: "Airdrop@Lido-fi" is no
// one's name), when the brand is one word of the name
// (not "Leroy Merlin"), when another word is no brand's and no account or
// security word ("Norton Support" <norton.support@…> and "Microsoft
// Outlook" <microsoft.outlook@…> stay claims), and when the address's
// letters are the name's words, each in full or as an initial, in the
// name's order or reversed (RFC 5322 leaves the local part to the
// mailbox's owner; providers and directories build it so).
func (c *Check) ownSurname(in *scan.Input, name, local string, i int) bool {
	if in.Auth.DMARC != "pass" {
		return false
	}
	if k := strings.IndexByte(name, '('); k >= 0 {
		name = name[:k] // a directory's organisation after the name
	}
	if strings.ContainsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsSpace(r) && !strings.ContainsRune("-'’.,", r)
	}) {
		return false
	}
	words := strings.Fields(textmatch.Normalize(name))
	if len(words) < 2 || len(words) > 3 {
		return false
	}
	surname, given := false, false
	for _, w := range words {
		if slices.Contains(comboWords, w) {
			return false
		}
		var brands []int
		c.display.Find(w, 1, func(j int) bool { brands = append(brands, j); return true })
		switch {
		case slices.Contains(brands, i):
			surname = true
		case len(brands) == 0 && len(w) >= 2:
			given = true
		}
	}
	if !surname || !given {
		return false
	}
	var letters strings.Builder
	for _, r := range strings.ToLower(local) {
		if unicode.IsLetter(r) {
			letters.WriteString(textmatch.Fold(r))
		}
	}
	l := letters.String()
	reversed := slices.Clone(words)
	slices.Reverse(reversed)
	return spells(l, words) || spells(l, reversed)
}

// spells reports whether l is words in order, each in full or as its
// first letter.
func spells(l string, words []string) bool {
	if len(words) == 0 {
		return l == ""
	}
	w := words[0]
	return strings.HasPrefix(l, w) && spells(l[len(w):], words[1:]) ||
		l != "" && l[0] == w[0] && spells(l[1:], words[1:])
}
