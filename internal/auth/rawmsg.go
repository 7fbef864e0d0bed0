package auth

import (
	"bytes"
	"strings"
)

// Limits on the raw header read for DKIM and ARC. A header beyond them is
// cut: signatures over the missing part simply fail.
const (
	maxHeaderBytes  = 1 << 20
	maxHeaderFields = 2000
)

// rawField is one header field exactly as transmitted, folding kept, with
// CRLF line ends: what "simple" canonicalization hashes (RFC 6376 §3.4.1).
type rawField struct {
	name string // as written, without the colon
	text string // whole field: name, colon, value, every CRLF including the last
}

// splitMessage cuts a message into header fields and body, turning bare LF
// line ends into CRLF first (messages stored on Unix lose their CRs, and
// DKIM hashes the wire form, RFC 6376 §3.4). Lines that are neither a field
// nor a continuation are skipped.
func splitMessage(raw []byte) (fields []rawField, body []byte) {
	msg := toCRLF(raw)
	end := bytes.Index(msg, []byte("\r\n\r\n"))
	var head []byte
	switch {
	case bytes.HasPrefix(msg, []byte("\r\n")):
		return nil, msg[2:]
	case end < 0:
		head = msg
	default:
		head, body = msg[:end+2], msg[end+4:]
	}
	if len(head) > maxHeaderBytes {
		head = head[:maxHeaderBytes]
	}
	var cur *strings.Builder
	var curName string
	flush := func() {
		if cur != nil && len(fields) < maxHeaderFields {
			fields = append(fields, rawField{name: curName, text: cur.String()})
		}
		cur = nil
	}
	for len(head) > 0 {
		i := bytes.Index(head, []byte("\r\n"))
		var line []byte
		if i < 0 {
			line, head = head, nil
		} else {
			line, head = head[:i+2], head[i+2:]
		}
		if line[0] == ' ' || line[0] == '\t' {
			if cur != nil {
				cur.Write(line)
				if !bytes.HasSuffix(line, []byte("\r\n")) {
					cur.WriteString("\r\n")
				}
			}
			continue
		}
		flush()
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		// "Name :" is obsolete syntax (RFC 5322 §4.5): the name loses its
		// blanks, the text is kept as written for hashing.
		name := strings.TrimRight(string(line[:colon]), " \t")
		cur = new(strings.Builder)
		curName = name
		cur.Write(line)
		if !bytes.HasSuffix(line, []byte("\r\n")) {
			cur.WriteString("\r\n")
		}
	}
	flush()
	return fields, body
}

// fieldValue returns the value of f, which may carry blanks between its
// name and colon.
func fieldValue(f rawField) string {
	v := f.text[len(f.name):]
	v = strings.TrimLeft(v, " \t")
	v = strings.TrimPrefix(v, ":")
	return strings.TrimSuffix(v, "\r\n")
}

func toCRLF(b []byte) []byte {
	n := bytes.Count(b, []byte("\n"))
	if n == bytes.Count(b, []byte("\r\n")) {
		return b
	}
	out := make([]byte, 0, len(b)+n)
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// canonHeaderRelaxed is RFC 6376 §3.4.2: lower-cased name, value unfolded,
// runs of blanks made one space, blanks around the colon and at the end
// removed. The result ends with CRLF.
func canonHeaderRelaxed(name, value string) string {
	var b strings.Builder
	b.Grow(len(name) + len(value) + 3)
	b.WriteString(strings.ToLower(strings.TrimRight(name, " \t")))
	b.WriteByte(':')
	value = strings.ReplaceAll(value, "\r\n", "")
	space := false
	started := false
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			space = true
			continue
		}
		if space && started {
			b.WriteByte(' ')
		}
		space = false
		started = true
		b.WriteByte(c)
	}
	b.WriteString("\r\n")
	return b.String()
}

// canonBodySimple is RFC 6376 §3.4.3: trailing empty lines removed, an empty
// body becomes one CRLF.
func canonBodySimple(body []byte) []byte {
	for bytes.HasSuffix(body, []byte("\r\n")) {
		body = body[:len(body)-2]
	}
	out := make([]byte, 0, len(body)+2)
	out = append(out, body...)
	return append(out, '\r', '\n')
}

// canonBodyRelaxed is RFC 6376 §3.4.4: blanks at line ends removed, runs of
// blanks made one space, trailing empty lines removed; an empty body stays
// empty, any other ends with CRLF.
func canonBodyRelaxed(body []byte) []byte {
	out := make([]byte, 0, len(body))
	for len(body) > 0 {
		var line []byte
		if i := bytes.Index(body, []byte("\r\n")); i >= 0 {
			line, body = body[:i], body[i+2:]
		} else {
			line, body = body, nil
		}
		space := false
		for _, c := range line {
			if c == ' ' || c == '\t' {
				space = true
				continue
			}
			if space {
				out = append(out, ' ')
				space = false
			}
			out = append(out, c)
		}
		out = append(out, '\r', '\n')
	}
	for bytes.HasSuffix(out, []byte("\r\n")) {
		out = out[:len(out)-2]
	}
	if len(out) > 0 {
		out = append(out, '\r', '\n')
	}
	return out
}
