package ioc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Format is a feed file format.
type Format string

const (
	FormatPlain   Format = "plain"   // one value per line, '#' or ';' comments
	FormatCSV     Format = "csv"     // header row naming value,kind,mode,expires,reason
	FormatRbldnsd Format = "rbldnsd" // rbldnsd ip4set/ip4trie/ip6trie/dnset data
	FormatDROP    Format = "drop"    // Spamhaus DROP: "1.2.3.0/24 ; SBL123"
	FormatURLs    Format = "urls"    // one URL per line (OpenPhish and the like)
	FormatJSON    Format = "json"    // Vigie's JSON export: the lossless backup format
	FormatSTIX    Format = "stix"    // a STIX 2.1 bundle: indicators' patterns and observables
	FormatMISP    Format = "misp"    // a MISP event (or a list of events): its attributes
)

// Formats lists the import formats.
var Formats = []Format{FormatPlain, FormatCSV, FormatRbldnsd, FormatDROP, FormatURLs, FormatJSON, FormatSTIX, FormatMISP}

// ParseFormat accepts an import format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if Format(strings.ToLower(s)) == f {
			return f, nil
		}
	}
	return "", fmt.Errorf("ioc: unknown feed format %q (want plain, csv, rbldnsd, drop, urls, json, stix or misp)", s)
}

// Record is one indicator read from a feed. Mode, Expires and Reason are
// set only when the feed says so; the importer fills in defaults.
type Record struct {
	Line       int
	Kind       Kind
	Value      string // normalised
	Mode       Mode
	Expires    time.Time
	Reason     string
	Tags       []string
	Confidence int
	TLP        string
	Source     string // the record's own source (lossless JSON), else the import's
	Code       byte   // rbldnsd per-entry A value (last octet), 0 when none
	// Full is the whole indicator of a lossless JSON backup: its author,
	// creation time, removal and sightings are restored as they were.
	Full *Indicator
}

// LineError reports a malformed feed line, which is skipped.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// FeedOptions tune reading.
type FeedOptions struct {
	Name string // file name, for error messages
	Kind Kind   // force this kind instead of guessing (plain, csv rows without kind)
	// MaxErrors bounds the line errors kept (default 100); the rest are
	// only counted.
	MaxErrors int
}

// FeedResult summarises a read.
type FeedResult struct {
	Records  int // indicators read and accepted
	Bad      int // malformed lines skipped
	Refused  int // well-formed entries the guard or the allow list refused
	Excluded int // rbldnsd exclusion entries ("!…"), imported as allow entries
	// Widened counts rbldnsd "*.name" entries (the subdomains only),
	// imported as the domain name and its subdomains: Vigie has no kind
	// for "subdomains but not the name".
	Widened   int
	Errors    []LineError // the first MaxErrors malformed lines
	Truncated bool        // more errors than kept
}

// maxLine bounds one feed line; longer lines are reported and skipped.
const maxLine = 64 << 10

// ReadFeed parses a feed, calling fn for every well-formed indicator.
// Malformed lines are reported in the result (with file name and line
// number) and skipped; an error is returned only for a failure to read or
// an error from fn.
func ReadFeed(r io.Reader, f Format, opts FeedOptions, fn func(Record) error) (FeedResult, error) {
	if opts.Name == "" {
		opts.Name = "-"
	}
	if opts.MaxErrors <= 0 {
		opts.MaxErrors = 100
	}
	fr := &feedReader{opts: opts, fn: fn}
	br := bufio.NewReaderSize(r, maxLine)
	if err := sniffText(br); err != nil {
		return FeedResult{}, fmt.Errorf("ioc: %s: %w", opts.Name, err)
	}
	r = br
	var p lineParser
	switch f {
	case FormatPlain:
		p = fr.plain
	case FormatURLs:
		p = fr.urls
	case FormatDROP:
		p = fr.drop
	case FormatRbldnsd:
		p = (&rbldnsdParser{fr: fr}).line
	case FormatCSV:
		p = (&csvParser{fr: fr}).line
	case FormatJSON:
		return fr.res, fr.json(r)
	case FormatSTIX:
		return fr.res, fr.stix(r)
	case FormatMISP:
		return fr.res, fr.misp(r)
	default:
		return FeedResult{}, fmt.Errorf("ioc: unknown feed format %q", f)
	}
	err := fr.lines(r, p)
	return fr.res, err
}

type lineParser func(line string) error

type feedReader struct {
	opts FeedOptions
	fn   func(Record) error
	res  FeedResult
	line int
}

// errCallback wraps errors from the caller's fn so they stop the read.
type errCallback struct{ err error }

func (e errCallback) Error() string { return e.err.Error() }

func (fr *feedReader) bad(line int, err error) {
	fr.res.Bad++
	fr.keep(line, err)
}

func (fr *feedReader) keep(line int, err error) {
	if len(fr.res.Errors) < fr.opts.MaxErrors {
		fr.res.Errors = append(fr.res.Errors, LineError{File: fr.opts.Name, Line: line, Err: err})
	} else {
		fr.res.Truncated = true
	}
}

func (fr *feedReader) emit(rec Record) error {
	rec.Line = fr.line
	if err := fr.fn(rec); err != nil {
		var re *RefusedError
		if errors.As(err, &re) {
			fr.res.Refused++
			fr.keep(fr.line, err)
			return nil
		}
		return errCallback{err}
	}
	fr.res.Records++
	return nil
}

// ErrBinary is returned for input that is not text.
var ErrBinary = errors.New("not a text file (NUL bytes or invalid UTF-8): refused")

// sniffText refuses binary input before anything is imported: a feed is
// text, and a binary file read as lines yields garbage "indicators".
func sniffText(br *bufio.Reader) error {
	head, _ := br.Peek(8192)
	if bytes.IndexByte(head, 0) >= 0 {
		return ErrBinary
	}
	// The peek may cut a multi-byte character: ignore up to 3 bytes at the end.
	for cut := 0; cut < 4 && cut <= len(head); cut++ {
		if utf8.Valid(head[:len(head)-cut]) {
			return nil
		}
	}
	return ErrBinary
}

func (fr *feedReader) lines(r io.Reader, p lineParser) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, maxLine)
	}
	for {
		b, err := br.ReadSlice('\n')
		fr.line++
		if errors.Is(err, bufio.ErrBufferFull) {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			fr.bad(fr.line, fmt.Errorf("line longer than %d bytes", maxLine))
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("ioc: read %s: %w", fr.opts.Name, err)
			}
			continue
		}
		if len(b) > 0 {
			if fr.line == 1 {
				b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // UTF-8 BOM
			}
			if perr := p(strings.TrimSpace(string(b))); perr != nil {
				var cb errCallback
				if errors.As(perr, &cb) {
					return cb.err
				}
				fr.bad(fr.line, perr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ioc: read %s: %w", fr.opts.Name, err)
		}
	}
}

func isComment(line string) bool {
	return line == "" || line[0] == '#' || line[0] == ';' || strings.HasPrefix(line, "//")
}

// plain: one value per line, kind guessed unless forced; text after the
// value ("evil.example  # phishing kit") is a reason when introduced by
// '#' or ';'.
func (fr *feedReader) plain(line string) error {
	if isComment(line) {
		return nil
	}
	value, reason := splitComment(line)
	rec := Record{Reason: reason}
	var err error
	if fr.opts.Kind != "" {
		rec.Kind = fr.opts.Kind
		rec.Value, err = Parse(rec.Kind, value)
	} else {
		rec.Kind, rec.Value, err = Guess(value)
	}
	if err != nil {
		return err
	}
	return fr.emit(rec)
}

// urls: one URL per line, as OpenPhish and PhishTank dumps publish them.
func (fr *feedReader) urls(line string) error {
	if isComment(line) {
		return nil
	}
	v, err := Parse(KindURL, line)
	if err != nil {
		return err
	}
	return fr.emit(Record{Kind: KindURL, Value: v})
}

// drop: Spamhaus DROP/EDROP lists, "192.0.2.0/24 ; SBL123456".
func (fr *feedReader) drop(line string) error {
	if isComment(line) {
		return nil
	}
	value, reason := splitComment(line)
	v, err := Parse(KindIP, value)
	if err != nil {
		return err
	}
	return fr.emit(Record{Kind: KindIP, Value: v, Reason: reason})
}

// splitComment splits "value ; text" or "value # text". The comment sign
// must follow white space, so that URLs keep their '#' and ';'.
func splitComment(line string) (value, comment string) {
	for i := 1; i < len(line); i++ {
		if (line[i] == '#' || line[i] == ';') && (line[i-1] == ' ' || line[i-1] == '\t') {
			return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
		}
	}
	return line, ""
}
