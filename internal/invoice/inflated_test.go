package invoice

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"testing"

	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/message"
)

// carrying parses a message carrying pdf as its attachment, as the
// scanner does: its PDFStreams are the streams the parser inflated.
func carrying(pdf []byte) message.Attachment {
	raw := "From: a@b.example\r\nSubject: facture\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nci-joint\r\n--b\r\nContent-Type: application/pdf; name=f.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(pdf) + "\r\n--b--\r\n"
	m := message.Parse([]byte(raw), message.DefaultLimits())
	if len(m.Attachments) != 1 {
		return message.Attachment{Data: pdf}
	}
	return m.Attachments[0]
}

// TestInflatedShared: a PDF read with the streams the parser inflated
// gives what it gives read alone, and the parser's streams are used.
func TestInflatedShared(t *testing.T) {
	d := sample()
	for i, pdf := range [][]byte{
		invoicetest.PDF(invoicetest.Text(d), []invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 0),
		invoicetest.PDF(invoicetest.Text(d), nil, 64<<10),
	} {
		a := carrying(pdf)
		if len(a.PDFStreams) == 0 {
			t.Fatalf("%d: the parser kept no inflated stream", i)
		}
		alone, err1 := ReadPDF(pdf, Limits{})
		shared, err2 := readPDF(a.Data, a.PDFStreams, Limits{})
		if err1 != nil || err2 != nil || !reflect.DeepEqual(alone, shared) {
			t.Errorf("%d: alone %+v %v, shared %+v %v", i, alone, err1, shared, err2)
		}
		// The shared streams are the ones used: emptied, they give no text.
		emptied := make([]message.Inflated, len(a.PDFStreams))
		for k, s := range a.PDFStreams {
			emptied[k] = message.Inflated{At: s.At, Used: s.Used}
		}
		if p, err := readPDF(a.Data, emptied, Limits{}); err != nil || p.Text != "" {
			t.Errorf("%d: the parser's streams were not used: %q %v", i, p.Text, err)
		}
	}
}

// FuzzInflatedShared: whatever the file, reading it with the streams the
// parser inflated gives what reading it alone gives, within the limits.
func FuzzInflatedShared(f *testing.F) {
	d := sample()
	f.Add(invoicetest.PDF(invoicetest.Text(d), []invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 0))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Filter /FlateDecode /Length 3 >> stream\nxyz\nendstream endobj"))
	f.Fuzz(func(t *testing.T, pdf []byte) {
		lim := DefaultLimits()
		lim.MaxDecodedBytes = 1 << 20
		a := carrying(pdf)
		alone, err1 := ReadPDF(a.Data, lim)
		shared, err2 := readPDF(a.Data, a.PDFStreams, lim)
		if fmt.Sprint(err1) != fmt.Sprint(err2) || !reflect.DeepEqual(alone, shared) {
			t.Fatalf("alone %+v %v, shared %+v %v", alone, err1, shared, err2)
		}
	})
}

// TestAttachedPDFKept: a PDF read by AttachedPDF (the lure family's
// reader) is kept on its attachment, and Extract takes that reading:
// the findings are those of a message read afresh, and the file is not
// read again (a kept reading with another text is what Extract finds).
func TestAttachedPDFKept(t *testing.T) {
	d := sample()
	pdf := invoicetest.PDF(invoicetest.Text(d), []invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 0)
	fresh := &message.Message{Attachments: []message.Attachment{carrying(pdf)}}
	kept := &message.Message{Attachments: []message.Attachment{carrying(pdf)}}
	p := AttachedPDF(&kept.Attachments[0])
	if p == nil || p.Text == "" {
		t.Fatalf("AttachedPDF: %+v", p)
	}
	if AttachedPDF(&kept.Attachments[0]) != p {
		t.Errorf("AttachedPDF read the file again")
	}
	if a, b := Extract(fresh, Limits{}), Extract(kept, Limits{}); !reflect.DeepEqual(a, b) {
		t.Errorf("afresh %+v, with the kept reading %+v", a, b)
	}
	k := kept.Attachments[0].Parsed.(*keptPDF)
	k.pdf = &PDF{Text: "IBAN FR76 3000 6000 0112 3456 7890 189"}
	if f := Extract(kept, Limits{}); len(f.IBANs) != 1 {
		t.Errorf("Extract did not take the kept reading: %+v", f.IBANs)
	}
}

// FuzzAttachedPDFKept: whatever the file, Extract finds with the reading
// AttachedPDF kept what it finds reading the file afresh, and AttachedPDF
// returns the kept reading the second time.
func FuzzAttachedPDFKept(f *testing.F) {
	d := sample()
	f.Add(invoicetest.PDF(invoicetest.Text(d), []invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 0))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Filter /FlateDecode /Length 3 >> stream\nxyz\nendstream endobj"))
	f.Fuzz(func(t *testing.T, pdf []byte) {
		fresh := &message.Message{Attachments: []message.Attachment{carrying(pdf)}}
		kept := &message.Message{Attachments: []message.Attachment{carrying(pdf)}}
		p := AttachedPDF(&kept.Attachments[0])
		if AttachedPDF(&kept.Attachments[0]) != p {
			t.Fatal("AttachedPDF read the file again")
		}
		if a, b := Extract(fresh, Limits{}), Extract(kept, Limits{}); !reflect.DeepEqual(a, b) {
			t.Fatalf("afresh %+v, with the kept reading %+v", a, b)
		}
	})
}
