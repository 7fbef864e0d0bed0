package message

import (
	"bytes"
	"compress/zlib"
	"image"
	"io"

	"vigie.dev/vigie/internal/pdfstr"
)

// Bounds on the PDF streams inflated in search of links: a PDF is an
// attachment, a deflate bomb must not become the gateway's problem.
const (
	pdfMaxStreams      = 256
	pdfMaxStreamOutput = 1 << 20
	pdfMaxTotalOutput  = 8 << 20
	// pdfMaxPictureOutput bounds an image XObject's stream: an 8-bit RGB
	// picture of qrMaxPixels whole (1.2 MB). At pdfMaxStreamOutput, an RGB
	// picture larger than 591x591 was cut and not read for its code,
	// though qrMaxPixels admits 640x640. The file's total
	// (pdfMaxTotalOutput) and the message's pixel budget
	// (qrMaxPixelBudget) bound the work as before
	// (TestPDFLargeRGBPicturesStayBounded).
	pdfMaxPictureOutput = 3 * qrMaxPixels
	// pdfMaxKeptOutput bounds the inflated streams a message keeps for
	// later readers (Attachment.PDFStreams), all its PDFs together.
	pdfMaxKeptOutput = 16 << 20
	// pdfMinInflatedBytes is what each PDF may still inflate once the
	// message's MaxInflatedBytes is spent: a file's annotations and their
	// links, in an object stream, inflate to a few kilobytes. MaxParts
	// files bound the message (500 × 64 KiB = 32 MiB more).
	pdfMinInflatedBytes = 64 << 10
)

// pdfURIs calls fn for the target of each URI action (ISO 32000-1 §12.6.4.7,
// "/URI (…)" or "/URI <hex>") in a PDF, in the file as written and in its
// FlateDecode streams, where object streams keep link annotations. It
// returns the streams it inflated whole (Attachment.PDFStreams), in the
// order of the file.
func pdfURIs(data []byte, fn func(string)) []Inflated {
	return pdfURIsAndPictures(data, fn, nil)
}

// pdfURIsAndPictures is pdfURIs that also hands pic the small image
// XObjects it meets (ISO 32000-1 §8.9.5): a JPEG (DCTDecode) as it is
// written, an 8-bit gray or RGB FlateDecode picture decoded, so that a QR
// code drawn in the PDF can be read. pic may be nil.
func pdfURIsAndPictures(data []byte, fn func(string), pic func(image.Image, []byte)) []Inflated {
	whole, _, _ := pdfRead(data, pdfMaxTotalOutput, fn, pic)
	return whole
}

// pdfRead is pdfURIsAndPictures that inflates at most room bytes (what is
// left of the message's MaxInflatedBytes, but at least
// pdfMinInflatedBytes) besides the file's own bound. It
// returns the bytes it inflated, and cut, true when a stream was cut or
// left uninflated for want of room (the file's or the message's).
func pdfRead(data []byte, room int, fn func(string), pic func(image.Image, []byte)) (whole []Inflated, total int, cut bool) {
	scanPDFURIs(data, fn)
	var zr io.ReadCloser
	// Never below pdfMinInflatedBytes: bombs sent first must not spend
	// the budget of the file after them.
	budget := min(pdfMaxTotalOutput, max(room, pdfMinInflatedBytes))
	streams := 0
	i := 0
	for i < len(data) && streams < pdfMaxStreams && total < budget {
		k := bytes.Index(data[i:], []byte("stream"))
		if k < 0 {
			break
		}
		at := i + k
		i = at + len("stream")
		if at >= 3 && string(data[at-3:at]) == "end" {
			continue
		}
		// The stream dictionary precedes the keyword.
		dict := data[max(0, at-512):at]
		if d := bytes.LastIndex(dict, []byte("<<")); d >= 0 {
			dict = dict[d:]
		}
		picture := pic != nil && (bytes.Contains(dict, []byte("/Subtype /Image")) || bytes.Contains(dict, []byte("/Subtype/Image")))
		if picture && bytes.Contains(dict, []byte("/DCTDecode")) {
			// A picture is a stream like the others: counted against
			// pdfMaxStreams and stepped over whole. Where no endstream
			// follows, none of the later "stream" keywords has one either:
			// searching again for each would cost the square of the file.
			end := bytes.Index(data[i:], []byte("endstream"))
			if end < 0 {
				break
			}
			streams++
			pic(nil, bytes.TrimLeft(data[i:i+end], "\r\n"))
			i += end + len("endstream")
			continue
		}
		if !bytes.Contains(dict, []byte("/FlateDecode")) && !bytes.Contains(dict, []byte("/Fl ")) && !bytes.Contains(dict, []byte("/Fl/")) {
			continue
		}
		start := i
		if start < len(data) && data[start] == '\r' {
			start++
		}
		if start < len(data) && data[start] == '\n' {
			start++
		}
		end := bytes.Index(data[start:], []byte("endstream"))
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		streams++
		// One reader for all the streams (zlib.Resetter): a new one
		// allocates its decompressor's tables each time.
		br := bytes.NewReader(data[start:end])
		var err error
		if zr == nil {
			zr, err = zlib.NewReader(br)
		} else {
			err = zr.(zlib.Resetter).Reset(br, nil)
		}
		if err != nil {
			zr = nil
			continue
		}
		limit := pdfMaxStreamOutput
		if picture {
			limit = max(limit, pdfMaxPictureOutput)
		}
		own := limit
		limit = min(limit, budget-total)
		// One byte more than the limit tells a stream inflated whole from
		// one cut by it; the links are read in the limit's bytes alone.
		out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
		if err == nil && len(out) <= limit {
			// The zlib reader reads a bytes.Reader byte by byte, up to
			// its checksum: what is left was not the stream's.
			whole = append(whole, Inflated{At: start, Used: end - start - br.Len(), Out: out})
		} else if len(out) > limit && limit < own {
			cut = true
		}
		out = out[:min(len(out), limit)]
		if picture {
			if img := pdfPicture(dict, out); img != nil {
				pic(img, nil)
			}
		}
		total += len(out)
		scanPDFURIs(out, fn)
		i = end
	}
	if total >= budget && streams < pdfMaxStreams && bytes.Contains(data[i:], []byte("/Fl")) {
		// Room ran out with a FlateDecode stream (or its abbreviation)
		// still ahead.
		cut = true
	}
	return whole, total, cut
}

// scanPDFURIs finds "/URI" entries in uncompressed PDF syntax.
func scanPDFURIs(data []byte, fn func(string)) {
	for i := 0; i < len(data); {
		k := bytes.Index(data[i:], []byte("/URI"))
		if k < 0 {
			return
		}
		i += k + len("/URI")
		rest := bytes.TrimLeft(data[i:], " \t\r\n\f\x00")
		if len(rest) == 0 {
			return
		}
		var s []byte
		switch rest[0] {
		case '(':
			s, _ = pdfstr.Literal(rest[1:], maxURLLen)
		case '<':
			if len(rest) > 1 && rest[1] != '<' {
				s = pdfstr.Hex(rest[1:], maxURLLen)
			}
		}
		if len(s) == 0 {
			continue
		}
		fn(pdfText(s))
	}
}

// pdfText reads a PDF string as text: UTF-16BE with a byte-order mark, else
// bytes (URIs are 7-bit ASCII by the specification, §12.6.4.7).
func pdfText(s []byte) string {
	if t, ok := pdfstr.UTF16(s); ok {
		return t
	}
	t, _ := decodeCharset(s, "")
	return t
}

// pdfPicture returns the 8-bit DeviceGray or DeviceRGB picture of an image
// XObject whose dictionary is dict and inflated samples out, when it is
// small enough to be a QR code (qrMaxPixels) and out holds it whole; nil
// otherwise (other colour spaces, bit depths or predictors are left).
func pdfPicture(dict, out []byte) image.Image {
	w, h := pdfDictInt(dict, "/Width"), pdfDictInt(dict, "/Height")
	if w <= 0 || h <= 0 || w*h > qrMaxPixels || pdfDictInt(dict, "/BitsPerComponent") != 8 || bytes.Contains(dict, []byte("/DecodeParms")) {
		return nil
	}
	switch {
	case bytes.Contains(dict, []byte("/DeviceGray")) && len(out) >= w*h:
		return &image.Gray{Pix: out[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
	case bytes.Contains(dict, []byte("/DeviceRGB")) && len(out) >= 3*w*h:
		img := image.NewGray(image.Rect(0, 0, w, h))
		for j := range w * h {
			r, g, b := int(out[3*j]), int(out[3*j+1]), int(out[3*j+2])
			img.Pix[j] = uint8((299*r + 587*g + 114*b) / 1000)
		}
		return img
	}
	return nil
}

// pdfDictInt reads the integer after key in a PDF dictionary, or -1.
func pdfDictInt(dict []byte, key string) int {
	k := bytes.Index(dict, []byte(key))
	if k < 0 {
		return -1
	}
	rest := bytes.TrimLeft(dict[k+len(key):], " \t\r\n")
	n, digits := 0, 0
	for _, c := range rest {
		if c < '0' || c > '9' || digits > 6 {
			break
		}
		n = n*10 + int(c-'0')
		digits++
	}
	if digits == 0 {
		return -1
	}
	return n
}
