package message

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// pictureNoCode draws a w×h gradient, a logo or a tracking pixel: no code.
func pictureNoCode(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 3), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestQRCodeAfterDecoyPictures: pictures put before the code — tracking
// pixels, spacers, a logo and a banner — do not use up the message's
// budget and hide the code. Two 1x1 pictures were enough while the budget
// was the first two pictures read. Two pictures of the largest size still
// use it up: the time a message may cost is bounded.
func TestQRCodeAfterDecoyPictures(t *testing.T) {
	target := "https://mfa-renew.example.net/?e=claire%40chu-exemple.fr"
	mail := func(decoys ...[2]int) []byte {
		var b bytes.Buffer
		b.WriteString("From: it@example.org\r\nTo: claire@chu-exemple.fr\r\nSubject: MFA\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
			"<p>Scannez le code QR ci-dessous.</p><img src=\"cid:qr@x\">\r\n")
		pic := func(name string, data []byte) {
			fmt.Fprintf(&b, "--b\r\nContent-Type: image/png\r\nContent-ID: <%s@x>\r\nContent-Disposition: inline; filename=\"%s.png\"\r\n"+
				"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n", name, name, base64.StdEncoding.EncodeToString(data))
		}
		for i, d := range decoys {
			pic(fmt.Sprintf("decoy%d", i), pictureNoCode(t, d[0], d[1]))
		}
		pic("qr", qrPNG(t, target, 160))
		b.WriteString("--b--\r\n")
		return b.Bytes()
	}
	read := func(m *Message) bool {
		for _, u := range m.URLs {
			if u.Source == URLFromQR && u.Raw == target {
				return true
			}
		}
		return false
	}
	for name, decoys := range map[string][][2]int{
		"two tracking pixels":        {{1, 1}, {1, 1}},
		"icons, a logo and a banner": {{16, 16}, {20, 20}, {24, 24}, {200, 60}, {600, 120}},
		"ten social icons":           {{32, 32}, {32, 32}, {32, 32}, {32, 32}, {32, 32}, {32, 32}, {32, 32}, {32, 32}, {32, 32}, {32, 32}},
	} {
		if !read(Parse(mail(decoys...), Limits{})) {
			t.Errorf("%s before the code: the code was not read", name)
		}
	}
	// Two pictures of the largest size before the code: the budget goes
	// to the cheapest first, the code, and the one left out is said.
	// (Two pictures, not one twice: the same bytes are read once.)
	if m := Parse(mail([2]int{640, 640}, [2]int{640, 639}), Limits{}); !read(m) || !m.HasDefect(DefectOversize) {
		t.Errorf("two pictures of the largest size before the code: read %v, defects %v", read(m), m.Defects)
	}
}

// TestQRCodeInLargeDataPicture: an HTML data: picture is read whole, not
// from the URL kept in Message.URLs, which is cut at maxURLLen: a code
// padded with a PNG text chunk past 12 KB (16 KiB of base64) was never
// read, nor a genuine JPEG code of that size.
func TestQRCodeInLargeDataPicture(t *testing.T) {
	target := "https://mfa-renew.example.net/x"
	code := qrPNG(t, target, 160)
	for _, pad := range []int{0, 20 << 10} {
		pic := code
		if pad > 0 {
			// A tEXt chunk after the signature and IHDR (8 + 25 bytes).
			body := append([]byte("tEXt"), bytes.Repeat([]byte("a"), pad)...)
			chunk := binary.BigEndian.AppendUint32(nil, uint32(pad))
			chunk = append(chunk, body...)
			chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(body))
			pic = append(append(append([]byte{}, code[:33]...), chunk...), code[33:]...)
		}
		raw := "From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Scannez</p>" +
			"<img src=\"data:image/png;base64," + base64.StdEncoding.EncodeToString(pic) + "\">\r\n"
		read := false
		for _, u := range Parse([]byte(raw), Limits{}).URLs {
			read = read || u.Source == URLFromQR && u.Raw == target
		}
		if !read {
			t.Errorf("a data: picture of %d bytes: the code was not read", len(pic))
		}
	}
}

// TestQRCodeAfterManyDecoys: decoys sent first must not hide the code
// after them. Sixteen pictures of 21x21 pixels used up the picture count
// (16) and the code was never read, silently; hundreds of pictures shaped
// like codes (square, 60 pixels a side) may still spend the budget, but
// the code is then read before them or the message says a picture went
// unread (OVERSIZE).
func TestQRCodeAfterManyDecoys(t *testing.T) {
	target := "https://login-verify.web.app/?e=claire%40chu-exemple.fr"
	code := qrPNG(t, target, 300)
	for _, c := range []struct {
		name     string
		n, side  int
		distinct bool
		mustRead bool
	}{
		{"16 pictures of 21x21", 16, 21, true, true},
		{"400 pictures of 21x21", 400, 21, true, true},
		{"40 square pictures of 60x60", 40, 60, true, true},
		{"one square picture of 60x60, 400 times", 400, 60, false, true},
		{"400 square pictures of 60x60", 400, 60, true, false},
	} {
		pics := make([][]byte, 0, c.n+1)
		decoy := pictureNoCode(t, c.side, c.side)
		for i := range c.n {
			if c.distinct {
				// One pixel differs: a new picture each time.
				decoy = bytes.Clone(decoy)
				img, _ := png.Decode(bytes.NewReader(decoy))
				rgba := img.(*image.RGBA)
				rgba.Pix[0], rgba.Pix[1] = byte(i), byte(i>>8)
				var b bytes.Buffer
				png.Encode(&b, rgba)
				decoy = b.Bytes()
			}
			pics = append(pics, decoy)
		}
		m := Parse(qrMail(append(pics, code)...), Limits{MaxParts: 1000})
		got := qrURLs(m)
		read := len(got) == 1 && got[0] == target
		if !read && (c.mustRead || !m.HasDefect(DefectOversize)) {
			t.Errorf("%s before the code: QR URLs %q, defects %v", c.name, got, m.Defects)
		}
	}
}
