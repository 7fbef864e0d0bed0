package message

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// FuzzPDFURIs reads URI actions in a PDF of any bytes: literal and hex
// strings cut anywhere, FlateDecode streams damaged or unterminated, a
// deflate bomb. Every URI stays within maxURLLen, the inflated output
// within its budget, and no file takes long. The message parser reaches
// the PDF only through a base64 part, which the engine's fuzzing seldom
// mutates into valid PDF syntax.
func FuzzPDFURIs(f *testing.F) {
	if raw, err := os.ReadFile("testdata/pdf-uri.eml"); err == nil {
		for _, a := range Parse(raw, DefaultLimits()).Attachments {
			f.Add(a.Data)
		}
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj << /A << /S /URI /URI (https://a.example/\\(x\\)\\\nb) >> >> endobj\n2 0 obj << /URI <FEFF0068007400740070003A002F002F0062> >> endobj"))
	f.Add([]byte("%PDF-1.5\n3 0 obj << /Type /ObjStm /Filter /FlateDecode /Length 40 >>\nstream\r\n" +
		string(deflate(f, []byte("<< /URI (https://c.example/login) >>"))) + "\nendstream\nendobj"))
	f.Add([]byte("<< /Filter /FlateDecode >>\nstream\n" + string(deflate(f, bytes.Repeat([]byte("/URI (x) "), 1<<18)))))
	// Image XObjects, read for a QR code: a gray FlateDecode picture whose
	// dimensions lie, a JPEG cut short, a picture without endstream.
	f.Add([]byte("<< /Subtype /Image /Width 640 /Height 640 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>\nstream\n" +
		string(deflate(f, bytes.Repeat([]byte{0, 255}, 64))) + "\nendstream"))
	f.Add([]byte("<< /Subtype /Image /Width 3 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode >>\nstream\n" +
		string(deflate(f, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9})) + "\nendstream"))
	f.Add([]byte("<< /Subtype/Image /Filter /DCTDecode >>\nstream\n\xff\xd8\xff\xc0\x00\x11\x08\x7f\xff\x7f\xff\x03\nendstream"))
	f.Add([]byte("<</Subtype/Image/Filter/DCTDecode>>stream\n<</Subtype/Image/Filter/DCTDecode>>stream\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		n := 0
		pdfURIsAndPictures(data, func(u string) {
			n++
			if len(u) > 4*maxURLLen { // a byte may widen to a 3-byte rune
				t.Fatalf("URI of %d bytes", len(u))
			}
		}, func(img image.Image, encoded []byte) {
			// The parser's own reading of a picture, budget aside.
			if img != nil {
				if b := img.Bounds(); b.Dx()*b.Dy() > qrMaxPixels {
					t.Fatalf("picture of %v handed over", b)
				}
				qrImageText(img)
			} else if len(encoded) <= qrMaxBytes {
				qrText(encoded)
			}
		})
		// A runaway (a loop, an expansion), not a slow machine: on the
		// shared test machine a seed that takes 0.00 s was once stalled
		// 9 s under -race, so the bound is generous.
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("%d bytes, %d URIs read in %v", len(data), n, d)
		}
	})
}

func deflate(f *testing.F, b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// TestPDFStreamsKept: the parser keeps the streams it inflated whole, with
// where they start and how many bytes they take, and no more than
// pdfMaxKeptOutput for the whole message.
func TestPDFStreamsKept(t *testing.T) {
	stream := deflateT(t, bytes.Repeat([]byte("0 0 m /URI (https://a.example/) "), (pdfMaxStreamOutput-1)/32))
	var pdf bytes.Buffer
	pdf.WriteString("%PDF-1.5\n")
	for i := range 8 {
		fmt.Fprintf(&pdf, "%d 0 obj << /Filter /FlateDecode /Length %d >>\nstream\r\n%s\r\nendstream\nendobj\n", i+1, len(stream), stream)
	}
	var raw strings.Builder
	raw.WriteString("From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
	for i := range 3 {
		fmt.Fprintf(&raw, "--b\r\nContent-Type: application/pdf; name=%d.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", i, base64.StdEncoding.EncodeToString(pdf.Bytes()))
	}
	raw.WriteString("--b--\r\n")
	m := Parse([]byte(raw.String()), DefaultLimits())
	if len(m.Attachments) != 3 {
		t.Fatalf("%d attachments", len(m.Attachments))
	}
	first := m.Attachments[0].PDFStreams
	if len(first) != 8 {
		t.Fatalf("first PDF: %d streams kept, want 8", len(first))
	}
	for _, s := range first {
		if s.Used != len(stream) || !bytes.HasPrefix(m.Attachments[0].Data[s.At:], stream) || len(s.Out) != (pdfMaxStreamOutput-1)/32*32 {
			t.Fatalf("stream at %d: used %d of %d, %d bytes out", s.At, s.Used, len(stream), len(s.Out))
		}
	}
	kept := 0
	for _, a := range m.Attachments {
		for _, s := range a.PDFStreams {
			kept += len(s.Out)
		}
	}
	if kept > pdfMaxKeptOutput || kept < pdfMaxKeptOutput-pdfMaxStreamOutput {
		t.Errorf("%d bytes kept, bound %d", kept, pdfMaxKeptOutput)
	}
}

func deflateT(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPDFPicturesWithoutEnd: a file of picture dictionaries with no
// endstream after them (4 MB of "<</Subtype/Image/Filter/DCTDecode>>stream")
// is read in linear time. Searching for the end anew at each keyword took
// the square of the file: over two minutes for this one.
func TestPDFPicturesWithoutEnd(t *testing.T) {
	data := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("<</Subtype/Image/Filter/DCTDecode>>stream\n"), 100000)...)
	start := time.Now()
	n := 0
	pdfURIsAndPictures(data, func(string) {}, func(image.Image, []byte) { n++ })
	// Milliseconds when linear; the bound leaves room for a loaded machine
	// under -race.
	if d := time.Since(start); d > 10*time.Second || n != 0 {
		t.Errorf("%d bytes read in %v, %d pictures", len(data), d, n)
	}
	// With their ends, the pictures count against pdfMaxStreams.
	data = append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("<</Subtype/Image/Filter/DCTDecode>>stream\nx\nendstream\n"), 1000)...)
	n = 0
	pdfURIsAndPictures(data, func(string) {}, func(image.Image, []byte) { n++ })
	if n != pdfMaxStreams {
		t.Errorf("%d pictures handed over, want pdfMaxStreams (%d)", n, pdfMaxStreams)
	}
}

// A QR code in an 8-bit RGB picture of up to qrMaxPixels (620x620 here,
// 1.15 MB inflated) is read: at pdfMaxStreamOutput its stream was cut and
// the picture dropped.
func TestQRCodeInLargeRGBPDFPicture(t *testing.T) {
	target := "https://sign-docs.example.net/#compta@chu-exemple.fr"
	img, err := png.Decode(bytes.NewReader(qrPNG(t, target, 620)))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx()*b.Dy()*3 <= pdfMaxStreamOutput || b.Dx()*b.Dy() > qrMaxPixels {
		t.Fatalf("picture of %v: want an RGB stream beyond pdfMaxStreamOutput within qrMaxPixels", b)
	}
	rgb := make([]byte, 0, 3*b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			rgb = append(rgb, byte(r>>8), byte(g>>8), byte(bl>>8))
		}
	}
	z := deflateT(t, rgb)
	pdf := fmt.Appendf(nil, "%%PDF-1.7\n4 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n%%%%EOF\n", b.Dx(), b.Dy(), len(z), z)
	raw := "From: rh@example.org\r\nSubject: Document\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" +
		"Content-Type: application/pdf; name=\"doc.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(pdf) + "\r\n--b--\r\n"
	m := Parse([]byte(raw), Limits{})
	ok := false
	for _, u := range m.URLs {
		ok = ok || (u.Source == URLFromQR && u.Raw == target)
	}
	if !ok {
		t.Errorf("no QR URL in %+v", m.URLs)
	}
}

// TestPDFLargeRGBPicturesStayBounded: the worst case the larger picture
// bound opens, a PDF of pdfMaxStreams RGB pictures of 640x640 each
// (1.2 MB of samples apiece, 1.5 KB deflated), inflates no more than
// pdfMaxTotalOutput in all and hands over at most the pictures that
// output holds whole; read in the time of that output, not of the
// streams' count.
func TestPDFLargeRGBPicturesStayBounded(t *testing.T) {
	z := deflateT(t, make([]byte, pdfMaxPictureOutput))
	var pdf bytes.Buffer
	pdf.WriteString("%PDF-1.7\n")
	for i := range pdfMaxStreams + 10 {
		fmt.Fprintf(&pdf, "%d 0 obj << /Subtype /Image /Width 640 /Height 640 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n", i+1, len(z), z)
	}
	start := time.Now()
	pictures := 0
	kept := pdfURIsAndPictures(pdf.Bytes(), func(string) {}, func(img image.Image, _ []byte) {
		if img != nil {
			pictures++
		}
	})
	d := time.Since(start)
	out := 0
	for _, s := range kept {
		out += len(s.Out)
	}
	if out > pdfMaxTotalOutput || pictures > pdfMaxTotalOutput/pdfMaxPictureOutput {
		t.Errorf("%d bytes inflated, %d pictures handed over: bounds %d and %d", out, pictures, pdfMaxTotalOutput, pdfMaxTotalOutput/pdfMaxPictureOutput)
	}
	t.Logf("%d bytes of PDF: %d pictures, %d bytes inflated in %v", pdf.Len(), pictures, out, d)
	// Tens of milliseconds; the bound leaves room for a loaded machine
	// under -race.
	if d > 10*time.Second {
		t.Errorf("read in %v", d)
	}
}

// TestPDFStreamsLeftOutAreNotKept: what a message keeps of its PDFs'
// inflated streams is bounded (pdfMaxKeptOutput), and so is what it holds
// alive. The streams past the bound were sliced off the array kept in
// Attachment.PDFStreams but stayed in it, reachable: a message of 480 PDFs
// of 8 MiB of whole streams each held 3.9 GB after Parse.
func TestPDFStreamsLeftOutAreNotKept(t *testing.T) {
	z := deflateT(t, make([]byte, pdfMaxStreamOutput))
	var pdf bytes.Buffer
	pdf.WriteString("%PDF-1.7\n")
	for i := range pdfMaxTotalOutput / pdfMaxStreamOutput {
		fmt.Fprintf(&pdf, "%d 0 obj << /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n", i+1, len(z), z)
	}
	enc := base64.StdEncoding.EncodeToString(pdf.Bytes())
	var m strings.Builder
	m.WriteString("From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=BB\r\n\r\n")
	const files = 12
	for n := range files {
		fmt.Fprintf(&m, "--BB\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"f%d.pdf\"\r\n\r\n%s\r\n", n, enc)
	}
	m.WriteString("--BB--\r\n")
	raw := []byte(m.String())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	msg := Parse(raw, DefaultLimits())
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := 0
	for _, a := range msg.Attachments {
		for _, s := range a.PDFStreams {
			kept += len(s.Out)
		}
	}
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d files of %d bytes inflated: %d kept, heap grown by %d", files, pdfMaxTotalOutput, kept, grown)
	// Kept at most 16 MiB, allocated with room to grow (io.ReadAll):
	// twice that and the message's own parts. Before: 96 MiB.
	if kept > pdfMaxKeptOutput || grown > 3*pdfMaxKeptOutput {
		t.Errorf("%d bytes kept, heap grown by %d after Parse: bound %d", kept, grown, pdfMaxKeptOutput)
	}
	runtime.KeepAlive(msg)
}

// TestQRRoom: once the message's QR budget is spent, its PDFs' pictures
// are no longer inflated whole nor converted (parse.go, qrRoom): a message
// of 480 PDFs of RGB pictures spent seconds converting pictures no reading
// would follow.
func TestQRRoom(t *testing.T) {
	var p parser
	// Each picture costs qrMinCharge at least: the smallest ones bound
	// the pictures read.
	for range qrMaxPixelBudget / qrMinCharge {
		if !p.qrRoom() || !p.qrAllowSize(qrMinSide, qrMinSide) {
			t.Fatal("no room within the budget")
		}
	}
	if p.qrRoom() {
		t.Error("room past the budget's smallest charges")
	}
	p = parser{qrPixels: qrMaxPixelBudget - qrMinCharge + 1}
	if p.qrRoom() {
		t.Error("room past the pixel budget")
	}
}
