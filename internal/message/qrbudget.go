package message

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"image"
	"slices"
)

// The QR reading's budget per message is counted in pixels, not pictures:
// a picture that cannot hold a code costs nothing, so a tracking pixel, a
// spacer or a logo put before the code does not use up the budget and
// hide it. Two pictures of 1x1 pixel before the code were enough when the
// budget was the first two pictures read; a picture under qrMinSide
// pixels a side holds no code. The decoding time is that of the pixels
// read, at most those of qrMaxImages pictures of the largest size.
//
// Each picture read costs at least qrMinCharge pixels, whatever its size:
// the fixed cost of reading one (its hash, header and decoder) is paid
// for, so the budget bounds the pictures read too (200) without a count of
// its own. A cap of 16 pictures let 16 decoys of 21x21 pixels sent first
// hide the code after them.
//
// The encoded pictures of the message (attached, inline or in an HTML
// data: URL) are not read as they come but once the message is walked,
// and the budget goes first to those a code is drawn in: square, at least
// qrLikelySide pixels a side, shown in the body (qrRank); among them the
// cheapest first. Those chosen are then read in the message's order. The
// same picture given again (same bytes) is queued and charged once. A
// PDF's pictures are read as the file is (already decoded, they are not
// kept). A picture shaped like a code left unread when the budget is spent
// is an OVERSIZE defect: the verdict says a code may have been missed.
const (
	qrMaxPixelBudget = qrMaxImages * qrMaxPixels
	qrMinCharge      = 64 * 64
	qrLikelySide     = 50
	// qrMaxQueued bounds the pictures waiting to be read (their bytes are
	// already the message's, or a data: URL's, bounded by the HTML read).
	qrMaxQueued = 1024
)

// qrCandidate is an encoded picture waiting for the QR reading.
type qrCandidate struct {
	data   []byte
	key    [sha256.Size]byte // data's SHA-256
	in     string
	w, h   int
	inline bool
}

// qrCharge is what reading a picture of w×h pixels costs the budget.
func qrCharge(w, h int) int { return max(w*h, qrMinCharge) }

// qrCodeShaped reports a picture a code may be drawn in and read from by
// a phone: square within a quarter, qrLikelySide pixels a side at least.
func qrCodeShaped(w, h int) bool {
	lo, hi := min(w, h), max(w, h)
	return lo >= qrLikelySide && 4*hi <= 5*lo
}

// qrRank orders the pictures for the budget: shaped like a code and shown
// in the body, shaped like a code, the rest.
func qrRank(c qrCandidate) int {
	switch {
	case qrCodeShaped(c.w, c.h) && c.inline:
		return 0
	case qrCodeShaped(c.w, c.h):
		return 1
	}
	return 2
}

// qrAllowSize reports whether a picture of w×h pixels may be read for a
// QR code within what is left of the message's budget, and charges it.
func (p *parser) qrAllowSize(w, h int) bool {
	if !qrSize(w, h) || p.qrPixels+qrCharge(w, h) > qrMaxPixelBudget {
		return false
	}
	p.qrPixels += qrCharge(w, h)
	return true
}

// qrRoom reports whether the message's budget leaves room for one more
// picture, of the smallest charge.
func (p *parser) qrRoom() bool {
	return p.qrPixels+qrMinCharge <= qrMaxPixelBudget
}

// qrEncoded queues an encoded picture for the QR reading (qrReadQueued),
// In naming it, inline when the body shows it. Its header gives its size
// (image.DecodeConfig reads no pixel).
func (p *parser) qrEncoded(data []byte, in string, inline bool) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || !qrSize(cfg.Width, cfg.Height) {
		return
	}
	// The same picture again (a decoy repeated, a logo in each
	// signature of a thread) gives the same reading: it is queued, and
	// charged, once.
	key := sha256.Sum256(data)
	if _, seen := p.qrQueued[key]; seen {
		return
	}
	if p.qrQueued == nil {
		p.qrQueued = make(map[[sha256.Size]byte]struct{})
	}
	p.qrQueued[key] = struct{}{}
	c := qrCandidate{data: data, key: key, in: in, w: cfg.Width, h: cfg.Height, inline: inline}
	if len(p.qrQueue) >= qrMaxQueued {
		p.qrUnread(c)
		return
	}
	p.qrQueue = append(p.qrQueue, c)
}

// qrEncodedNow reads the code of an encoded picture at once, within the
// message's budget (a PDF's: its bytes are not kept).
func (p *parser) qrEncodedNow(data []byte, in string) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil && p.qrAllowNow(cfg.Width, cfg.Height, in) {
		p.qrAddURLs(qrCachedText(data), in)
	}
}

// qrAllowNow is qrAllowSize for a picture read at once (a PDF's, not
// queued), In naming it: one of a size that may hold a code that the
// budget leaves unread is recorded (qrUnread).
func (p *parser) qrAllowNow(w, h int, in string) bool {
	if !qrSize(w, h) {
		return false
	}
	if !p.qrAllowSize(w, h) {
		p.qrUnread(qrCandidate{in: in, w: w, h: h, inline: true})
		return false
	}
	return true
}

// qrReadQueued spends the budget on the queued pictures, in qrRank order
// and the cheapest first within a rank, and reads those chosen in the
// message's order. A picture read before is not read again (qrcache.go).
func (p *parser) qrReadQueued() {
	q := p.qrQueue
	p.qrQueue = nil
	if len(q) == 0 {
		return
	}
	order := make([]int, len(q))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(qrRank(q[a]), qrRank(q[b])); c != 0 {
			return c
		}
		return cmp.Compare(qrCharge(q[a].w, q[a].h), qrCharge(q[b].w, q[b].h))
	})
	chosen := make([]bool, len(q))
	for _, i := range order {
		if p.qrAllowSize(q[i].w, q[i].h) {
			chosen[i] = true
		} else {
			p.qrUnread(q[i])
		}
	}
	for i, c := range q {
		if chosen[i] {
			p.qrAddURLs(qrCachedTextOf(c.data, c.key), c.in)
		}
	}
}

// qrUnread records, once per message, a picture shaped like a code that
// the budget left unread.
func (p *parser) qrUnread(c qrCandidate) {
	if p.qrCut || qrRank(c) > 1 {
		return
	}
	p.qrCut = true
	name := c.in
	if name == "" {
		name = "body"
	}
	p.defect(DefectOversize, truncUTF8(name, 80)+": pictures beyond the QR reading's budget, not read for a code")
}

// qrPicture reads the code of a picture already decoded (a PDF's) at
// once, within the message's budget.
func (p *parser) qrPicture(img image.Image, in string) {
	if b := img.Bounds(); p.qrAllowNow(b.Dx(), b.Dy(), in) {
		p.qrAddURLs(qrImageText(img), in)
	}
}

// qrAddURLs adds the addresses a QR code's text holds (URLFromQR).
func (p *parser) qrAddURLs(text, in string) {
	if text != "" {
		scanTextURLs(text, func(u string) { p.urls.add(URL{Raw: u, Source: URLFromQR, In: in}) })
	}
}
