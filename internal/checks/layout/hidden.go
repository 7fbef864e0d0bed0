package layout

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"vigie.dev/vigie/internal/message"
)

// Limits of the walk through an HTML body looking for hidden text: a body
// that never ends or nests without end costs a bounded amount of work.
const (
	maxHiddenTokens = 200_000
	maxHiddenDepth  = 512
)

// zeroFontText returns what the reader cannot see of an HTML body because it
// is drawn in a zero font size — the "zero font" trick, words or whole
// paragraphs written for filters between the words the reader sees — as a
// short description, or "" when there is none.
//
// Only text that is actually drawn at size zero counts: email templates set
// font-size:0 on table cells and column wrappers to remove the gaps between
// inline blocks (MJML writes it on every column, hybrid layouts on their
// cells) and set the size again on the text inside, and a wrapper holding
// only images, spaces or an Outlook comment hides nothing. Content hidden
// for good reasons is left alone as well: a display:none, max-height:0 or
// mso-hide:all block (preheaders, the mobile-only or desktop-only blocks a
// media query reveals) and a short first passage before any visible text
// (a preheader written with a zero font only).
func zeroFontText(src string) string {
	type frame struct {
		tag    atom.Atom
		name   string
		zero   bool // the font size in effect is zero
		hidden bool // inside a block hidden on purpose
	}
	stack := make([]frame, 1, 32)
	z := html.NewTokenizer(strings.NewReader(src))
	visible := 0        // letters seen so far
	hiddenLetters := 0  // letters drawn at size zero
	passages := 0       // runs of them
	first := true       // the next hidden passage is the first one
	lastHidden := false // the previous text token was hidden
	splits := 0         // hidden passages inside a visible word (Micr·xqz·osoft)
	wordOpen := false   // the visible text so far ends inside a word
	splitting := false  // a hidden passage started inside a visible word
	var nameBuf [maxTagName]byte
	for n := 0; n < maxHiddenTokens; n++ {
		switch z.Next() {
		case html.ErrorToken:
			return describeHidden(hiddenLetters, passages, splits)
		case html.StartTagToken:
			name := rawTagName(z, &nameBuf)
			a := atom.Lookup(name)
			if voidElement(a) || len(stack) >= maxHiddenDepth {
				continue
			}
			top := stack[len(stack)-1]
			f := frame{tag: a, zero: top.zero, hidden: top.hidden}
			if a == 0 {
				f.name = string(name)
			}
			// Only a style attribute matters, and the tokenizer copies each
			// attribute it returns: a tag whose source holds no "style"
			// (names are lower-cased in ASCII only) is not read further.
			// The tokenizer keeps one attribute of each name: the
			// attributes after the style are not read either.
			for more := mayHoldStyle(z.Raw()); more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == "style" {
					applyStyleBytes(&f.zero, &f.hidden, v)
					break
				}
			}
			stack = append(stack, f)
		case html.EndTagToken:
			name := rawTagName(z, &nameBuf)
			a := atom.Lookup(name)
			for i := len(stack) - 1; i > 0; i-- {
				if stack[i].tag == a && (a != 0 || stack[i].name == string(name)) {
					stack = stack[:i]
					break
				}
			}
		case html.TextToken:
			top := stack[len(stack)-1]
			if top.tag == atom.Style || top.tag == atom.Script || top.tag == atom.Title {
				continue
			}
			text := z.Text()
			letters := countLetters(text)
			if letters == 0 {
				if !top.hidden && len(text) > 0 {
					wordOpen, splitting = false, false // a space or a sign ends the word
				}
				continue
			}
			switch {
			case top.hidden:
				// Hidden on purpose: neither seen nor counted.
			case !top.zero:
				if splitting && startsWithLetter(text) {
					splits++
				}
				visible += letters
				lastHidden, splitting = false, false
				wordOpen = endsWithLetter(text)
			case first && visible == 0 && letters <= 200:
				first = false // a preheader
			default:
				first = false
				hiddenLetters += letters
				if !lastHidden {
					passages++
					splitting = wordOpen
				}
				lastHidden = true
			}
		}
	}
	return describeHidden(hiddenLetters, passages, splits)
}

// rawTagName returns the lower-cased name of the start or end tag z has
// just read, as z.TagName does, read from the tag's source into buf:
// TagName copies every name it returns, and zeroFontText reads every tag
// of a body. A name holding a NUL (which TagName turns into U+FFFD) or
// longer than buf is TagName's to read.
func rawTagName(z *html.Tokenizer, buf *[maxTagName]byte) []byte {
	raw := z.Raw()
	i := 1 // after "<"
	if len(raw) > 1 && raw[1] == '/' {
		i = 2
	}
	n := 0
	for ; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			return buf[:n]
		case 0:
			name, _ := z.TagName()
			return name
		}
		if n == len(buf) {
			name, _ := z.TagName()
			return name
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return buf[:n]
}

// maxTagName is the longest tag name rawTagName reads itself: longer
// than any HTML element's.
const maxTagName = 32

// describeHidden is the signal's detail: ten letters or more drawn at size
// zero, or any inside a visible word.
func describeHidden(letters, passages, splits int) string {
	if splits > 0 {
		return fmt.Sprintf("font-size 0: %d words split", splits)
	}
	if letters < 10 {
		return ""
	}
	if passages == 1 {
		return fmt.Sprintf("font-size 0: %d letters", letters)
	}
	return fmt.Sprintf("font-size 0: %d letters in %d passages", letters, passages)
}

// applyStyle reads an inline style: a font size (zero or not) replaces the
// one inherited, and display:none, max-height:0 or mso-hide:all hide the
// block and everything in it.
func applyStyle(zero, hidden *bool, style string) {
	for _, decl := range strings.Split(style, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		val = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "!important")))
		switch prop {
		case "font-size":
			if size, ok := message.CSSNumber(val); ok {
				*zero = size == 0
			}
		case "display":
			if val == "none" {
				*hidden = true
			}
		case "max-height":
			if size, ok := message.CSSNumber(val); ok && size == 0 {
				*hidden = true
			}
		case "mso-hide":
			if val == "all" {
				*hidden = true
			}
		}
	}
}

// applyStyleBytes is applyStyle on the tokenizer's bytes, without copying
// them: a style written in ASCII, nearly all of them, is read in place.
// Another is read by applyStyle, whose Unicode lower-casing turns some
// letters into ASCII ones (dİsplay reads display).
func applyStyleBytes(zero, hidden *bool, style []byte) {
	for _, c := range style {
		if c >= utf8.RuneSelf {
			applyStyle(zero, hidden, string(style))
			return
		}
	}
	for rest := style; len(rest) > 0; {
		decl := rest
		if i := bytes.IndexByte(rest, ';'); i >= 0 {
			decl, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		colon := bytes.IndexByte(decl, ':')
		if colon < 0 {
			continue
		}
		prop := bytes.TrimSpace(decl[:colon])
		val := bytes.TrimSpace(decl[colon+1:])
		val = bytes.TrimSpace(bytes.TrimSuffix(val, []byte("!important")))
		switch {
		case asciiFold(prop, "font-size"):
			if size, ok := cssNumberBytes(val); ok {
				*zero = size == 0
			}
		case asciiFold(prop, "display"):
			if asciiFold(val, "none") {
				*hidden = true
			}
		case asciiFold(prop, "max-height"):
			if size, ok := cssNumberBytes(val); ok && size == 0 {
				*hidden = true
			}
		case asciiFold(prop, "mso-hide"):
			if asciiFold(val, "all") {
				*hidden = true
			}
		}
	}
}

// mayHoldStyle reports "style" in a tag's source, in any ASCII case.
func mayHoldStyle(raw []byte) bool {
	for len(raw) >= 5 {
		i := bytes.IndexAny(raw, "sS")
		if i < 0 || len(raw)-i < 5 {
			return false
		}
		if asciiFold(raw[i:i+5], "style") {
			return true
		}
		raw = raw[i+1:]
	}
	return false
}

// asciiFold reports b equal to the lower-case ASCII word w, ignoring the
// case of b's ASCII letters.
func asciiFold(b []byte, w string) bool {
	if len(b) != len(w) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// cssNumberBytes is message.CSSNumber on bytes.
func cssNumberBytes(v []byte) (float64, bool) {
	end := 0
	for end < len(v) && (v[end] >= '0' && v[end] <= '9' || v[end] == '.') {
		end++
	}
	if end == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(v[:end]), 64)
	return f, err == nil
}

// countLetters counts the letters of a text token, entities decoded by the
// tokenizer; spaces, punctuation and invisible characters are not text.
func countLetters(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

func startsWithLetter(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return unicode.IsLetter(r)
}

func endsWithLetter(b []byte) bool {
	r, _ := utf8.DecodeLastRune(b)
	return unicode.IsLetter(r)
}

// voidElement reports the elements that have no end tag.
func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

// Zero-width characters and direction controls: the characters that split
// a word without showing (U+00AD, the soft hyphen, is left out: it marks
// where a long word may be hyphenated, and newsletters use it so).
func splitter(r rune) bool {
	switch {
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x2064,
		r >= 0x2066 && r <= 0x2069, r == 0xfeff, r == 0x034f, r == 0x180e:
		return true
	}
	return false
}

// zeroWidthInWords counts the zero-width and direction-control characters
// of s that stand between two letters of a word (Mi​cro​soft, votre​​règlement):
// text broken up so that filters miss what it says. The same characters
// between spaces are the padding newsletters put after a preheader so that
// the mail client shows nothing more of the body, and between emoji they
// join them: neither counts. Tags are skipped and character references
// decoded, so a word split by <span>&#8203;</span> counts too.
func zeroWidthInWords(s string) int {
	if !hasSplitter(s) {
		return 0
	}
	if strings.IndexByte(s, '<') >= 0 || strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(stripTags(s))
	}
	n := 0
	var prev rune // the last character that was not a splitter
	run := 0      // splitters since prev
	for _, r := range s {
		if splitter(r) {
			run++
			continue
		}
		if run > 0 && message.WordLetter(prev) && message.WordLetter(r) {
			n += run
		}
		run = 0
		prev = r
	}
	return n
}

// hasSplitter reports a splitter in s, written as a character or as a
// character reference. It looks at bytes: most bodies have none, and the
// common references of HTML mail (&#8217;, &nbsp;) are not splitters, so
// they cost no tag stripping.
func hasSplitter(s string) bool {
	if strings.Contains(s, "\u034f") || strings.Contains(s, "\ufeff") || strings.Contains(s, "\u180e") {
		return true
	}
	for rest := s; ; {
		i := strings.IndexByte(rest, 0xe2)
		if i < 0 || i+2 >= len(rest) {
			break
		}
		if r, _ := utf8.DecodeRuneInString(rest[i:]); splitter(r) {
			return true
		}
		rest = rest[i+1:]
	}
	for rest := s; ; {
		i := strings.IndexByte(rest, '&')
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
		if splitterRef(rest[:min(len(rest), 10)]) {
			return true
		}
	}
}

// splitterRef reports a character reference to a splitter at the start of
// s (what follows "&"): &zwj; &zwnj; &lrm; &rlm; or a numeric one.
func splitterRef(s string) bool {
	for _, name := range []string{"zwj;", "zwnj;", "lrm;", "rlm;"} {
		if strings.HasPrefix(s, name) {
			return true
		}
	}
	if !strings.HasPrefix(s, "#") {
		return false
	}
	digits, base := s[1:], 10
	if strings.HasPrefix(digits, "x") || strings.HasPrefix(digits, "X") {
		digits, base = digits[1:], 16
	}
	end := 0 // the semicolon may be missing (HTML5 reads "&#8203" too)
	for end < len(digits) && (digits[end] >= '0' && digits[end] <= '9' || base == 16 && strings.IndexByte("abcdefABCDEF", digits[end]) >= 0) {
		end++
	}
	n, err := strconv.ParseUint(digits[:end], base, 32)
	return err == nil && splitter(rune(n))
}

// stripTags removes the tags of an HTML source and keeps the text between
// them, so that text split across tags reads as one.
func stripTags(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return b.String()
		}
		s = s[i+j+1:]
	}
}
