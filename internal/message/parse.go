package message

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// maxDefects bounds the defects recorded for one message.
const maxDefects = 64

// maxDepthCap bounds Limits.MaxDepth.
const maxDepthCap = 1000

// parser holds the state of one Parse call.
type parser struct {
	lim   Limits
	m     *Message
	parts int // MIME nodes visited

	guessBudget int64 // bytes guessBoundary may still scan

	texts, htmls     []string
	textLen, htmlLen int
	zeroWidth        int                            // Message.TextZeroWidth
	mixedWords       int                            // Message.MixedScriptWords
	enclosedBytes    int                            // bytes of Message.Enclosed
	pdfKept          int                            // bytes of Attachment.PDFStreams, bounded by pdfMaxKeptOutput
	inflated         int                            // bytes inflated from attachments, bounded by MaxInflatedBytes
	inflateCut       bool                           // the OVERSIZE defect of a spent inflation budget is recorded
	qrPixels         int                            // pictures read for a QR code, charged up to qrMaxPixelBudget (qrbudget.go)
	qrQueued         map[[sha256.Size]byte]struct{} // the pictures queued, by their bytes' SHA-256
	qrQueue          []qrCandidate                  // encoded pictures to read once the message is walked
	qrCut            bool                           // the OVERSIZE defect of a spent QR budget is recorded
	htmlText         textWriter
	urls             urlSet
}

// Parse parses a raw RFC 5322 message. It never fails and never panics: what
// cannot be read is reported in Message.Defects and the rest is still
// returned. Limits fields that are zero or negative take their
// DefaultLimits value. Parse does not keep raw: the Message may be used
// after raw is reused.
func Parse(raw []byte, lim Limits) *Message {
	m, _ := parse(raw, lim)
	return m
}

// parse is Parse that also returns its parser, whose counts the tests
// read (the bytes inflated).
func parse(raw []byte, lim Limits) (m *Message, p *parser) {
	lim = lim.orDefaults()
	m = &Message{Size: int64(len(raw))}
	p = &parser{lim: lim, m: m}
	sc := scratchPool.Get().(*scratch)
	p.htmlText = textWriter{limit: lim.MaxTextBytes, buf: sc.text}
	p.urls.list, p.urls.seen = sc.urls, sc.seen
	p.urls.max = lim.MaxURLs
	p.guessBudget = 4 * lim.MaxSize
	defer func() {
		// A bug here must not take the gateway down with it; the fuzz
		// tests make sure this stays unused.
		if r := recover(); r != nil {
			m.Defects = append(m.Defects, Defect{Code: DefectMIME, Detail: fmt.Sprintf("internal parser error: %v", r)})
		}
	}()
	if int64(len(raw)) > lim.MaxSize {
		p.defect(DefectOversize, "message beyond MaxSize, rest ignored")
		raw = raw[:lim.MaxSize]
	}
	h, body := p.parseHeader(raw, "")
	m.Header = h
	p.fillEnvelope(h)
	p.walk(h, body, "", 0, "text/plain")
	p.qrReadQueued()
	m.Text = strings.Join(p.texts, "\n")
	m.TextZeroWidth = p.zeroWidth
	m.HTML = strings.Join(p.htmls, "\n")
	var mixed int
	m.HTMLText, mixed = unconfuse(string(p.htmlText.buf))
	m.MixedScriptWords = p.mixedWords + mixed
	if len(p.urls.list) > 0 {
		m.URLs = slices.Clone(p.urls.list)
	}
	sc.keep(p)
	return m, p
}

// scratch holds the buffers a parse grows: the visible text of the HTML
// and the URL list, which are copied out at their final size, and the set
// of URLs seen. Reusing them from message to message spares the
// allocations of their growth, half of what parsing a newsletter
// allocated. A parse that panics does not give its scratch back.
type scratch struct {
	text []byte
	urls []URL
	seen map[string]uint8
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxScratch bounds the buffers kept for the next parse (bytes of text,
// URLs): a huge message's are left to the garbage collector.
const maxScratch = 1 << 20

// keep takes p's buffers back, emptied, into the pool.
func (sc *scratch) keep(p *parser) {
	if cap(p.htmlText.buf) > maxScratch || cap(p.urls.list) > maxScratch/64 {
		return
	}
	clear(p.urls.list) // no reference to this message's strings stays behind
	clear(p.urls.seen)
	sc.text, sc.urls, sc.seen = p.htmlText.buf[:0], p.urls.list[:0], p.urls.seen
	scratchPool.Put(sc)
}

// ParseReader reads at most lim.MaxSize bytes of a message from r and parses
// them; a longer message gets an OVERSIZE defect and its Size is then
// MaxSize+1. A read error ends the message where it happened, with a
// MALFORMED_MIME defect.
func ParseReader(r io.Reader, lim Limits) *Message {
	lim = lim.orDefaults()
	raw, err := io.ReadAll(io.LimitReader(r, lim.MaxSize+1))
	m := Parse(raw, lim)
	if err != nil {
		m.Defects = append(m.Defects, Defect{Code: DefectMIME, Detail: "message cut short: " + err.Error()})
	}
	return m
}

// orDefaults replaces the unset fields of l by DefaultLimits', and caps
// MaxDepth at 1000.
func (l Limits) orDefaults() Limits {
	d := DefaultLimits()
	if l.MaxSize <= 0 {
		l.MaxSize = d.MaxSize
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	// Each level is a few stack frames of recursion: keep it far from
	// the goroutine stack limit whatever the caller asks.
	l.MaxDepth = min(l.MaxDepth, maxDepthCap)
	if l.MaxParts <= 0 {
		l.MaxParts = d.MaxParts
	}
	if l.MaxPartBytes <= 0 {
		l.MaxPartBytes = d.MaxPartBytes
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = d.MaxTextBytes
	}
	if l.MaxURLs <= 0 {
		l.MaxURLs = d.MaxURLs
	}
	if l.MaxInflatedBytes <= 0 {
		l.MaxInflatedBytes = d.MaxInflatedBytes
	}
	return l
}

// defect records a defect once per code and detail.
func (p *parser) defect(code, detail string) {
	if len(p.m.Defects) >= maxDefects {
		return
	}
	for _, d := range p.m.Defects {
		if d.Code == code && d.Detail == detail {
			return
		}
	}
	p.m.Defects = append(p.m.Defects, Defect{Code: code, Detail: detail})
}

// raw returns the undecoded value of the first field named name, or "".
func (h Header) raw(name string) string {
	for _, f := range h.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Raw
		}
	}
	return ""
}

func (h Header) count(name string) int {
	n := 0
	for _, f := range h.Fields {
		if len(f.Name) == len(name) && strings.EqualFold(f.Name, name) {
			n++
		}
	}
	return n
}

func where(path string) string {
	if path == "" {
		return ""
	}
	return "part " + path + ": "
}

func childPath(parent string, n int) string {
	if parent == "" {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%s.%d", parent, n)
}

// entity is what walk knows of one MIME node after reading its header.
type entity struct {
	path, where string
	depth       int
	mediaType   string
	params      map[string]string
	cte         string
	disposition string
	filename    string
	index       int // in Message.Parts
}

// walk reads one MIME entity (RFC 2045 §2.4) and, for multipart and message
// types, the entities inside it.
func (p *parser) walk(h Header, body []byte, path string, depth int, defaultType string) {
	if p.parts >= p.lim.MaxParts {
		p.defect(DefectParts, "more than MaxParts MIME parts, rest ignored")
		return
	}
	p.parts++
	e := entity{path: path, where: where(path), depth: depth}
	// Two Content-Type or Content-Transfer-Encoding fields: readers
	// disagree on which counts, a known way past filters. The first wins.
	if h.count("Content-Type") > 1 || h.count("Content-Transfer-Encoding") > 1 {
		p.defect(DefectMIME, e.where+"duplicate Content-Type or Content-Transfer-Encoding")
	}
	ct := h.raw("Content-Type")
	e.mediaType, e.params = parseMediaType(ct)
	if slash := strings.IndexByte(e.mediaType, '/'); slash <= 0 || slash == len(e.mediaType)-1 {
		if strings.TrimSpace(ct) != "" {
			p.defect(DefectMIME, e.where+"unreadable Content-Type")
		}
		e.mediaType = defaultType
	}
	e.cte = transferEncoding(h.raw("Content-Transfer-Encoding"))
	disp, dparams := parseMediaType(h.raw("Content-Disposition"))
	switch disp {
	case "inline", "attachment":
		e.disposition = disp
	case "":
	default:
		// RFC 2183 §2.8: unknown dispositions are treated as attachment.
		e.disposition = "attachment"
	}
	e.filename = dparams["filename"]
	if e.filename == "" {
		e.filename = e.params["name"]
	}
	e.filename = cleanFilename(e.filename)
	e.index = len(p.m.Parts)
	p.m.Parts = append(p.m.Parts, Part{
		Path:        path,
		Depth:       depth,
		ContentType: e.mediaType,
		Charset:     normCharset(e.params["charset"]),
		Encoding:    e.cte,
		Disposition: e.disposition,
		Filename:    e.filename,
	})
	switch {
	case strings.HasPrefix(e.mediaType, "multipart/"):
		p.multipart(&e, body)
	case e.mediaType == "message/rfc822" || e.mediaType == "message/global":
		p.encapsulated(&e, body)
	default:
		p.leaf(&e, body)
	}
}

// multipart walks the parts of a multipart entity (RFC 2046 §5.1).
func (p *parser) multipart(e *entity, body []byte) {
	p.m.Parts[e.index].Size = int64(len(body))
	if e.depth >= p.lim.MaxDepth {
		p.defect(DefectDepth, e.where+"MIME nesting beyond MaxDepth")
		return
	}
	if !isIdentityEncoding(e.cte) {
		// RFC 2045 §6.4 forbids encoding a multipart; some mailers do.
		p.defect(DefectMIME, e.where+"encoded multipart")
		body = p.decoded(e, body, nil).buf
		e.cte = ""
	}
	budget := p.lim.MaxParts - p.parts
	boundary := e.params["boundary"]
	parts, found, closed, more := splitMultipart(body, boundary, budget)
	if !found {
		if g := guessBoundary(body, &p.guessBudget); g != "" && g != boundary {
			parts, found, closed, more = splitMultipart(body, g, budget)
			if found {
				p.defect(DefectMIME, e.where+"multipart boundary not found, guessed one")
			}
		}
	}
	if !found {
		p.defect(DefectMIME, e.where+"multipart without its boundary, read as text")
		e.mediaType = "text/plain"
		p.leaf(e, body)
		return
	}
	if more {
		p.defect(DefectParts, "more than MaxParts MIME parts, rest ignored")
	} else if !closed {
		p.defect(DefectMIME, e.where+"multipart without close delimiter")
	}
	defaultType := "text/plain"
	if e.mediaType == "multipart/digest" {
		defaultType = "message/rfc822" // RFC 2046 §5.1.5
	}
	for i, pb := range parts {
		cp := childPath(e.path, i+1)
		h, b := p.parsePartHeader(pb, cp)
		p.walk(h, b, cp, e.depth+1, defaultType)
	}
}

// parsePartHeader reads the header of a body part. A part whose first line
// is not a header field has none (RFC 2046 §5.1.1 allows an empty one, and
// mailers forget the empty line after it); its body starts right there.
func (p *parser) parsePartHeader(part []byte, path string) (Header, []byte) {
	line := part
	if nl := bytes.IndexByte(part, '\n'); nl >= 0 {
		line = part[:nl]
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > 0 {
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !validFieldName(string(bytes.TrimRight(line[:colon], " \t"))) {
			p.defect(DefectMIME, where(path)+"body part without header")
			return Header{}, part
		}
	}
	return p.parseHeader(part, where(path))
}

// encapsulated walks the message inside a message/rfc822 entity (RFC 2046
// §5.2.1): its text and attachments count as the outer message's, and its
// bytes are kept in Message.Enclosed.
func (p *parser) encapsulated(e *entity, body []byte) {
	if e.depth >= p.lim.MaxDepth {
		p.defect(DefectDepth, e.where+"MIME nesting beyond MaxDepth")
		return
	}
	if !isIdentityEncoding(e.cte) {
		body = p.decoded(e, body, nil).buf
	}
	p.m.Parts[e.index].Size = int64(len(body))
	h, b := p.parseHeader(body, e.where)
	p.enclose(e.path, body, h)
	p.walk(h, b, childPath(e.path, 1), e.depth+1, "text/plain")
}

// decoded undoes the entity's transfer encoding, keeping at most
// MaxPartBytes, and records the defects of doing so.
func (p *parser) decoded(e *entity, body []byte, s *sink) *sink {
	limit := int(min(p.lim.MaxPartBytes, int64(maxInt)))
	if s == nil {
		s = newSink(decodedEstimate(len(body), e.cte), limit, nil)
	}
	cte := e.cte
	if !knownEncoding(cte) {
		p.defect(DefectEncoding, e.where+"unknown Content-Transfer-Encoding "+truncUTF8(cte, 40))
		cte = ""
	}
	if decodeTransfer(body, cte, s) {
		p.defect(DefectEncoding, e.where+"invalid "+cte)
	}
	if s.truncated() {
		p.defect(DefectOversize, e.where+"part beyond MaxPartBytes, rest ignored")
	}
	return s
}

const maxInt = int(^uint(0) >> 1)

// leaf handles a single-part entity: a displayed body or an attachment.
func (p *parser) leaf(e *entity, body []byte) {
	isBody := (e.mediaType == "text/plain" || e.mediaType == "text/html") &&
		e.disposition != "attachment" && e.filename == ""
	if !isBody {
		p.attachment(e, body)
		return
	}
	var data []byte
	owned := false // data is a decoding buffer of ours, not raw
	if isIdentityEncoding(e.cte) {
		// No copy: the text conversion below makes one.
		data = body
		if int64(len(data)) > p.lim.MaxPartBytes {
			p.defect(DefectOversize, e.where+"part beyond MaxPartBytes, rest ignored")
			data = data[:p.lim.MaxPartBytes]
		}
		p.m.Parts[e.index].Size = int64(len(body))
		p.m.Parts[e.index].Raw8Bit = !isASCIIBytes(data)
	} else {
		s := p.decoded(e, body, nil)
		data = s.buf
		owned = true
		p.m.Parts[e.index].Size = s.n
	}
	charset := e.params["charset"]
	if charset == "" && e.mediaType == "text/html" {
		charset = metaCharset(data)
	}
	// Only what fits under MaxTextBytes is converted.
	room := p.lim.MaxTextBytes - p.textLen
	if e.mediaType == "text/html" {
		room = p.lim.MaxTextBytes - p.htmlLen
	}
	if room <= 0 {
		p.defect(DefectOversize, "text beyond MaxTextBytes, rest ignored")
		return
	}
	if len(data) > room {
		p.defect(DefectOversize, "text beyond MaxTextBytes, rest ignored")
		data = data[:room]
	}
	text, known := toUTF8(data, charset, owned)
	if !known {
		p.defect(DefectEncoding, e.where+"unknown charset "+truncUTF8(charset, 40))
	}
	if len(text) > room {
		p.defect(DefectOversize, "text beyond MaxTextBytes, rest ignored")
		text = truncUTF8(text, room)
	}
	if e.mediaType == "text/plain" {
		if strings.IndexByte(text, '\r') >= 0 {
			text = strings.ReplaceAll(text, "\r\n", "\n")
		}
		p.keepText(text, URLFromText, "")
		return
	}
	p.htmls = append(p.htmls, text)
	p.htmlLen += len(text) + 1
	p.htmlText.newline()
	if p.htmlText.buf == nil {
		p.htmlText.buf = make([]byte, 0, min(len(text)/4, p.lim.MaxTextBytes))
	}
	p.scanHTML(text, false, "", false)
}

// keepText adds a text the reader sees to the message's Text, counted
// against MaxTextBytes (the caller has cut it to fit), and the links
// written out in it, from src in the part named in ("" for the body).
//
// The text is kept without its invisible characters, as the HTML's
// visible text is (invisibleRune): a zero-width space or a soft hyphen
// slipped inside the words of a plain-text lure ("con\u200bnectez",
// Cisco Talos, "Seeing the unseen: How cyber criminals use hidden text
// salting", 2025) would otherwise cut them for every check that reads
// Text with a regular expression or as fields. Those that stood inside
// a word are counted in Message.TextZeroWidth, for the layout check.
// Words that mix Latin letters with Cyrillic or Greek ones drawn alike
// are given back in Latin letters (unconfuse), as the HTML's visible text
// is. The links are read in the text as written.
func (p *parser) keepText(text string, src URLSource, in string) {
	scanTextURLs(text, func(u string) { p.urls.add(URL{Raw: u, Source: src, In: in}) })
	text, zw := dropInvisible(text)
	text, mixed := unconfuse(text)
	p.zeroWidth += zw
	p.mixedWords += mixed
	p.texts = append(p.texts, text)
	p.textLen += len(text) + 1
}

// dropInvisible returns text without its invisible characters
// (invisibleRune), and how many of them, the soft hyphen aside (it marks
// where a long word may break, and newsletters write it so), stood
// between two letters of a Latin, Greek or Cyrillic word: in Persian or
// the Indic scripts the zero-width (non-)joiner is spelling.
func dropInvisible(text string) (string, int) {
	i := firstInvisible(text)
	if i < 0 {
		return text, 0
	}
	b := make([]byte, 0, len(text))
	b = append(b, text[:i]...)
	n, run := 0, 0
	prev, _ := utf8.DecodeLastRuneInString(text[:i]) // the last character kept
	for _, r := range text[i:] {
		if invisibleRune(r) {
			if r != 0xad {
				run++
			}
			continue
		}
		if run > 0 && WordLetter(prev) && WordLetter(r) {
			n += run
		}
		run = 0
		prev = r
		b = utf8.AppendRune(b, r)
	}
	return string(b), n
}

// firstInvisible is the index of text's first invisible character, -1
// when it has none. Every one is written with a lead byte 0xC2 to 0xEF,
// so a text of ASCII costs one pass over its bytes.
func firstInvisible(text string) int {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= 0xc2 && c <= 0xef {
			r, _ := utf8.DecodeRuneInString(text[i:])
			if invisibleRune(r) {
				return i
			}
		}
	}
	return -1
}

// WordLetter reports a letter of the Latin, Greek or Cyrillic scripts:
// between two of them a zero-width character is a trick, where in Persian
// or the Indic scripts the zero-width (non-)joiner is spelling. The
// layout check counts such characters in the HTML by it too.
func WordLetter(r rune) bool {
	return unicode.IsLetter(r) && (r < 0x250 || unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic))
}

// attachment records a leaf that is not a displayed body, and the links of
// the HTML, SVG and PDF files a reader would open.
func (p *parser) attachment(e *entity, body []byte) {
	h := sha256.New()
	limit := int(min(p.lim.MaxPartBytes, int64(maxInt)))
	s := p.decoded(e, body, newSink(decodedEstimate(len(body), e.cte), limit, h))
	a := Attachment{
		Filename:     e.filename,
		DeclaredType: e.mediaType,
		Size:         s.n,
		SHA256:       hex.EncodeToString(h.Sum(nil)),
		Data:         s.buf,
		Truncated:    s.truncated(),
		Path:         e.path,
	}
	a.SniffedType = Sniff(a.Data)
	p.m.Parts[e.index].Size = s.n
	p.m.Attachments = append(p.m.Attachments, a)

	ext := strings.ToLower(path.Ext(a.Filename))
	switch {
	case ext == ".svgz" && a.SniffedType == "application/gzip":
		// A compressed SVG (SVG 1.1 §1.2, ".svgz"), which a browser
		// opening the file inflates: its links are read as an SVG's,
		// within the message's inflation budget and the text bound.
		p.svgz(a.Data, a.Filename)
	case a.SniffedType == "text/html" || a.SniffedType == "image/svg+xml" ||
		a.DeclaredType == "text/html" || a.DeclaredType == "image/svg+xml" ||
		ext == ".html" || ext == ".htm" || ext == ".shtml" || ext == ".xhtml" || ext == ".hta" || ext == ".svg":
		data := a.Data[:min(len(a.Data), p.lim.MaxTextBytes)]
		charset := e.params["charset"]
		if charset == "" {
			charset = metaCharset(data)
		}
		doc, _ := decodeCharset(data, charset)
		svg := a.SniffedType == "image/svg+xml" || a.DeclaredType == "image/svg+xml" || ext == ".svg"
		p.scanHTML(doc, true, a.Filename, svg)
	case isCalendar(a.DeclaredType, ext):
		p.calendar(a.Data, a.Filename)
	case isQRCandidate(a.SniffedType, len(a.Data)):
		p.qrEncoded(a.Data, a.Filename, e.disposition != "attachment")
	case a.SniffedType == "application/pdf":
		pic := func(img image.Image, encoded []byte) {
			// A QR code drawn in the PDF, within the message's budget.
			if img != nil {
				p.qrPicture(img, a.Filename)
			} else if len(encoded) <= qrMaxBytes {
				p.qrEncodedNow(encoded, a.Filename)
			}
		}
		if !p.qrRoom() {
			// The message's budget is spent: its pictures are not
			// inflated whole nor converted for a reading that would not
			// come (a message of hundreds of PDFs of pictures).
			pic = nil
		}
		// The message's inflation budget, shared by all its PDFs: each
		// file is bounded on its own too (pdfMaxTotalOutput).
		room := p.lim.MaxInflatedBytes - p.inflated
		whole, used, cut := pdfRead(a.Data, room, func(u string) {
			p.urls.add(URL{Raw: u, Source: URLFromAttachment, In: a.Filename})
		}, pic)
		p.inflated += used
		if cut && used >= room {
			p.inflateSpent(a.Filename, a.Path)
		}
		// What is kept lives as long as the message: bounded per message,
		// where inflating alone is bounded per file.
		kept := 0
		for _, s := range whole {
			if p.pdfKept+len(s.Out) > pdfMaxKeptOutput {
				break
			}
			p.pdfKept += len(s.Out)
			kept++
		}
		// The streams left out are dropped from the array too: a slice
		// of it keeps the whole array, and every stream it points to,
		// alive as long as the message.
		clear(whole[kept:])
		p.m.Attachments[len(p.m.Attachments)-1].PDFStreams = whole[:kept:kept]
	}
}

// svgz reads the links of a gzip-compressed SVG file: at most
// MaxTextBytes inflated, charged to the message's MaxInflatedBytes.
func (p *parser) svgz(data []byte, name string) {
	room := min(p.lim.MaxTextBytes, p.lim.MaxInflatedBytes-p.inflated)
	if room <= 0 {
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return
	}
	doc, _ := io.ReadAll(io.LimitReader(zr, int64(room)))
	p.inflated += len(doc)
	text, _ := decodeCharset(doc, metaCharset(doc))
	p.scanHTML(text, true, name, true)
}

// inflateSpent records, once per message, that the inflation budget
// (MaxInflatedBytes) was spent while reading the attachment named name at
// path: it and the compressed streams after it were not read whole.
func (p *parser) inflateSpent(name, at string) {
	if p.inflated < p.lim.MaxInflatedBytes || p.inflateCut {
		return
	}
	p.inflateCut = true
	if name == "" {
		name = "part " + at
	}
	p.defect(DefectOversize, truncUTF8(name, 80)+": attachments' compressed streams beyond MaxInflatedBytes, rest not read")
}

// cleanFilename trims a file name and removes the control characters that
// would let it break a log line or hide its extension.
func cleanFilename(f string) string {
	f = strings.TrimSpace(f)
	if strings.IndexFunc(f, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		f = strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return -1
			}
			return r
		}, f)
	}
	return f
}

// metaCharset finds the charset an HTML document declares in its first
// kilobytes (<meta charset=…> or http-equiv Content-Type), or "".
func metaCharset(doc []byte) string {
	head := doc[:min(len(doc), 4096)]
	for i := 0; i < len(head); {
		k := bytes.Index(head[i:], []byte("harset"))
		if k < 0 {
			return ""
		}
		at := i + k + len("harset")
		i = at
		if at-7 < 0 || head[at-7]|0x20 != 'c' {
			continue
		}
		rest := bytes.TrimLeft(head[at:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '=' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n\"'")
		end := bytes.IndexAny(rest, " \t\r\n\"';/>")
		if end < 0 {
			end = len(rest)
		}
		if end > 0 && end <= 40 {
			return string(rest[:end])
		}
	}
	return ""
}
