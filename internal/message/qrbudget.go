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
	if w < qrMinSide || h < qrMinSide || w*h > qrMaxPixels {
		return false
	}
	if p.qrImages >= qrMaxPictures || p.qrPixels+w*h > qrMaxPixelBudget {
		return false
	}
	p.qrImages++
	p.qrPixels += w * h
	return true
}

// qrAllow is qrAllowSize for an encoded picture, whose size its header
// gives (image.DecodeConfig reads no pixel).
func (p *parser) qrAllow(data []byte) bool {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil && p.qrAllowSize(cfg.Width, cfg.Height)
}
