package message

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// bombPDF is a PDF of pdfMaxTotalOutput/pdfMaxStreamOutput FlateDecode
// streams of pdfMaxStreamOutput zeros each: its file's inflation bound
// read whole from a few kilobytes.
func bombPDF(t *testing.T) []byte {
	z := deflateT(t, make([]byte, pdfMaxStreamOutput))
	var pdf bytes.Buffer
	pdf.WriteString("%PDF-1.7\n")
	for i := range pdfMaxTotalOutput / pdfMaxStreamOutput {
		fmt.Fprintf(&pdf, "%d 0 obj << /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n", i+1, len(z), z)
	}
	return pdf.Bytes()
}

// manyFiles is a message of n attachments of data, named name0.ext … .
func manyFiles(n int, typ, ext string, data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var m strings.Builder
	m.WriteString(hostileHeader + "Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\nci-joint\r\n")
	for i := range n {
		fmt.Fprintf(&m, "--BB\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"f%d.%s\"\r\n\r\n%s\r\n", typ, i, ext, enc)
	}
	m.WriteString("--BB--\r\n")
	return []byte(m.String())
}

// measureParse is measure that also returns the bytes the parser
// inflated, and the wall time.
func measureParse(t *testing.T, raw []byte, lim Limits) (m *Message, inflated int, cpu, wall time.Duration) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start, cpu0 := time.Now(), threadCPU(t)
	m, p := parse(raw, lim)
	cpu, wall = threadCPU(t)-cpu0, time.Since(start)
	for _, def := range m.Defects {
		if strings.Contains(def.Detail, "internal parser error") {
			t.Fatalf("parser panicked: %s", def.Detail)
		}
	}
	return m, p.inflated, cpu, wall
}

// inflateDefect returns the detail of the OVERSIZE defect of a spent
// inflation budget, or "".
func inflateDefect(m *Message) string {
	for _, d := range m.Defects {
		if d.Code == DefectOversize && strings.Contains(d.Detail, "MaxInflatedBytes") {
			return d.Detail
		}
	}
	return ""
}

// TestHostileManyPDFBombs: a message of 480 small PDFs (5.8 MB), each
// holding its file's inflation bound (8 MiB) in deflate bombs, is read
// within the message's budget (MaxInflatedBytes), with an OVERSIZE defect
// naming the first file not read whole; the links written out in every
// file are still read. Bounded per file alone, it inflated 3.8 GiB and
// allocated 8.6 GB: 4.0 s of CPU (16.9 s of wall time on the loaded test
// machine).
func TestHostileManyPDFBombs(t *testing.T) {
	pdf := append(bombPDF(t), "9999 0 obj << /A << /S /URI /URI (https://lien.example/ouvrir) >> >> endobj\n"...)
	raw := manyFiles(480, "application/pdf", "pdf", pdf)
	lim := DefaultLimits()
	m, inflated, cpu, wall := measureParse(t, raw, lim)
	t.Logf("%d bytes, %d PDFs: %d bytes inflated, %v of CPU, %v wall", len(raw), len(m.Attachments), inflated, cpu, wall)
	files := lim.MaxInflatedBytes / pdfMaxTotalOutput
	if most := lim.MaxInflatedBytes + (480-files)*pdfMinInflatedBytes; inflated > most {
		t.Errorf("%d bytes inflated, budget %d and %d for each file after it: %d", inflated, lim.MaxInflatedBytes, pdfMinInflatedBytes, most)
	}
	if d := inflateDefect(m); !strings.HasPrefix(d, fmt.Sprintf("f%d.pdf:", files)) {
		t.Errorf("defect %q, want one naming f%d.pdf, the first file past the budget", d, files)
	}
	if len(m.Attachments) != 480 {
		t.Errorf("%d attachments, want 480", len(m.Attachments))
	}
	links := 0
	for _, u := range m.URLs {
		if u.Source == URLFromAttachment && u.Raw == "https://lien.example/ouvrir" {
			links++
		}
	}
	if links == 0 {
		t.Errorf("the link written out in the files was not read")
	}
	// The thread's CPU is the budget; the wall time is only logged: on a
	// machine other jobs load (CI ran it at a load of 14 on two cores),
	// 3.3 s of CPU took 40 s of wall time.
	quick(t, cpu)
}

// TestInflationBudgetSharedInOrder: the message's budget leaves each file
// its own bound (one PDF of 8 MiB of streams is read whole, as before)
// and is spent in the order of the files: the fifth bomb is the first
// not read whole, and inflates pdfMinInflatedBytes.
func TestInflationBudgetSharedInOrder(t *testing.T) {
	pdf := bombPDF(t)
	lim := DefaultLimits()
	m, inflated, _, _ := measureParse(t, manyFiles(1, "application/pdf", "pdf", pdf), lim)
	if inflated != pdfMaxTotalOutput || inflateDefect(m) != "" || len(m.Attachments[0].PDFStreams) != pdfMaxTotalOutput/pdfMaxStreamOutput {
		t.Errorf("one PDF: %d bytes inflated, %d streams kept, defect %q; want %d, %d and none",
			inflated, len(m.Attachments[0].PDFStreams), inflateDefect(m), pdfMaxTotalOutput, pdfMaxTotalOutput/pdfMaxStreamOutput)
	}
	files := lim.MaxInflatedBytes / pdfMaxTotalOutput
	m, inflated, _, _ = measureParse(t, manyFiles(files, "application/pdf", "pdf", pdf), lim)
	if inflated != lim.MaxInflatedBytes || inflateDefect(m) != "" {
		t.Errorf("%d PDFs: %d bytes inflated, defect %q; want %d and none", files, inflated, inflateDefect(m), lim.MaxInflatedBytes)
	}
	m, inflated, _, _ = measureParse(t, manyFiles(files+1, "application/pdf", "pdf", pdf), lim)
	if want := lim.MaxInflatedBytes + pdfMinInflatedBytes; inflated != want || !strings.HasPrefix(inflateDefect(m), fmt.Sprintf("f%d.pdf:", files)) {
		t.Errorf("%d PDFs: %d bytes inflated, defect %q; want %d (the last file its %d) and one naming f%d.pdf", files+1, inflated, inflateDefect(m), want, pdfMinInflatedBytes, files)
	}
	// A smaller budget cuts a file in the middle of a stream.
	lim.MaxInflatedBytes = pdfMaxStreamOutput + pdfMaxStreamOutput/2
	m, inflated, _, _ = measureParse(t, manyFiles(1, "application/pdf", "pdf", pdf), lim)
	if inflated != lim.MaxInflatedBytes || !strings.HasPrefix(inflateDefect(m), "f0.pdf:") || len(m.Attachments[0].PDFStreams) != 1 {
		t.Errorf("budget of 1.5 streams: %d bytes inflated, %d streams kept, defect %q", inflated, len(m.Attachments[0].PDFStreams), inflateDefect(m))
	}
}

// TestDecoysLeaveALinkRead: PDFs of deflate bombs sent first spend the
// message's budget; the PDF after them whose link is written in a
// compressed stream (an object stream of annotations, as office suites
// write them) still has its link read: each file keeps
// pdfMinInflatedBytes past the budget.
func TestDecoysLeaveALinkRead(t *testing.T) {
	bomb := bombPDF(t)
	z := deflateT(t, []byte("<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://connexion.example/compte) >> >>"))
	link := fmt.Appendf(nil, "%%PDF-1.7\n1 0 obj << /Type /ObjStm /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(z), z)
	lim := DefaultLimits()
	files := lim.MaxInflatedBytes / pdfMaxTotalOutput
	raw := []byte(strings.Replace(string(manyFiles(files+2, "application/pdf", "pdf", bomb)), "--BB--\r\n",
		"--BB\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"facture.pdf\"\r\n\r\n"+
			base64.StdEncoding.EncodeToString(link)+"\r\n--BB--\r\n", 1))
	m, inflated, _, _ := measureParse(t, raw, lim)
	found := false
	for _, u := range m.URLs {
		found = found || u.Raw == "https://connexion.example/compte" && u.In == "facture.pdf"
	}
	if !found {
		t.Errorf("the link in facture.pdf's compressed stream, after %d bombs, was not read: %d bytes inflated", files+2, inflated)
	}
	if d := inflateDefect(m); !strings.HasPrefix(d, fmt.Sprintf("f%d.pdf:", files)) {
		t.Errorf("defect %q, want one naming f%d.pdf", d, files)
	}
}
