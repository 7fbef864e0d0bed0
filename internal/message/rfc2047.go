package message

import (
	"strings"
	"unicode/utf8"
)

// decodeHeader decodes the RFC 2047 encoded-words of a header value to
// UTF-8. It is lenient the way mail readers are: encoded-words inside quoted
// strings or glued to other text are decoded too, "?=" is the only end
// marker (spaces inside Q text happen), and adjacent words in the same
// charset are joined before decoding so that a multi-byte character split
// across two words survives (RFC 2047 §5 forbids the split, encoders do it).
// bad reports unknown charsets or invalid encoded text.
func decodeHeader(s string) (out string, bad bool) {
	var b strings.Builder
	b.Grow(len(s))
	var pending []byte
	pendingCS := ""
	flush := func() {
		if len(pending) == 0 {
			return
		}
		text, known := decodeCharset(pending, pendingCS)
		bad = bad || !known
		b.WriteString(text)
		pending = pending[:0]
	}
	literal := func(t string) {
		flush()
		if isASCII(t) || utf8.ValidString(t) {
			b.WriteString(t)
			return
		}
		text, _ := decodeCharset([]byte(t), "windows-1252")
		b.WriteString(text)
	}
	i := 0
	afterWord := false
	for i < len(s) {
		j := strings.Index(s[i:], "=?")
		if j < 0 {
			break
		}
		start := i + j
		cs, enc, text, end, ok := cutEncodedWord(s, start)
		if end < 0 {
			break // no "?=" anywhere further: no word can end
		}
		if !ok {
			literal(s[i : start+2])
			i = start + 2
			afterWord = false
			continue
		}
		// RFC 2047 §6.2: white space between adjacent encoded-words is
		// not displayed.
		if between := s[i:start]; !afterWord || strings.Trim(between, " \t\r\n") != "" {
			literal(between)
		}
		cs = normCharset(cs)
		if cs != pendingCS {
			flush()
			pendingCS = cs
		}
		var b2 bool
		if enc == 'b' {
			var d b64
			pending, b2 = d.decode(pending, []byte(text), false)
			var b3 bool
			pending, b3 = d.finish(pending)
			b2 = b2 || b3
		} else {
			pending, b2 = decodeQWord(pending, text)
		}
		bad = bad || b2
		i = end
		afterWord = true
	}
	literal(s[i:])
	flush()
	return b.String(), bad
}

// cutEncodedWord parses "=?charset?e?text?=" at s[start:]. end is the offset
// just past it.
func cutEncodedWord(s string, start int) (charset string, enc byte, text string, end int, ok bool) {
	rest := s[start+2:]
	q := strings.IndexByte(rest, '?')
	if q <= 0 || q > 64 || strings.ContainsAny(rest[:q], " \t\r\n=") {
		return "", 0, "", 0, false
	}
	charset = rest[:q]
	rest = rest[q+1:]
	if len(rest) < 2 || rest[1] != '?' {
		return "", 0, "", 0, false
	}
	switch rest[0] {
	case 'B', 'b':
		enc = 'b'
	case 'Q', 'q':
		enc = 'q'
	default:
		return "", 0, "", 0, false
	}
	rest = rest[2:]
	e := strings.Index(rest, "?=")
	if e < 0 {
		return "", 0, "", -1, false
	}
	text = rest[:e]
	end = len(s) - len(rest) + e + 2
	return charset, enc, text, end, true
}

// decodeQWord appends the decoding of RFC 2047 §4.2 Q text to dst.
func decodeQWord(dst []byte, text string) ([]byte, bool) {
	bad := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			dst = append(dst, ' ')
		case c == '=' && i+2 < len(text):
			hi, ok1 := unhex(text[i+1])
			lo, ok2 := unhex(text[i+2])
			if ok1 && ok2 {
				dst = append(dst, hi<<4|lo)
				i += 2
				continue
			}
			bad = true
			dst = append(dst, c)
		case c == '=':
			bad = true
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst, bad
}
