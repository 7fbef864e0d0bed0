package brand

import (
	"strings"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

// placeNameBrands are the brand names that are also the name of a place
// under which a hospital, a town hall, a care home or a school writes:
// Orange, a commune (Vaucluse, INSEE code 84087 in the Code officiel
// géographique), and two French common nouns that name residences and
// clinics after where they stand, "canal" and "lido" (a seaside strip;
// Canal+ and Lido Finance are brands). "Centre hospitalier d'Orange",
// "EHPAD Résidence du Canal", "Clinique du Lido" are places, not the
// operator, the broadcaster or the staking service.
var placeNameBrands = map[string]bool{"orange": true, "canal": true, "lido": true}

// placeArticles are the words that put a place's name after an
// establishment's: "d'", "de", "du", "à", "le", "la", "les".
var placeArticles = map[string]bool{"d": true, "de": true, "du": true, "a": true, "le": true, "la": true, "les": true}

// placeBodies are the words that name an establishment or a public body
// after its commune ("Mairie d'Orange", "Centre hospitalier d'Orange",
// "EHPAD … d'Orange", "Communauté de communes du Pays d'Orange").
var placeBodies = map[string]bool{
	"mairie": true, "ville": true, "commune": true, "communes": true, "pays": true, "ccas": true,
	"hopital": true, "hospitalier": true, "ch": true, "chi": true, "ehpad": true, "ssiad": true,
	"clinique": true, "residence": true, "lycee": true, "college": true, "ecole": true,
	"cpts": true, "mediatheque": true, "conservatoire": true, "municipale": true, "tourisme": true,
	"sante": true, "foyer": true, "maison": true,
}

// placeName reports that brand i is named in the display name only as a
// place's name (placeNameBrands), each time after an article
// (placeArticles) that an establishment's word opens (placeBodies, within
// placeReach words: "Mairie d'Orange", "Conservatoire de musique
// d'Orange", "Pays Réuni d'Orange"), beside no account, security, team or
// channel word ("Service client d'Orange", "Mairie d'Orange - Messagerie"
// stay claims: comboWords, roleWords), none in the sender's domain either
// (orange-compte-mairie.fr), by a sender that is no free mailbox, in a
// message whose subject and text name the place only as a place too
// (placeOnly). The sender answers for the name: its domain passes DMARC
// or, where no authentication result is read (a relay whose results are
// not trusted), the domain is the body's own, named after its place
// (ville-orange.fr, ch-orange.fr, clinique-dulido.fr): a phisher writing
// the town hall's name from his own domain gets no spare; one forging the
// town's domain is told only by a DMARC result, which is then not read.
// A result read that is not a pass (none, fail) is no answer.
func (c *Check) placeName(in *scan.Input, out *scan.Emitter, name string, i int) bool {
	answers := in.Auth.DMARC == "pass"
	if !answers && in.Auth.Known() || out.Emitted("FROM_FREEMAIL") {
		return false
	}
	words := strings.Fields(textmatch.Normalize(name))
	places := 0
	for k, w := range words {
		if brandTrade(w) && !(publicProcurement(words, k) && !c.asksOf(in)) {
			return false
		}
		if !placeNameBrands[w] || !c.brandWord(w, i) {
			continue
		}
		if comboWord(in.FromDomain, w) {
			return false // orange-compte-mairie.fr: the combosquat, whatever the name says
		}
		if !answers && !strings.Contains(firstLabel(urlx.Registrable(in.FromDomain)), w) {
			return false
		}
		if !placeAfterBody(words, k) {
			return false
		}
		places++
	}
	return places > 0 && placeOnly(in.Msg.Subject+" . "+in.Body(), placeNameBrands)
}

// placeOnly reports a text that writes the place-brands' names only as
// places: after an establishment's word and its article ("Résidence du
// Canal", "Centre hospitalier d'Orange": placeBodies), a street's
// ("quai du Canal", "promenade du Lido", "au bord du canal": streetWords),
// a postcode ("84100 Orange"), or, for the commune, "à" ("réunion à
// Orange"). An article alone is not enough: "votre abonnement de Canal+",
// "vos récompenses de staking du Lido", "votre messagerie d'Orange" are the
// brands' ("Votre messagerie Orange" and "votre abonnement Canal+" the
// more so), and the mailbox lure sent under the town hall's name from the
// town's own-looking domain is read as the brand's.
func placeOnly(text string, places map[string]bool) bool {
	words := strings.Fields(textmatch.Normalize(text))
	for k, w := range words {
		if !places[w] {
			continue
		}
		if k == 0 {
			return false
		}
		p := words[k-1]
		switch {
		case postcode(p):
		case p == "a" && communeBrands[w]:
		case p != "a" && (placeAfterBody(words, k) || placeArticles[p] && k >= 2 && streetWords[words[k-2]]):
		default:
			return false
		}
	}
	return true
}

// placeReach is how many words an establishment's word may stand before
// the article of its place's name: "Conservatoire de musique d'Orange",
// "Communauté de communes du Pays Réuni d'Orange".
const placeReach = 3

// placeAfterBody reports words[k], a place-brand's name, right after an
// article (placeArticles, "à" aside) that an establishment's word
// (placeBodies) opens within placeReach words, with no word of the
// brand's trade between them ("Résidence : votre messagerie d'Orange"
// is the brand's).
func placeAfterBody(words []string, k int) bool {
	if k < 2 || !placeArticles[words[k-1]] || words[k-1] == "a" {
		return false
	}
	for j := k - 2; j >= 0 && j >= k-1-placeReach; j-- {
		if placeBodies[words[j]] {
			return true
		}
		if brandTrade(words[j]) {
			return false
		}
	}
	return false
}

// publicProcurement reports words[k] as the "commande" of "commande
// publique", public procurement (the Code de la commande publique), the
// service a town hall's or a hospital's tenders sign with ("Ville de
// Orange - Commande publique"): no subscription's order ("Commande
// Norton", roleWords).
//
// The phisher writes that display name too, from a domain naming the town
// (ville-orange-info.fr): "Ville de Orange - Commande publique" above
// "connectez-vous avec vos identifiants de messagerie professionnelle"
// fell from quarantine (14.11) to tag (5.39) under both trusts once the
// words spared it (TestCommandePubliqueAskingForCredentials, engine). A
// procurement notice that asks something of the reader (Options.Asks:
// to sign in, to pay, to verify) keeps "commande" a claim word; the
// town's notices of tender ask none of it.
func publicProcurement(words []string, k int) bool {
	return words[k] == "commande" && k+1 < len(words) && words[k+1] == "publique"
}

// brandTrade reports an account, security, team or channel word
// (claimWord) or a word of the operator's trade ("messagerie", "mobile",
// "box"): beside a place-brand it makes the brand the sender.
func brandTrade(w string) bool {
	return claimWord(w) || w == "messagerie" || w == "mobile" || w == "box"
}

// communeBrands are the place-brands that are communes, written after
// "à" as a town is ("à Orange"); "canal" and "lido" are common nouns,
// written "au canal", "au Lido" where they are places, and "abonnement à
// Canal+" is the broadcaster's.
var communeBrands = map[string]bool{"orange": true}

// streetWords are the kinds of street and bank a French address writes
// before a canal's, a seaside strip's or a commune's name (the types of
// way of the Base Adresse Nationale: "quai du Canal", "promenade du
// Lido", "avenue d'Orange"), and the bank of a canal ("au bord du canal").
var streetWords = map[string]bool{
	"rue": true, "avenue": true, "boulevard": true, "bd": true, "quai": true, "promenade": true,
	"chemin": true, "allee": true, "place": true, "route": true, "impasse": true, "cours": true,
	"bord": true, "rive": true, "rives": true, "port": true, "pont": true,
}

// postcode reports a French postcode: five digits.
func postcode(w string) bool {
	if len(w) != 5 {
		return false
	}
	for i := range len(w) {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// placeSender reports a display name that reads label as the commune's
// name (placeName) for the brand whose label it is.
func (c *Check) placeSender(in *scan.Input, out *scan.Emitter, name, label string) bool {
	i, ok := c.labels[label]
	return ok && c.placeName(in, out, name, i)
}

// asksOf reports a message asking something of its reader (Options.Asks),
// false where the lure family gives no answer.
func (c *Check) asksOf(in *scan.Input) bool { return c.asks != nil && c.asks(in) }
