package invoice

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/message"
)

// TestExtractManyBombs: a message of documents each holding its own
// decoding bound (MaxDecodedBytes) in flate bombs, embedded files of
// MaxStreamBytes zeros, is read within the message's budget
// (MaxMessageDecodedBytes), and minDocumentDecodedBytes for each
// document after it, and said partial.
func TestExtractManyBombs(t *testing.T) {
	lim := DefaultLimits()
	small := deflate(make([]byte, lim.MaxStreamBytes))
	var pdf bytes.Buffer
	pdf.WriteString("%PDF-1.7\n")
	n := lim.MaxDecodedBytes / lim.MaxStreamBytes
	for i := range n {
		fmt.Fprintf(&pdf, "%d 0 obj << /Type /EmbeddedFile /Filter /FlateDecode >> stream\n%s\nendstream endobj\n", i+1, small)
	}
	m := &message.Message{}
	for i := range 2 * lim.MaxDocuments {
		m.Attachments = append(m.Attachments, message.Attachment{Filename: fmt.Sprintf("f%d.pdf", i), SniffedType: "application/pdf", Data: pdf.Bytes()})
	}
	start := time.Now()
	f := Extract(m, Limits{})
	d := time.Since(start)
	t.Logf("%d documents of %d bytes: %d read in %v, decoded %d", len(m.Attachments), pdf.Len(), f.Documents, d, f.decoded)
	if most := lim.MaxMessageDecodedBytes + lim.MaxDocuments*minDocumentDecodedBytes; f.decoded > most || !f.Truncated || f.Spent != "f2.pdf" {
		t.Errorf("%d bytes decoded, truncated %v, spent at %q; want at most %d, truncated, spent at f2.pdf", f.decoded, f.Truncated, f.Spent, most)
	}
	if d > 20*time.Second {
		t.Errorf("read in %v", d)
	}
}

// TestDecoysLeaveTheRIBRead: the message's budget must not let decoys
// hide the document that matters. Two small PDFs holding their own
// decoding bound in flate bombs spend MaxMessageDecodedBytes; the
// supplier's "nouveau RIB" after them is still read (each document keeps
// minDocumentDecodedBytes), so IBAN_CHANGED can still be raised on it.
func TestDecoysLeaveTheRIBRead(t *testing.T) {
	lim := DefaultLimits()
	small := deflate(make([]byte, lim.MaxStreamBytes))
	var bomb bytes.Buffer
	bomb.WriteString("%PDF-1.7\n")
	for i := range lim.MaxDecodedBytes / lim.MaxStreamBytes {
		fmt.Fprintf(&bomb, "%d 0 obj << /Type /EmbeddedFile /Filter /FlateDecode >> stream\n%s\nendstream endobj\n", i+1, small)
	}
	iban := invoicetest.IBAN("FR", "99999000020000000000002")
	rib := invoicetest.PDF([]string{"RELEVÉ D'IDENTITÉ BANCAIRE", "IBAN " + iban}, nil, 0)
	m := &message.Message{}
	for i := range lim.MaxMessageDecodedBytes / lim.MaxDecodedBytes {
		m.Attachments = append(m.Attachments, message.Attachment{Filename: fmt.Sprintf("annexe%d.pdf", i), SniffedType: "application/pdf", Data: bomb.Bytes()})
	}
	m.Attachments = append(m.Attachments, message.Attachment{Filename: "nouveau RIB.pdf", SniffedType: "application/pdf", Data: rib})
	f := Extract(m, Limits{})
	if !f.HasIBAN(iban) {
		t.Errorf("IBANs %+v; want %s read after the decoys", f.IBANs, iban)
	}
	if f.decoded > lim.MaxMessageDecodedBytes+lim.MaxDocuments*minDocumentDecodedBytes {
		t.Errorf("%d bytes decoded", f.decoded)
	}
}
