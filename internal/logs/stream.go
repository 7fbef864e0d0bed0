package logs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Limits that keep hostile input from exhausting memory.
const (
	// MaxLine is the longest line kept; longer lines are skipped and counted as errors.
	MaxLine = 256 << 10
	// MaxRecord is the largest JSON record (one element of an array export).
	MaxRecord = 4 << 20
	// MaxDepth is the deepest JSON nesting accepted in one record: real audit
	// records nest a handful of levels, JSON bombs thousands.
	MaxDepth = 32
	// maxErrorSamples is how many error messages a Stats keeps.
	maxErrorSamples = 5
)

// Options are what a parser needs beyond the bytes.
type Options struct {
	// Year completes syslog timestamps, which have none. Zero: the year of ModTime,
	// stepping back one year for dates after ModTime (a December line in a file
	// written in January).
	Year    int
	ModTime time.Time
	// Location is the zone of timestamps that carry none (syslog); nil means UTC.
	Location *time.Location
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// Stats counts what one parser made of one input.
type Stats struct {
	Lines  int64    `json:"lines"`
	Events int64    `json:"events"`
	Errors int64    `json:"errors"`
	Sample []string `json:"error_samples,omitempty"`
}

// Errorf counts a bad line or record and keeps the first few messages.
func (s *Stats) Errorf(src Source, format string, a ...any) {
	s.Errors++
	if len(s.Sample) < maxErrorSamples {
		s.Sample = append(s.Sample, src.String()+": "+fmt.Sprintf(format, a...))
	}
}

// Parser reads one input of its format and emits events. It returns an error only
// when the input cannot be read at all; bad lines are counted in Stats.
type Parser interface {
	Parse(ctx context.Context, r io.Reader, file string, opts Options, emit func(Event)) (Stats, error)
}

// ParserFunc adapts a function to Parser.
type ParserFunc func(ctx context.Context, r io.Reader, file string, opts Options, emit func(Event)) (Stats, error)

func (f ParserFunc) Parse(ctx context.Context, r io.Reader, file string, opts Options, emit func(Event)) (Stats, error) {
	return f(ctx, r, file, opts, emit)
}

// ErrLineTooLong is reported for lines over MaxLine.
var ErrLineTooLong = errors.New("line too long")

// Lines calls fn for each line of r without its line ending, with its 1-based number.
// Lines longer than MaxLine are skipped and counted as errors in st. The slice passed
// to fn is only valid during the call.
func Lines(ctx context.Context, r io.Reader, file string, st *Stats, fn func(n int64, line []byte)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var n int64
	var long []byte
	tooLong := false
	for {
		frag, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if !tooLong && len(long)+len(frag) <= MaxLine {
				long = append(long, frag...)
			} else {
				tooLong = true
				long = long[:0]
			}
			continue
		}
		if len(frag) > 0 || len(long) > 0 || tooLong {
			n++
			st.Lines = n
			line := frag
			if len(long) > 0 {
				long = append(long, frag...)
				line = long
			}
			if tooLong || len(line) > MaxLine {
				st.Errorf(Source{File: file, Line: n}, "%v", ErrLineTooLong)
			} else {
				line = bytes.TrimRight(line, "\r\n")
				if len(line) > 0 {
					fn(n, line)
				}
			}
			long = long[:0]
			tooLong = false
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("logs: read %s: %w", file, err)
		}
		if n&0x3ff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// JSONRecords calls fn with each JSON object of r, whichever way the export wrote
// them: one per line (NDJSON, what Entra and Defender "download as JSON" or log
// shippers write), a top-level array, or an object wrapping the array in "value"
// (Microsoft Graph) or "items" (Google Reports API). Records over MaxRecord or
// nested deeper than MaxDepth are counted as errors and skipped.
func JSONRecords(ctx context.Context, r io.Reader, file string, st *Stats, fn func(src Source, rec []byte)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := firstNonSpace(br)
	if err != nil {
		return nil // empty input
	}
	if first == '{' {
		// NDJSON if the first line is a whole object by itself.
		head, _ := br.Peek(MaxLine)
		if bytes.IndexByte(head, '\n') < 0 && len(head) < MaxLine && json.Valid(head) {
			// One object alone: a single record.
			st.Lines = 1
			src := Source{File: file, Line: 1}
			if err := checkRecord(head); err != nil {
				st.Errorf(src, "%v", err)
				return nil
			}
			fn(src, bytes.Clone(head))
			return nil
		}
		if i := bytes.IndexByte(head, '\n'); i >= 0 && json.Valid(bytes.TrimSpace(head[:i])) {
			return Lines(ctx, br, file, st, func(n int64, line []byte) {
				line = bytes.TrimSpace(line)
				if len(line) == 0 {
					return
				}
				src := Source{File: file, Line: n}
				if err := checkRecord(line); err != nil {
					st.Errorf(src, "%v", err)
					return
				}
				fn(src, line)
			})
		}
	}
	lr := &boundedReader{r: br, limit: MaxRecord}
	dec := json.NewDecoder(lr)
	tok, err := dec.Token()
	if err != nil {
		st.Errorf(Source{File: file, Line: 1}, "not JSON: %v", err)
		return nil
	}
	if tok == json.Delim('{') {
		// Find the array under "value" or "items"; a lone object is one record.
		found := false
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				st.Errorf(Source{File: file, Line: 1}, "bad JSON: %v", err)
				return nil
			}
			lr.limit = lr.n + MaxRecord
			if key, _ := k.(string); key == "value" || key == "items" {
				if t, err := dec.Token(); err == nil && t == json.Delim('[') {
					found = true
					break
				}
				st.Errorf(Source{File: file, Line: 1}, "%q is not an array", key)
				return nil
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				st.Errorf(Source{File: file, Line: 1}, "bad JSON: %v", err)
				return nil
			}
		}
		if !found {
			st.Errorf(Source{File: file, Line: 1}, "JSON object without a \"value\" or \"items\" array of records")
			return nil
		}
	} else if tok != json.Delim('[') {
		st.Errorf(Source{File: file, Line: 1}, "JSON export must be an array or object")
		return nil
	}
	var i int64
	for dec.More() {
		i++
		st.Lines = i
		src := Source{File: file, Line: i, Record: true}
		lr.limit = lr.n + MaxRecord + 64<<10
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			st.Errorf(src, "bad JSON record: %v", err)
			return nil // the decoder cannot resynchronise
		}
		if err := checkRecord(raw); err != nil {
			st.Errorf(src, "%v", err)
			continue
		}
		fn(src, raw)
		if i&0xff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

func firstNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case 0xEF: // UTF-8 BOM, as Excel and PowerShell write it
			if rest, _ := br.Peek(2); bytes.Equal(rest, []byte{0xBB, 0xBF}) {
				br.Discard(2)
				continue
			}
		}
		br.UnreadByte()
		return b, nil
	}
}

var errTooDeep = fmt.Errorf("JSON record nested deeper than %d levels", MaxDepth)

// checkRecord bounds the size and nesting of one JSON record before it is decoded.
func checkRecord(b []byte) error {
	if len(b) > MaxRecord {
		return fmt.Errorf("JSON record of %d bytes exceeds %d", len(b), MaxRecord)
	}
	depth := 0
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > MaxDepth {
				return errTooDeep
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// boundedReader fails once more than limit bytes have been read, so that one huge
// array element cannot make the decoder buffer the whole file.
type boundedReader struct {
	r        io.Reader
	n, limit int64
}

var errRecordTooLarge = fmt.Errorf("JSON record exceeds %d bytes", MaxRecord)

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.limit > 0 && b.n >= b.limit {
		return 0, errRecordTooLarge
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// WebLines reads a web-server or proxy log with one request per line:
// parse turns a line into a request, or reports it as not of the format
// (counted in st with why); lines skip accepts (comments) are passed over.
func WebLines(ctx context.Context, r io.Reader, file, why string, skip func([]byte) bool,
	parse func([]byte) (*WebRequest, bool), emit func(Event)) (Stats, error) {
	var st Stats
	err := Lines(ctx, r, file, &st, func(n int64, line []byte) {
		if skip != nil && skip(line) {
			return
		}
		src := Source{File: file, Line: n}
		ev, ok := parse(line)
		if !ok {
			st.Errorf(src, "%s", why)
			return
		}
		ev.Src = src
		st.Events++
		emit(ev)
	})
	return st, err
}
