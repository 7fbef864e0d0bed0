package message

import (
	"strconv"
	"strings"
)

// HTML's visible text leaves out the text that inline elements hide: the
// "ZeroFont" technique (Avanan, "ZeroFont Phishing: Manipulating Font Size
// to Get Past Office 365 Security", June 2018) writes letters or words in a
// zero font size between the letters of the words the reader sees,
// "pass<span style="font-size:0">xq</span>word", so that a filter reads
// "passxqword"; the same is done with display:none, visibility:hidden or
// text the colour of its background. Left out, the hidden runs give back
// the words the reader sees, which the lure phrases can then match.
//
// Only inline elements (span, font, b, a…) hide here, and a hidden run ends at
// the next block boundary, as inline elements do not hold blocks: email
// templates set font-size:0 on table cells and column wrappers and the size
// again on the text inside, often through a class of their style sheet,
// which is not read; and a block hidden with display:none may be the
// mobile-only version a media query reveals. When unsure, the text is
// kept, as it was before: what can be left out is only what a reader
// surely cannot see.

// maxVisDepth bounds the elements tracked; deeper ones are not, so their
// text is kept.
const maxVisDepth = 256

// visFrame is one open element.
type visFrame struct {
	name  string
	block bool
	// What hides an inline element's text, its own or inherited from an
	// inline parent: display:none (which nothing inside undoes),
	// visibility:hidden (which visibility:visible does), a zero font size
	// (which another size does), the colour of the background.
	none, invisible, zero, sameColor bool
	// An inline element's colours, its own or an inline parent's; a
	// block's background, read from its style only when an inline
	// element inside sets a colour (bgDone).
	color, bg rgb
	style     string
	bgDone    bool
	bgImage   bool // a block's background image, read with bg
}

// rgb is a colour, 0xRRGGBB with bit 24 set, or 0 when unknown.
type rgb uint32

const rgbKnown rgb = 1 << 24

// visibility follows the open elements of an HTML body.
type visibility struct {
	stack []visFrame
	// What the document's style sheets (its <style> elements, which are
	// not read) may undo. A sheet's !important declaration overrides an
	// inline style ("span.t{font-size:15px!important}" shows the text
	// <span class="t" style="font-size:0"> seemed to hide), so what such
	// a declaration sets is not taken as hidden: undo has a bit for each
	// way of hiding an !important declaration of the sheets may undo
	// (importantUndoes), all of them when one cannot be read. Any sheet
	// may paint a block through its class, or override a bgcolor
	// attribute, so with one a block's background is known only from its
	// own style, and a block without one stops the search: white text in
	// <div class="bandeau"> may sit on the dark colour the sheet gives it.
	sheet bool
	undo  undoes
}

// undoes is a set of the ways of hiding a sheet's !important declarations
// may undo.
type undoes uint8

const (
	undoNone      undoes = 1 << iota // display
	undoInvisible                    // visibility
	undoZero                         // font-size, font
	undoColor                        // color, background
	undoAll       = undoNone | undoInvisible | undoZero | undoColor
)

// importantUndoes is what the !important at sheet[at:] may undo, read
// from its declaration's property. A sheet whose braces were lost leaves
// the selector glued to the property, and the declarations before it
// ("padding:0a[x-apple-data-detectors]color:inherit!important"), so the
// property is read as the end of the run of letters and hyphens before
// the last colon; a value with a colon of its own (a url) reads as no
// property known. A property that hides or shows nothing
// (sizes, margins, alignment, line height) undoes nothing; one not known
// undoes everything, as any !important did before.
func importantUndoes(sheet string, at int) undoes {
	decl := sheet[strings.LastIndexAny(sheet[:at], ";{}")+1 : at]
	colon := strings.LastIndexByte(decl, ':')
	if colon < 0 {
		return undoAll
	}
	prop := strings.TrimSpace(decl[:colon])
	i := len(prop)
	for i > 0 && (foldByte(prop[i-1]) >= 'a' && foldByte(prop[i-1]) <= 'z' || prop[i-1] == '-') {
		i--
	}
	prop = strings.ToLower(prop[i:])
	switch {
	case prop == "":
		return undoAll
	case strings.HasSuffix(prop, "display"):
		return undoNone
	case strings.HasSuffix(prop, "visibility"):
		return undoInvisible
	case strings.HasSuffix(prop, "font-size"), strings.HasSuffix(prop, "font"):
		return undoZero
	case strings.HasSuffix(prop, "color"), strings.HasSuffix(prop, "background"):
		return undoColor
	}
	for _, inert := range []string{"width", "height", "margin", "padding", "align", "float", "radius", "border",
		"family", "weight", "decoration", "spacing", "adjust", "overflow", "position", "top", "left", "right", "bottom"} {
		if strings.HasSuffix(prop, inert) {
			return 0
		}
	}
	return undoAll
}

// readSheets records what the style sheets of doc may undo (visibility).
func (v *visibility) readSheets(doc string) {
	rest := doc
	for i := 0; i < maxSheets; i++ {
		at := indexFold(rest, "<style")
		if at < 0 {
			return
		}
		v.sheet = true
		rest = rest[at+len("<style"):]
		end := indexFold(rest, "</style")
		if end < 0 {
			end = len(rest)
		}
		sheet := rest[:end]
		k, after := nextImportant(sheet)
		for n := 0; k >= 0 && v.undo != undoAll; n++ {
			if n == maxImportant {
				v.undo = undoAll
				return
			}
			v.undo |= importantUndoes(sheet, k)
			sheet = sheet[after:]
			k, after = nextImportant(sheet)
		}
		rest = rest[end:]
	}
	// More sheets than are read: any of them may hold !important.
	if indexFold(rest, "<style") >= 0 {
		v.undo = undoAll
	}
}

// nextImportant returns where the first !important of sheet starts (its
// "!") and ends, or -1. CSS lets white space and comments stand between
// the "!" and the word ("font-size:15px ! important", "!/**/important"),
// and a browser honours them all: a sheet so written still undoes the
// inline hiding, and its text is the reader's.
func nextImportant(sheet string) (int, int) {
	for from := 0; ; {
		k := strings.IndexByte(sheet[from:], '!')
		if k < 0 {
			return -1, 0
		}
		k += from
		i := k + 1
		for i < len(sheet) {
			if c := sheet[i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
				i++
			} else if strings.HasPrefix(sheet[i:], "/*") {
				end := strings.Index(sheet[i+2:], "*/")
				if end < 0 {
					return -1, 0
				}
				i += 2 + end + 2
			} else {
				break
			}
		}
		if indexFold(sheet[i:min(i+len("important"), len(sheet))], "important") == 0 {
			return k, i + len("important")
		}
		from = k + 1
	}
}

// maxImportant bounds the !important declarations read in one sheet;
// past it, the sheet may undo everything.
const maxImportant = 256

// maxSheets bounds the <style> elements readSheets reads; past it, any
// further sheet is taken to hold !important.
const maxSheets = 64

// indexFold is strings.Index for an ASCII lower-case needle, ignoring the
// case of s. A needle that starts with a byte other than a letter ("<style",
// "!important") is found by strings.IndexByte on that byte first, which
// keeps a 40 KB body's sheet scan a small part of its parse.
func indexFold(s, needle string) int {
	if needle == "" {
		return 0
	}
	first := needle[0]
	for i := 0; i+len(needle) <= len(s); i++ {
		if 'a' <= first && first <= 'z' {
			if foldByte(s[i]) != first {
				continue
			}
		} else {
			k := strings.IndexByte(s[i:], first)
			if k < 0 {
				return -1
			}
			i += k
			if i+len(needle) > len(s) {
				return -1
			}
		}
		j := 1
		for j < len(needle) && foldByte(s[i+j]) == needle[j] {
			j++
		}
		if j == len(needle) {
			return i
		}
	}
	return -1
}

func foldByte(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// hidden reports that text here is not drawn.
func (v *visibility) hidden() bool {
	n := len(v.stack)
	if n == 0 {
		return false
	}
	f := &v.stack[n-1]
	return f.none && v.undo&undoNone == 0 || f.invisible && v.undo&undoInvisible == 0 ||
		f.zero && v.undo&undoZero == 0 || f.sameColor && v.undo&undoColor == 0
}

// inlineElement reports the phrasing elements a hidden run may hold. A
// link is one (HTML's "a" is phrasing content): links in a hidden span are
// hidden with it, not a block that ends the run and shows them, which let
// a kit pad a lure with headlines the reader never sees
// (scan.CitedSources).
func inlineElement(name string) bool {
	switch name {
	case "a", "span", "font", "b", "i", "u", "em", "strong", "small", "big", "sup", "sub", "s", "strike",
		"ins", "del", "mark", "label", "abbr", "cite", "q", "code", "bdi", "bdo", "tt", "var", "dfn", "kbd", "samp":
		return true
	}
	return false
}

func voidElement(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen":
		return true
	}
	return false
}

// start opens an element.
func (v *visibility) start(name string, attrs []htmlAttr) {
	if voidElement(name) {
		return
	}
	inline := inlineElement(name)
	if !inline {
		// A block ends the inline runs open before it, and the elements
		// it closes implicitly: a paragraph, a cell, a row, an item.
		v.popInline()
		if n := len(v.stack); n > 0 && closesImplicitly(v.stack[n-1].name, name) {
			v.stack = v.stack[:n-1]
		}
	}
	if len(v.stack) >= maxVisDepth {
		return
	}
	f := visFrame{name: name, block: !inline}
	if !inline {
		// Blocks do not hide (see above): only their background is read,
		// when it is needed.
		for _, a := range attrs {
			switch a.key {
			case "style":
				f.style = a.val
			case "bgcolor":
				if !v.sheet { // a sheet overrides a presentational attribute
					f.bg = cssColor(unescapeAttr(a.val))
				}
			}
		}
		v.stack = append(v.stack, f)
		return
	}
	if n := len(v.stack); n > 0 && !v.stack[n-1].block {
		p := &v.stack[n-1]
		f.none, f.invisible, f.zero, f.sameColor = p.none, p.invisible, p.zero, p.sameColor
		f.color, f.bg = p.color, p.bg
	}
	ownColor, image := false, false
	for _, a := range attrs {
		switch a.key {
		case "style":
			image = readStyle(unescapeAttr(a.val), &f, &ownColor)
		case "color":
			if c := cssColor(unescapeAttr(a.val)); c != 0 {
				f.color, ownColor = c, true
			}
		}
	}
	if ownColor && f.color != 0 {
		bg := f.bg
		if bg == 0 && !image {
			bg = v.blockBackground()
		}
		f.sameColor = !image && f.color == bg
	}
	v.stack = append(v.stack, f)
}

// readStyle applies an inline element's style to its frame, and reports a
// background image, under which no colour of text is hidden.
func readStyle(style string, f *visFrame, ownColor *bool) (image bool) {
	for style != "" {
		var decl string
		decl, style, _ = strings.Cut(style, ";")
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop, val = strings.TrimSpace(prop), cssValue(val)
		switch {
		case strings.EqualFold(prop, "font-size"):
			if size, ok := CSSNumber(val); ok {
				f.zero = size == 0
			}
		case strings.EqualFold(prop, "display"):
			f.none = f.none || strings.EqualFold(val, "none")
		case strings.EqualFold(prop, "visibility"):
			f.invisible = strings.EqualFold(val, "hidden") || strings.EqualFold(val, "collapse")
		case strings.EqualFold(prop, "color"):
			if c := cssColor(val); c != 0 {
				f.color, *ownColor = c, true
			}
		case backgroundImage(prop, val):
			image = true
		case strings.EqualFold(prop, "background-color"), strings.EqualFold(prop, "background"):
			if c := cssColor(firstWord(val)); c != 0 {
				f.bg, *ownColor = c, true
			}
		}
	}
	return image
}

// backgroundImage reports a declaration that puts an image behind the
// text (background: #fff url(…), background-image, a gradient): text the
// colour of the fallback colour is shown on the image.
func backgroundImage(prop, val string) bool {
	return (strings.EqualFold(prop, "background") || strings.EqualFold(prop, "background-image")) &&
		(indexFold(val, "url(") >= 0 || indexFold(val, "gradient(") >= 0)
}

// blockBackground is the background of the nearest block that sets one,
// or 0.
func (v *visibility) blockBackground() rgb {
	for i := len(v.stack) - 1; i >= 0; i-- {
		f := &v.stack[i]
		if !f.block {
			continue
		}
		if !f.bgDone {
			f.bgDone = true
			for style := unescapeAttr(f.style); style != ""; {
				var decl string
				decl, style, _ = strings.Cut(style, ";")
				if prop, val, ok := strings.Cut(decl, ":"); ok {
					prop, val = strings.TrimSpace(prop), cssValue(val)
					if backgroundImage(prop, val) {
						f.bgImage = true
					} else if f.bg == 0 && (strings.EqualFold(prop, "background-color") || strings.EqualFold(prop, "background")) {
						f.bg = cssColor(firstWord(val))
					}
				}
			}
		}
		if f.bgImage {
			return 0
		}
		if f.bg != 0 {
			return f.bg
		}
		if v.sheet {
			return 0 // its class may paint it (visibility.sheet)
		}
	}
	return 0
}

// end closes the nearest open element of that name, and those inside it.
func (v *visibility) end(name string) {
	if voidElement(name) {
		return
	}
	if !inlineElement(name) {
		v.popInline()
	}
	for i := len(v.stack) - 1; i >= 0; i-- {
		if v.stack[i].name == name {
			v.stack = v.stack[:i]
			return
		}
	}
}

func (v *visibility) popInline() {
	for n := len(v.stack); n > 0 && !v.stack[n-1].block; n-- {
		v.stack = v.stack[:n-1]
	}
}

// closesImplicitly reports that a start tag next closes the open element
// open (WHATWG §13.2.6.4.7, in part).
func closesImplicitly(open, next string) bool {
	switch open {
	case "p":
		return blockTag(next)
	case "li":
		return next == "li"
	case "td", "th":
		return next == "td" || next == "th" || next == "tr"
	case "tr":
		return next == "tr"
	case "dd", "dt":
		return next == "dd" || next == "dt"
	case "option":
		return next == "option"
	}
	return false
}

// cssValue is a declaration's value without spaces around it and
// without !important.
func cssValue(v string) string {
	v = strings.TrimSpace(v)
	if n := len(v) - len("!important"); n >= 0 && strings.EqualFold(v[n:], "!important") {
		v = strings.TrimSpace(v[:n])
	}
	return v
}

// firstWord is the first value of a shorthand (background: #fff url(…)),
// an rgb() colour whole.
func firstWord(s string) string {
	if len(s) > 4 && strings.EqualFold(s[:4], "rgb(") {
		if i := strings.IndexByte(s, ')'); i >= 0 {
			return s[:i+1]
		}
	}
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// CSSNumber reads the number a CSS length starts with (0, 0px, .5em, 12pt).
func CSSNumber(v string) (float64, bool) {
	end := 0
	for end < len(v) && (v[end] >= '0' && v[end] <= '9' || v[end] == '.') {
		end++
	}
	if end == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(v[:end], 64)
	return f, err == nil
}

// cssColor reads the colours hiding text uses: #rgb, #rrggbb,
// rgb(r, g, b), and the names white and black. Others, and colours with
// transparency, give 0: unknown.
func cssColor(v string) rgb {
	v = strings.TrimSpace(v)
	switch {
	case strings.EqualFold(v, "white"):
		return rgbKnown | 0xffffff
	case strings.EqualFold(v, "black"):
		return rgbKnown
	case strings.HasPrefix(v, "#"):
		h := v[1:]
		if len(h) != 3 && len(h) != 6 {
			return 0
		}
		n, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return 0
		}
		if len(h) == 3 {
			r, g, b := n>>8, n>>4&15, n&15
			n = r*0x110000 + g*0x1100 + b*0x11
		}
		return rgbKnown | rgb(n)
	}
	if len(v) < 4 || !strings.EqualFold(v[:4], "rgb(") || !strings.HasSuffix(v, ")") {
		return 0
	}
	c := rgbKnown
	args := v[4 : len(v)-1]
	for i := 2; i >= 0; i-- {
		p, rest, found := strings.Cut(args, ",")
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if found != (i > 0) || err != nil || n < 0 || n > 255 {
			return 0
		}
		c |= rgb(n) << (8 * i)
		args = rest
	}
	return c
}
