package logs

import (
	"bufio"
	"bytes"
	"context"
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
	// KeepWeb, when set, is asked about each web request's host and URL (as
	// logged: absolute, CONNECT host:port, or a path) before an event is built:
	// requests it refuses are read and counted but not emitted. Web logs are
	// the bulk of the input and a hunt only wants the requests to indicators.
	KeepWeb func(host, url []byte) bool
	// SignInsNotKept says that the consumer keeps no *SignIn once its emit
	// returns (it copies what it needs, as the hunt does): the Mux then hands
	// each one back to NewSignIn, zeroed, rather than leaving half a million
	// of them (288 bytes each in a 100 MB auth log) to the collector.
	SignInsNotKept bool
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// Stats counts what one parser made of one input.
type Stats struct {
	Lines  int64 `json:"lines"`
	Events int64 `json:"events"`
	Errors int64 `json:"errors"`
	// Ignored counts well-formed lines of no interest: other programs' syslog
	// lines, comments.
	Ignored int64 `json:"ignored,omitempty"`
	// Formats counts the lines or records each format took.
	Formats map[Format]int64 `json:"formats,omitempty"`
	Sample  []string         `json:"error_samples,omitempty"`
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

// ParseWith returns a Parser that reads inputs of any shape (see Read) with
// the given dialects only.
func ParseWith(dialects ...Dialect) Parser {
	return ParserFunc(func(ctx context.Context, r io.Reader, file string, opts Options, emit func(Event)) (Stats, error) {
		var st Stats
		br, ok := r.(*bufio.Reader)
		if !ok {
			br = bufio.NewReaderSize(r, 64<<10)
		}
		err := Read(ctx, br, file, NewMux(dialects, opts, &st, emit), &st)
		return st, err
	})
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
				for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
					line = line[:len(line)-1]
				}
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

// CheckRecord bounds the size and nesting of one JSON record before it is
// decoded with encoding/json (EachField bounds nesting itself).
func CheckRecord(b []byte) error {
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
