package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
)

// LineParser reads the lines of one text format. One is made per input, so it
// may keep state between lines (Postfix queue IDs).
type LineParser interface {
	// ParseLine reads one line, without its ending. It returns false when the
	// line is not of its format, leaving it to another parser, and true with an
	// error when the line is of its format but cannot be used.
	ParseLine(src Source, line []byte, emit func(Event)) (bool, error)
}

// RecordParser reads the JSON records of one vendor.
type RecordParser interface {
	// Claims reports, cheaply and without decoding, whether a record carries
	// this vendor's field names.
	Claims(rec []byte) bool
	ParseRecord(src Source, rec []byte, emit func(Event)) error
}

// Dialect is one format a Mux can hand lines or records to.
type Dialect struct {
	Format  Format
	Lines   func(Options) LineParser // text formats
	Records RecordParser             // JSON formats
}

// Mux hands each line or JSON record of one input to the format it belongs to.
// Inputs mix formats more often than not: /var/log/mail.log holds Postfix,
// Dovecot and Roundcube lines; a Sentinel export mixes sign-ins and audit
// records. The format that took the last line is asked first, so a file of one
// format costs one try per line.
type Mux struct {
	lines   []muxLine
	records []Dialect
	nrec    []int64 // records taken, per dialect
	lastL   int
	lastR   int
	opts    Options
	st      *Stats
	emit    func(Event)
}

type muxLine struct {
	format Format
	p      LineParser
	n      int64 // lines taken
}

// NewMux returns a Mux over dialects, counting into st and passing events to emit.
func NewMux(dialects []Dialect, opts Options, st *Stats, emit func(Event)) *Mux {
	m := &Mux{opts: opts, st: st}
	for _, d := range dialects {
		if d.Lines != nil {
			m.lines = append(m.lines, muxLine{format: d.Format, p: d.Lines(opts)})
		}
		if d.Records != nil {
			m.records = append(m.records, d)
			m.nrec = append(m.nrec, 0)
		}
	}
	m.emit = func(ev Event) {
		st.Events++
		emit(ev)
		if s, ok := ev.(*SignIn); ok && opts.SignInsNotKept {
			recycleSignIn(s)
		}
	}
	return m
}

// Finish adds to the stats how many lines and records each format took.
func (m *Mux) Finish() {
	add := func(f Format, n int64) {
		if n == 0 {
			return
		}
		if m.st.Formats == nil {
			m.st.Formats = map[Format]int64{}
		}
		m.st.Formats[f] += n
	}
	for i := range m.lines {
		add(m.lines[i].format, m.lines[i].n)
		m.lines[i].n = 0
	}
	for i, d := range m.records {
		add(d.Format, m.nrec[i])
		m.nrec[i] = 0
	}
}

// Line reads one line of a line-oriented input: a JSON record (NDJSON), a page
// of records on one line, or a text log line.
func (m *Mux) Line(src Source, line []byte) {
	t := trimBlanksLeft(line)
	if len(t) == 0 {
		return // a blank line
	}
	if jsonStart(t) {
		m.Value(src, trimBlanksRight(t))
		return
	}
	if len(m.lines) == 0 {
		m.st.Errorf(src, "not a JSON record")
		return
	}
	for i := range m.lines {
		k := (m.lastL + i) % len(m.lines)
		ok, err := m.lines[k].p.ParseLine(src, line, m.emit)
		if !ok {
			continue
		}
		m.lastL = k
		m.lines[k].n++
		if err != nil {
			m.st.Errorf(src, "%s: %v", m.lines[k].format, err)
		}
		return
	}
	if _, ok := ParseSyslog(line, m.opts); ok || line[0] == '#' {
		m.st.Ignored++ // another program's line, or a comment
		return
	}
	m.st.Errorf(src, "line of no format read here (%s)", m.lineFormats())
}

// trimBlanksLeft is bytes.TrimLeft(b, " \t") without building its set of
// bytes at each line.
func trimBlanksLeft(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// trimBlanksRight is bytes.TrimRight(b, " \t").
func trimBlanksRight(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// jsonStart: an object, a quoted object, or an array of those (not a
// bracketed date).
func jsonStart(t []byte) bool {
	if len(t) == 0 {
		return false
	}
	switch t[0] {
	case '{':
		return true
	case '"':
		return len(t) > 1 && t[1] == '{'
	case '[':
		t = bytes.TrimLeft(t[1:], " \t\r\n")
		return len(t) > 0 && (t[0] == '{' || t[0] == ']' || t[0] == '"' && len(t) > 1 && t[1] == '{')
	}
	return false
}

func (m *Mux) lineFormats() string {
	var s []string
	for _, l := range m.lines {
		s = append(s, string(l.format))
	}
	return strings.Join(s, ", ")
}

// Value reads one JSON value: a record, a quoted record (PowerShell arrays of
// AuditData strings), or a page of records ({"value": […]}, {"items": […]},
// {"records": […]}, or an array).
func (m *Mux) Value(src Source, v []byte) {
	switch {
	case len(v) > 0 && v[0] == '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil || !strings.HasPrefix(strings.TrimSpace(s), "{") {
			m.st.Errorf(src, "JSON string that is not a record")
			return
		}
		m.Record(src, []byte(s))
	case len(v) > 0 && v[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(v, &list); err != nil {
			m.st.Errorf(src, "bad JSON: %v", err)
			return
		}
		for i, e := range list {
			m.element(src, i, e)
		}
	default:
		if elems, ok := PageElements(v); ok {
			for i, e := range elems {
				m.element(src, i, e)
			}
			return
		}
		m.Record(src, v)
	}
}

// element reads the i-th element of a page found at src: on one line, its
// evidence is the line and the record's rank in it.
func (m *Mux) element(src Source, i int, e json.RawMessage) {
	e = bytes.TrimSpace(e)
	if len(e) > 0 && e[0] == '"' {
		m.Value(src, e)
		return
	}
	if len(e) == 0 || e[0] != '{' {
		m.st.Errorf(src, "page element %d is not a record", i+1)
		return
	}
	s := src
	if !s.Record {
		s.Item = i + 1
	}
	m.Record(s, e)
}

// Record reads one JSON object.
func (m *Mux) Record(src Source, rec []byte) {
	if len(rec) > MaxRecord {
		m.st.Errorf(src, "JSON record of %d bytes exceeds %d", len(rec), MaxRecord)
		return
	}
	for i := range m.records {
		k := (m.lastR + i) % len(m.records)
		d := m.records[k]
		if !d.Records.Claims(rec) {
			continue
		}
		m.lastR = k
		m.nrec[k]++
		if err := d.Records.ParseRecord(src, rec, m.emit); errors.Is(err, ErrNotRead) {
			m.st.Ignored++
		} else if err != nil {
			m.st.Errorf(src, "%s: %v", d.Format, err)
		}
		return
	}
	m.st.Errorf(src, "JSON record of no format read here (fields: %s)", topKeys(rec, 6))
}

// topKeys lists the first n field names of a record, for error messages.
func topKeys(rec []byte, n int) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(rec, &obj) != nil {
		return "not an object"
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > n {
		keys = append(keys[:n], "…")
	}
	return strings.Join(keys, ", ")
}

// pageKeys hold the records of a page; pageMeta are the other fields a page has.
var (
	pageKeys = []string{"value", "items", "records", "Records"}
	pageMeta = []string{"kind", "etag", "nextPageToken", "nextLink", "count", "Count", "total"}
)

// PageElements returns the records of a page: an object whose records are
// under "value" (Microsoft Graph), "items" (Google Reports API) or "records"
// (Azure Event Hubs), with nothing else but paging fields.
func PageElements(obj []byte) ([]json.RawMessage, bool) {
	if !pageStart(obj) || otherKey(obj) {
		return nil, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(obj, &fields) != nil {
		return nil, false
	}
	var elems []json.RawMessage
	found := false
	for k, v := range fields {
		switch {
		case slices.Contains(pageKeys, k):
			if json.Unmarshal(v, &elems) != nil {
				return nil, false
			}
			found = true
		case strings.HasPrefix(k, "@") || slices.Contains(pageMeta, k):
		default:
			return nil, false
		}
	}
	return elems, found
}

// ErrNotRead is what a parser returns for a record of its format that it
// knowingly does not read (Defender device events): counted as ignored.
var ErrNotRead = errors.New("record of a kind not read")

// pageStart: the object's first field is one a page has (the paging
// metadata, whichever order a writer put the fields in, or the records).
// Records never start so, and this spares decoding every record twice.
func pageStart(obj []byte) bool {
	i := skipWS(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return false
	}
	i = skipWS(obj, i+1)
	if i >= len(obj) || obj[i] != '"' {
		return false
	}
	end := stringEnd(obj, i)
	if end < 0 {
		return false
	}
	k := obj[i+1 : end-1]
	return len(k) > 0 && k[0] == '@' || isPageField(k)
}

// otherKey: the object has a field a page has not, told without decoding
// it. Records of some vendors start with a paging field (Google's "kind"),
// and decoding each of them as a page cost more than reading it. A key
// written with escapes is left to the decoder.
func otherKey(obj []byte) bool {
	other := false
	EachField(obj, func(k, _ []byte) bool {
		if bytes.IndexByte(k, '\\') >= 0 {
			return false
		}
		if len(k) > 0 && k[0] == '@' || isPageField(k) {
			return true
		}
		other = true
		return false
	})
	return other
}

func isPageField(k []byte) bool {
	for _, list := range [][]string{pageKeys, pageMeta} {
		for _, p := range list {
			if string(k) == p {
				return true
			}
		}
	}
	return false
}

// errBrokenJSON reports a JSON document that stops being JSON: what follows is
// not read.
var errBrokenJSON = errors.New("broken JSON")
