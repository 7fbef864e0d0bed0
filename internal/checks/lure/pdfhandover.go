package lure

import (
	"slices"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

// A PDF is the lure's carrier when the body says little ("please find the
// invoice attached") and the attached document does the asking: a
// "protected document" to open behind a button, a code to scan, a
// sign-in (Microsoft Threat Intelligence and Proofpoint on PDF lures with
// a link or QR code to a credential page, 2024-2025; Barracuda, half a
// million PDF attachments with a QR code between June and September 2024,
// half of them in Microsoft's name; Abnormal Security's PDF posing as a
// file-share notice with a QR code to a sign-in page; Palo Alto Networks
// Unit 42, "Phishing PDFs", 2021: a button over a picture). The link
// family judges where the button or the code leads (the PDF's URI actions
// and drawn codes are links like the body's: internal/message/pdf.go);
// this reading counts what the document says to get it followed.
//
// It is no second body: the themes a genuine PDF carries — an invoice,
// its sum, "payer en ligne", a statement, a ticket — are not read, only
// those of the hand-over (handoverThemes), and only when the same
// document leads off its sender's own domain (pdfHandover). A supplier's
// invoice whose button goes to its payment provider says "payer en
// ligne", not "document protégé, connectez-vous"; a bank's statement, the
// tax office's notice or a hospital's memo says "connectez-vous à votre
// espace" of its own site, and a payslip, a buyer's notice or a broker's
// schedule of the portal it is also on (portalWords; engine
// testdata/pdflure).

// handoverThemes are the catalogue's themes the hand-over says: a
// sign-in, a shared document, a code to scan, an account to verify,
// suspend or renew, a password to give.
var handoverThemes = map[string]bool{
	"credentials": true, "document_share": true, "qr_code": true,
	"account_suspension": true, "password_expiry": true, "verify_identity": true,
	"password_request": true,
}

// lockedDocument are the PDF lure's own words for the document it hides
// behind its button, in French and English: the write-ups above show a
// "protected" or "secured" document, a code to scan. They are read in an
// attached PDF only: the catalogue's document_share theme judges a body's
// with its sender.
var lockedDocument = dictOf(
	"document protege", "document securise", "fichier protege", "fichier securise",
	"protected document", "secure document", "secured document", "document is protected",
	"scannez ce code", "scannez le qr code", "scan this code", "scan the code",
)

// portalWords are the invitation every portal's own document writes: open,
// view or consult the document, sign in to your space. A supplier's
// invoice deposited on Chorus Pro, a payslip also in the employee's
// Digiposte vault, a buyer's answers on its procurement platform, a
// broker's schedule of the insurer, a Yousign or DocuSign certificate
// each say it of the portal their link leads to (engine testdata/pdflure,
// the genuine ones without DMARC went 2.00 -> 4.50, tagged, behind the
// MX). They are read as a hand-over only when the link leads to a host
// anyone may publish on, to an unestablished domain or to a host dressed
// as another's (handsOver's open); the lure's own words
// (lockedDocument, a code to scan, a shared file, an account notice, an
// identity to verify, a password) wherever the link leads off the sender.
// portalPhrases are the catalogue's phrases of that invitation outside
// the credentials theme, whose phrases all are ("connectez-vous",
// "access your account").
var (
	portalWords = dictOf(
		"ouvrir le document", "afficher le document", "voir le document", "acceder au document",
		"open document", "view document", "access document",
	)
	portalPhrases = map[string]bool{"consulter le document": true}
)

func dictOf(phrases ...string) *textmatch.Dict[string] {
	d := textmatch.New[string]()
	for _, p := range phrases {
		d.Add(p, p)
	}
	return d
}

// maxHandoverWords is how much of a PDF's text is read: the hand-over is
// on its first page.
const maxHandoverWords = 1500

// pdfHandover returns, for the first attached PDF that both says a
// hand-over's words and leads off its sender's domain, its file name, the
// words (quoted as the catalogue writes them) and the host, or "". Only
// a message whose PDF holds a link or a code leading elsewhere has a PDF
// read here (the invoice family reads the same text, kept once:
// invoice.AttachedPDF).
func (c *Check) pdfHandover(in *scan.Input, out *scan.Emitter, docs *attached) string {
	type lead struct {
		host string
		open bool
	}
	hosts := map[string]lead{} // PDF name -> where it leads
	for _, l := range in.Links {
		if l.In == "" || l.Source != message.URLFromAttachment && l.Source != message.URLFromQR {
			continue
		}
		elsewhere, open := c.handsOver(in, out, l)
		if prev, ok := hosts[l.In]; !elsewhere || ok && (prev.open || !open) {
			continue
		}
		hosts[l.In] = lead{l.Host, open}
	}
	if len(hosts) == 0 {
		return ""
	}
	for _, d := range docs.PDFs() {
		to, ok := hosts[d.name]
		if !ok {
			continue
		}
		if said := c.handoverWords(d.text, to.open); said != "" {
			name := d.name
			if name == "" {
				name = "PDF"
			}
			return name + ": " + said + " -> " + to.host
		}
	}
	return ""
}

// hostingSignals are the link family's signals of a host anyone may put a
// page on or that hides where it leads: a top site's though it may be
// (pages.dev, a shortener), a page there is nobody's own. Urgency reads
// them of the whole message (pressesTowardsLink); a PDF's link reads its
// own host (AnyonesHost), and them only where the family is used without
// the link family's.
var hostingSignals = []string{"URL_FREE_HOSTING", "URL_SHORTENER", "URL_CLOUD_STORAGE", "URL_FORM_SERVICE", "URL_IPFS", "URL_IP_LITERAL"}

// unestablishedSignals are the link family's signals of a domain nobody
// has kept long: registered days ago (the newly-registered list or the
// registry), a random name, a TLD the abuse reports name. A portal a
// genuine PDF invites to sign in to (Chorus Pro, Digiposte, a buyer's
// procurement platform) is none of these; the kit's own domain often is.
var unestablishedSignals = []string{"URL_NEW_DOMAIN", "URL_RANDOM_DOMAIN", "URL_ABUSED_TLD"}

// deceptiveSignals are the brand and link families' signals of a host
// dressed as someone else's or reached in a way no portal is: a brand's
// or the organisation's name in another domain, a homoglyph, punycode, a
// port of its own. A portal's own domain raises none; the kit's twin of
// the genuine Chorus Pro supplier's invoice on portail.chorus-pro-gouv.fr,
// on chu-exemple-rh.fr or on portail-chorus.fr:8443 lost its
// LURE_PDF_HANDOVER when the portal's invitation stopped counting there
// (engine testdata/pdflure/sosies: 5.74 / 6.50 quarantined -> 3.24 / 4.00
// accepted behind the MX). They stand for this link only when their
// detail names its host (another link's look-alike is not this one's).
var deceptiveSignals = []string{"URL_BRAND_IN_DOMAIN", "URL_HOMOGLYPH_DOMAIN", "URL_PUNYCODE", "URL_IDN_SUBDOMAIN", "URL_NONSTANDARD_PORT", "URL_AT_AUTHORITY"}

// handsOver reports whether a PDF's link or code leads off the sender's
// own domain (elsewhere): to a registrable domain that is neither the
// sender's nor the organisation's, and is not a top site of the MISP
// lists (the tax office's impots.gouv.fr, a bank's, Stripe's) unless it
// leads to a host anyone may publish on (open): a page customers publish
// on a brand's domain (Published: drive.google.com, forms.office.com,
// SharePoint, Dropbox), or one of the link family's hosting catalogue
// (AnyonesHost: this link's, not another the message holds; a genuine
// supplier's PDF inviting to sign in to Chorus Pro, with a bit.ly link to
// its brochure in the body, was quarantined at 6.00 behind the MX when
// the message's URL_SHORTENER stood for it). An unknown domain in a
// message the link family found leading to an unestablished one (young,
// random, an abused TLD) is open too: nobody's portal; so is a host a
// deceptive signal names (deceptiveSignals, namesHost). A catalogued brand's own domain is not spared as a top site is:
// no genuine PDF of testdata/pdflure needs it (the portal's invitation
// alone no longer counts), and some of those domains hold anyone's pages
// (an association's HelloAsso form: engine testdata/pdflure/gaps).
func (c *Check) handsOver(in *scan.Input, out *scan.Emitter, l scan.Link) (elsewhere, open bool) {
	if l.Domain == "" || l.Domain == in.FromOrg {
		return false, false
	}
	for _, d := range c.org {
		if urlx.InDomain(l.Host, d) {
			return false, false
		}
	}
	open = c.Published != nil && c.Published(l.Host)
	if c.AnyonesHost != nil {
		open = open || c.AnyonesHost(l.Host, l.Target)
	} else {
		open = open || emittedAny(out, hostingSignals)
	}
	known := in.TopSite(l.Domain)
	open = open || !known && emittedAny(out, unestablishedSignals)
	for _, s := range deceptiveSignals {
		open = open || namesHost(out.Detail(s), l.Host)
	}
	return open || !known, open
}

// namesHost reports whether a signal's detail names host: the host alone,
// or followed by a port, a path, a space or a "~" naming what it imitates.
//
// Both are lower-cased once, before any index is taken: a rune whose
// lower case is longer or shorter in UTF-8 (U+023A, U+0130) would
// otherwise shift the index found in the lowered detail off the original,
// past its end on a detail that is an IDN's.
func namesHost(detail, host string) bool {
	detail, host = strings.ToLower(detail), strings.ToLower(host)
	for detail != "" && host != "" {
		i := strings.Index(detail, host)
		if i < 0 {
			return false
		}
		end := i + len(host)
		before := i == 0 || strings.IndexByte(" (>\t,", detail[i-1]) >= 0 || detail[i-1] == '/' || detail[i-1] == '@'
		after := end == len(detail) || strings.IndexByte(" :/?~),\t", detail[end]) >= 0
		if before && after {
			return true
		}
		detail = detail[end:]
	}
	return false
}

// handoverWords returns the hand-over's words a PDF's text says, at most
// quotedPhrases of them quoted, or "": the lure's own words (a catalogue
// phrase of a hand-over theme outside the portal's invitation, the
// locked document's words) and, when the link leads to a host anyone may
// publish on (open), the portal's invitation too (the credentials theme,
// portalWords, a call to click to sign in).
func (c *Check) handoverWords(text string, open bool) string {
	var lure, portal []string
	add := func(to *[]string, p string) {
		if len(*to) < quotedPhrases && !slices.Contains(*to, `"`+p+`"`) {
			*to = append(*to, `"`+p+`"`)
		}
	}
	c.dict.FindAfter(text, maxHandoverWords, func(p phrase, _ uint64) bool {
		switch e := c.entries[p.id]; {
		case !handoverThemes[e.Theme]:
		case e.Theme == "credentials" || portalPhrases[e.Text]:
			add(&portal, e.Text)
		default:
			add(&lure, e.Text)
		}
		return len(lure) < quotedPhrases
	})
	if len(lure) < quotedPhrases {
		lockedDocument.Find(text, maxHandoverWords, func(p string) bool {
			add(&lure, p)
			return len(lure) < quotedPhrases
		})
	}
	if len(lure) == 0 && !open {
		return ""
	}
	if open && len(lure)+len(portal) < quotedPhrases {
		portalWords.Find(text, maxHandoverWords, func(p string) bool {
			add(&portal, p)
			return len(lure)+len(portal) < quotedPhrases
		})
		if len(lure)+len(portal) == 0 && c.click >= 0 && callsToSignIn(text, c.calls) {
			add(&portal, "click to sign in")
		}
	}
	said := append(lure, portal...)
	return strings.Join(said[:min(len(said), quotedPhrases)], ", ")
}

// emittedAny reports whether any of signals was emitted in this scan.
func emittedAny(out *scan.Emitter, signals []string) bool {
	return slices.ContainsFunc(signals, out.Emitted)
}
