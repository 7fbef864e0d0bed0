package message

import (
	"bytes"
	"image"
)

// The QR reading's budget per message is counted in pixels, not pictures:
// a picture that cannot hold a code costs nothing, so a tracking pixel, a
// spacer or a logo put before the code does not use up the budget and
// hide it. Two pictures of 1x1 pixel before the code were enough when the
// budget was the first two pictures read; a picture under qrMinSide
// pixels a side holds no code. The decoding time is that of the pixels
// read, at most those of qrMaxImages pictures of the largest size, and
// qrMaxPictures bounds the pictures decoded.
const (
	qrMaxPixelBudget = qrMaxImages * qrMaxPixels
	qrMaxPictures    = 16
)

// qrAllowSize reports whether a picture of w×h pixels may be read for a
// QR code within what is left of the message's budget, and charges it.
func (p *parser) qrAllowSize(w, h int) bool {
	if !qrSize(w, h) || p.qrImages >= qrMaxPictures || p.qrPixels+w*h > qrMaxPixelBudget {
		return false
	}
	p.qrImages++
	p.qrPixels += w * h
	return true
}

// qrRoom reports whether the message's budget leaves room for one more
// picture, of the smallest size that may hold a code.
func (p *parser) qrRoom() bool {
	return p.qrImages < qrMaxPictures && p.qrPixels+qrMinSide*qrMinSide <= qrMaxPixelBudget
}

// qrEncoded reads the QR code of an encoded picture within the message's
// budget, whose charge its header gives (image.DecodeConfig reads no
// pixel), and adds the address it holds to the message's URLs, In naming
// the picture. A picture read before is not read again (qrcache.go).
func (p *parser) qrEncoded(data []byte, in string) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil && p.qrAllowSize(cfg.Width, cfg.Height) {
		p.qrAddURLs(qrCachedText(data), in)
	}
}

// qrPicture is qrEncoded for a picture already decoded (a PDF's).
func (p *parser) qrPicture(img image.Image, in string) {
	if b := img.Bounds(); p.qrAllowSize(b.Dx(), b.Dy()) {
		p.qrAddURLs(qrImageText(img), in)
	}
}

// qrAddURLs adds the addresses a QR code's text holds (URLFromQR).
func (p *parser) qrAddURLs(text, in string) {
	if text != "" {
		scanTextURLs(text, func(u string) { p.urls.add(URL{Raw: u, Source: URLFromQR, In: in}) })
	}
}
