package brand

import (
	"strings"

	"vigie.dev/vigie/internal/checks/links"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
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
//
// Where no authentication result is read (a relay whose results are not
// trusted), the business must also name itself: a word of its own in the
// display name, neither the brand's nor a partner's, that its domain
// spells ("Exemple Informatique - Partenaire Microsoft" from
// exemple-informatique.fr: ownNameInDomain). "Partenaire Microsoft" alone,
// or from a domain that is not the business's, stays a claim.
//
// The words of brand i's own names are not read: "agence" in "ANTS -
// Agence nationale des titres sécurisés" is the public body's name, no
// agency speaking of it — the display name of a State mailbox taken over
// above "payez les frais de votre dossier" was spared as a third party
// (engine testdata/publics twins: 2.84 accepted behind the MX).
func (c *Check) thirdParty(in *scan.Input, name string, i int) bool {
	answers := in.Auth.DMARC == "pass"
	if !answers && in.Auth.Known() || c.asks == nil {
		return false
	}
	name = c.withoutNames(name, i)
	third, own := false, false
	label := firstLabel(urlx.Registrable(strings.ToLower(in.FromDomain)))
	for w := range strings.FieldsSeq(textmatch.Normalize(name)) {
		if claimWord(w) || c.lureWord != nil && c.lureWord(w) {
			return false
		}
		third = third || thirdPartyWords[w]
		own = own || ownNameInDomain(w, label) && !thirdPartyWords[w] && !c.brandWord(w, -1)
	}
	return third && (answers || own) && !c.asks(in)
}

// ownNameInDomain reports a word of four letters or more of a display
// name that the sender's domain label spells as one of its words
// (pixel-agence, exemple-informatique) or opens with (pixelagence).
func ownNameInDomain(w, label string) bool {
	if len(w) < 4 {
		return false
	}
	return hasToken(label, w) || strings.HasPrefix(strings.ReplaceAll(label, "-", ""), w)
}

// withoutNames returns the display name with brand i's own names (Names,
// DisplayOnly) masked: what is left is the sender's word, not the brand's.
func (c *Check) withoutNames(name string, i int) string {
	for _, list := range [][]string{c.brands[i].Names, c.brands[i].DisplayOnly} {
		for _, n := range list {
			name = textmatch.Mask(name, n)
		}
	}
	return name
}

// publicBody reports another public body writing under its own name
// about institution i's procedures: "Préfecture du Loiret - Bureau des
// permis de conduire" from loiret.gouv.fr names the ANTS's "permis de
// conduire", but the prefectures instruct the titles the ANTS issues
// (décret n° 2024-146; the Senate's report on France Titres: the
// prefects' CERT decide, the agency does not), and the State's own
// domains are not the ANTS's (3c6f321). It holds when the From's domain
// is declared by another institution (the State's gouv.fr), the display
// name less brand i's names names the sender with a word its domain
// spells (ownNameInDomain: "loiret"), the sender answers for the message
// or nothing of its authentication is read, every link and mailto: leads
// to brand i's or a public body's domains (the reader's for a mailto:),
// and nothing is asked (Options.Asks). The State mailboxes taken over
// that sign "ANTAI - Avis de contravention" or "DGFiP - Service des
// remboursements" name no body of their own (engine testdata/publics
// twins), and one that does ("Préfecture du Nord - ANTAI") above a fine
// paid on a look-alike or a free host keeps the claim.
func (c *Check) publicBody(in *scan.Input, name string, i int) bool {
	if !c.brands[i].Institution || c.asks == nil || !in.SenderAnswers() && in.Auth.Known() {
		return false
	}
	public := func(host string) bool {
		if c.brands[i].Official(host) {
			return true
		}
		for j := range c.brands {
			if b := &c.brands[j]; b.Institution && b.declared(host) {
				return true
			}
		}
		return false
	}
	if !public(in.FromDomain) || c.brands[i].Official(in.FromDomain) {
		return false
	}
	// Where nothing of the authentication is read, anyone can write a
	// prefecture's address in From: its links must then stay on the
	// body's or the sender's own domains, not on any public body's, a
	// number to call is where the forger's answer comes from (reportCalls),
	// and so is an address to reply to. "Préfecture du Loiret - ANTAI" from
	// a forged loiret.gouv.fr was accepted at 0.50 (8.22 before this spare)
	// sending to a file on static.data.gouv.fr, where any account publishes,
	// to a redirect on the prefecture's site (EmbeddedHost), to "appelez le
	// service de recouvrement au 09 …", and at 4.33 (12.05) with its
	// Reply-To on gmail.com (engine testdata/publics/twins).
	home := func(host string) bool {
		return public(host) && (in.Auth.Known() || c.brands[i].Official(host) || urlx.InDomain(host, in.FromOrg))
	}
	if !in.Auth.Known() && c.reportCalls(in) {
		return false
	}
	for _, l := range in.Links {
		if fetched(l) {
			continue
		}
		if l.Host == "" || !home(l.Host) {
			return false
		}
		if t := links.EmbeddedHost(l.Target); t != "" && !home(t) {
			return false
		}
	}
	for _, d := range in.Msg.MailtoDomains {
		if !home(d) && !readersDomain(in, urlx.Registrable(d)) {
			return false
		}
	}
	for _, r := range in.Msg.ReplyTo {
		if !home(r.Domain()) && !readersDomain(in, urlx.Registrable(r.Domain())) {
			return false
		}
	}
	label := firstLabel(urlx.Registrable(strings.ToLower(in.FromDomain)))
	for w := range strings.FieldsSeq(textmatch.Normalize(c.withoutNames(name, i))) {
		if ownNameInDomain(w, label) && !c.brandWord(w, -1) {
			return !c.asks(in)
		}
	}
	return false
}
