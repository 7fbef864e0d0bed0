package message

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// headerEnd finds where the header block of an entity ends. hdrEnd is the
// offset just past the last header line, bodyStart the offset just past the
// empty line that separates header and body (RFC 5322 §2.1). Lines may end in
// CRLF or bare LF. Without an empty line the whole input is header.
func headerEnd(raw []byte) (hdrEnd, bodyStart int) {
	pos := 0
	for pos < len(raw) {
		// An empty line at pos?
		if raw[pos] == '\n' {
			return pos, pos + 1
		}
		if raw[pos] == '\r' && pos+1 < len(raw) && raw[pos+1] == '\n' {
			return pos, pos + 2
		}
		nl := bytes.IndexByte(raw[pos:], '\n')
		if nl < 0 {
			return len(raw), len(raw)
		}
		pos += nl + 1
	}
	return len(raw), len(raw)
}

// BodyStart returns the offset of the body of the message in raw: just
// past the empty line that ends its header block, whether lines end in
// CRLF or bare LF (len(raw) without one), as Parse reads it.
func BodyStart(raw []byte) int {
	_, body := headerEnd(raw)
	return body
}

// parseHeader splits raw into its header fields and body. maxBytes bounds the
// header block: fields beyond it are dropped with an OVERSIZE_HEADER defect,
// but the body still starts after the empty line. where names the entity in
// defect details ("" for the top-level header).
func (p *parser) parseHeader(raw []byte, where string) (Header, []byte) {
	hdrEnd, bodyStart := headerEnd(raw)
	body := raw[bodyStart:]
	block := raw[:hdrEnd]
	if len(block) > p.lim.MaxHeaderBytes {
		p.defect(DefectHeaderBig, where+"header block beyond MaxHeaderBytes")
		block = block[:p.lim.MaxHeaderBytes]
		// Drop the partial last line.
		if nl := bytes.LastIndexByte(block, '\n'); nl >= 0 {
			block = block[:nl+1]
		}
	}
	if len(block) == 0 {
		return Header{}, body
	}
	// One copy of the header block; field values are substrings of it.
	hs := string(block)
	if strings.IndexByte(hs, 0) >= 0 {
		p.defect(DefectHeader, where+"NUL byte in header")
		hs = strings.ReplaceAll(hs, "\x00", "")
	}
	return Header{Fields: p.splitFields(hs, where)}, body
}

// splitFields cuts a header block into fields: RFC 5322 §2.2, with unfolding
// (§2.2.3) and the obsolete whitespace before the colon (§4.5).
func (p *parser) splitFields(hs, where string) []Field {
	fields := make([]Field, 0, 16+strings.Count(hs[:min(len(hs), 4096)], "\n"))
	var name string
	valStart, valEnd := -1, -1
	folded := false
	flush := func() {
		if valStart < 0 {
			return
		}
		v := hs[valStart:valEnd]
		if folded {
			v = unfold(v)
		}
		v = strings.TrimSpace(v)
		fields = append(fields, Field{Name: name, Raw: v, Value: p.decodeField(v, where)})
		valStart = -1
		folded = false
	}
	if strings.HasPrefix(hs, "From ") && !strings.HasPrefix(strings.TrimLeft(hs[5:], " "), ":") {
		// An mbox separator line ("From sender date"), not a field.
		if nl := strings.IndexByte(hs, '\n'); nl >= 0 {
			hs = hs[nl+1:]
		} else {
			hs = ""
		}
	}
	pos := 0
	for pos < len(hs) {
		end := strings.IndexByte(hs[pos:], '\n')
		next := len(hs)
		if end < 0 {
			end = len(hs)
		} else {
			end += pos
			next = end + 1
		}
		line := hs[pos:end]
		if line == "" {
			pos = next
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if valStart >= 0 {
				valEnd = end
				folded = true
			} else if strings.TrimSpace(line) != "" {
				p.defect(DefectHeader, where+"continuation line without a field")
			}
			pos = next
			continue
		}
		flush()
		colon := strings.IndexByte(line, ':')
		if colon <= 0 || !validFieldName(strings.TrimRight(line[:colon], " \t")) {
			if strings.TrimSpace(line) != "" {
				p.defect(DefectHeader, where+"header line without a field name")
			}
			pos = next
			continue
		}
		name = strings.TrimRight(line[:colon], " \t")
		valStart, valEnd = pos+colon+1, end
		pos = next
	}
	flush()
	return fields
}

// validFieldName reports whether s is an RFC 5322 §3.6.8 field name:
// printable US-ASCII except the colon.
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// unfold removes the line breaks of a folded field value, keeping the
// whitespace that follows them (RFC 5322 §2.2.3).
// The runs between line ends are copied whole (folded values are the long
// ones: Received, DKIM-Signature, ARC), found with the vectorised IndexByte.
func unfold(v string) string {
	b := make([]byte, 0, len(v))
	for v != "" {
		line := v
		if i := strings.IndexByte(v, '\n'); i >= 0 {
			line, v = v[:i], v[i+1:]
		} else {
			v = ""
		}
		for {
			j := strings.IndexByte(line, '\r')
			if j < 0 {
				b = append(b, line...)
				break
			}
			b = append(b, line[:j]...)
			line = line[j+1:]
		}
	}
	return handOver(b)
}

// decodeField decodes the encoded-words of a field value, and reads raw 8-bit
// values that are not UTF-8 (RFC 6532) as Windows-1252.
func (p *parser) decodeField(raw, where string) string {
	if !strings.Contains(raw, "=?") {
		if isASCII(raw) || utf8.ValidString(raw) {
			return raw
		}
		s, _ := decodeCharset([]byte(raw), "windows-1252")
		return s
	}
	s, bad := decodeHeader(raw)
	if bad {
		p.defect(DefectEncoding, where+"bad encoded-word in header")
	}
	return s
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// maxAddresses bounds each address list; a header block of 1 MB could
// otherwise name a quarter of a million mailboxes.
const maxAddresses = 1000

// fillEnvelope fills the message's summary fields from its top-level header.
func (p *parser) fillEnvelope(h Header) {
	m := p.m
	seen := map[string]bool{}
	for _, f := range h.Fields {
		key := envelopeField(f.Name)
		switch key {
		case "from", "sender", "reply-to", "subject", "message-id", "date":
			// RFC 5322 §3.6: at most one of each. A second From is a known
			// way to make the filter and the reader see different senders.
			if seen[key] {
				p.defect(DefectHeader, "duplicate "+key+" field")
				continue
			}
			seen[key] = true
		}
		switch key {
		case "from":
			m.From = parseAddressList(f.Raw, maxAddresses)
		case "sender":
			m.Sender = parseAddressList(f.Raw, maxAddresses)
		case "reply-to":
			m.ReplyTo = parseAddressList(f.Raw, maxAddresses)
		case "to":
			m.To = append(m.To, parseAddressList(f.Raw, maxAddresses-len(m.To))...)
		case "cc":
			m.Cc = append(m.Cc, parseAddressList(f.Raw, maxAddresses-len(m.Cc))...)
		case "subject":
			m.Subject = f.Value
		case "message-id":
			m.MessageID = parseMessageID(f.Raw)
		case "date":
			t, ok := ParseDate(f.Raw)
			if !ok {
				p.defect(DefectHeader, "unparsable Date field")
			}
			m.Date = t
		}
	}
}

// envelopeField returns the lower-case name of the fields fillEnvelope
// reads, "" for the others, without allocating for each field.
func envelopeField(name string) string {
	for _, k := range [...]string{"from", "sender", "reply-to", "to", "cc", "subject", "message-id", "date"} {
		if len(name) == len(k) && strings.EqualFold(name, k) {
			return k
		}
	}
	return ""
}

// parseMessageID returns the id-left@id-right of RFC 5322 §3.6.4, or the
// trimmed value when it has no angle brackets.
func parseMessageID(v string) string {
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j >= 0 {
			return strings.TrimSpace(v[i+1 : i+j])
		}
		return strings.TrimSpace(v[i+1:])
	}
	return strings.TrimSpace(v)
}
