package brand

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"vigie.dev/vigie/internal/checks/links"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

// institutionLeadsElsewhere raises INSTITUTION_ACTION_ELSEWHERE: a message
// that names a public body (Brand.Institution) as its author or as the
// party owed — in its display name, its subject or a signature line —
// from a sender outside the body's domains, asks the reader to act (pay,
// download, update, sign in, claim a refund: institutionActions) and
// sends the reader, to do it, to a registrable domain that is neither the
// body's, nor under gouv.fr, nor the sender's own, nor a top site.
//
// This is the shape of the campaign families Cybermalveillance.gouv.fr
// documents in its alerts — fausses amendes ANTAI ("réglez votre amende
// sous 48 h"), faux remboursements des impôts, fausses cartes Vitale et
// faux ameli ("mettez à jour votre carte Vitale"), faux URSSAF
// ("téléchargez votre attestation"), faux Chorus Pro (the CERT fiche in
// ../shared/playbooks) — and of what the bodies themselves tell their
// users: they write from their own domains (impots.gouv.fr, ameli.fr,
// urssaf.fr, antai.gouv.fr, caf.fr, francetravail.fr,
// chorus-pro.gouv.fr) and their notices lead to their own sites. A
// phrase-less copy ("Votre avis est disponible, téléchargez-le") matched
// no lure and was accepted at 2 to 4.
//
// A mere mention is not a claim: a supplier's invoice that says it was
// lodged on Chorus Pro or an accountant's reminder of URSSAF deadlines
// names the body in its text, not as its author, and the genuine notice
// comes from the body's own domain (own). A signature line is a short
// line (signatureWords) among the last lines of the sender's own words
// ("L'équipe URSSAF", "Direction générale des Finances publiques"), not a
// sentence about the body. A link to the sender's own site (its
// signature's website) leads nowhere else; a link to any gouv.fr site is
// the State's.
func (c *Check) institutionLeadsElsewhere(ctx context.Context, in *scan.Input, out *scan.Emitter, named []int, own func(int) bool) {
	if in.Env.Rebuilt || in.Env.Authenticated || in.FromDomain == "" || len(in.Links) == 0 {
		return
	}
	// A public body of its own answers for its mail: a prefecture's
	// notice sends its reader to the ANTS, to demarches-simplifiees.fr, to
	// Légifrance or to a commune's site (testdata/publics). Not to a
	// user's page on a free hosting platform (links.FreeHostedSite), where
	// no body's own pages are: there its mailbox, taken over, signs as another body
	// ("Direction générale des Finances publiques" under an agent's name)
	// and leads to the phisher's page on weebly.com or web.app — a top
	// site's subdomain, which institutionAway passes over otherwise.
	state := in.SenderAuthenticated() && urlx.InDomain(in.FromDomain, "gouv.fr")
	freeHosted := ""
	if state {
		if freeHosted = freeHostedLink(in); freeHosted == "" {
			return
		}
	}
	if c.institutionAway(in, nil, false) == "" {
		return // no link could lead away from any body: the text need not be read
	}
	claimed := -1
	for _, i := range named {
		if c.brands[i].Institution && !own(i) {
			claimed = i
			break
		}
	}
	if claimed < 0 {
		claimed = c.signedAs(in, own)
	}
	// Signed as the body, in the display name or a signature line, by a
	// sender shown not to answer for its domain (no SPF or DMARC pass),
	// the message's site is to be the body's: the sender's "own" domain
	// is then any the phisher writes in From, or the compromised site he
	// sends from — the URSSAF copy linking there was accepted at 4.00
	// (7.50 linking elsewhere). Authenticated, or with no result read
	// (a public agency's own notice under untrusted relays), the
	// sender's site is its own.
	signed := claimed >= 0 && in.Auth.Known() && !in.SenderAuthenticated()
	if claimed < 0 {
		// A sender that passes DMARC for its own domain answers for its
		// mail: naming a body in its subject, it speaks of the body — a
		// payroll software's newsletter "URSSAF : ce qui change au 1er
		// janvier", a mutual insurer's "Assurance Maladie : remboursement
		// de vos soins dentaires", both through their mailing platform's
		// tracker, were quarantined (5.60, 7.49). Its display name or
		// signature claiming the body still counts (above, and
		// signatureLines); the copies of the campaign families come from
		// compromised small sites that publish no DMARC (testdata/
		// institutions). A domain registered days ago answers for
		// nothing: the phisher publishes DMARC for the domain he bought
		// for the campaign (Interisle Consulting, Phishing Landscape
		// 2020: most phishing domains are used within days of
		// registration), and his "URSSAF - votre attestation est
		// disponible" named the body in its subject alone
		// (TestYoungSenderSubjectClaimsTheInstitution).
		//
		// The signature lines were read just above (signedAs): only the
		// subject is left to read. It is read before the registry is
		// asked: most subjects name no body, and the sender's age is
		// then not worth a lookup.
		if s := c.subjectClaims(in, own); s >= 0 {
			answers := in.Auth.DMARC == "pass" && (c.young == nil || !c.young(ctx, in.FromOrg))
			if !answers {
				claimed = s
			}
		}
	}
	if claimed < 0 {
		return
	}
	b := &c.brands[claimed]
	if !institutionActions.Contains(in.Subject()+" . "+in.OwnBody(), 0) {
		return
	}
	away := freeHosted // the only way a State sender's notice leads away (above)
	if !state {
		away = c.institutionAway(in, b, !signed)
	}
	if away != "" {
		out.Emit("INSTITUTION_ACTION_ELSEWHERE", b.Name+" <"+in.FromDomain+"> → "+away)
	}
}

// institutionAway returns the registrable domain of the first link to
// click that leads away from public body b: none of b's domains, no
// gouv.fr site, not ours, no top site (a user's page on a free hosting
// platform among them, evil.weebly.com, leads away), a public name, and, when
// senderOwn, not the sender's organisation; "" when there is none. With b
// nil it is the first link that could lead away from any body.
func (c *Check) institutionAway(in *scan.Input, b *Brand, senderOwn bool) string {
	for _, l := range in.Links {
		if !clickable(l) || l.Domain == "" || b != nil && b.Official(l.Host) || urlx.InDomain(l.Host, "gouv.fr") ||
			senderOwn && l.Domain == in.FromOrg || in.TopSite(l.Domain) && !links.FreeHostedSite(l.Host) || c.ours(l.Host) || !urlx.PublicName(l.Host) {
			continue
		}
		return l.Domain
	}
	return ""
}

// freeHostedLink returns the host of the first link to click that is a
// user's site on a free hosting platform (links.FreeHostedSite), "" when
// none.
func freeHostedLink(in *scan.Input) string {
	for _, l := range in.Links {
		if clickable(l) && links.FreeHostedSite(l.Host) {
			return l.Host
		}
	}
	return ""
}

// claimedInText returns the first public body (Brand.Institution) other
// than the sender's own that the message puts forward as its author or
// the party owed in its text: its subject names it other than as a
// channel (unchanneled; not a forward's carried subject; only when subject
// is set), or one of its signature lines does (signatureLines); -1 when none. A body named in
// the middle of a sentence ("nos attestations URSSAF sont à jour") is a
// mention, not a claim.
func (c *Check) claimedInText(in *scan.Input, own func(int) bool, subject bool) int {
	if subject {
		if i := c.subjectClaims(in, own); i >= 0 {
			return i
		}
	}
	return c.signedAs(in, own)
}

// subjectClaims is claimedInText's reading of the subject alone: the
// first public body other than the sender's own that it names other than
// as a channel, -1 when none or when the subject is a forward's carried
// one.
func (c *Check) subjectClaims(in *scan.Input, own func(int) bool) int {
	if carriedSubject(in) {
		return -1
	}
	claimed := -1
	c.display.Find(c.unchanneled(in.Subject()), 100, c.claim(own, &claimed))
	return claimed
}

// signedAs is claimedInText's reading of the signature lines alone
// (signatureLines): the first public body other than the sender's own
// that one of them names, -1 when none.
func (c *Check) signedAs(in *scan.Input, own func(int) bool) int {
	claimed := -1
	claim := c.claim(own, &claimed)
	var buf [signatureLast]string
	for _, line := range signatureLines(in.OwnBody(), &buf) {
		if claimed >= 0 {
			break
		}
		c.display.Find(line, signatureWords, claim)
	}
	return claimed
}

// claim returns the dictionary callback that sets *claimed to the first
// public body other than the sender's own, and stops there.
func (c *Check) claim(own func(int) bool, claimed *int) func(int) bool {
	return func(i int) bool {
		if c.brands[i].Institution && !own(i) {
			*claimed = i
			return false
		}
		return true
	}
}

// channels are the prepositions that make a public body named in a
// subject the channel or the recipient of what the sender did, not its
// author: "Facture déposée sur Chorus Pro", "Déclaration transmise à
// l'URSSAF", "Dossier envoyé via France Travail". "de" is not one of
// them: "Votre remboursement de l'Assurance Maladie" says who pays.
var channels = []string{"sur", "via", "a", "aupres de", "vers", "dans", "par", "pour", "avec", "en"}

// channelArticles are the articles between a channel and the body's
// name ("à l'URSSAF", "sur la plateforme").
var channelArticles = []string{"", "l ", "la ", "le ", "les "}

// unchanneled returns subject with every public body's or platform's
// (Brand.Channel) name that follows a channel preposition (channels)
// blanked out (textmatch.Mask), so that only the names the subject puts
// forward as its author or the party owed are read as a claim.
func (c *Check) unchanneled(subject string) string {
	var found []int
	c.display.Find(subject, 100, func(i int) bool {
		if (c.brands[i].Institution || c.brands[i].Channel) && !slices.Contains(found, i) {
			found = append(found, i)
		}
		return true
	})
	for _, i := range found {
		for _, n := range c.brands[i].Names {
			for _, ch := range channels {
				for _, a := range channelArticles {
					subject = textmatch.Mask(subject, ch+" "+a+n)
				}
			}
		}
	}
	return subject
}

// putsForward reports a subject that puts brand i forward: any brand
// named in it, except a public body or a platform (Brand.Channel) named
// only as a channel (unchanneled) — a supplier's "Facture déposée sur
// Chorus Pro" or "Facture F-118 via Pennylane" from its own authenticated
// domain puts its invoice forward, not the platform.
func (c *Check) putsForward(subject string, i int) bool {
	if !c.brands[i].Institution && !c.brands[i].Channel {
		return true
	}
	return c.namesBrand(c.unchanneled(subject), 100, i)
}

// signatureWords is the longest signature line, in words: a name and a
// service ("Direction générale des Finances publiques", "Votre caisse
// d'Assurance Maladie du Val d'Exemple"), not a sentence.
const signatureWords = 8

// signatureLast is how many of the text's last non-empty lines are read
// as its signature.
const signatureLast = 8

// signatureLines returns the short lines (signatureWords words or fewer)
// among the last signatureLast non-empty lines of text, the last first.
// The text is read from its end: a long body is not split whole for its
// last lines. The lines are kept in buf, so that reading them allocates
// nothing.
func signatureLines(text string, buf *[signatureLast]string) []string {
	out := buf[:0]
	for n := 0; n < signatureLast && text != ""; {
		line := text
		if i := strings.LastIndexByte(text, '\n'); i >= 0 {
			line, text = text[i+1:], text[:i]
		} else {
			text = ""
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		n++
		if !moreWordsThan(line, signatureWords) {
			out = append(out, line)
		}
	}
	return out
}

// moreWordsThan reports whether s has more than n words as strings.Fields
// splits them (runs of what unicode.IsSpace does not call a space),
// counting without cutting s.
func moreWordsThan(s string, n int) bool {
	words, inWord := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			inWord = false
			continue
		}
		if !inWord {
			inWord = true
			if words++; words > n {
				return true
			}
		}
	}
	return false
}

// institutionActions are what the public bodies' phishing copies ask of
// the reader, as Cybermalveillance.gouv.fr's alerts describe them: pay a
// fine or a debt (ANTAI, DGFiP, URSSAF), download a notice or an
// attestation (URSSAF, Chorus Pro), update or renew a card or an account
// (ameli, carte Vitale, CAF, France Travail), sign in, claim a refund
// (impots.gouv.fr, ameli). Read in the sender's own words and subject,
// and only once the message claims a public body as its author.
var institutionActions = func() *textmatch.Dict[bool] {
	d := textmatch.New[bool]()
	for _, p := range []string{
		"payer", "payez", "reglez", "regler", "reglement en ligne", "paiement", "regularisez", "regulariser", "regularisation",
		"telechargez", "telecharger", "actualisez", "actualiser", "mettez a jour", "mettre a jour", "mise a jour", "renouvelez", "renouveler",
		"connectez vous", "vous connecter", "identifiez vous", "vous identifier", "remboursement", "rembourse",
		"confirmez", "confirmer vos", "validez", "valider votre", "commandez", "commander votre", "completez le formulaire", "remplissez le formulaire",
	} {
		d.Add(p, true)
	}
	return d
}()
