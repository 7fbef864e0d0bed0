package ingest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/entra"
	"vigie.dev/vigie/internal/logs/gworkspace"
	"vigie.dev/vigie/internal/logs/m365"
)

// Shapes of an input.
const (
	ShapeLines = "lines" // text lines, NDJSON, or both
	ShapeJSON  = "json"  // a JSON document: array, page, pretty-printed records
	ShapeCSV   = "csv"   // a CSV export: audit search, Entra sign-ins, Google login audit
)

// Detection is what the first DetectSize bytes of an input say about its
// format: the parsers themselves are run on them, so detection and reading
// cannot disagree.
type Detection struct {
	Format logs.Format `json:"format"` // the format of most lines or records
	Shape  string      `json:"shape"`
	Forced bool        `json:"forced,omitempty"`
	// Sample is how many lines or records were looked at, Counts how many each
	// format took, Unknown how many none took, Other how many were well-formed
	// syslog lines of programs not read.
	Sample  int64                 `json:"sample"`
	Counts  map[logs.Format]int64 `json:"counts,omitempty"`
	Unknown int64                 `json:"unknown,omitempty"`
	Other   int64                 `json:"other,omitempty"`
	// Examples of what no format took.
	Examples []string `json:"examples,omitempty"`
}

// Detect looks at the head of an input. forced, when set, is the format the
// user asked for: the detection still says how well the head fits it.
func Detect(head []byte, opts logs.Options, forced logs.Format) Detection {
	d := Detection{Shape: ShapeLines, Forced: forced != logs.Unknown}
	trim := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	if f := csvFormat(trim); f != logs.Unknown && (!d.Forced || f == forced) {
		d.Shape, d.Format = ShapeCSV, f
		d.Counts = map[logs.Format]int64{f: 1}
		return d
	}
	if logs.IsDocument(trim) {
		d.Shape = ShapeJSON
	}
	if len(head) == logs.DetectSize && d.Shape == ShapeLines {
		if i := bytes.LastIndexByte(head, '\n'); i > 0 {
			head = head[:i+1] // a partial last line would look bad
		}
	}
	dialects := Dialects()
	if d.Forced {
		dialects = only(dialects, forced)
	}
	var st logs.Stats
	opts.KeepWeb = func(_, _ []byte) bool { return false }
	m := logs.NewMux(dialects, opts, &st, func(logs.Event) {})
	_ = logs.Read(context.Background(), bufio.NewReader(bytes.NewReader(head)), "", m, &st)
	d.Counts, d.Unknown, d.Other = st.Formats, st.Errors, st.Ignored
	d.Sample = st.Lines
	d.Examples = st.Sample
	for i, e := range d.Examples {
		if j := strings.Index(e, ": "); j >= 0 {
			d.Examples[i] = e[j+2:] // drop the empty file name
		}
	}
	if d.Forced {
		d.Format = forced
	} else {
		d.Format = dominant(d.Counts)
	}
	return d
}

// csvFormat names the CSV export head starts with, by its header.
func csvFormat(head []byte) logs.Format {
	switch {
	case m365.IsCSV(head):
		return logs.M365
	case entra.IsCSV(head):
		return logs.Entra
	case gworkspace.IsCSV(head):
		return logs.GWorkspace
	}
	return logs.Unknown
}

// Doubts lists, in English, what makes the detection uncertain: other
// formats in the sample, lines no format takes, a format forced against the
// content. Callers that speak French use the fields.
func (d Detection) Doubts() []string {
	var out []string
	for _, f := range d.others() {
		out = append(out, fmt.Sprintf("also %d %s of %s", d.Counts[f], d.unit(), f))
	}
	if d.Unknown > 0 {
		out = append(out, fmt.Sprintf("%d of %d %s in no known format", d.Unknown, d.Sample, d.unit()))
	}
	if d.Forced && d.Counts[d.Format] == 0 && d.Sample > 0 {
		out = append(out, fmt.Sprintf("forced %s, but none of the first %d %s is of that format", d.Format, d.Sample, d.unit()))
	}
	return out
}

// Others lists the formats besides the main one, most frequent first.
func (d Detection) others() []logs.Format {
	var fs []logs.Format
	for f := range d.Counts {
		if f != d.Format {
			fs = append(fs, f)
		}
	}
	sort.Slice(fs, func(i, j int) bool {
		return d.Counts[fs[i]] > d.Counts[fs[j]] || d.Counts[fs[i]] == d.Counts[fs[j]] && fs[i] < fs[j]
	})
	return fs
}

// Others lists the formats besides the main one, most frequent first.
func (d Detection) Others() []logs.Format { return d.others() }

func (d Detection) unit() string {
	if d.Shape == ShapeLines {
		return "lines"
	}
	return "records"
}

// csvWhy says which export a CSV header is, in English.
var csvWhy = map[logs.Format]string{
	logs.M365:       "CSV header with an AuditData column (audit search export)",
	logs.Entra:      "CSV header of the Entra admin center's sign-in download (Date (UTC), Request ID, Username, IP address, Status)",
	logs.GWorkspace: "CSV header of the Google Admin console's login audit export (Event name, Event description, IP address, Date)",
}

// Why says, in English, why the format was chosen or none was.
func (d Detection) Why() string {
	switch {
	case d.Shape == ShapeCSV:
		return csvWhy[d.Format]
	case d.Forced:
		return fmt.Sprintf("forced; %d of the first %d %s fit", d.Counts[d.Format], d.Sample, d.unit())
	case d.Format == logs.Unknown && d.Sample == 0:
		return "empty"
	case d.Format == logs.Unknown:
		why := fmt.Sprintf("none of the first %d %s is of a known format", d.Sample, d.unit())
		if len(d.Examples) > 0 {
			why += "; e.g. " + d.Examples[0]
		}
		return why
	}
	return fmt.Sprintf("%d of the first %d %s", d.Counts[d.Format], d.Sample, d.unit())
}
