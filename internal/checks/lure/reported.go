package lure

import (
	"slices"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

// A warning about fraud quotes the fraud: Cybermalveillance.gouv.fr's
// letters and fiches, the CERT-FR's bulletins, an ARS's or a bank's alert
// write the lure between quotation marks — « Votre colis n'a pas pu être
// livré », « votre boîte aux lettres a atteint sa limite de stockage » —
// and say what it is: hameçonnage, arnaque, escroquerie. The words between
// the marks are reported speech, not the sender's request: they do not
// count (reportedQuotes). Written for Vigie from the way those public
// warnings present the messages they describe (Cybermalveillance.gouv.fr,
// "Hameçonnage (phishing)" fiche and its monthly letters; cert.ssi.gouv.fr
// bulletins d'actualité), not copied from any project or message.
//
// What a phisher could do with it: put the lure between quotation marks
// and name phishing somewhere. So only in a text that names the fraud
// (fraudWords), and only a quotation — between French guillemets, curly
// quotes, or the ASCII '"' a plain-text bulletin quotes with — whose
// sentence — from the start of the sentence it opens in to the end of the
// one it closes in — holds no link and no call to action of the sender's
// own outside a negation ("invitent à « vérifier votre compte »" is the
// report; "cliquez sur « Vérifier mon compte »" is the call). A quotation
// is short (reportedMaxQuote), and at most reportedMaxQuotes are spared.
// Nothing is spared in a message that itself asks to follow a link: a
// sentence holding a link and a call to action of the sender's
// (asksToFollowLink). The phish keeps every word outside the marks.
//
// Those rules read only the text, which the phisher writes: « Prévention
// hameçonnage : le service informatique vous transmet l'avis suivant.
// « Votre boîte aux lettres a atteint sa limite de stockage… » » above a
// link whose text holds no word of a call ("Valider mon quota") passed
// them all, and his quarantined notice fell to an accept
// (TestReportedQuotesNeedAWarningsSender). So only a sender whose warning
// the reader expects may report a fraud (mayReportFraud): the State's
// services under gouv.fr (CERT-FR at ssi.gouv.fr, Cybermalveillance.gouv.fr,
// the ministries' and the ARS's alerts relayed by them), or the
// organisation's own domain (its IT department warning its staff),
// authenticated, or taken at its word where no authentication result is
// read. A phisher on a domain of his own quotes in vain.

const (
	reportedMaxQuote     = 240 // bytes between the marks: a phrase, not a letter
	reportedMaxSentence  = 600 // bytes of the sentence around it
	reportedMaxQuotes    = 16
	reportedMaxSentences = 400 // a newsletter's, not a book's
)

// quoteMarks are the opening and closing marks of a quotation.
var quoteMarks = [...][2]string{{"«", "»"}, {"“", "”"}, {`"`, `"`}}

// fraudWords name the fraud a warning describes, in the words of the
// public warnings (Cybermalveillance.gouv.fr, CERT-FR, the CNIL, the
// FTC's and the providers' help on phishing).
var fraudWords = func() *textmatch.Dict[bool] {
	d := textmatch.New[bool]()
	for _, w := range []string{
		"hameconnage", "filoutage", "phishing", "arnaque", "arnaques", "escroquerie", "escroqueries",
		"escroc", "escrocs", "fraudeurs", "frauduleux", "frauduleuse", "frauduleuses",
		"cybermalveillance", "usurpant", "tentative de fraude", "tentatives de fraude",
		"scam", "scams", "scammers", "fraudsters",
	} {
		d.Add(w, true)
	}
	return d
}()

// publicWarners are the zones of the public bodies whose letters warn of
// fraud: the State's services under gouv.fr (CERT-FR, Cybermalveillance,
// the ministries), the CNIL (cnil.fr, an independent authority, whose
// letters quote the fake compliance and password notices it warns of),
// and the health administration's sante.fr (the ARS at ars.sante.fr).
// No one but those bodies names a host under them.
var publicWarners = []string{"gouv.fr", "cnil.fr", "sante.fr"}

// mayReportFraud reports a sender whose warning about fraud may quote the
// fraud: a domain under publicWarners, or one of the organisation's own,
// whose authentication passes (DMARC, or SPF or DKIM in its own domain
// without DMARC; the organisation's own not by a shared SPF include
// alone, orgBySPFAlone), or a public body's From where no result is read
// (vigie eval, a stored message), and a message submitted by a local user.
func (c *Check) mayReportFraud(in *scan.Input) bool {
	if in.FromOrg == "" {
		return false
	}
	own := c.fromOrg(in)
	if !own && !slices.ContainsFunc(publicWarners, func(d string) bool { return urlx.InDomain(in.FromDomain, d) }) {
		return false
	}
	switch {
	case in.Env.Authenticated:
		return true
	case !in.Auth.Known():
		return !own
	case own:
		return in.SenderAuthenticated() && !c.orgBySPFAlone(in)
	}
	return in.SenderAuthenticated()
}

// reportedQuotes returns body with the quotations of a warning about fraud
// blanked out with spaces (byte offsets kept), and whether it blanked any.
// lineBreaks and links are disclaimers' (a line break ends a sentence in
// HTML's visible text; a sentence that holds a link is refused).
func reportedQuotes(body string, lineBreaks bool, links []message.URL) (string, bool) {
	if !strings.Contains(body, "«") && !strings.Contains(body, "“") && !strings.Contains(body, `"`) {
		return body, false
	}
	if !fraudWords.Contains(body, 0) {
		return body, false
	}
	var quotes [][3]int // the opening mark, the words, the closing mark's end
	for _, m := range quoteMarks {
		for at := 0; len(quotes) < reportedMaxQuotes; {
			i := strings.Index(body[at:], m[0])
			if i < 0 {
				break
			}
			open := at + i
			j := strings.Index(body[open+len(m[0]):], m[1])
			if j < 0 {
				break
			}
			close := open + len(m[0]) + j
			at = close + len(m[1])
			if close-open <= reportedMaxQuote {
				quotes = append(quotes, [3]int{open, open + len(m[0]), close})
			}
		}
	}
	if len(quotes) == 0 {
		return body, false
	}
	// The sender's own words are the text without any of the quotations.
	b := []byte(body)
	for _, q := range quotes {
		for i := q[1]; i < q[2]; i++ {
			b[i] = ' '
		}
	}
	own := string(b)
	if asksToFollowLink(body, own, lineBreaks, links) {
		return body, false
	}
	kept, cut := []byte(body), false
	for _, q := range quotes {
		if reportedSentence(body, own, q[0], q[2], lineBreaks, links) {
			copy(kept[q[1]:q[2]], own[q[1]:q[2]])
			cut = true
		}
	}
	if !cut {
		return body, false
	}
	return string(kept), true
}

// reportedSentence reports that the sentence around the quotation that
// opens at open and closes at close holds no link and, in the sender's
// own words (own: body without the quotations), no call to action.
func reportedSentence(body, own string, open, close int, lineBreaks bool, links []message.URL) bool {
	start := open
	for start > 0 && open-start < reportedMaxSentence && !sentenceEndsBefore(body, start, lineBreaks) {
		start--
	}
	stop := close
	for stop < len(body) && stop-close < reportedMaxSentence && !sentenceEndsBefore(body, stop, lineBreaks) {
		stop++
	}
	if stop-start > reportedMaxSentence+(close-open) {
		return false
	}
	return !holdsLink(body[start:stop], links) && !callToAction(own[start:stop])
}

// asksToFollowLink reports a sentence that holds a link and, in the
// sender's own words (own), a call to action: the message asks to follow
// it ("cliquez sur « Vérifier mon compte »", the button's text being the
// link's). A warning points to its fiches and its platform without
// calling to click; a phish that reports a lure to make its own call
// keeps every phrase. Past reportedMaxSentences sentences the text is no
// warning's letter, and nothing is spared.
func asksToFollowLink(body, own string, lineBreaks bool, links []message.URL) bool {
	spans := sentenceSpans(body, lineBreaks)
	if len(spans) > reportedMaxSentences {
		return true
	}
	for _, sp := range spans {
		if holdsLink(body[sp[0]:sp[1]], links) && callToAction(own[sp[0]:sp[1]]) {
			return true
		}
	}
	return false
}

// sentenceEndsBefore reports a sentence boundary just before body[i], as
// sentenceSpans cuts them: after ".", "!", "?" or "…" and a space, at a
// blank line, at any line break when lineBreaks.
func sentenceEndsBefore(body string, i int, lineBreaks bool) bool {
	if i <= 0 || i >= len(body) {
		return true
	}
	switch body[i-1] {
	case '\n':
		return lineBreaks || blankLineFollows(body, i)
	case ' ', '\t', '\r':
		if i >= 2 {
			switch body[i-2] {
			case '.', '!', '?':
				return true
			}
		}
		return i >= 4 && body[i-4:i-1] == "…"
	}
	return false
}
