package message

import (
	"html"
	"strings"
)

// htmlTokenizer is a small HTML tokenizer over a string, following the
// WHATWG HTML §13.2.5 tokenization states that matter for reading text and
// links: tags with quoted and unquoted attributes, comments (with their
// abrupt "<!-->" ends), bogus comments, doctypes, and the raw-text elements
// whose content is not markup (script, style, textarea, title...). It
// allocates nothing per token: names, attribute values and text are
// substrings of the document, decoded only when asked. It exists because
// the general tokenizer of golang.org/x/net/html copies every tag name and
// attribute, which made it the bulk of the cost of parsing a message.
type htmlTokenizer struct {
	s      string
	pos    int
	rawEnd string // raw-text element whose content is the next token

	// cdataText: a "<![CDATA[…]]>" section is text, as in XML and in an
	// HTML document's <svg> or <math> (WHATWG §13.2.5.42, CDATA section
	// state in foreign content), not the bogus comment it is elsewhere.
	cdataText bool
	// paint: the attributes that say whether an SVG shape is drawn (fill,
	// stroke, opacity, fill-opacity) are kept too (paintAttr).
	paint bool

	kind   tokenKind
	text   string // tokText: undecoded
	rcdata bool   // tokText: entities are to be decoded (not script/style)
	name   string // tokStart, tokEnd: lower case
	attrs  []htmlAttr
}

type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokText
	tokStart
	tokEnd
)

// htmlAttr is an attribute as written: key lower-cased, value undecoded
// (see unescapeAttr).
type htmlAttr struct {
	key, val string
}

func isHTMLSpace(c byte) bool { return htmlClass[c]&classSpace != 0 }

// Byte classes of the tokenizer's loops, one table lookup each.
const (
	classSpace    = 1 << iota // HTML whitespace
	classNameEnd              // ends a tag name: whitespace, '/', '>'
	classAttrEnd              // ends an attribute name: the above and '='
	classValueEnd             // ends an unquoted value: whitespace, '>'
)

var htmlClass = func() (t [256]uint8) {
	for _, c := range " \t\n\f\r" {
		t[c] = classSpace | classNameEnd | classAttrEnd | classValueEnd
	}
	t['/'] = classNameEnd | classAttrEnd
	t['>'] = classNameEnd | classAttrEnd | classValueEnd
	t['='] = classAttrEnd
	return t
}()

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// lowerASCII lower-cases s without allocating when it already is.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// rawTextElement reports the elements whose content the tokenizer reads as
// text up to their end tag (WHATWG §13.2.5.2–5, §13.2.6.4.7).
func rawTextElement(name string) bool {
	switch name {
	case "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext":
		return true
	}
	return false
}

// next reads the next token into the tokenizer's fields.
func (t *htmlTokenizer) next() tokenKind {
	for {
		if t.rawEnd != "" {
			name := t.rawEnd
			t.rawEnd = ""
			end := len(t.s)
			if name != "plaintext" {
				end = t.pos + indexEndTag(t.s[t.pos:], name)
			}
			if end > t.pos {
				t.kind, t.text = tokText, t.s[t.pos:end]
				t.rcdata = name == "textarea" || name == "title"
				t.pos = end
				return t.kind
			}
		}
		s, pos := t.s, t.pos
		if pos >= len(s) {
			t.kind = tokEOF
			return t.kind
		}
		if s[pos] != '<' {
			lt := strings.IndexByte(s[pos:], '<')
			if lt < 0 {
				lt = len(s) - pos
			}
			t.kind, t.text, t.rcdata = tokText, s[pos:pos+lt], true
			t.pos = pos + lt
			return t.kind
		}
		var c byte
		if pos+1 < len(s) {
			c = s[pos+1]
		}
		switch {
		case isASCIILetter(c):
			if t.readTag(pos+1, tokStart) {
				return t.kind
			}
		case c == '/' && pos+2 < len(s) && isASCIILetter(s[pos+2]):
			if t.readTag(pos+2, tokEnd) {
				return t.kind
			}
		case c == '/' && pos+2 < len(s) && s[pos+2] == '>':
			t.pos = pos + 3 // "</>" is dropped
		case c == '!' && strings.HasPrefix(s[pos:], "<!--"):
			t.pos = commentEnd(s, pos+4)
		case c == '!' && t.cdataText && strings.HasPrefix(s[pos:], "<![CDATA["):
			start := pos + len("<![CDATA[")
			end := strings.Index(s[start:], "]]>")
			if end < 0 {
				t.pos = len(s)
				end = len(s) - start
			} else {
				t.pos = start + end + len("]]>")
			}
			if end > 0 {
				t.kind, t.text, t.rcdata = tokText, s[start:start+end], false
				return t.kind
			}
		case c == '!' || c == '?' || c == '/' && pos+2 < len(s):
			// Doctype, CDATA outside foreign content, processing
			// instruction, "</3": bogus comments up to the next '>'.
			gt := strings.IndexByte(s[pos:], '>')
			if gt < 0 {
				t.pos = len(s)
			} else {
				t.pos = pos + gt + 1
			}
		default:
			t.kind, t.text, t.rcdata = tokText, s[pos:pos+1], true
			t.pos = pos + 1
			return t.kind
		}
	}
}

// commentEnd returns the offset after the comment whose "<!--" ends at i:
// after "-->" or "--!>", right away for "<!-->" and "<!--->", or the end
// of the document.
func commentEnd(s string, i int) int {
	if strings.HasPrefix(s[i:], ">") {
		return i + 1
	}
	if strings.HasPrefix(s[i:], "->") {
		return i + 2
	}
	for j := i; j < len(s); {
		k := strings.Index(s[j:], "--")
		if k < 0 {
			break
		}
		j += k + 2
		if strings.HasPrefix(s[j:], ">") {
			return j + 1
		}
		if strings.HasPrefix(s[j:], "!>") {
			return j + 2
		}
		j-- // "--->" ends at the last two dashes
	}
	return len(s)
}

// readTag reads a start or end tag whose name starts at i. It reports false
// when the document ends inside the tag, which then is not a tag (WHATWG
// "eof-in-tag").
func (t *htmlTokenizer) readTag(i int, kind tokenKind) bool {
	s := t.s
	start := i
	for i < len(s) && htmlClass[s[i]]&classNameEnd == 0 {
		i++
	}
	name := lowerASCII(s[start:i])
	t.attrs = t.attrs[:0]
	for {
		for i < len(s) && (isHTMLSpace(s[i]) || s[i] == '/') {
			i++
		}
		if i >= len(s) {
			t.pos = len(s)
			t.kind = tokEOF
			return false
		}
		if s[i] == '>' {
			i++
			break
		}
		ks := i
		i++ // a first '=' belongs to the name
		for i < len(s) && htmlClass[s[i]]&classAttrEnd == 0 {
			i++
		}
		key := s[ks:i]
		for i < len(s) && isHTMLSpace(s[i]) {
			i++
		}
		val := ""
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && isHTMLSpace(s[i]) {
				i++
			}
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				e := strings.IndexByte(s[i+1:], s[i])
				if e < 0 {
					t.pos = len(s)
					t.kind = tokEOF
					return false
				}
				val = s[i+1 : i+1+e]
				i += e + 2
			} else {
				vs := i
				for i < len(s) && htmlClass[s[i]]&classValueEnd == 0 {
					i++
				}
				val = s[vs:i]
			}
		}
		if kind == tokStart {
			t.addAttr(key, val)
		}
	}
	t.pos = i
	t.kind, t.name = kind, name
	if kind == tokStart && rawTextElement(name) {
		t.rawEnd = name
	}
	return true
}

// addAttr keeps the attributes htmlScan reads, under their lower-case
// name, and only the first of duplicates, as browsers do. Dropping the
// others bounds the work and memory a tag with a million attributes costs.
func (t *htmlTokenizer) addAttr(key, val string) {
	k := knownAttr(key)
	if k == "" && t.paint {
		k = paintAttr(key)
	}
	if k == "" {
		return
	}
	for _, a := range t.attrs {
		if a.key == k {
			return
		}
	}
	t.attrs = append(t.attrs, htmlAttr{k, val})
}

// paintAttr returns the lower-case name of an SVG paint attribute that
// tells whether a shape shows, "" for any other.
func paintAttr(key string) string {
	for _, k := range [...]string{"fill", "stroke", "opacity", "fill-opacity"} {
		if strings.EqualFold(key, k) {
			return k
		}
	}
	return ""
}

// knownAttr returns the lower-case name of the attributes htmlScan reads,
// or "".
func knownAttr(key string) string {
	if len(key) < 3 || len(key) > len("http-equiv") {
		return ""
	}
	var buf [len("http-equiv")]byte
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch k := buf[:len(key)]; string(k) {
	case "href":
		return "href"
	case "src":
		return "src"
	case "style":
		return "style"
	case "alt":
		return "alt"
	case "action":
		return "action"
	case "formaction":
		return "formaction"
	case "background":
		return "background"
	case "data":
		return "data"
	case "poster":
		return "poster"
	case "xlink:href":
		return "xlink:href"
	case "http-equiv":
		return "http-equiv"
	case "content":
		return "content"
	case "color":
		return "color"
	case "bgcolor":
		return "bgcolor"
	}
	return ""
}

// indexEndTag returns the offset in s of the end tag "</name" (any case,
// followed by a space, '/' or '>'), or len(s).
func indexEndTag(s, name string) int {
	for i := 0; i < len(s); {
		k := strings.Index(s[i:], "</")
		if k < 0 {
			break
		}
		at := i + k
		i = at + 2
		e := i + len(name)
		if e <= len(s) && strings.EqualFold(s[i:e], name) && (e == len(s) || isHTMLSpace(s[e]) || s[e] == '/' || s[e] == '>') {
			return at
		}
	}
	return len(s)
}

// unescapeText decodes the character references of text (WHATWG §13.2.5.72).
func unescapeText(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return html.UnescapeString(s)
}

// unescapeAttr decodes the character references of an attribute value. In
// attributes a named reference without its ';' followed by '=' or an
// alphanumeric is left alone (WHATWG §13.2.5.73), so that "?a=1&copy=2"
// stays a query string; other references without ';' are left alone too,
// which only matters for malformed markup.
func unescapeAttr(s string) string {
	amp := strings.IndexByte(s, '&')
	if amp < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for amp >= 0 {
		b.WriteString(s[:amp])
		s = s[amp:]
		n := 1
		if len(s) > 1 && s[1] == '#' {
			n = 2
			for n < len(s) && n < 12 && (s[n] >= '0' && s[n] <= '9' || s[n] == 'x' || s[n] == 'X' || 'a' <= s[n] && s[n] <= 'f' || 'A' <= s[n] && s[n] <= 'F') {
				n++
			}
			if n < len(s) && s[n] == ';' {
				n++
			}
			b.WriteString(html.UnescapeString(s[:n]))
		} else {
			for n < len(s) && n < 40 && (isASCIILetter(s[n]) || '0' <= s[n] && s[n] <= '9') {
				n++
			}
			if n < len(s) && s[n] == ';' && n > 1 {
				n++
				b.WriteString(html.UnescapeString(s[:n]))
			} else {
				b.WriteString(s[:n])
			}
		}
		s = s[n:]
		amp = strings.IndexByte(s, '&')
	}
	b.WriteString(s)
	return b.String()
}

// decodeCharRef decodes the character reference at the start of s ("&...")
// and returns its text and length. The names frequent in mail are decoded
// here, the others by html.UnescapeString; what is not a reference is a
// literal "&".
func decodeCharRef(s string) (string, int) {
	n := 1
	if len(s) > 1 && s[1] == '#' {
		n = 2
		hex := n < len(s) && (s[n] == 'x' || s[n] == 'X')
		if hex {
			n++
		}
		start := n
		v := 0
		for n < len(s) && n-start < 8 {
			d, ok := unhex(s[n])
			if !ok || !hex && d > 9 {
				break
			}
			if hex {
				v = v*16 + int(d)
			} else {
				v = v*10 + int(d)
			}
			n++
		}
		if n == start {
			return "&", 1
		}
		if n < len(s) && s[n] == ';' {
			n++
		}
		if v >= 0x80 && v <= 0x9f || v == 0 {
			// Windows-1252 remapping and NUL: the full rules.
			return html.UnescapeString(s[:n]), n
		}
		if v > 0x10ffff || v >= 0xd800 && v <= 0xdfff {
			return "\uFFFD", n
		}
		return string(rune(v)), n
	}
	for n < len(s) && n < 40 && (isASCIILetter(s[n]) || '0' <= s[n] && s[n] <= '9') {
		n++
	}
	if n == 1 {
		return "&", 1
	}
	if n < len(s) && s[n] == ';' {
		if t, ok := commonRef(s[1:n]); ok {
			return t, n + 1
		}
		return html.UnescapeString(s[:n+1]), n + 1
	}
	// Legacy references without ';' ("&nbsp", "&copy2025").
	return html.UnescapeString(s[:n]), n
}

// commonRef decodes the named references most mail uses, without the
// allocation of html.UnescapeString.
func commonRef(name string) (string, bool) {
	switch name {
	case "nbsp":
		return "\u00a0", true
	case "amp":
		return "&", true
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "quot":
		return "\"", true
	case "apos":
		return "'", true
	case "eacute":
		return "é", true
	case "egrave":
		return "è", true
	case "ecirc":
		return "ê", true
	case "agrave":
		return "à", true
	case "acirc":
		return "â", true
	case "ccedil":
		return "ç", true
	case "ocirc":
		return "ô", true
	case "ucirc":
		return "û", true
	case "ugrave":
		return "ù", true
	case "icirc":
		return "î", true
	case "rsquo":
		return "\u2019", true
	case "lsquo":
		return "\u2018", true
	case "ldquo":
		return "\u201c", true
	case "rdquo":
		return "\u201d", true
	case "ndash":
		return "\u2013", true
	case "mdash":
		return "\u2014", true
	case "euro":
		return "€", true
	case "hellip":
		return "\u2026", true
	case "laquo":
		return "«", true
	case "raquo":
		return "»", true
	case "copy":
		return "©", true
	case "reg":
		return "®", true
	case "zwnj":
		return "\u200c", true
	case "shy":
		return "\u00ad", true
	}
	return "", false
}
