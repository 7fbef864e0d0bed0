package message

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// qrPNG draws text as a QR code, as the phishing kits' generators do.
func qrPNG(t *testing.T, text string, size int) []byte {
	t.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, size, size, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The address of a QR code in an inline picture is one of the message's
// URLs (URLFromQR, the picture named), its host read like any link's; a
// picture without a code, or too large to be one, adds nothing.
func TestQRCodeInPictureIsAURL(t *testing.T) {
	target := "https://mfa-renew.example.net/?e=claire%40chu-exemple.fr"
	mail := func(img []byte) []byte {
		return []byte("From: it@example.org\r\nTo: claire@chu-exemple.fr\r\nSubject: MFA\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
			"<p>Scannez le code QR ci-dessous.</p><img src=\"cid:qr@x\">\r\n--b\r\nContent-Type: image/png\r\n" +
			"Content-ID: <qr@x>\r\nContent-Disposition: inline; filename=\"code.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString(img) + "\r\n--b--\r\n")
	}
	m := Parse(mail(qrPNG(t, target, 160)), Limits{})
	var found *URL
	for i := range m.URLs {
		if m.URLs[i].Source == URLFromQR {
			found = &m.URLs[i]
		}
	}
	if found == nil || found.Raw != target || found.Host != "mfa-renew.example.net" || found.In != "code.png" {
		t.Fatalf("QR URL = %+v; URLs %+v", found, m.URLs)
	}
	// A code that holds no address (a ticket number) adds no URL.
	m = Parse(mail(qrPNG(t, "BILLET-2026-000417", 160)), Limits{})
	for _, u := range m.URLs {
		if u.Source == URLFromQR {
			t.Errorf("a ticket number read as a URL: %+v", u)
		}
	}
	// A code in an HTML data: picture is read too.
	m = Parse([]byte("From: it@example.org\r\nSubject: MFA\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n"+
		"<p>Scan the QR code below.</p><img src=\"data:image/png;base64,"+base64.StdEncoding.EncodeToString(qrPNG(t, target, 140))+"\">\r\n"), Limits{})
	found = nil
	for i := range m.URLs {
		if m.URLs[i].Source == URLFromQR {
			found = &m.URLs[i]
		}
	}
	if found == nil || found.Raw != target {
		t.Errorf("data: picture's QR URL = %+v", found)
	}
	// A picture too large to be a QR code is not decoded.
	if isQRCandidate("image/png", qrMaxBytes+1) || isQRCandidate("image/webp", 100) || !isQRCandidate("image/jpeg", 100) {
		t.Error("isQRCandidate bounds")
	}
	if qrText([]byte("\x89PNG\r\n\x1a\nnot a picture")) != "" || !strings.Contains(qrText(qrPNG(t, target, 120)), "mfa-renew") {
		t.Error("qrText")
	}
}

// BenchmarkQRTextNoCode reads a 640x640 picture with no code, the
// largest qrText reads: what a message with a banner pays.
func BenchmarkQRTextNoCode(b *testing.B) {
	img := image.NewGray(image.Rect(0, 0, 640, 640))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7919 % 251)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for b.Loop() {
		if qrText(data) != "" {
			b.Fatal("a code in noise")
		}
	}
}

// A QR code drawn in a PDF, as an 8-bit gray FlateDecode image XObject or
// as a JPEG, is read too: the "document à signer" whose only link is the
// code on its page.
func TestQRCodeInPDFIsAURL(t *testing.T) {
	target := "https://sign-docs.example.net/#rh@chu-exemple.fr"
	img, err := png.Decode(bytes.NewReader(qrPNG(t, target, 120)))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	gray := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			gray.Set(x, y, img.At(x, y))
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(gray.Pix)
	zw.Close()
	var j bytes.Buffer
	if err := jpeg.Encode(&j, gray, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	for name, obj := range map[string][]byte{
		"flate": append([]byte(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n", b.Dx(), b.Dy(), z.Len())), z.Bytes()...),
		"jpeg":  append([]byte(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n", b.Dx(), b.Dy(), j.Len())), j.Bytes()...),
	} {
		pdf := append([]byte("%PDF-1.7\n4 0 obj\n"), obj...)
		pdf = append(pdf, "\nendstream\nendobj\n%%EOF\n"...)
		raw := "From: rh@example.org\r\nSubject: Document\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" +
			"Content-Type: text/plain\r\n\r\nScannez le code QR du document.\r\n--b\r\nContent-Type: application/pdf; name=\"doc.pdf\"\r\n" +
			"Content-Disposition: attachment; filename=\"doc.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString(pdf) + "\r\n--b--\r\n"
		m := Parse([]byte(raw), Limits{})
		ok := false
		for _, u := range m.URLs {
			ok = ok || (u.Source == URLFromQR && u.Raw == target && u.In == "doc.pdf")
		}
		if !ok {
			t.Errorf("%s: no QR URL in %+v", name, m.URLs)
		}
	}
}
