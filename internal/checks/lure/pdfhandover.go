package lure

import (
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
// espace" of its own site (engine testdata/pdflure).

// handoverThemes are the catalogue's themes the hand-over says: a
// sign-in, a shared document, a code to scan, an account to verify,
// suspend or renew, a password to give.
var handoverThemes = map[string]bool{
	"credentials": true, "document_share": true, "qr_code": true,
	"account_suspension": true, "password_expiry": true, "verify_identity": true,
	"password_request": true,
}

// protectedDocument are the PDF lure's own words for the document it
// hides behind its button, in French and English: the write-ups above
// show a "protected" or "secured" document to "open" or "view". They are
// read in an attached PDF only: a message body says "view document" of
// every genuine e-signature and sharing notice, which the catalogue's
// document_share theme judges with its sender.
var protectedDocument = func() *textmatch.Dict[string] {
	d := textmatch.New[string]()
	for _, p := range []string{
		"document protege", "document securise", "fichier protege", "fichier securise",
		"ouvrir le document", "afficher le document", "voir le document", "acceder au document",
		"protected document", "secure document", "secured document", "document is protected",
		"open document", "view document", "access document",
		"scannez ce code", "scannez le qr code", "scan this code", "scan the code",
	} {
		d.Add(p, p)
	}
	return d
}()

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
	hosts := map[string]string{} // PDF name -> host it leads to
	for _, l := range in.Links {
		if l.In == "" || l.Source != message.URLFromAttachment && l.Source != message.URLFromQR {
			continue
		}
		if _, ok := hosts[l.In]; ok || !c.handsOver(in, out, l) {
			continue
		}
		hosts[l.In] = l.Host
	}
	if len(hosts) == 0 {
		return ""
	}
	for _, d := range docs.PDFs() {
		host, ok := hosts[d.name]
		if !ok {
			continue
		}
		if said := c.handoverWords(d.text); said != "" {
			name := d.name
			if name == "" {
				name = "PDF"
			}
			return name + ": " + said + " -> " + host
		}
	}
	return ""
}

// hostingSignals are the link family's signals of a host anyone may put a
// page on or that hides where it leads: a top site's though it may be
// (pages.dev, a shortener), a page there is nobody's own.
var hostingSignals = []string{"URL_FREE_HOSTING", "URL_SHORTENER", "URL_CLOUD_STORAGE", "URL_FORM_SERVICE", "URL_IPFS", "URL_IP_LITERAL"}

// handsOver reports a PDF's link or code that leads off the sender's
// own domain: to a registrable domain that is neither the sender's nor
// the organisation's, and is not a top site of the MISP lists (the
// tax office's impots.gouv.fr, a bank's, Stripe's) unless the link
// family found the message leading to a host anyone may publish on
// (hostingSignals).
func (c *Check) handsOver(in *scan.Input, out *scan.Emitter, l scan.Link) bool {
	if l.Domain == "" || l.Domain == in.FromOrg {
		return false
	}
	for _, d := range c.org {
		if urlx.InDomain(l.Host, d) {
			return false
		}
	}
	if !in.TopSite(l.Domain) {
		return true
	}
	for _, s := range hostingSignals {
		if out.Emitted(s) {
			return true
		}
	}
	return false
}

// handoverWords returns the hand-over's words a PDF's text says, at most
// quotedPhrases of them quoted, or "": a catalogue phrase of a hand-over
// theme, a call to click to sign in (callsToSignIn), the protected
// document's words.
func (c *Check) handoverWords(text string) string {
	var said []string
	add := func(p string) {
		if len(said) < quotedPhrases && !strings.Contains(strings.Join(said, " "), `"`+p+`"`) {
			said = append(said, `"`+p+`"`)
		}
	}
	c.dict.FindAfter(text, maxHandoverWords, func(p phrase, _ uint64) bool {
		if e := c.entries[p.id]; handoverThemes[e.Theme] {
			add(e.Text)
		}
		return len(said) < quotedPhrases
	})
	if len(said) < quotedPhrases {
		protectedDocument.Find(text, maxHandoverWords, func(p string) bool {
			add(p)
			return len(said) < quotedPhrases
		})
	}
	if len(said) == 0 && c.click >= 0 && callsToSignIn(text, c.calls) {
		add("click to sign in")
	}
	return strings.Join(said, ", ")
}
