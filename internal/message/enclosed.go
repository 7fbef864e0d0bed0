package message

import "bytes"

// Enclosed is a message carried whole inside another as a message/rfc822
// or message/global part (RFC 2046 §5.2.1): a forward as attachment, the
// copy a delivery report returns, a digest's entries. Parse walks into it
// as into any part — its text, links and attachments count as the
// carrying message's — and keeps its bytes besides, so that it can be
// judged as a message of its own.
type Enclosed struct {
	Path    string // MIME path of the message/rfc822 part (Part.Path)
	Raw     []byte // the enclosed message, its transfer encoding undone
	Subject string // its Subject, decoded
}

// Bounds of the enclosed messages Parse keeps: the first maxEnclosed, in
// MIME order, while their bytes add up to at most maxEnclosedBytes. The
// rest are still walked into, as before; only their bytes are not kept.
const (
	maxEnclosed      = 8
	maxEnclosedBytes = 16 << 20
)

// enclose keeps a copy of an enclosed message's bytes, within the bounds.
// Most mail has none: nothing is done for it.
func (p *parser) enclose(path string, body []byte, h Header) {
	if len(p.m.Enclosed) >= maxEnclosed || p.enclosedBytes+len(body) > maxEnclosedBytes {
		return
	}
	p.enclosedBytes += len(body)
	p.m.Enclosed = append(p.m.Enclosed, Enclosed{Path: path, Raw: bytes.Clone(body), Subject: h.Get("Subject")})
}

// maxMessageHead bounds the bytes LooksLikeMessage reads: a header block
// with a long Received chain and the DKIM and ARC fields of a large
// provider fits in it.
const maxMessageHead = 64 << 10

// LooksLikeMessage reports data that starts as a stored mail message
// (an .eml file) does: header fields, an mbox "From " line allowed before
// them, up to the empty line that ends the block or the first 64 KiB,
// with a From field and one of Date, Subject, Message-ID, Received or
// MIME-Version. A text that merely quotes a header ("From: …" after a
// line of prose) is not one.
func LooksLikeMessage(data []byte) bool {
	d := data[:min(len(data), maxMessageHead)]
	d = bytes.TrimPrefix(d, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(d, []byte("From ")) {
		nl := bytes.IndexByte(d, '\n')
		if nl < 0 {
			return false
		}
		d = d[nl+1:]
	}
	from, other := false, false
	for first := true; len(d) > 0; first = false {
		line := d
		if nl := bytes.IndexByte(d, '\n'); nl >= 0 {
			line, d = d[:nl], d[nl+1:]
		} else {
			// A line cut by the window is not judged.
			if len(data) > maxMessageHead {
				break
			}
			d = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if first {
				return false
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return false
		}
		name := bytes.TrimRight(line[:colon], " \t")
		if !validFieldName(string(name)) {
			return false
		}
		switch {
		case bytes.EqualFold(name, []byte("From")):
			from = true
		case bytes.EqualFold(name, []byte("Date")), bytes.EqualFold(name, []byte("Subject")),
			bytes.EqualFold(name, []byte("Message-ID")), bytes.EqualFold(name, []byte("Received")),
			bytes.EqualFold(name, []byte("MIME-Version")):
			other = true
		}
	}
	return from && other
}
