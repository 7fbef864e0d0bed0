package brand

import (
	"strings"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// thirdPartyWords name a business that speaks of a brand rather than as
// it: the partners and certified experts the brands' partner programmes
// let agencies call themselves ("Google Partner", "Partenaire Microsoft"),
// the agencies and consultants themselves, and the review requests a
// shop sends through a review service ("Avis Google - Boulangerie
// Martin", Google Business Profile's reviews).
var thirdPartyWords = map[string]bool{
	"partenaire": true, "partner": true, "partners": true, "certifie": true, "certifiee": true, "certified": true,
	"expert": true, "experte": true, "experts": true, "agence": true, "agency": true, "consultant": true, "consultante": true,
	"avis": true, "review": true, "reviews": true,
}

// thirdParty reports a display name that names the brand beside a word of
// a business speaking of it (thirdPartyWords: "Agence Pixel - Partenaire
// Google", "Marc Lefèvre | Expert Google Ads"), from a sender whose own
// domain passes DMARC, with no account, security, team or channel word
// (comboWords, roleWords) nor a word of the lure catalogue
// (Options.LureWord) beside it — "Google Partner Support", "Partenaire
// Google - Sécurité du compte" stay claims — in a message that asks
// nothing of its reader (Options.Asks): "Partenaire Google" over "votre
// compte Google sera suspendu, vérifiez votre compte" is the account
// notice under a name a phisher reads here.
func (c *Check) thirdParty(in *scan.Input, name string) bool {
	if in.Auth.DMARC != "pass" || c.asks == nil {
		return false
	}
	third := false
	for _, w := range strings.Fields(textmatch.Normalize(name)) {
		if claimWord(w) || c.lureWord != nil && c.lureWord(w) {
			return false
		}
		third = third || thirdPartyWords[w]
	}
	return third && !c.asks(in)
}
