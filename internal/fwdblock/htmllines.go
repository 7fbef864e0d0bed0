package fwdblock

import (
	"html"
	"strings"
	"unicode/utf8"
)

// maxHTMLSource bounds the HTML read to find a block: Outlook's and Word's
// HTML may put tens of kilobytes of style before the first visible line.
const maxHTMLSource = 128 << 10

// htmlLines returns the visible text at the start of an HTML document laid
// out in lines as a mail reader shows it — a line break at <br> and at
// block elements, character references decoded, the content of style,
// script and title dropped — and, for each byte of that text, the offset
// in doc of the markup or character it comes from, so that a place in the
// text is a place to cut the document. It reads at most maxHTMLSource
// bytes of doc and returns at most maxText bytes of text.
func htmlLines(doc string, maxText int) (string, []int) {
	doc = doc[:min(len(doc), maxHTMLSource)]
	var text []byte
	var at []int
	emit := func(s string, off int) {
		for i := 0; i < len(s); i++ {
			text = append(text, s[i])
			at = append(at, off)
		}
	}
	last := func() byte {
		if len(text) == 0 {
			return '\n'
		}
		return text[len(text)-1]
	}
	for i := 0; i < len(doc) && len(text) < maxText; {
		c := doc[i]
		switch {
		case c == '<':
			name, closing, end := readTag(doc, i)
			if end < 0 {
				return string(text), at
			}
			switch {
			case rawText[name] && !closing:
				end = skipRawText(doc, end, name)
			case lineBreaks[name] && (!closing || name != "br"):
				if last() != '\n' {
					emit("\n", i)
				}
			case name == "td" || name == "th":
				if last() != ' ' && last() != '\n' {
					emit(" ", i)
				}
			}
			i = end
		case c == '&':
			s, n := charRef(doc[i:])
			if s == "\u00a0" {
				s = " "
			}
			emit(s, i)
			i += n
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f':
			if last() != ' ' && last() != '\n' {
				emit(" ", i)
			}
			i++
		default:
			emit(doc[i:i+1], i)
			i++
		}
	}
	return string(text), at
}

// Elements a mail reader lays out on lines of their own.
var lineBreaks = map[string]bool{
	"br": true, "p": true, "div": true, "tr": true, "li": true, "hr": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true,
	"ul": true, "ol": true, "dl": true, "dt": true, "dd": true, "pre": true, "center": true,
	"section": true, "article": true, "header": true, "footer": true, "address": true, "body": true,
}

// Elements whose content is not shown; Word writes its settings in <xml>.
var rawText = map[string]bool{"style": true, "script": true, "title": true, "xml": true, "textarea": true}

// readTag reads the markup at doc[i] ('<'): a tag's lower-cased name and
// whether it closes, or a comment or declaration (no name), and the offset
// after it; -1 when it does not end.
func readTag(doc string, i int) (name string, closing bool, end int) {
	rest := doc[i+1:]
	switch {
	case strings.HasPrefix(rest, "!--"):
		// A comment ends at "-->" or "--!>", and "<!-->" and "<!--->" are
		// whole comments (WHATWG HTML §13.2.5.43–52, as browsers and
		// package message read them).
		body := rest[3:]
		switch {
		case strings.HasPrefix(body, ">"):
			return "", false, i + 1 + 3 + 1
		case strings.HasPrefix(body, "->"):
			return "", false, i + 1 + 3 + 2
		}
		for j := 0; j < len(body); {
			k := strings.Index(body[j:], "--")
			if k < 0 {
				break
			}
			j += k + 2
			if strings.HasPrefix(body[j:], ">") {
				return "", false, i + 1 + 3 + j + 1
			}
			if strings.HasPrefix(body[j:], "!>") {
				return "", false, i + 1 + 3 + j + 2
			}
			j-- // "--->" ends at its last two dashes
		}
		return "", false, -1
	case strings.HasPrefix(rest, "!") || strings.HasPrefix(rest, "?"):
		j := strings.IndexByte(rest, '>')
		if j < 0 {
			return "", false, -1
		}
		return "", false, i + 1 + j + 1
	case strings.HasPrefix(rest, "/"):
		closing = true
		rest = rest[1:]
	}
	n := 0
	for n < len(rest) && n < 32 && (isLetter(rest[n]) || n > 0 && (rest[n] >= '0' && rest[n] <= '9' || rest[n] == ':' || rest[n] == '-')) {
		n++
	}
	if n == 0 {
		// Not a tag: a "<" of the text.
		return "", false, i + 1
	}
	name = strings.ToLower(rest[:n])
	var quote byte
	for j := n; j < len(rest); j++ {
		switch c := rest[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return name, closing, len(doc) - len(rest) + j + 1
		}
	}
	return "", false, -1
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// skipRawText returns the offset of the end tag of the element name whose
// content starts at from, or the end of doc.
func skipRawText(doc string, from int, name string) int {
	for i := from; ; {
		j := strings.Index(doc[i:], "</")
		if j < 0 {
			return len(doc)
		}
		i += j
		if k := i + 2 + len(name); k <= len(doc) && strings.EqualFold(doc[i+2:k], name) {
			return i
		}
		i += 2
	}
}

// charRef decodes the character reference at the start of s ("&lt;",
// "&eacute;", "&#xe9;") and returns its text and length; an ampersand that
// opens none is itself.
func charRef(s string) (string, int) {
	end := strings.IndexByte(s[:min(len(s), 34)], ';')
	if end < 2 {
		return "&", 1
	}
	if t := html.UnescapeString(s[:end+1]); t != s[:end+1] && utf8.ValidString(t) {
		return t, end + 1
	}
	return "&", 1
}
