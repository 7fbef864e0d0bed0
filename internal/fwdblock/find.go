// Package fwdblock finds the original a forward carries in its body: the
// header block a mail client writes above it ("De : … Envoyé : … Objet :
// …", as Outlook, Gmail, Thunderbird and Apple Mail write it in seven
// languages), the original's body cut after the block, and the words the
// forwarder wrote above it. It is the one parser of that block: package
// scan reads it once per message (Input.Forward), the forward family
// rebuilds and judges the original from it (internal/checks/forward), and
// the content families read only the forwarder's own words and subject
// of a forward, the original's being judged as the original's.
package fwdblock

import (
	"strings"

	"vigie.dev/vigie/internal/message"
)

// Found is a forward's block, the original's body cut from the forward,
// and the forwarder's own words.
type Found struct {
	Block
	// Body is the original's text after the block, of type Kind
	// ("text/html" or "text/plain"); "" when it could not be cut cleanly.
	Body, Kind string
	// Marked says a forward marker line ("---------- Forwarded message
	// ---------") stands right above the block.
	Marked bool
	// Own is the text the forwarder wrote above the block, as the reader
	// sees it: the plain text's, else the HTML's visible text, before the
	// block's first field (a marker line included).
	Own string
}

// Recognise returns the original a forward carries, when the message is
// one: a subject with a forward prefix (Fw:, Fwd:, TR:, ENC:, WG:, RV:,
// I:, Doorst:, VS:, FS:), or without one a marker line right above the
// block — unless the subject is a reply's (Re:, AW:, SV:…), which quotes
// under the same markers — and a block found near the top of the body.
// subject is the message's, a list's tag removed. Most mail has neither
// prefix nor marker and costs two short scans.
func Recognise(subject string, m *message.Message) (Found, bool) {
	subject = WithoutGatewayTag(subject)
	prefixed := forwardSubject(subject)
	if !prefixed && replySubject(subject) {
		return Found{}, false
	}
	if !prefixed && !hasMarker(m.Text) && !hasMarker(m.HTMLText) {
		return Found{}, false
	}
	f, ok := Find(m)
	if !ok || !prefixed && !f.Marked {
		return Found{}, false
	}
	return f, true
}

// CarriesSubject reports a subject that is the original's, a forward's
// prefixes aside: it ends with the block's subject ("TR: Fwd: Alerte"
// over a block saying "Alerte"). A subject the forwarder rewrote is the
// forwarder's words.
func (f Found) CarriesSubject(subject string) bool {
	return SubjectCarries(subject, f.Subject)
}

// SubjectCarries reports a subject that is original — the subject of a
// message it carries, in its body or attached — a forward's prefixes
// aside: it ends with it ("TR: Fwd: Alerte" over "Alerte"), case aside.
func SubjectCarries(subject, original string) bool {
	subject, original = strings.TrimSpace(subject), strings.TrimSpace(original)
	return original != "" && len(original) <= len(subject) && strings.EqualFold(subject[len(subject)-len(original):], original)
}

// Find looks for the block in the forward's plain text, then in its HTML,
// and cuts the original's body after it: from the HTML when it can (a
// forward's plain part is the forwarding client's rendering of the HTML,
// image links written out as text), else from the plain text.
func Find(m *message.Message) (Found, bool) {
	var f Found
	ok := false
	if b, tok := findBlock(m.Text); tok {
		f.Block, f.Marked, f.Own, ok = b, markerBefore(m.Text, b.Start), m.Text[:b.Start], true
		if b.End > 0 {
			f.Body, f.Kind = m.Text[b.End:], "text/plain"
		}
	}
	if m.HTML != "" {
		text, at := htmlLines(m.HTML, Window)
		if b, hok := findBlock(text); hok {
			if !ok {
				f.Block, f.Own, ok = b, text[:b.Start], true
			}
			f.Marked = f.Marked || markerBefore(text, b.Start)
			if b.End > 0 {
				// The line break after the block is the markup that
				// follows it: the original starts there.
				f.Body, f.Kind = m.HTML[at[b.End-1]:], "text/html"
			}
		}
	}
	if !ok && m.HTMLText != "" {
		// The visible text the parser made of the HTML, for markup too
		// odd for htmlLines: the block is read, the body is not cut.
		if b, hok := findBlock(m.HTMLText); hok {
			f.Block, f.Own, ok = b, m.HTMLText[:b.Start], true
		}
	}
	return f, ok
}
