package invoice

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/testenv"
)

// TestExtractManyBombsBudget: a message of documents each holding its own
// decoding bound (MaxDecodedBytes) in flate bombs, embedded files of
// MaxStreamBytes zeros, is read within the message's budget
// (MaxMessageDecodedBytes), and minDocumentDecodedBytes for each
// document after it, and said partial.
func TestExtractManyBombsBudget(t *testing.T) {
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
	// The time is a budget, asserted only without -race (scripts/test.sh
	// runs the Budget tests again without it): under the race detector on
	// a loaded machine the same reading took 55 s.
	if d > 20*time.Second && !testenv.RaceEnabled {
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

// paddedRIB is a one-page RIB whose page draws pads content streams of
// MaxStreamBytes NUL bytes (PDF white space, a few kilobytes compressed)
// before the one that writes lines.
func paddedRIB(lim Limits, pads int, lines ...string) []byte {
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	stream := func(data []byte) int {
		z := deflate(data)
		return add(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(z), z))
	}
	catalogue := add("<< /Type /Catalog /Pages 2 0 R >>")
	pages := add("")
	font := add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var contents []string
	pad := make([]byte, lim.MaxStreamBytes)
	for range pads {
		contents = append(contents, fmt.Sprintf("%d 0 R", stream(pad)))
	}
	var text bytes.Buffer
	text.WriteString("BT /F1 11 Tf 50 780 Td 14 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&text, "(%s) Tj T*\n", l)
	}
	text.WriteString("ET\n")
	contents = append(contents, fmt.Sprintf("%d 0 R", stream(text.Bytes())))
	page := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents [%s] >>", pages, font, strings.Join(contents, " ")))
	objs[pages-1] = fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page)
	return invoicetest.Assemble("%PDF-1.7\n", objs, catalogue)
}

// TestPaddedRIBSaidPartlyRead: one RIB padded past its own decoding bound
// (MaxDecodedBytes, 16 MiB of white space in four content streams) before
// the stream that writes its IBAN: the IBAN is not read, and the document
// is named in Findings.Spent (INVOICE_DOCUMENTS_PARTLY_READ) as one cut by
// the message's budget is; before, the cut was silent. The same RIB with
// three pads is read whole.
func TestPaddedRIBSaidPartlyRead(t *testing.T) {
	lim := DefaultLimits()
	iban := invoicetest.IBAN("FR", "99999000020000000000002")
	pads := lim.MaxDecodedBytes / lim.MaxStreamBytes
	for _, c := range []struct {
		pads  int
		spent string
	}{{pads - 1, ""}, {pads, "nouveau RIB.pdf"}} {
		m := &message.Message{Attachments: []message.Attachment{{Filename: "nouveau RIB.pdf", SniffedType: "application/pdf",
			Data: paddedRIB(lim, c.pads, "RELEVE D'IDENTITE BANCAIRE", "IBAN "+iban)}}}
		f := Extract(m, Limits{})
		if f.Spent != c.spent || f.Truncated != (c.spent != "") || f.HasIBAN(iban) == (c.spent != "") {
			t.Errorf("%d pads: spent %q, truncated %v, IBANs %+v; want spent %q", c.pads, f.Spent, f.Truncated, f.IBANs, c.spent)
		}
	}
}
