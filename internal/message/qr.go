package message

import (
	"bytes"
	"encoding/base64"
	"image"
	_ "image/gif" // pictures mail carries
	_ "image/jpeg"
	_ "image/png"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// QR-code phishing puts the link in a picture, inline or attached, so that
// filters reading the text see none and the reader opens it on a phone
// (Microsoft Threat Intelligence, January-March 2026: QR codes the
// fastest-growing phishing vector, put in the body to pass filters). The
// parser reads the code of small pictures and adds the address it holds
// to the message's URLs (URLFromQR), where the link checks judge it like
// any other. Bounds: a QR code is a small picture (the kits' are a few
// hundred pixels a side, a screenshot of a document around one); photos
// and banners are not read, nor more than a few pictures a message.
// Reading a picture of the largest size with no code in it costs about
// 30 ms of one core at worst (noise, BenchmarkQRTextNoCode), so a message
// pays at most about 60 ms; a QR code is read in a few.
const (
	qrMaxImages = 2
	qrMaxBytes  = 192 << 10
	qrMaxPixels = 640 * 640
)

// isQRCandidate reports a picture small enough to be read for a QR code.
func isQRCandidate(sniffed string, n int) bool {
	if n == 0 || n > qrMaxBytes {
		return false
	}
	switch sniffed {
	case "image/png", "image/jpeg", "image/gif":
		return true
	}
	return false
}

// qrText returns the text of the QR code in the picture, or "" when it
// holds none or cannot be read. A decoder's panic on a hostile picture
// is the picture's problem, not the parse's.
func qrText(data []byte) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > qrMaxPixels {
		return ""
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	return qrImageText(img)
}

// qrImageText returns the text of the QR code in a decoded picture, or "".
func qrImageText(img image.Image) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	if b := img.Bounds(); b.Dx()*b.Dy() > qrMaxPixels {
		return ""
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return ""
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return ""
	}
	return res.GetText()
}

// qrDataPictures reads the QR codes of the pictures an HTML body carries
// inline as data: URLs (<img src="data:image/png;base64,…">), the other
// way a kit puts the code in the message itself, within the same budget
// as attached pictures.
func (p *parser) qrDataPictures() {
	var found []URL
	for _, u := range p.urls.list {
		if p.qrImages >= qrMaxImages {
			break
		}
		if u.Source != URLFromSrc {
			continue
		}
		rest, ok := strings.CutPrefix(u.Raw, "data:image/")
		if !ok {
			continue
		}
		i := strings.Index(rest, ";base64,")
		if i < 0 || base64.StdEncoding.DecodedLen(len(rest)-i-8) > qrMaxBytes {
			continue
		}
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest[i+8:]))
		if err != nil || !isQRCandidate(Sniff(data), len(data)) {
			continue
		}
		p.qrImages++
		if text := qrText(data); text != "" {
			scanTextURLs(text, func(s string) { found = append(found, URL{Raw: s, Source: URLFromQR, In: u.In}) })
		}
	}
	for _, u := range found {
		p.urls.add(u)
	}
}
