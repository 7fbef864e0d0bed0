package invoice

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"

	"vigie.dev/vigie/internal/message"
)

// PDF is what a PDF shows and carries: the text of its pages and its
// embedded files.
type PDF struct {
	Text  string
	Files []EmbeddedFile
	// Truncated says a budget was spent: the text or the files are partial.
	Truncated bool
	decoded   int // bytes inflated, for Limits.MaxMessageDecodedBytes
}

// EmbeddedFile is a file attached to a PDF (ISO 32000-1 §7.11.4): the
// Factur-X invoice of a PDF/A-3, a RIB.
type EmbeddedFile struct {
	Name string
	Data []byte
}

// ReadPDF reads the text layer and the embedded files of a PDF within lim.
func ReadPDF(data []byte, lim Limits) (*PDF, error) {
	return readPDF(data, nil, lim)
}

// keptPDF is a PDF read under lim, kept on its attachment
// (message.Attachment.Parsed).
type keptPDF struct {
	pdf *PDF
	err error
	lim Limits
}

// AttachedPDF returns what an attached PDF shows and carries, read under
// DefaultLimits and kept on the attachment, nil when it cannot be read.
// The lure family reads there the steps and codes a lure moves out of its
// body, before the invoice family reads the same file for IBANs: Extract
// takes the kept reading when its own limits for the file are the same,
// so that the file is read once.
func AttachedPDF(a *message.Attachment) *PDF {
	if k, ok := a.Parsed.(*keptPDF); ok {
		return k.pdf
	}
	lim := DefaultLimits()
	p, err := readPDF(a.Data, a.PDFStreams, lim)
	if err != nil {
		p = nil
	}
	a.Parsed = &keptPDF{pdf: p, err: err, lim: lim}
	return p
}

// readPDF is ReadPDF taking the streams the message parser inflated
// (message.Attachment.PDFStreams) rather than inflating them again.
func readPDF(data []byte, inflated []message.Inflated, lim Limits) (*PDF, error) {
	lim = lim.orDefault()
	d, err := openPDF(data, lim)
	if err != nil {
		return nil, err
	}
	d.inflated = inflated
	out := &PDF{}
	t := &textWriter{max: lim.MaxTextBytes}
	d.pagesText(t)
	out.Text = t.b.String()
	out.Files = d.embeddedFiles()
	out.Truncated = d.trunc || t.full
	out.decoded = d.decoded
	return out, nil
}

// font is what decoding a shown string needs.
type font struct {
	cmap    *cmap
	twoByte bool // a Type0 font without a map: codes we cannot read
}

// pagesText writes the text of each page, in page-object order.
func (d *pdfDoc) pagesText(t *textWriter) {
	nums := make([]int, 0, len(d.objs))
	for n, o := range d.objs {
		if o.val.kind == 'd' && o.val.get("/Type").name == "/Page" {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	fonts := map[int]*font{}
	for _, n := range nums {
		page := d.objs[n].val
		res := d.inherited(page, "/Resources")
		for _, c := range d.contents(page) {
			if b, ok := d.decode(c); ok {
				d.showText(b, res, fonts, t, 0)
			}
			if t.full {
				return
			}
		}
		t.newline()
	}
}

// inherited finds a page attribute on the page or its ancestors.
func (d *pdfDoc) inherited(page pdfValue, key string) pdfValue {
	for range 32 {
		if v := d.resolve(page.get(key)); v.kind == 'd' {
			return v
		}
		page = d.resolve(page.get("/Parent"))
		if page.kind != 'd' {
			break
		}
	}
	return pdfValue{}
}

// contents returns a page's content streams.
func (d *pdfDoc) contents(page pdfValue) []*pdfObject {
	c := page.get("/Contents")
	var refs []pdfValue
	switch c.kind {
	case 'r':
		if o := d.objs[c.ref]; o != nil && o.val.kind == 'a' {
			refs = o.val.arr
		} else {
			refs = []pdfValue{c}
		}
	case 'a':
		refs = c.arr
	}
	var out []*pdfObject
	for _, r := range refs {
		if r.kind == 'r' && d.objs[r.ref] != nil {
			out = append(out, d.objs[r.ref])
		}
	}
	return out
}

// fontOf returns the font a resource name selects.
func (d *pdfDoc) fontOf(res pdfValue, name string, cache map[int]*font) *font {
	fr := d.resolve(res.get("/Font")).get(name)
	if fr.kind != 'r' {
		return &font{}
	}
	if f, ok := cache[fr.ref]; ok {
		return f
	}
	f := &font{}
	cache[fr.ref] = f
	fd := d.resolve(fr)
	if tu := fd.get("/ToUnicode"); tu.kind == 'r' {
		if b, ok := d.decode(d.objs[tu.ref]); ok {
			f.cmap = parseCMap(b)
		}
	}
	f.twoByte = fd.get("/Subtype").name == "/Type0" && f.cmap == nil
	return f
}

// maxFormDepth bounds form XObjects drawn inside each other.
const maxFormDepth = 4

// showText runs the text operators of a content stream (§9.4): strings
// shown by Tj, TJ, ' and ", with breaks where the text moves to a new
// line and spaces where TJ moves far enough right.
func (d *pdfDoc) showText(b []byte, res pdfValue, cache map[int]*font, t *textWriter, depth int) {
	lx := &pdfLexer{b: b, budget: &d.tokens}
	var operands []pdfValue
	cur := &font{}
	for !t.full {
		lx.space()
		if lx.i >= len(b) {
			return
		}
		v, err := lx.value(1)
		if err != nil {
			if lx.budget != nil && *lx.budget <= 0 {
				d.trunc = true
				return
			}
			operands = operands[:0]
			continue
		}
		if v.kind != 'k' {
			if len(operands) < 16 {
				operands = append(operands, v)
			}
			continue
		}
		switch v.name {
		case "Tf":
			if len(operands) >= 2 && operands[0].kind == 'n' {
				cur = d.fontOf(res, operands[0].name, cache)
			}
		case "Tj", "'", "\"":
			if v.name != "Tj" {
				t.newline()
			}
			if n := len(operands); n > 0 && operands[n-1].kind == 's' {
				t.write(cur.decode(operands[n-1].str))
			}
		case "TJ":
			if n := len(operands); n > 0 && operands[n-1].kind == 'a' {
				for _, x := range operands[n-1].arr {
					switch {
					case x.kind == 's':
						t.write(cur.decode(x.str))
					case x.kind == 'i' && x.num < -200:
						t.space()
					}
				}
			}
		case "Td", "TD":
			if len(operands) >= 2 && operands[1].num != 0 {
				t.newline()
			} else {
				t.space()
			}
		case "T*", "ET":
			t.newline()
		case "Tm":
			t.newline()
		case "BI":
			// An inline image: skip its data up to "EI".
			if k := bytes.Index(b[lx.i:], []byte("EI")); k >= 0 {
				lx.i += k + 2
			} else {
				return
			}
		case "Do":
			if depth < maxFormDepth && len(operands) > 0 && operands[0].kind == 'n' {
				x := d.resolve(res.get("/XObject")).get(operands[0].name)
				if o := d.objs[x.ref]; x.kind == 'r' && o != nil && o.val.get("/Subtype").name == "/Form" {
					if fb, ok := d.decode(o); ok {
						fres := d.resolve(o.val.get("/Resources"))
						if fres.kind != 'd' {
							fres = res
						}
						d.showText(fb, fres, cache, t, depth+1)
					}
				}
			}
		}
		operands = operands[:0]
	}
}

// decode turns a shown string into text.
func (f *font) decode(s []byte) string {
	switch {
	case f.cmap != nil:
		return f.cmap.decode(s)
	case f.twoByte:
		return ""
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(s)
	if err != nil {
		return ""
	}
	return string(out)
}

// cmap is a ToUnicode map (§9.10.3): codes of one or two bytes to text.
type cmap struct {
	width  int // bytes per code: 1 or 2
	chars  map[uint32]string
	ranges []cmapRange
}

type cmapRange struct {
	lo, hi uint32
	dst    []uint16 // first destination, incremented along the range
	list   []string // or one destination per code
}

// maxCMapEntries bounds a map's entries.
const maxCMapEntries = 1 << 16

// parseCMap reads the bfchar and bfrange sections of a ToUnicode stream.
func parseCMap(b []byte) *cmap {
	c := &cmap{width: 1, chars: map[uint32]string{}}
	lx := &pdfLexer{b: b}
	var ops []pdfValue
	mode := ""
	entries := 0
	for lx.i < len(b) && entries < maxCMapEntries {
		v, err := lx.value(1)
		if err != nil {
			if lx.i >= len(b) {
				break
			}
			continue
		}
		if v.kind != 'k' {
			if len(ops) < 3 {
				ops = append(ops, v)
			}
			if mode == "bfchar" && len(ops) == 2 {
				if ops[0].kind == 's' && ops[1].kind == 's' {
					c.chars[code(ops[0].str)] = utf16be(ops[1].str)
					entries++
				}
				ops = ops[:0]
			}
			if mode == "bfrange" && len(ops) == 3 {
				if ops[0].kind == 's' && ops[1].kind == 's' {
					r := cmapRange{lo: code(ops[0].str), hi: code(ops[1].str)}
					switch ops[2].kind {
					case 's':
						r.dst = utf16.Encode([]rune(utf16be(ops[2].str)))
					case 'a':
						for _, x := range ops[2].arr {
							r.list = append(r.list, utf16be(x.str))
						}
					}
					if r.hi >= r.lo && r.hi-r.lo < maxCMapEntries {
						c.ranges = append(c.ranges, r)
						entries++
					}
				}
				ops = ops[:0]
			}
			if mode == "codespace" && len(ops) == 2 {
				if ops[0].kind == 's' && len(ops[0].str) == 2 {
					c.width = 2
				}
				ops = ops[:0]
			}
			continue
		}
		switch v.name {
		case "begincodespacerange":
			mode = "codespace"
		case "beginbfchar":
			mode = "bfchar"
		case "beginbfrange":
			mode = "bfrange"
		default:
			mode = ""
		}
		ops = ops[:0]
	}
	return c
}

func code(b []byte) uint32 {
	var n uint32
	for _, c := range b[:min(len(b), 4)] {
		n = n<<8 | uint32(c)
	}
	return n
}

func utf16be(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}

func (c *cmap) decode(s []byte) string {
	var b strings.Builder
	for i := 0; i+c.width <= len(s); i += c.width {
		k := code(s[i : i+c.width])
		if t, ok := c.chars[k]; ok {
			b.WriteString(t)
			continue
		}
		for _, r := range c.ranges {
			if k < r.lo || k > r.hi {
				continue
			}
			off := k - r.lo
			if r.list != nil {
				if int(off) < len(r.list) {
					b.WriteString(r.list[off])
				}
			} else if len(r.dst) > 0 {
				u := append([]uint16(nil), r.dst...)
				u[len(u)-1] += uint16(off)
				b.WriteString(string(utf16.Decode(u)))
			}
			break
		}
	}
	return b.String()
}

// embeddedFiles returns the files embedded in the document, named by the
// file specification that points at them.
func (d *pdfDoc) embeddedFiles() []EmbeddedFile {
	names := map[int]string{}
	for _, o := range d.objs {
		ef := d.resolve(o.val.get("/EF"))
		if o.val.kind != 'd' || ef.kind != 'd' {
			continue
		}
		name := o.val.get("/UF")
		if name.kind != 's' {
			name = o.val.get("/F")
		}
		for _, k := range []string{"/UF", "/F"} {
			if r := ef.get(k); r.kind == 'r' && name.kind == 's' {
				names[r.ref] = pdfTextString(name.str)
			}
		}
	}
	var nums []int
	for n, o := range d.objs {
		if o.hasStream && (o.val.get("/Type").name == "/EmbeddedFile" || names[n] != "") {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	var out []EmbeddedFile
	for _, n := range nums {
		if len(out) >= d.lim.MaxEmbedded {
			d.trunc = true
			break
		}
		if b, ok := d.decode(d.objs[n]); ok {
			out = append(out, EmbeddedFile{Name: names[n], Data: b})
		}
	}
	return out
}

// textWriter gathers text up to a bound, with single spaces and breaks.
type textWriter struct {
	b    strings.Builder
	max  int
	full bool
	last byte
}

func (t *textWriter) write(s string) {
	if s == "" || t.full {
		return
	}
	if t.b.Len()+len(s) > t.max {
		t.full = true
		return
	}
	t.b.WriteString(s)
	t.last = s[len(s)-1]
}

func (t *textWriter) space() {
	if t.last != ' ' && t.last != '\n' && t.last != 0 {
		t.write(" ")
	}
}

func (t *textWriter) newline() {
	if t.last != '\n' && t.last != 0 {
		t.write("\n")
	}
}
