package invoice

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/pdfstr"
)

// A minimal PDF reader (ISO 32000-1) for what an invoice check needs: the
// text the pages show and the files embedded in the document (the
// Factur-X XML of a PDF/A-3). It reads the file as written, object by
// object, without trusting its cross-reference table (hostile and broken
// files lie there first); it knows FlateDecode, object streams, page
// resources, ToUnicode maps and form XObjects, and nothing of rendering.
// Every loop is bounded by Limits.

// pdfValue is a parsed PDF object: a dictionary, an array, a name, a
// number, a string or a reference.
type pdfValue struct {
	kind byte // 'd' dict, 'a' array, 'n' name, 'i' number, 's' string, 'r' reference, 'k' keyword
	name string
	num  float64
	ref  int
	str  []byte
	dict map[string]pdfValue
	arr  []pdfValue
}

func (v pdfValue) get(key string) pdfValue { return v.dict[key] }

// pdfObject is one "N G obj … endobj": its value and, for a stream, its
// undecoded bytes.
type pdfObject struct {
	val       pdfValue
	stream    []byte
	hasStream bool
	at        int // offset of stream in the file
}

// pdfDoc is a document being read.
type pdfDoc struct {
	lim     Limits
	objs    map[int]*pdfObject
	decoded int // bytes inflated so far, for Limits.MaxDecodedBytes
	tokens  int // tokens left to read, from Limits.MaxPDFTokens
	trunc   bool
	// inflated are the streams the message parser inflated already
	// (message.Attachment.PDFStreams); zr is the one zlib reader of the
	// document, reset for each stream it inflates itself.
	inflated []message.Inflated
	zr       io.ReadCloser
}

var errNotPDF = errors.New("invoice: not a PDF")

// openPDF indexes the objects of data.
func openPDF(data []byte, lim Limits) (*pdfDoc, error) {
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, errNotPDF
	}
	d := &pdfDoc{lim: lim, objs: map[int]*pdfObject{}, tokens: lim.MaxPDFTokens}
	for i := 0; i < len(data); {
		k := bytes.Index(data[i:], []byte("obj"))
		if k < 0 {
			break
		}
		at := i + k
		i = at + 3
		num, ok := objHeader(data, at)
		if !ok || i < len(data) && !isDelim(data[i]) {
			continue
		}
		if len(d.objs) >= lim.MaxObjects {
			d.trunc = true
			break
		}
		lx := &pdfLexer{b: data, i: i, budget: &d.tokens}
		v, err := lx.value(0)
		if errors.Is(err, errPDFBudget) {
			d.trunc = true
			break
		}
		if err != nil {
			continue
		}
		o := &pdfObject{val: v}
		lx.space()
		if bytes.HasPrefix(data[lx.i:], []byte("stream")) {
			s := lx.i + len("stream")
			if s < len(data) && data[s] == '\r' {
				s++
			}
			if s < len(data) && data[s] == '\n' {
				s++
			}
			end := -1
			if n := v.get("/Length"); n.kind == 'i' && n.num >= 0 && s+int(n.num) <= len(data) {
				e := s + int(n.num)
				if bytes.HasPrefix(bytes.TrimLeft(data[e:min(len(data), e+16)], "\r\n \t"), []byte("endstream")) {
					end = e
				}
			}
			if end < 0 {
				if e := bytes.Index(data[s:], []byte("endstream")); e >= 0 {
					end = s + e
				} else {
					end = len(data)
				}
			}
			o.stream, o.hasStream, o.at = data[s:end], true, s
			i = end
		} else {
			i = lx.i
		}
		d.objs[num] = o
	}
	d.expandObjectStreams()
	return d, nil
}

// objHeader reads the "N G " before "obj" at data[at].
func objHeader(data []byte, at int) (int, bool) {
	j := at - 1
	skip := func() {
		for j >= 0 && isSpace(data[j]) {
			j--
		}
	}
	digits := func() (int, bool) {
		e := j
		for j >= 0 && isDigit(data[j]) && e-j < 10 {
			j--
		}
		if j == e {
			return 0, false
		}
		n, err := strconv.Atoi(string(data[j+1 : e+1]))
		return n, err == nil
	}
	if j < 0 || !isSpace(data[j]) {
		return 0, false
	}
	skip()
	if _, ok := digits(); !ok {
		return 0, false
	}
	if j < 0 || !isSpace(data[j]) {
		return 0, false
	}
	skip()
	num, ok := digits()
	if !ok || j >= 0 && !isSpace(data[j]) && !isDelim(data[j]) {
		return 0, false
	}
	return num, true
}

// expandObjectStreams adds the objects compressed in object streams
// (ISO 32000-1 §7.5.7): PDF 1.5 writers keep fonts and file specifications
// there.
func (d *pdfDoc) expandObjectStreams() {
	var streams []*pdfObject
	for _, o := range d.objs {
		if o.hasStream && o.val.get("/Type").name == "/ObjStm" {
			streams = append(streams, o)
		}
	}
	for _, o := range streams {
		n, first := int(o.val.get("/N").num), int(o.val.get("/First").num)
		body, ok := d.decode(o)
		if !ok || n <= 0 || first <= 0 || first > len(body) {
			continue
		}
		lx := &pdfLexer{b: body[:first], budget: &d.tokens}
		for k := 0; k < n && len(d.objs) < d.lim.MaxObjects; k++ {
			num, err1 := lx.value(0)
			off, err2 := lx.value(0)
			if err1 != nil || err2 != nil || num.kind != 'i' || off.kind != 'i' || first+int(off.num) >= len(body) || off.num < 0 {
				break
			}
			if _, dup := d.objs[int(num.num)]; dup {
				continue
			}
			vl := &pdfLexer{b: body, i: first + int(off.num), budget: &d.tokens}
			if v, err := vl.value(0); err == nil {
				d.objs[int(num.num)] = &pdfObject{val: v}
			}
		}
	}
}

// resolve follows a reference (one level deep, as writers use them).
func (d *pdfDoc) resolve(v pdfValue) pdfValue {
	for range 4 {
		if v.kind != 'r' {
			return v
		}
		o := d.objs[v.ref]
		if o == nil {
			return pdfValue{}
		}
		v = o.val
	}
	return pdfValue{}
}

// decode returns a stream's decoded bytes, false when its filter is not
// one we read or a budget is spent.
func (d *pdfDoc) decode(o *pdfObject) ([]byte, bool) {
	if o == nil || !o.hasStream {
		return nil, false
	}
	f := d.resolve(o.val.get("/Filter"))
	filters := []pdfValue{f}
	if f.kind == 'a' {
		filters = f.arr
	}
	data := o.stream
	for i, f := range filters {
		switch f.name {
		case "":
		case "/FlateDecode", "/Fl":
			if p := d.resolve(o.val.get("/DecodeParms")); p.kind == 'd' && p.get("/Predictor").num > 1 {
				return nil, false
			}
			room := min(d.lim.MaxStreamBytes, d.lim.MaxDecodedBytes-d.decoded)
			if room <= 0 {
				d.trunc = true
				return nil, false
			}
			// The stream as written, inflated whole by the message
			// parser: the same bytes as inflating it here.
			out, ok := []byte(nil), false
			if i == 0 {
				out, ok = message.FindInflated(d.inflated, o.at, len(o.stream))
			}
			if !ok {
				if out, ok = d.inflate(data, room+1); !ok {
					return nil, false
				}
			}
			if len(out) > room {
				d.trunc = true
				out = out[:room]
			}
			d.decoded += len(out)
			data = out
		default:
			return nil, false
		}
	}
	return data, true
}

// inflate reads at most max bytes of the zlib stream b, with the
// document's one reader (a new zlib reader allocates its decompressor's
// tables each time).
func (d *pdfDoc) inflate(b []byte, max int) ([]byte, bool) {
	var err error
	if d.zr == nil {
		d.zr, err = zlib.NewReader(bytes.NewReader(b))
	} else {
		err = d.zr.(zlib.Resetter).Reset(bytes.NewReader(b), nil)
	}
	if err != nil {
		d.zr = nil
		return nil, false
	}
	out, _ := io.ReadAll(io.LimitReader(d.zr, int64(max)))
	return out, true
}

// pdfLexer reads PDF syntax (ISO 32000-1 §7.2–7.3).
type pdfLexer struct {
	b []byte
	i int
	// budget, when set, counts down the tokens the whole document may
	// cost: a file of unterminated arrays must not be read once per
	// "obj" it contains.
	budget *int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return isSpace(c) || c == '/' || c == '<' || c == '>' || c == '[' || c == ']' || c == '(' || c == ')' || c == '%' || c == '{' || c == '}'
}

func (l *pdfLexer) space() {
	for l.i < len(l.b) {
		c := l.b[l.i]
		if isSpace(c) {
			l.i++
		} else if c == '%' {
			for l.i < len(l.b) && l.b[l.i] != '\n' && l.b[l.i] != '\r' {
				l.i++
			}
		} else {
			return
		}
	}
}

var (
	errPDFSyntax = errors.New("invoice: PDF syntax")
	errPDFBudget = errors.New("invoice: PDF token budget spent")
)

// maxPDFDepth bounds nested arrays and dictionaries.
const maxPDFDepth = 32

// value reads one object; numbers followed by "G R" become references.
func (l *pdfLexer) value(depth int) (pdfValue, error) {
	if depth > maxPDFDepth {
		return pdfValue{}, fmt.Errorf("%w: nesting deeper than %d", errPDFSyntax, maxPDFDepth)
	}
	l.space()
	if l.i >= len(l.b) {
		return pdfValue{}, io.ErrUnexpectedEOF
	}
	if l.budget != nil {
		if *l.budget <= 0 {
			return pdfValue{}, errPDFBudget
		}
		*l.budget--
	}
	switch c := l.b[l.i]; {
	case c == '/':
		s := l.i
		l.i++
		for l.i < len(l.b) && !isDelim(l.b[l.i]) {
			l.i++
		}
		return pdfValue{kind: 'n', name: string(l.b[s:l.i])}, nil
	case c == '(':
		l.i++
		s, n := pdfstr.Literal(l.b[l.i:], 0)
		l.i += n
		return pdfValue{kind: 's', str: s}, nil
	case c == '<' && l.i+1 < len(l.b) && l.b[l.i+1] == '<':
		l.i += 2
		v := pdfValue{kind: 'd', dict: map[string]pdfValue{}}
		for {
			l.space()
			if l.i+1 < len(l.b) && l.b[l.i] == '>' && l.b[l.i+1] == '>' {
				l.i += 2
				return v, nil
			}
			k, err := l.value(depth + 1)
			if err != nil {
				return v, err
			}
			if k.kind != 'n' {
				return v, errPDFSyntax
			}
			val, err := l.value(depth + 1)
			if err != nil {
				return v, err
			}
			if val.kind == 'k' && val.name != "true" && val.name != "false" && val.name != "null" {
				return v, errPDFSyntax
			}
			v.dict[k.name] = val
		}
	case c == '<':
		l.i++
		e := bytes.IndexByte(l.b[l.i:], '>')
		if e < 0 {
			return pdfValue{}, errPDFSyntax
		}
		s := pdfstr.Hex(l.b[l.i:l.i+e], 0)
		l.i += e + 1
		return pdfValue{kind: 's', str: s}, nil
	case c == '[':
		l.i++
		v := pdfValue{kind: 'a'}
		for {
			l.space()
			if l.i < len(l.b) && l.b[l.i] == ']' {
				l.i++
				return v, nil
			}
			x, err := l.value(depth + 1)
			if err != nil {
				return v, err
			}
			if x.kind == 'k' && x.name != "true" && x.name != "false" && x.name != "null" {
				return v, errPDFSyntax // "obj", "endobj", "stream": the array was never closed
			}
			v.arr = append(v.arr, x)
		}
	case c == '+' || c == '-' || c == '.' || isDigit(c):
		s := l.i
		l.i++
		for l.i < len(l.b) && (isDigit(l.b[l.i]) || l.b[l.i] == '.') {
			l.i++
		}
		n, _ := strconv.ParseFloat(string(l.b[s:l.i]), 64)
		// "N G R" is a reference.
		save := l.i
		l.space()
		gs := l.i
		for l.i < len(l.b) && isDigit(l.b[l.i]) {
			l.i++
		}
		if l.i > gs && l.i-gs < 6 {
			l.space()
			if l.i < len(l.b) && l.b[l.i] == 'R' && (l.i+1 == len(l.b) || isDelim(l.b[l.i+1])) {
				l.i++
				return pdfValue{kind: 'r', ref: int(n)}, nil
			}
		}
		l.i = save
		return pdfValue{kind: 'i', num: n}, nil
	case c == ')' || c == '>' || c == ']' || c == '{' || c == '}':
		l.i++
		return pdfValue{}, errPDFSyntax
	default:
		s := l.i
		for l.i < len(l.b) && !isDelim(l.b[l.i]) {
			l.i++
		}
		return pdfValue{kind: 'k', name: string(l.b[s:l.i])}, nil
	}
}

// pdfTextString reads a text string (§7.9.2.2): UTF-16BE with a byte-order
// mark, else PDFDocEncoding, which is Latin-1 for what file names use.
func pdfTextString(s []byte) string {
	if t, ok := pdfstr.UTF16(s); ok {
		return t
	}
	r := make([]rune, len(s))
	for i, c := range s {
		r[i] = rune(c)
	}
	return string(r)
}
