package message

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
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
// and banners are not read, nor more than the pixels of two pictures of
// the largest size a message (qrbudget.go: a picture too small to hold a
// code is not counted, one read costs 64x64 pixels at least, and the
// pictures shaped like codes are read first).
// Reading a picture of the largest size with no code in it costs about
// 30 ms of one core at worst (noise, BenchmarkQRTextNoCode), so a message
// pays at most about 60 ms; a QR code is read in a few.
//
// qrMinSide: the smallest QR code (version 1) is 21 modules a side, and a
// module drawn smaller than a pixel is no module; a picture narrower or
// lower than that holds no code anyone can read (the tracking pixels,
// spacers and social-network icons of signatures and newsletters).
const (
	qrMaxImages = 2
	qrMaxBytes  = 192 << 10
	qrMaxPixels = 640 * 640
	qrMinSide   = 21
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
	if err != nil || !qrSize(cfg.Width, cfg.Height) {
		return ""
	}
	return qrDecodedText(data)
}

// qrDecodedText is qrText for a picture whose size its header already
// gave: it decodes the pixels and reads the code.
func qrDecodedText(data []byte) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	return qrImageText(img)
}

// qrSize reports a picture of w×h pixels that may hold a readable code
// and is within what is read (qrMinSide, qrMaxPixels).
func qrSize(w, h int) bool {
	return w >= qrMinSide && h >= qrMinSide && w*h <= qrMaxPixels
}

// qrImageText returns the text of the QR code in a decoded picture, or "".
func qrImageText(img image.Image) (text string) {
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	b := img.Bounds()
	if !qrSize(b.Dx(), b.Dy()) {
		return ""
	}
	var src gozxing.LuminanceSource
	if lum := qrLuminance(img); lum != nil {
		if qrBlank(lum, b.Dx(), b.Dy()) {
			return ""
		}
		var err error
		if src, err = gozxing.NewPlanarYUVLuminanceSource(lum, b.Dx(), b.Dy(), 0, 0, b.Dx(), b.Dy(), false); err != nil {
			return ""
		}
	} else {
		src = gozxing.NewLuminanceSourceFromImage(img)
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return ""
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return ""
	}
	return res.GetText()
}

// qrLuminance returns the picture's luminance, one byte a pixel row after
// row, for the picture types the decoders return, or nil for another type
// (gozxing's generic reader then reads it). gozxing's own conversion calls
// At for each pixel and boxes its colour, the bulk of the cost of reading
// a picture; here the values come from the pixel slices, computed as
// gozxing computes them (qrLuma) so the same codes are read. A JPEG's Y
// plane is its luminance as drawn: it is copied as is.
func qrLuminance(img image.Image) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.YCbCr:
		return qrPlane(m.Y, m.YOffset(b.Min.X, b.Min.Y), m.YStride, w, h)
	case *image.Gray:
		// gozxing's formula gives back a gray level unchanged.
		return qrPlane(m.Pix, m.PixOffset(b.Min.X, b.Min.Y), m.Stride, w, h)
	case *image.NRGBA:
		return qrRGBA(m.Pix, m.PixOffset(b.Min.X, b.Min.Y), m.Stride, w, h, false)
	case *image.RGBA:
		return qrRGBA(m.Pix, m.PixOffset(b.Min.X, b.Min.Y), m.Stride, w, h, true)
	case *image.Paletted:
		if len(m.Palette) == 0 {
			return nil
		}
		// An index past the palette is opaque black, as the PNG decoder
		// reads it.
		var table [256]byte
		for i, c := range m.Palette[:min(len(m.Palette), 256)] {
			table[i] = qrLuma(c.RGBA())
		}
		lum := make([]byte, w*h)
		for y := 0; y < h; y++ {
			px := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w]
			row := lum[y*w : (y+1)*w]
			for x, c := range px {
				row[x] = table[c]
			}
		}
		return lum
	}
	return nil
}

// qrPlane copies a one-byte-a-pixel plane (a JPEG's Y, a gray picture)
// of w×h pixels starting at off, rows stride bytes apart.
func qrPlane(pix []byte, off, stride, w, h int) []byte {
	lum := make([]byte, w*h)
	for y := 0; y < h; y++ {
		i := off + y*stride
		copy(lum[y*w:(y+1)*w], pix[i:i+w])
	}
	return lum
}

// qrRGBA reads the luminance of w×h four-byte pixels starting at off, rows
// stride bytes apart, their colour premultiplied by alpha (image.RGBA) or
// not (image.NRGBA). An opaque pixel's is read from qrOpaqueLuma.
func qrRGBA(pix []byte, off, stride, w, h int, premultiplied bool) []byte {
	lum := make([]byte, w*h)
	for y := 0; y < h; y++ {
		px := pix[off+y*stride:][:4*w]
		row := lum[y*w : (y+1)*w]
		for x := range row {
			p := px[4*x : 4*x+4 : 4*x+4]
			switch {
			case p[3] == 0xff:
				row[x] = qrOpaqueLuma[int(p[0])+2*int(p[1])+int(p[2])]
			case premultiplied:
				row[x] = qrLuma(color.RGBA{p[0], p[1], p[2], p[3]}.RGBA())
			default:
				row[x] = qrLuma(color.NRGBA{p[0], p[1], p[2], p[3]}.RGBA())
			}
		}
	}
	return lum
}

// qrOpaqueLuma is qrLuma of an opaque 8-bit colour, indexed by r+2g+b:
// a colour of alpha 0xff is the same whether premultiplied or not, each
// channel widened to 16 bits as c*0x101, so the luminance depends on that
// sum alone. Most pictures are opaque; a table read is cheaper than the
// conversion and the division for each pixel.
var qrOpaqueLuma = func() (t [4*255 + 1]byte) {
	for s := range t {
		t[s] = qrLuma(uint32(s)*0x101, 0, 0, 0xffff)
	}
	return t
}()

// qrLuma is gozxing's luminance of a colour (NewLuminanceSourceFromImage):
// green counted twice, the colour laid over white by its opacity.
func qrLuma(r, g, b, a uint32) byte {
	lum := (r + 2*g + b) * 255 / (4 * 0xffff)
	return byte((lum*a + (0xffff-a)*255) / 0xffff)
}

// qrBlank reports a picture gozxing's binarizer would turn all white, so
// that no code can be found in it: one of at least 40 pixels a side
// (smaller ones get the global-histogram binarizer) whose luminances all
// lie within 24 of each other (MIN_DYNAMIC_RANGE: every 8x8 block is then
// "flat" and gets a black point of at most half its lowest value, at most
// max/2 once averaged with its neighbours) and above 24, so that even its
// darkest pixel is lighter than max/2 and none is black. Blank spacers and
// flat-colour panels, not a code a phone could tell from its background.
func qrBlank(lum []byte, w, h int) bool {
	if w < 40 || h < 40 {
		return false
	}
	lo, hi := byte(255), byte(0)
	for _, v := range lum[:w*h] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return int(hi)-int(lo) <= 24 && lo > 24
}

// qrDataPicture reads the QR code of a picture an HTML document carries
// inline as a data: URL (<img src="data:image/png;base64,…">), the other
// way a kit puts the code in the message itself, within the same budget
// as attached pictures. It is read from the attribute as written: the
// URL kept in Message.URLs is cut at maxURLLen (16 KiB), which a picture
// of more than 12 KB, a JPEG code or a PNG padded with a text chunk,
// passes (TestQRCodeInLargeDataPicture).
func (p *parser) qrDataPicture(raw, in string) {
	if len(raw) < 11 || !strings.EqualFold(raw[:11], "data:image/") {
		return
	}
	rest := raw[11:]
	i := strings.Index(rest, ";base64,")
	// An eighth more for the line breaks a long data: URL may hold.
	if i < 0 || base64.StdEncoding.DecodedLen(len(rest)-i-8) > qrMaxBytes+qrMaxBytes/8 {
		return
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest[i+8:]))
	if err != nil || !isQRCandidate(Sniff(data), len(data)) {
		return
	}
	p.qrEncoded(data, in, true)
}
