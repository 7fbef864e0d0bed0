package message

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// qrPNG draws text as a QR code, as the phishing kits' generators do.
func qrPNG(t testing.TB, text string, size int) []byte {
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

// qrImages draws the same picture in the types the decoders return, at
// an offset so that sub-images' strides are exercised too.
func qrImages(src image.Image) map[string]image.Image {
	b := src.Bounds()
	r := b.Add(image.Pt(3, 5))
	nrgba, rgba, gray := image.NewNRGBA(r), image.NewRGBA(r), image.NewGray(r)
	pal := image.NewPaletted(r, color.Palette{color.White, color.Black, color.NRGBA{0x20, 0x40, 0xa0, 0xff}, color.NRGBA{0, 0, 0, 0x80}})
	ycc := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := src.At(x, y)
			nrgba.Set(x+3, y+5, c)
			rgba.Set(x+3, y+5, c)
			gray.Set(x+3, y+5, c)
			pal.Set(x+3, y+5, c)
			yy, _, _ := color.RGBToYCbCr(color.RGBAModel.Convert(c).(color.RGBA).R, color.RGBAModel.Convert(c).(color.RGBA).G, color.RGBAModel.Convert(c).(color.RGBA).B)
			ycc.Y[ycc.YOffset(x+3, y+5)] = yy
			ycc.Cb[ycc.COffset(x+3, y+5)], ycc.Cr[ycc.COffset(x+3, y+5)] = 128, 128
		}
	}
	return map[string]image.Image{
		"nrgba": nrgba, "rgba": rgba, "gray": gray, "paletted": pal, "ycbcr": ycc,
		"sub": nrgba.SubImage(nrgba.Bounds().Inset(1)), "cmyk": image.NewCMYK(image.Rect(0, 0, 30, 30)),
	}
}

// The luminance read from the pixel slices is gozxing's own, value for
// value, for every type but YCbCr (whose Y plane is used as is), so the
// same codes are read; a code is read from each type.
func TestQRLuminanceIsGozxings(t *testing.T) {
	target := "https://mfa-renew.example.net/?e=claire%40chu-exemple.fr"
	code, err := png.Decode(bytes.NewReader(qrPNG(t, target, 150)))
	if err != nil {
		t.Fatal(err)
	}
	for name, img := range qrImages(code) {
		lum := qrLuminance(img)
		if name == "cmyk" {
			if lum != nil {
				t.Error("cmyk: expected the generic path")
			}
			continue
		}
		if name != "ycbcr" {
			want := gozxing.NewLuminanceSourceFromImage(img).GetMatrix()
			if !bytes.Equal(lum, want) {
				t.Errorf("%s: luminance differs from gozxing's", name)
			}
		}
		if got := qrImageText(img); got != target && name != "sub" {
			t.Errorf("%s: read %q", name, got)
		}
	}
	// A half-transparent palette entry is laid over white, as gozxing does.
	pal := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.NRGBA{0, 0, 0, 0x80}, color.Transparent})
	pal.Pix[1] = 1
	if got, want := qrLuminance(pal), gozxing.NewLuminanceSourceFromImage(pal).GetMatrix(); !bytes.Equal(got, want) {
		t.Errorf("paletted alpha: %v, want %v", got, want)
	}
}

// A code drawn as a JPEG, the Y plane read as is, is read at the sizes and
// qualities the kits send; and a code too faint to binarize (qrBlank) is
// one gozxing itself does not read.
func TestQRCodeJPEGAndBlank(t *testing.T) {
	target := "https://sign-docs.example.net/#rh@chu-exemple.fr"
	for _, size := range []int{60, 120, 300, 600} {
		code, err := png.Decode(bytes.NewReader(qrPNG(t, target, size)))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []int{50, 75, 95} {
			var j bytes.Buffer
			if err := jpeg.Encode(&j, code, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			if got := qrText(j.Bytes()); got != target {
				t.Errorf("jpeg %d px q%d: read %q", size, q, got)
			}
		}
	}
	code, err := png.Decode(bytes.NewReader(qrPNG(t, target, 200)))
	if err != nil {
		t.Fatal(err)
	}
	for _, levels := range [][2]uint8{{200, 224}, {25, 49}, {230, 254}} {
		faint := image.NewGray(code.Bounds())
		for i := range faint.Pix {
			faint.Pix[i] = levels[1]
		}
		b := code.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if r, _, _, _ := code.At(x, y).RGBA(); r == 0 {
					faint.SetGray(x, y, color.Gray{levels[0]})
				}
			}
		}
		if !qrBlank(faint.Pix, b.Dx(), b.Dy()) {
			t.Errorf("%v: not blank", levels)
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(faint)
		if res, err := qrcode.NewQRCodeReader().Decode(bmp, nil); err == nil {
			t.Errorf("%v: gozxing reads %q in a picture qrBlank skips", levels, res.GetText())
		}
	}
	// Dark enough to have black pixels, or contrasted: not blank.
	if qrBlank([]byte{24, 48}, 1, 2) || qrBlank(bytes.Repeat([]byte{24}, 1600), 40, 40) || qrBlank(append(bytes.Repeat([]byte{200}, 1599), 170), 40, 40) {
		t.Error("qrBlank too wide")
	}
	// Too small to hold a version-1 code: not decoded.
	var small bytes.Buffer
	png.Encode(&small, image.NewGray(image.Rect(0, 0, 20, 300)))
	if qrText(small.Bytes()) != "" {
		t.Error("20 px wide")
	}
}

// FuzzQRLuminance: for any pixels, the luminance read from the slices is
// gozxing's (YCbCr apart), and reading a picture never panics out.
func FuzzQRLuminance(f *testing.F) {
	f.Add(uint8(30), uint8(22), []byte("\x00\xff\x80\x10 some pixels"))
	f.Add(uint8(41), uint8(40), []byte{0, 0, 0, 0, 255, 255, 255, 255, 7})
	f.Fuzz(func(t *testing.T, w, h uint8, data []byte) {
		if len(data) == 0 || int(w)*int(h) == 0 {
			return
		}
		r := image.Rect(2, 1, 2+int(w)%90, 1+int(h)%90)
		nrgba, rgba, gray := image.NewNRGBA(r), image.NewRGBA(r), image.NewGray(r)
		pal := image.NewPaletted(r, color.Palette{color.White, color.Black, color.NRGBA{data[0], 0x40, 0xa0, data[len(data)-1]}})
		for i := range nrgba.Pix {
			nrgba.Pix[i] = data[i%len(data)]
			rgba.Pix[i] = data[(i*7)%len(data)]
		}
		// Premultiplied: no channel above alpha.
		for i := 0; i < len(rgba.Pix); i += 4 {
			a := rgba.Pix[i+3]
			rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2] = min(rgba.Pix[i], a), min(rgba.Pix[i+1], a), min(rgba.Pix[i+2], a)
		}
		for i := range gray.Pix {
			gray.Pix[i] = data[(i*3)%len(data)]
			pal.Pix[i] = data[i%len(data)] % 3
		}
		for _, img := range []image.Image{nrgba, rgba, gray, pal, nrgba.SubImage(image.Rect(3, 2, 40, 30))} {
			if img.Bounds().Empty() {
				continue
			}
			if got, want := qrLuminance(img), gozxing.NewLuminanceSourceFromImage(img).GetMatrix(); !bytes.Equal(got, want) {
				t.Fatalf("%T %v: luminance differs", img, img.Bounds())
			}
			qrImageText(img)
		}
	})
}

// signatureLogo is a typical e-mail signature logo: 200x60, a coloured
// mark and anti-aliased lettering on white, saved as an RGBA PNG.
func signatureLogo(b *testing.B) []byte {
	m := image.NewNRGBA(image.Rect(0, 0, 200, 60))
	for y := 0; y < 60; y++ {
		for x := 0; x < 200; x++ {
			c := color.NRGBA{255, 255, 255, 255}
			switch {
			case (x-30)*(x-30)+(y-30)*(y-30) < 400:
				c = color.NRGBA{0x1f, 0x5f, 0xa8, 255}
			case x > 60 && x < 190 && y > 20 && y < 40 && (x/6+y/5)%3 != 0:
				v := uint8(40 + (x*13+y*7)%60)
				c = color.NRGBA{v, v, v + 20, 255}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkQRTextLogo reads a signature logo, the picture most messages
// with one carry.
func BenchmarkQRTextLogo(b *testing.B) {
	data := signatureLogo(b)
	b.ReportAllocs()
	for b.Loop() {
		if qrText(data) != "" {
			b.Fatal("a code in a logo")
		}
	}
}

// BenchmarkQRText300 reads a 300x300 QR code, the kits' usual size.
func BenchmarkQRText300(b *testing.B) {
	m, err := qrcode.NewQRCodeWriter().Encode("https://mfa-renew.example.net/?e=claire%40chu-exemple.fr", gozxing.BarcodeFormat_QR_CODE, 300, 300, nil)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		if qrText(data) == "" {
			b.Fatal("code not read")
		}
	}
}

// qrOpaqueLuma gives qrLuma's value for every opaque colour, premultiplied
// or not.
func TestQROpaqueLumaIsQRLuma(t *testing.T) {
	for r := range 256 {
		for g := range 256 {
			for b := range 256 {
				want := qrLuma(color.NRGBA{uint8(r), uint8(g), uint8(b), 0xff}.RGBA())
				if got := qrOpaqueLuma[r+2*g+b]; got != want || qrLuma(color.RGBA{uint8(r), uint8(g), uint8(b), 0xff}.RGBA()) != want {
					t.Fatalf("rgb %d,%d,%d: %d, want %d", r, g, b, got, want)
				}
			}
		}
	}
}
