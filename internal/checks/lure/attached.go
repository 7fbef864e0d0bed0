package lure

import (
	"bytes"
	"strings"

	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/pasterun"
)

// attached holds the text of the PDF documents a message attaches, read
// once per message and only when a reader asks for it (the device code's,
// the paste-and-run steps'): a lure moves the code or the steps out of
// its body into a document it attaches (Proofpoint, "Device Code Phishing
// is an Evolution in Identity Takeover", December 2025: document
// pretexts; the ClickFix write-ups' PDF attachments with the steps).
type attached struct {
	m    *message.Message
	read bool
	pdfs []attachedText
}

// attachedText is the text of one attached document, and its file name.
type attachedText struct {
	name, text string
}

// maxAttachedPDFs is how many of a message's PDFs are read.
const maxAttachedPDFs = 3

// PDFs returns the text of the message's attached PDFs (at most
// maxAttachedPDFs), those with no text left out. Each is read once for
// the lure and invoice families (invoice.AttachedPDF).
func (a *attached) PDFs() []attachedText {
	if a.read {
		return a.pdfs
	}
	a.read = true
	n := 0
	for i := range a.m.Attachments {
		at := &a.m.Attachments[i]
		if !isPDF(at) {
			continue
		}
		n++
		if p := invoice.AttachedPDF(at); p != nil && strings.TrimSpace(p.Text) != "" {
			a.pdfs = append(a.pdfs, attachedText{at.Filename, p.Text})
		}
		if n == maxAttachedPDFs {
			break
		}
	}
	return a.pdfs
}

// isPDF reports an attachment that is a PDF, by its sniffed type or its
// first bytes.
func isPDF(a *message.Attachment) bool {
	return a.SniffedType == "application/pdf" || bytes.HasPrefix(a.Data, []byte("%PDF-"))
}

// pages returns the text of the attached HTML or SVG pages (their first
// maxPageBytes) whose bytes pass may, a cheap look before the text is
// taken out.
func (a *attached) pages(may func(page []byte) bool) []attachedText {
	var out []attachedText
	for _, at := range a.m.Attachments {
		if !isPage(at) {
			continue
		}
		page := at.Data[:min(len(at.Data), maxPageBytes)]
		if !may(page) {
			continue
		}
		out = append(out, attachedText{at.Filename, pasterun.PageText(page)})
	}
	return out
}

// pictured reports a message that shows pictures of its own: an alt text
// in its HTML or an attached image (the inline picture of a cid: link).
func pictured(m *message.Message) bool {
	if len(m.ImageAlts) > 0 {
		return true
	}
	for _, at := range m.Attachments {
		if strings.HasPrefix(at.SniffedType, "image/") || strings.HasPrefix(strings.ToLower(at.DeclaredType), "image/") {
			return true
		}
	}
	return false
}
