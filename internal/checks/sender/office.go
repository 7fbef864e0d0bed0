package sender

import (
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// Small French establishments write from their internet provider's
// mailbox: two thirds of communes under 3,500 inhabitants, and 94 % of
// those under 1,000, have no address under a domain of their own
// (JVS-Mairistem, "Utiliser une adresse mail privée pour sa collectivité,
// une mauvaise pratique risquée"); care homes and home-care services do
// the same. Their offices sign as such: "EHPAD Les Tilleuls - Service
// comptabilité" <ehpad.lestilleuls@orange.fr> was read as a service posing
// from a free mailbox (FREEMAIL_SERVICE_NAME), and its unpaid-invoice
// reminder scored 3.98, a weak signal from the tag threshold.
//
// establishmentOffice reports such a sender: the provider passes DMARC for
// the mailbox (RFC 7489: not a forged From); the display name is the
// establishment and its office, apart ("EHPAD Les Tilleuls - Service
// comptabilité", "Service facturation (Mairie de Saint-Exemple)"); the
// establishment part names a kind of establishment (establishmentKind) and
// is what the address spells, each word in full or as its initial, short
// words such as "de" optional; and the office part names an ordinary office
// only (serviceName's true words), never a support, security or IT desk, a
// court or the police, which phishing poses as. Anyone can still open
// "ehpad.lestilleuls@gmail.com": what the message asks (a new bank
// account, a link) is judged by the lure and link checks as before.
func establishmentOffice(in *scan.Input, from message.Address) bool {
	if in.Auth.DMARC != "pass" {
		return false
	}
	office, establishment := false, false
	for _, part := range displayParts(from.Name) {
		desk := false
		serviceName.Find(part, 20, func(ordinary bool) bool {
			if !ordinary {
				desk = true
				return false
			}
			office = true
			return true
		})
		switch {
		case desk:
			return false
		case serviceName.Contains(part, 20):
		case establishmentKind.Contains(part, 20) && spelledBy(from.Local(), strings.Fields(textmatch.Normalize(part))):
			establishment = true
		default:
			return false // a third part, or one the address does not spell
		}
	}
	return office && establishment
}

// displayParts cuts a display name at the separators people put between
// an organisation and its office: a spaced dash, a bar, a comma,
// parentheses (not the hyphen inside "Saint-Exemple").
func displayParts(name string) []string {
	name = strings.NewReplacer(" - ", "\x00", " – ", "\x00", " — ", "\x00", "|", "\x00", ",", "\x00", "(", "\x00", ")", "\x00").Replace(name)
	var parts []string
	for _, p := range strings.Split(name, "\x00") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

// establishmentKind names the kinds of small establishment that write from
// a provider's mailbox: the categories of FINESS, the national register of
// health and social establishments (EHPAD, SSIAD, foyer, résidence
// autonomie, centre de santé, pharmacie), and of local government and
// associations in INSEE's legal categories (commune and its mairie, CCAS,
// syndicat intercommunal, association), schools and a professional's
// practice.
var establishmentKind = func() *textmatch.Dict[bool] {
	d := textmatch.New[bool]()
	for _, w := range []string{"ehpad", "ehpa", "ssiad", "saad", "foyer", "residence autonomie", "centre de sante",
		"maison de sante", "pharmacie", "mairie", "commune", "ccas", "cias", "sivom", "sivu", "syndicat",
		"association", "ecole", "college", "lycee", "creche", "cabinet"} {
		d.Add(w, true)
	}
	return d
}()

// spelledBy reports a local part whose letters are words in order, each in
// full or as its initial, words of two letters or fewer ("de", "la")
// optional; dots, hyphens and underscores are ignored. At most eight
// words, so that the three ways of reading each stay cheap.
func spelledBy(local string, words []string) bool {
	if len(words) > 8 || len(local) > 64 {
		return false
	}
	l := strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r == '_' {
			return -1
		}
		return r
	}, strings.ToLower(local))
	var spell func(l string, words []string) bool
	spell = func(l string, words []string) bool {
		if len(words) == 0 {
			return l == ""
		}
		w := words[0]
		return strings.HasPrefix(l, w) && spell(l[len(w):], words[1:]) ||
			l != "" && l[0] == w[0] && spell(l[1:], words[1:]) ||
			len(w) <= 2 && spell(l, words[1:])
	}
	return l != "" && len(words) > 0 && spell(l, words)
}
