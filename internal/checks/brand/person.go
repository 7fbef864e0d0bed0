package brand

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// ownSurname reports that brand i is named in the display name only as
// the sender's own family name, spelled in the address: "James Norton"
// <j.norton@…>, "NORTON, James (LEEDS TEACHING HOSPITALS NHS TRUST)"
// <james.norton7@nhs.net>, "Sylvie Orange" <sylvie.orange@…>. Norton,
// McAfee, Ledger, Orange, Disney are family names; a person writing under
// theirs claims no brand. It holds only for a sender whose domain passes
// DMARC or, where no authentication result is read (a relay whose results
// are not trusted), for a message whose subject and text name the brand
// only inside the person's name (namedBesidePerson: "Marc Orange" signing
// his quote, not "Paul Norton" writing of "your Norton 360 renewal", the
// callback scam's shape from a free mailbox); for a name written as
// people write theirs (letters, spaces, hyphens, apostrophes, a comma or
// a period: "Airdrop@Lido-fi" is no
// one's name); when the brand is the family name alone, last ("James
// Norton") or first before a comma ("NORTON, James"), and the one or two
// given names are no brand's, no account or security word (comboWords),
// no team's, channel's or subscription's (roleWords), no word of the lure
// catalogue (Options.LureWord) and none the message writes in lower case
// as a common noun (commonNoun) — "Norton Support", "Orange Business",
// "Abonnement Norton", "Microsoft Outlook", "Leroy Merlin" stay claims; and when the
// address's letters are the name's words, each in full or as an initial,
// given names first or last (RFC 5322 leaves the local part to the
// mailbox's owner; providers and directories build it from the name).
func (c *Check) ownSurname(in *scan.Input, name, local string, i int) bool {
	if in.Auth.DMARC != "pass" && (in.Auth.Known() || c.namedBesidePerson(in, name, i)) {
		return false
	}
	if renewalTalk(in) {
		return false
	}
	if k := strings.IndexByte(name, '('); k >= 0 {
		name = name[:k] // a directory's organisation after the name
	}
	name = strings.TrimSpace(name)
	if strings.ContainsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsSpace(r) && !strings.ContainsRune("-'’.,", r)
	}) {
		return false
	}
	// The family name is last ("James Norton"), or first before a comma
	// as directories write it ("NORTON, James").
	family, given := name, ""
	if k := strings.LastIndexByte(name, ' '); k >= 0 {
		given, family = name[:k], name[k+1:]
	}
	if k := strings.IndexByte(name, ','); k >= 0 {
		family, given = name[:k], name[k+1:]
	}
	families := strings.Fields(textmatch.Normalize(family))
	givens := strings.Fields(textmatch.Normalize(given))
	others := givens // the words beside the brand, the person's other names
	switch {
	case len(families) == 1 && familyNameBrands[families[0]] && c.brandWord(families[0], i):
	case len(families) == 1 && len(givens) == 1 && givenNameBrands[givens[0]] && c.brandWord(givens[0], i) && !c.namedBesidePerson(in, name, i):
		// "Chase Whitaker": the brand is the given name, the family name
		// the other; the message names the brand nowhere else.
		others = families
	default:
		return false
	}
	if len(others) == 0 || len(others) > 2 {
		return false
	}
	for _, w := range others {
		if len(w) < 2 || claimWord(w) || c.brandWord(w, -1) || c.lureWord != nil && c.lureWord(w) || commonNoun(in, w) {
			return false
		}
	}
	words := append(givens, families[0])
	l := addressLetters(local)
	reversed := slices.Clone(words)
	slices.Reverse(reversed)
	return spells(l, words) || spells(l, reversed)
}

// renewalWords are the words of the renewal and callback scam (the
// callback family of lures.yaml: "votre abonnement antivirus a été
// renouvelé, appelez pour annuler"), which names its product by its kind
// and lets the sender's name name the brand.
var renewalWords = map[string]bool{
	"abonnement": true, "abonnements": true, "subscription": true, "renouvellement": true, "renouvele": true,
	"renewal": true, "renewed": true, "antivirus": true, "licence": true, "license": true, "membership": true,
}

// renewalTalk reports a subject or text that speaks of a subscription's
// renewal (renewalWords): there a brand that is a family name is the
// brand, whatever the sender is called. "Paul Norton" <paul.norton@gmail.com>
// above "votre abonnement antivirus a été renouvelé : 399,99 €, appelez
// le…", which never writes "Norton", was quarantined before the surname
// was spared where no result is read (7.19) and accepted after (1.47);
// from Gmail, whose DMARC passes for every user, it was accepted behind
// the MX as well (TestSurnameOverARenewalScam, engine). A person writing
// as himself about a quote, a meeting or an order says none of it.
func renewalTalk(in *scan.Input) bool {
	for _, text := range []string{in.Msg.Subject, in.Body()} {
		for w := range strings.FieldsSeq(textmatch.Normalize(text)) {
			if renewalWords[w] {
				return true
			}
		}
	}
	return false
}

// namedBesidePerson reports a message whose subject or text names brand i
// outside the sender's display name: the brand is then what the message
// is about, whatever the sender's own name.
func (c *Check) namedBesidePerson(in *scan.Input, name string, i int) bool {
	for _, text := range []string{in.Msg.Subject, in.Body()} {
		if c.namesBrand(textmatch.Mask(text, name), 0, i) {
			return true
		}
	}
	return false
}

// commonNoun reports a would-be given name that the message's subject or
// text writes in lower case after a determiner, as a common noun:
// "Abonnement Norton" above "votre abonnement a été renouvelé", "Achat
// Norton" above "votre achat de Norton 360". A person's given name is
// written with its capital; one that is also an adjective or a noun
// ("Claire", "Pierre", "Rose") may be written in lower case in its own
// sense ("la situation est claire"), not after "votre" or "your".
func commonNoun(in *scan.Input, w string) bool {
	for _, text := range []string{in.Msg.Subject, in.Body()} {
		prev := ""
		for f := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if r, _ := utf8.DecodeRuneInString(f); unicode.IsLower(r) && len(f) >= len(w) && determiners[strings.ToLower(prev)] && textmatch.Normalize(f) == w {
				return true
			}
			prev = f
		}
	}
	return false
}

// determiners are the French and English words before a common noun that
// a subscription or an order is written with ("votre abonnement", "your
// order", "l'achat").
var determiners = map[string]bool{
	"votre": true, "vos": true, "ton": true, "ta": true, "tes": true, "notre": true, "nos": true,
	"mon": true, "ma": true, "mes": true, "le": true, "la": true, "les": true, "l": true,
	"un": true, "une": true, "du": true, "des": true, "cet": true, "cette": true, "ce": true,
	"your": true, "the": true, "a": true, "an": true, "my": true, "our": true, "this": true,
}

// brandWord reports whether the display dictionary reads word w alone as
// brand i's name, or as any brand's when i is -1.
func (c *Check) brandWord(w string, i int) bool {
	return c.namesBrand(w, 1, i)
}

// namesBrand reports whether the display dictionary finds brand i's name
// in text, reading at most maxWords words (0: all), or any brand's when i
// is -1.
func (c *Check) namesBrand(text string, maxWords, i int) bool {
	found := false
	c.display.Find(text, maxWords, func(j int) bool {
		found = i < 0 || j == i
		return !found
	})
	return found
}

// familyNameBrands are the brand names that are also people's family
// names, the only ones a person may write as his own: Norton (Peter
// Norton, the software's founder), McAfee (John McAfee), Disney (Walt
// Disney), and Orange and Ledger, family names in France and England
// (INSEE's Fichier des noms de famille; the UK's surname registers).
// Chase is one in England and the United States (the US Census Bureau's
// 2010 surname list), whose hospitals' directories write "Sarah Chase".
// Persil, Henkel's detergent, is a French family name (INSEE's Fichier des
// noms de famille; Raoul Persil, deputy for Charente-Maritime): a
// hospital's nurse "Isabelle Persil" <isabelle.persil@…> was read as the
// reward surveys' brand (5.72, quarantine; golden 98, its twin 99).
// PayPal, Microsoft, DocuSign or Chronopost are no one's family name:
// "Paul Paypal" <paul.paypal@…> from a domain of one's own, DMARC and all,
// is a claim — it scored 0 (accept) against a quarantine for "PayPal".
var familyNameBrands = map[string]bool{"norton": true, "mcafee": true, "disney": true, "orange": true, "ledger": true, "chase": true, "persil": true}

// givenNameBrands are the brand names that are also given names, written
// first ("Chase Whitaker"): Chase, among the hundred most given boys'
// names in the United States in the 2000s (the Social Security
// Administration's "Popular Baby Names"). The message must name the brand
// nowhere beyond the person's name, whatever its authentication.
var givenNameBrands = map[string]bool{"chase": true}

// roleWords name a team, a desk, a channel or a product rather than a
// person: beside a brand ("Orange Business", "Team Norton", "Antivirus
// Norton") they make the brand the sender.
var roleWords = map[string]bool{
	"team": true, "equipe": true, "business": true, "pro": true, "info": true, "infos": true,
	"contact": true, "client": true, "clients": true, "customer": true, "care": true,
	"official": true, "officiel": true, "news": true, "alert": true, "alerte": true,
	"notification": true, "notifications": true, "france": true, "direct": true, "group": true,
	"groupe": true, "shop": true, "store": true, "app": true, "bank": true, "banque": true,
	"antivirus": true, "crypto": true, "protection": true, "assistance": true, "premium": true,
	"livraison": true, "delivery": true, "colis": true, "express": true, "mobile": true,
	// A product's subscription as renewal scams name it ("Abonnement
	// Norton", "Norton Renewal"; the callback family of lures.yaml).
	"abonnement": true, "subscription": true, "renouvellement": true, "renewal": true,
	"licence": true, "license": true, "membership": true, "commande": true, "order": true,
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

// engineerTitle reports that brand i is named in the display name only as
// "Ing.", the engineer's title written before or after a name ("Ing. Jan
// Novák" in Czech, Slovak and Austrian directories; "Marc Petit, Ing.
// biomédical" in French), never as the bank ING: the sender's domain passes
// DMARC, every "ing" of the name is written "Ing." with its capital and its
// period, none of the other words is an account, security, team or channel
// word ("Ing. Kundenservice", "ING. Direct", "Ing. Support" stay claims:
// comboWords, roleWords), and the address's letters spell a person's given
// and family names among them, as ownSurname asks of a surname: "Ing.
// DiBa" or "Ing. Sicherheit" on service@ a domain of one's own is the
// bank's name and a word, not a person.
func (c *Check) engineerTitle(in *scan.Input, name, local string, i int) bool {
	if in.Auth.DMARC != "pass" || !c.brandWord("ing", i) {
		return false
	}
	// The title read as the bank's name must not start one of its
	// longer names: "Ing. Diba Direkt" <diba.direkt@…> spells two words
	// of its name and reads as ING DiBa, the bank's German name until
	// 2019 (ING Direct its online bank's elsewhere).
	read := " " + textmatch.Normalize(name) + " "
	for _, n := range c.brands[i].Names {
		if strings.HasPrefix(n, "ing ") && strings.Contains(read, " "+n+" ") {
			return false
		}
	}
	titles := 0
	for k := strings.Index(name, "Ing."); k >= 0; k = strings.Index(name, "Ing.") {
		if k > 0 && !strings.ContainsRune(" ,-(/", rune(name[k-1])) {
			return false
		}
		titles++
		name = name[:k] + " " + name[k+4:]
	}
	var words []string
	for w := range strings.FieldsSeq(textmatch.Normalize(name)) {
		if w == "ing" || claimWord(w) || w == "kundenservice" {
			return false
		}
		words = append(words, w)
	}
	return titles > 0 && c.spellsPerson(local, words)
}

// spellsPerson reports an address whose letters spell two or more
// consecutive words of a display name — a given and a family name, each in
// full or as an initial, in either order (spells) — none of them a
// brand's name nor a word of the lure catalogue (Options.LureWord).
func (c *Check) spellsPerson(local string, words []string) bool {
	l := addressLetters(local)
	for from := range words {
		for to := from + 2; to <= len(words); to++ {
			name := words[from:to]
			if slices.ContainsFunc(name, func(w string) bool {
				return len(w) < 2 || c.brandWord(w, -1) || c.lureWord != nil && c.lureWord(w)
			}) {
				continue
			}
			reversed := slices.Clone(name)
			slices.Reverse(reversed)
			if spells(l, name) || spells(l, reversed) {
				return true
			}
		}
	}
	return false
}

// addressLetters returns the letters of an address's local part, folded
// as textmatch.Normalize folds a name's ("m.petit-2" -> "mpetit").
func addressLetters(local string) string {
	var letters strings.Builder
	for _, r := range strings.ToLower(local) {
		if unicode.IsLetter(r) {
			letters.WriteString(textmatch.Fold(r))
		}
	}
	return letters.String()
}
