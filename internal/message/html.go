package message

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// htmlScan walks one HTML (or SVG) document. In a body it collects the
// visible text, image alt texts and links; in an attachment only links,
// which then also come from its scripts, since a browser runs them.
type htmlScan struct {
	p      *parser
	attach bool // the document is an attachment file
	// xml: the document is read as XML (an SVG file opened in a browser):
	// an element's namespace prefix is dropped (<svg:a> is an SVG link,
	// Namespaces in XML 1.0 §3) and CDATA sections are text.
	xml bool
	// foreign counts the open <svg> and <math> elements, inside which an
	// HTML document's CDATA sections are text too.
	foreign int
	// lastWords are the words of the last <text> drawn outside a link
	// of an XML document, and hotZone what the open link of one holds
	// (hotZoneClear, hotZoneDrawn): a link over nothing but an invisible
	// shape is a click zone laid over the words drawn before it, and
	// those are its words (closeAnchor).
	lastWords textWriter
	hotZone   uint8
	in        string // its file name
	base      string // <base href>, absolute

	visible *textWriter // nil in attachments
	vis     visibility  // what inline elements hide from the reader (hidden.go)

	anchor     bool
	anchorHref string
	anchorText textWriter
	// lastText is the text of the anchor closed last, as a string: a
	// newsletter repeats its "Voir le produit" under every product, and
	// each anchor's text would otherwise be copied again.
	lastText string

	raw string // the raw-text element the next text token belongs to
}

// scanHTML runs an htmlScan over doc.
func (p *parser) scanHTML(doc string, attach bool, in string, xml bool) {
	s := &htmlScan{p: p, attach: attach, in: in, xml: xml}
	if !attach {
		s.visible = &p.htmlText
		s.vis.stack = make([]visFrame, 0, 32)
		s.vis.readSheets(doc)
	}
	s.anchorText = textWriter{limit: 512}
	if xml {
		s.lastWords = textWriter{limit: 512}
	}
	z := htmlTokenizer{s: doc, attrs: make([]htmlAttr, 0, 8), cdataText: xml, paint: xml}
	for {
		switch z.next() {
		case tokEOF:
			s.closeAnchor()
			return
		case tokText:
			s.text(z.text, z.rcdata)
		case tokStart:
			name := s.localName(z.name)
			if name == "svg" || name == "math" {
				s.foreign++
				z.cdataText = true
			}
			s.startTag(name, z.attrs)
		case tokEnd:
			name := s.localName(z.name)
			if (name == "svg" || name == "math") && s.foreign > 0 {
				s.foreign--
				z.cdataText = s.xml || s.foreign > 0
			}
			s.endTag(name)
		}
	}
}

// localName is an element's name without its namespace prefix in a
// document read as XML, the name itself otherwise.
func (s *htmlScan) localName(name string) string {
	if s.xml {
		if i := strings.LastIndexByte(name, ':'); i >= 0 && i+1 < len(name) {
			return name[i+1:]
		}
	}
	return name
}

// text handles a text token; refs says it has character references to
// decode (it is not the content of a script or style element).
func (s *htmlScan) text(t string, refs bool) {
	switch s.raw {
	case "style":
		scanCSSURLs(t, func(u string) { s.link(u, URLFromCSS, "") })
		return
	case "script":
		if s.attach {
			scanScriptURLs(t, func(u string) { s.link(u, URLFromAttachment, "") })
			scanTextURLs(t, func(u string) { s.p.urls.add(URL{Raw: u, Source: URLFromAttachment, In: s.in}) })
		}
		return
	case "title", "noscript", "noembed", "noframes", "iframe":
		return
	}
	// No test for <head>: its text content is in the elements above, and
	// any other text ends the head for a browser (WHATWG §13.2.6.4.4).
	if blank(t) {
		// The whitespace between tags, most text tokens.
		if s.anchor {
			s.anchorText.space()
		}
		if s.visible != nil && !s.vis.hidden() {
			s.visible.space()
		}
		return
	}
	if s.xml && !s.anchor {
		s.lastWords.write(t, refs)
	}
	if s.anchor {
		s.anchorText.write(t, refs)
	} else if mayHoldURL(t) {
		// Mail readers turn URLs written as text into links.
		src := URLFromText
		if s.attach {
			src = URLFromAttachment
		}
		if refs {
			t = unescapeText(t)
			refs = false
		}
		scanTextURLs(t, func(u string) { s.p.urls.add(URL{Raw: u, Source: src, In: s.in}) })
	}
	if s.visible != nil && !s.vis.hidden() {
		s.visible.write(t, refs)
	}
}

func blank(t string) bool {
	for i := 0; i < len(t); i++ {
		if !isHTMLSpace(t[i]) {
			return false
		}
	}
	return true
}

// singleSpaced returns the words of s separated by single spaces
// (strings.Fields joined by " "), without a copy when s already is.
func singleSpaced(s string) string {
	plain := s == "" || s[0] != ' ' && s[len(s)-1] != ' '
	for i := 0; plain && i < len(s); i++ {
		c := s[i]
		plain = c > ' ' && c < utf8.RuneSelf || c == ' ' && s[i+1] != ' '
	}
	if plain {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// mayHoldURL is a quick test before scanTextURLs.
func mayHoldURL(t string) bool {
	return len(t) >= 7 && (strings.Contains(t, "://") || strings.Contains(t, "ww.") || strings.Contains(t, "WW."))
}

// maxAltLen bounds one ImageAlts entry.
const maxAltLen = 1024

// blockTags start a new line of visible text.
func blockTag(name string) bool {
	switch name {
	case "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
		"hr", "blockquote", "pre", "section", "article", "header", "footer", "nav", "center",
		"dd", "dt", "dl", "form", "address", "tbody", "thead", "tfoot", "body", "main", "aside",
		"figure", "figcaption", "fieldset", "legend", "details", "summary", "caption", "option":
		return true
	}
	return false
}

func (s *htmlScan) startTag(name string, attrs []htmlAttr) {
	if rawTextElement(name) {
		s.raw = name
	}
	if s.visible != nil {
		s.vis.start(name, attrs)
	}
	if s.xml {
		s.drawn(name, attrs)
	}
	switch name {
	case "a":
		s.closeAnchor()
		s.hotZone = 0
	case "td", "th":
		if s.visible != nil {
			s.visible.space()
		}
	}
	if blockTag(name) {
		s.block()
	}
	var alt, httpEquiv, content string
	for _, a := range attrs {
		k, val := a.key, a.val
		switch {
		case k == "style":
			if strings.IndexByte(val, '(') >= 0 {
				scanCSSURLs(unescapeAttr(val), func(u string) { s.link(u, URLFromCSS, "") })
			}
		case k == "href" || k == "xlink:href":
			switch name {
			case "a":
				s.anchor = true
				s.anchorHref = unescapeAttr(val)
				s.anchorText.reset()
				if !s.attach && urlScheme(cleanURL(s.anchorHref)) == "mailto" {
					s.p.m.MailtoLinks++
					if d := mailtoDomain(cleanURL(s.anchorHref)); d != "" && len(s.p.m.MailtoDomains) < maxMailtoDomains {
						s.p.m.MailtoDomains = append(s.p.m.MailtoDomains, d)
					}
				}
			case "area":
				s.link(unescapeAttr(val), URLFromHref, "")
			case "base":
				if s.base == "" {
					if b := cleanURL(unescapeAttr(val)); urlScheme(b) != "" {
						s.base = b
					}
				}
			case "link", "image", "use", "feimage":
				s.link(unescapeAttr(val), URLFromSrc, "")
			}
		case k == "src" || k == "background" || k == "data" && name == "object" || k == "poster":
			v := unescapeAttr(val)
			if k == "src" && name == "img" {
				s.p.qrDataPicture(v, s.in)
			}
			s.link(v, URLFromSrc, "")
		case k == "action" || k == "formaction":
			s.link(unescapeAttr(val), URLFromForm, "")
		case k == "alt" && name == "img":
			alt = unescapeAttr(val)
		case k == "http-equiv":
			httpEquiv = val
		case k == "content" && name == "meta":
			content = unescapeAttr(val)
		}
	}
	if alt != "" && !s.attach {
		if a := singleSpaced(truncUTF8(alt, maxAltLen)); a != "" && len(s.p.m.ImageAlts) < s.p.lim.MaxURLs {
			s.p.m.ImageAlts = append(s.p.m.ImageAlts, a)
		}
	}
	if name == "meta" && strings.EqualFold(strings.TrimSpace(httpEquiv), "refresh") {
		if u := metaRefreshURL(content); u != "" {
			s.link(u, URLFromMeta, "")
		}
	}
}

func (s *htmlScan) endTag(name string) {
	if name == s.raw {
		s.raw = ""
	}
	if s.visible != nil {
		s.vis.end(name)
	}
	if name == "a" {
		s.closeAnchor()
	}
	if blockTag(name) {
		s.block()
	}
}

func (s *htmlScan) block() {
	if s.visible != nil {
		s.visible.newline()
	}
	if s.anchor {
		s.anchorText.space()
	}
}

func (s *htmlScan) closeAnchor() {
	if !s.anchor {
		return
	}
	s.anchor = false
	if !s.p.urls.full() {
		if string(s.anchorText.buf) != s.lastText {
			s.lastText = string(s.anchorText.buf)
		}
		text := s.lastText
		if text == "" && s.hotZone == hotZoneClear {
			text = string(s.lastWords.buf)
		}
		s.link(s.anchorHref, URLFromHref, text)
	}
}

// What the open link of an XML document holds (htmlScan.hotZone).
const (
	hotZoneClear = 1 << iota // a shape drawn invisible
	hotZoneDrawn             // text, a picture or a visible shape
)

// drawn notes, in an XML document, a <text> outside a link (its words
// start lastWords anew) and what a link holds.
func (s *htmlScan) drawn(name string, attrs []htmlAttr) {
	if !s.anchor {
		if name == "text" {
			s.lastWords.reset()
		}
		return
	}
	switch name {
	case "rect", "path", "circle", "ellipse", "polygon", "polyline", "line":
		if invisibleShape(attrs) {
			s.hotZone |= hotZoneClear
		} else {
			s.hotZone |= hotZoneDrawn
		}
	case "text", "tspan", "image", "use", "foreignobject", "textpath", "svg":
		s.hotZone |= hotZoneDrawn
	}
}

// invisibleShape tells whether an SVG shape's attributes draw nothing: an
// opacity or fill-opacity of zero, or a fill of none or transparent
// without a stroke (as attributes or in its style).
func invisibleShape(attrs []htmlAttr) bool {
	var fill, stroke string
	zero := false
	prop := func(k, v string) {
		v = strings.ToLower(strings.TrimSpace(v))
		switch k {
		case "opacity", "fill-opacity":
			if f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64); err == nil && f == 0 {
				zero = true
			}
		case "fill":
			fill = v
		case "stroke":
			stroke = v
		}
	}
	for _, a := range attrs {
		if a.key == "style" {
			for _, decl := range strings.Split(a.val, ";") {
				if k, v, ok := strings.Cut(decl, ":"); ok {
					prop(strings.ToLower(strings.TrimSpace(k)), v)
				}
			}
			continue
		}
		prop(a.key, a.val)
	}
	return zero || (fill == "none" || fill == "transparent") && (stroke == "" || stroke == "none" || stroke == "transparent")
}

// link records a URL found in an attribute or style sheet, resolved
// against <base href>. Relative references without a base lead nowhere
// outside the message and are dropped, as are in-message schemes.
func (s *htmlScan) link(ref string, src URLSource, text string) {
	if s.p.urls.full() {
		return
	}
	ref = cleanURL(ref)
	// An empty reference is the document itself; under a <base href> it
	// is the base's address, where a browser goes (HTML "document base
	// URL"): BaseStriker (Avanan, 2018) can write the whole address in
	// the base and href="" in the link. A fragment ("#top") is an
	// in-page anchor without a base, and the base's page with one: it
	// resolves against the base URL, not the message, so href="#go"
	// under the kit's base goes to the kit as href="" does.
	if s.base == "" && (ref == "" || ref[0] == '#') {
		return
	}
	switch urlScheme(ref) {
	case "mailto", "tel", "sms", "cid", "mid", "callto", "about":
		return
	case "":
		if s.base != "" {
			b, err1 := url.Parse(s.base)
			r, err2 := url.Parse(ref)
			if err1 != nil || err2 != nil {
				return
			}
			ref = b.ResolveReference(r).String()
		} else if !strings.HasPrefix(ref, "//") {
			return
		}
	}
	if s.attach {
		src = URLFromAttachment
	}
	s.p.urls.add(URL{Raw: ref, Source: src, Text: text, In: s.in})
}

// metaRefreshURL reads the URL of a <meta http-equiv=refresh> content
// value: "5; url='https://…'" (HTML §4.2.5.3 shared declarative refresh).
func metaRefreshURL(c string) string {
	c = strings.TrimLeft(c, " \t\r\n0123456789.")
	c = strings.TrimLeft(c, " \t\r\n;,")
	if len(c) >= 3 && strings.EqualFold(c[:3], "url") {
		rest := strings.TrimLeft(c[3:], " \t\r\n")
		if strings.HasPrefix(rest, "=") {
			c = strings.TrimLeft(rest[1:], " \t\r\n")
		}
	}
	if c != "" && (c[0] == '\'' || c[0] == '"') {
		if end := indexByteWithin(c[1:], c[0], maxURLLen); end >= 0 {
			return c[1 : 1+end]
		}
		return c[1:]
	}
	return strings.TrimSpace(c)
}

// scanCSSURLs calls fn for each url(...) and @import string of a style
// sheet or style attribute (CSS Syntax §4.3.6).
func scanCSSURLs(css string, fn func(string)) {
	for i := 0; i < len(css); {
		k := strings.IndexByte(css[i:], '(')
		if k < 0 {
			break
		}
		at := i + k
		i = at + 1
		if at < 3 || !strings.EqualFold(css[at-3:at], "url") {
			continue
		}
		rest := strings.TrimLeft(css[at+1:], " \t\r\n")
		if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
			if end := indexByteWithin(rest[1:], rest[0], maxURLLen); end >= 0 {
				fn(rest[1 : 1+end])
			}
			continue
		}
		if end := indexByteWithin(rest, ')', maxURLLen); end >= 0 {
			fn(strings.TrimSpace(rest[:end]))
		}
	}
	for i := 0; i < len(css); {
		k := strings.Index(css[i:], "@import")
		if k < 0 {
			break
		}
		i += k + len("@import")
		rest := strings.TrimLeft(css[i:], " \t\r\n")
		if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
			if end := indexByteWithin(rest[1:], rest[0], maxURLLen); end >= 0 {
				fn(rest[1 : 1+end])
			}
		}
	}
}

// indexByteWithin is strings.IndexByte limited to the first n bytes of s:
// a quote that is never closed must not make every later search scan the
// rest of the document.
func indexByteWithin(s string, c byte, n int) int {
	return strings.IndexByte(s[:min(len(s), n)], c)
}

// scanScriptURLs finds the string literals a script navigates to:
// location = '…', location.href = "…", location.replace('…'),
// location.assign(…), window.open(…).
func scanScriptURLs(js string, fn func(string)) {
	for _, marker := range [...]string{"location", "window.open"} {
		for i := 0; i < len(js); {
			k := strings.Index(js[i:], marker)
			if k < 0 {
				break
			}
			i += k + len(marker)
			rest := js[i:]
			for _, prop := range [...]string{".href", ".replace", ".assign"} {
				if strings.HasPrefix(rest, prop) {
					rest = rest[len(prop):]
					break
				}
			}
			rest = strings.TrimLeft(rest, " \t\r\n")
			if rest == "" || rest[0] != '=' && rest[0] != '(' || strings.HasPrefix(rest, "==") {
				continue
			}
			rest = strings.TrimLeft(rest[1:], " \t\r\n")
			if rest == "" || !strings.ContainsRune("'\"`", rune(rest[0])) {
				continue
			}
			if end := indexByteWithin(rest[1:], rest[0], maxURLLen); end > 0 {
				fn(rest[1 : 1+end])
			}
		}
	}
}

// textWriter appends visible text to a builder, folding whitespace runs to
// one space or, across block elements, one line break. Zero-width and
// soft-hyphen characters, invisible but used to break up words that
// filters look for, are dropped.
type textWriter struct {
	buf     []byte
	limit   int
	pending byte // 0, ' ' or '\n'
	full    bool
}

func (w *textWriter) reset() { w.buf, w.pending, w.full = w.buf[:0], 0, false }

func (w *textWriter) space() {
	if w.pending == 0 && len(w.buf) > 0 {
		w.pending = ' '
	}
}

func (w *textWriter) newline() {
	if len(w.buf) > 0 {
		w.pending = '\n'
	}
}

// emit writes the pending separator and p, within the limit.
func (w *textWriter) emit(p string) {
	if w.full {
		return
	}
	n := len(p)
	if w.pending != 0 {
		n++
	}
	if len(w.buf)+n > w.limit {
		w.full = true
		return
	}
	if w.pending != 0 {
		w.buf = append(w.buf, w.pending)
		w.pending = 0
	}
	w.buf = append(w.buf, p...)
}

// write appends text, decoding character references when refs is set
// (text outside raw-text elements). Runs of ordinary characters, single
// spaces between words included, are copied at once.
func (w *textWriter) write(t string, refs bool) {
	word := &wordByte
	if refs {
		word = &wordByteNoRef
	}
	for i := 0; i < len(t); {
		c := t[i]
		if c == '&' && refs {
			ref, n := decodeCharRef(t[i:])
			w.writeChar(ref)
			i += n
			continue
		}
		if c <= ' ' {
			w.space()
			i++
			continue
		}
		j := i
		for j < len(t) {
			b := t[j]
			if word[b] {
				j++
			} else if b == ' ' && j > i && j+1 < len(t) && word[t[j+1]] {
				j += 2
			} else if b >= 0x80 {
				r, n := utf8.DecodeRuneInString(t[j:])
				if r == utf8.RuneError && n == 1 || specialRune(r) {
					break
				}
				j += n
			} else {
				break
			}
		}
		if j > i {
			w.emit(t[i:j])
			i = j
			continue
		}
		// A space-like, invisible or invalid character, or DEL.
		_, n := utf8.DecodeRuneInString(t[i:])
		w.writeChar(t[i : i+n])
		i += n
	}
}

// writeChar appends one character (or the text of a character reference).
func (w *textWriter) writeChar(ch string) {
	r, n := utf8.DecodeRuneInString(ch)
	switch {
	case n != len(ch):
		w.write(ch, false) // a reference that decodes to several characters
	case r == utf8.RuneError && n <= 1:
		if n == 1 {
			w.emit("\uFFFD")
		}
	case r <= ' ' || r == 0xa0 || r >= 0x80 && unicode.IsSpace(r):
		w.space()
	case invisibleRune(r):
	default:
		w.emit(ch)
	}
}

// specialRune reports the non-ASCII characters write does not copy as
// they are: spaces and invisible characters.
func specialRune(r rune) bool {
	if r < 0x2000 {
		switch r {
		case 0x85, 0xa0, 0xad, 0x34f, 0x61c, 0x115f, 0x1160, 0x1680, 0x17b4, 0x17b5, 0x180e:
			return true
		}
		return false
	}
	return unicode.IsSpace(r) || invisibleRune(r)
}

// wordByte marks printable ASCII other than the space: the bytes
// textWriter copies as they are; wordByteNoRef also leaves out the '&'
// that starts a character reference.
var wordByte, wordByteNoRef = func() (t, u [256]bool) {
	for c := '!'; c < 0x7f; c++ {
		t[c], u[c] = true, c != '&'
	}
	return t, u
}()

// invisibleRune reports a character that renders as nothing: the soft
// hyphen, zero-width characters, direction marks, and the bidirectional
// embeddings, overrides and isolates (U+202A to U+202E, U+2066 to
// U+2069), which cut a word for a regular expression as a zero-width
// space does (layout's splitter counts them in the HTML too).
func invisibleRune(r rune) bool {
	switch r {
	case 0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x200b, 0x200c, 0x200d,
		0x200e, 0x200f, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x3164, 0xfeff, 0xffa0,
		0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069:
		return true
	}
	return false
}

// maxMailtoDomains bounds Message.MailtoDomains.
const maxMailtoDomains = 16

// mailtoDomain returns the lower-cased domain of a mailto: URL's first
// address (RFC 6068: addresses before "?", separated by commas), "" when
// it has none.
func mailtoDomain(u string) string {
	addr := u[strings.IndexByte(u, ':')+1:]
	if i := strings.IndexAny(addr, "?,"); i >= 0 {
		addr = addr[:i]
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	d := strings.ToLower(strings.TrimSpace(addr[at+1:]))
	if d == "" || len(d) > 253 || strings.ContainsAny(d, " <>\"\\/%") {
		return ""
	}
	return d
}
