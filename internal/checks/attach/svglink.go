package attach

import (
	"regexp"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// An SVG attachment whose only active content is a link: the picture
// opens in the browser (Windows gives .svg to it), shows a sentence or
// two and a button, and the button leads to the kit. The write-ups of
// 2025 describe it beside the scripted SVGs ATTACH_SVG_ACTIVE reads:
// Sophos X-Ops ("Scalable Vector Graphics files pose a novel phishing
// threat", 2025: invoice, new voicemail and "signature required" lures
// whose SVG "displays a sentence or two and a hyperlink", leading to a
// DocuSign, Dropbox, SharePoint or Google Voice look-alike); Kaspersky
// (Securelist, "SVG phishing", 2025: an SVG that is "a web page with a
// link" to an audio file, "Play audio" leading to a corporate-mail sign-in;
// an e-signature notice whose SVG is "the document to review and sign").
//
// An SVG that links is also a signature logo leading to its company's
// site, an exported diagram whose shapes lead to documentation, a CI
// badge leading to its pipeline (../../engine/testdata/svg/, must-accept).
// What those never do is put, on the link itself, words asking the reader
// to open, view, play or sign a document, a message or an invoice, and
// send that click off the sender's own domain: svgLinkAsk reads the
// words the link carries (the text runs inside the SVG's <a>, which the
// message parser keeps as the link's text, at most 512 bytes), and the
// link's registrable domain is compared with the From's. The sender's
// own site is spared only when its domain answers for the message
// (scan.Input.SenderAnswers): a kit's domain that sends and links to
// itself unauthenticated is no company's logo.

// svgAskVerb is a call to open, view, play, listen to, sign, download or
// review, French and English; svgAskObject what the lures offer: a
// document or file, a (voice) message or recording, an invoice, a
// contract, a fax or a scan, a payment advice (the families above).
const (
	svgAskVerb = `ouvr(?:ir|ez)|voir|visualis(?:er|ez)|consult(?:er|ez)|affich(?:er|ez)|[ée]cout(?:er|ez)|r[ée][ée]cout(?:er|ez)|lire|lisez|sign(?:er|ez)|t[ée]l[ée]charg(?:er|ez)|acc[ée]d(?:er|ez)|examin(?:er|ez)|` +
		`open|view|play|listen(?:\s+to)?|review|sign|download|access|preview|read`
	svgAskObject = `documents?|fichiers?|files?|pi[èe]ces?\s+jointes?|attachments?|messages?(?:\s+vocal|\s+vocaux)?|voicemails?|voice\s*mails?|audio|enregistrements?|recordings?|` +
		`factures?|invoices?|contrats?|contracts?|pdf|fax|scans?|relev[ée]s?|statements?|bons?\s+de\s+commande|purchase\s+orders?|avis\s+de\s+(?:paiement|virement)|remittance(?:\s+advice)?|payment\s+advice`
)

// svgAskFiller are the words between the verb and its object: articles
// and possessives, "new", "secure", "shared", and a second verb ("review
// and sign", "consulter et signer").
const svgAskFiller = `le|la|les|l|un|une|des|du|de|d|votre|vos|ce|cette|ces|mon|ma|mes|nouveau|nouvel|nouvelle|nouveaux|s[ée]curis[ée]e?|partag[ée]e?|et|` +
	`the|your|this|these|a|an|my|our|new|secure|secured|shared|and|to|&|` + svgAskVerb

// svgAsk finds the verb followed, three filler words apart at most, by
// the object, in lower-cased text.
var svgAsk = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])(` + svgAskVerb + `)(?:[\s'’]+(?:` + svgAskFiller + `)){0,3}[\s'’]+(` + svgAskObject + `)(?:$|[^\p{L}\p{N}])`)

// maxSVGLinkText bounds the text read: the parser keeps 512 bytes of a
// link's text; a caller that passes more is cut.
const maxSVGLinkText = 1024

// svgLinkAsk returns the words of text that ask the reader to open, view,
// play or sign a document, a message or an invoice, "" when none do.
func svgLinkAsk(text string) string {
	if len(text) > maxSVGLinkText {
		text = text[:maxSVGLinkText]
	}
	lower := strings.ToLower(text)
	m := svgAsk.FindStringSubmatchIndex(lower)
	if m == nil {
		return ""
	}
	return strings.Join(strings.Fields(lower[m[2]:m[5]]), " ")
}

// judgeSVGLinks raises ATTACH_SVG_LINK_ASK for the first link of an
// attached SVG (svgs, by file name) that leaves the From's registrable
// domain, or stays in it without the domain answering for the message,
// and whose words ask to open, view, play or sign (svgLinkAsk).
func judgeSVGLinks(in *scan.Input, svgs map[string]bool, out *scan.Emitter) {
	if len(svgs) == 0 {
		return
	}
	for _, l := range in.Links {
		if l.URL == nil || l.Source != message.URLFromAttachment || !svgs[l.In] || l.Text == "" {
			continue
		}
		dom := l.Domain
		if dom == "" {
			dom = l.Host
		}
		if dom == "" || in.FromOrg != "" && dom == in.FromOrg && in.SenderAnswers() {
			continue
		}
		if w := svgLinkAsk(l.Text); w != "" {
			name := l.In
			if name == "" {
				name = "SVG"
			}
			out.Emit("ATTACH_SVG_LINK_ASK", name+": \""+w+"\" → "+l.Host)
			return
		}
	}
}
