// Package ingest reads log inputs — files, directories (recursively), standard
// input; plain, gzip-compressed, UTF-8 or UTF-16 as Windows PowerShell writes
// — detects each one's format, says why and what it doubts, and reads it
// line by line or record by record with every parser it may need (a mail.log
// mixes Postfix, Dovecot and Roundcube lines), reporting per file what was
// read, what was bad and whether the file could be read to its end.
package ingest

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/dovecot"
	"vigie.dev/vigie/internal/logs/entra"
	"vigie.dev/vigie/internal/logs/exim"
	"vigie.dev/vigie/internal/logs/gworkspace"
	"vigie.dev/vigie/internal/logs/m365"
	"vigie.dev/vigie/internal/logs/postfix"
	"vigie.dev/vigie/internal/logs/roundcube"
	"vigie.dev/vigie/internal/logs/sogo"
	"vigie.dev/vigie/internal/logs/squid"
	"vigie.dev/vigie/internal/logs/weblog"
	"vigie.dev/vigie/internal/logs/zimbra"
)

// Dialects lists every format ingest reads. Order breaks ties: Entra before
// the audit log for JSON; Dovecot's own files before Exim's for text.
func Dialects() []logs.Dialect {
	return []logs.Dialect{
		entra.Dialect, m365.Dialect, m365.Defender, gworkspace.Dialect,
		squid.Dialect, weblog.Dialect, postfix.Dialect, dovecot.Dialect, exim.Dialect,
		roundcube.Dialect, sogo.Dialect, zimbra.Dialect,
	}
}

// Problems: stable codes for what went wrong with an input, for callers that
// word them for people.
const (
	ProblemUnreadable   = "unreadable"   // cannot be opened or listed
	ProblemUnrecognised = "unrecognised" // no known format in its first 64 KiB
	ProblemTruncated    = "truncated"    // compressed data or JSON document cut short
	ProblemBroken       = "broken"       // read error or JSON that stops being JSON
)

// Report is what happened to one input.
type Report struct {
	File      string      `json:"file"`
	Path      string      `json:"path,omitempty"` // absolute
	Format    logs.Format `json:"format"`
	Detection Detection   `json:"detection"`
	logs.Stats
	Bytes   int64     `json:"bytes"` // as stored (compressed if it is)
	SHA256  string    `json:"sha256,omitempty"`
	ModTime time.Time `json:"mod_time,omitzero"`
	Problem string    `json:"problem,omitempty"`
	Err     string    `json:"error,omitempty"`
}

// Read reports whether anything could be read from the input (a truncated
// file was read up to the cut).
func (r Report) Read() bool {
	return r.Problem != ProblemUnreadable && r.Problem != ProblemUnrecognised && (r.Lines > 0 || r.Events > 0)
}

// Config tunes Read.
type Config struct {
	Options logs.Options // Year, Location, KeepWeb; ModTime is set per file
	// Format forces one format for every input instead of detecting it.
	Format logs.Format
	Logger *slog.Logger
	Stdin  io.Reader // read for the path "-"
	// Hash computes each input's SHA-256 as it is read, for evidence.
	Hash bool
	// Progress, when set, is called about every 16 MiB with the bytes read so
	// far of all inputs and their total size (0 when unknown: stdin).
	Progress func(file string, done, total int64)
}

// Read parses every input under paths and calls emit for each event. Unreadable
// or unrecognised inputs are reported, not fatal; Read fails only when the context
// is cancelled.
func Read(ctx context.Context, paths []string, cfg Config, emit func(logs.Event)) ([]Report, error) {
	files, reports := Expand(paths)
	var total int64
	for _, f := range files {
		if info, err := os.Stat(f); err == nil && f != "-" {
			total += info.Size()
		}
	}
	pr := &progress{cfg: cfg, total: total}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return reports, err
		}
		rep := readOne(ctx, f, cfg, pr, emit)
		if cfg.Logger != nil {
			cfg.Logger.Debug("log read", "file", rep.File, "format", rep.Format, "lines", rep.Lines, "events", rep.Events, "errors", rep.Errors, "problem", rep.Problem)
		}
		reports = append(reports, rep)
	}
	return reports, ctx.Err()
}

// Expand lists the files under paths (directories recursively, hidden entries
// skipped, sorted), with a report for each path that could not be listed.
func Expand(paths []string) ([]string, []Report) {
	var files []string
	var reports []Report
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			reports = append(reports, Report{File: p, Problem: ProblemUnreadable, Err: err.Error()})
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				reports = append(reports, Report{File: path, Problem: ProblemUnreadable, Err: err.Error()})
				return nil
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			reports = append(reports, Report{File: p, Problem: ProblemUnreadable, Err: err.Error()})
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, reports
}

// Input is one opened input.
type Input struct {
	*bufio.Reader // decompressed, UTF-8, with DetectSize bytes peekable
	Info          os.FileInfo
	raw           *countingReader
	closer        io.Closer
}

// Close closes the underlying file.
func (in *Input) Close() error { return in.closer.Close() }

// Raw returns how many stored bytes were read and their SHA-256 so far (empty
// without hashing).
func (in *Input) Raw() (int64, string) {
	if in.raw.h == nil {
		return in.raw.n, ""
	}
	return in.raw.n, hex.EncodeToString(in.raw.h.Sum(nil))
}

// Finish reads what is left of the stored bytes, so that the hash covers the
// whole file even when the parser stopped early.
func (in *Input) Finish() {
	if in.raw.h != nil {
		io.Copy(io.Discard, in.raw)
	}
}

// ErrTruncated marks compressed data that ends before its end.
var ErrTruncated = errors.New("compressed data cut short (truncated file?)")

// Open opens one input ("-" is stdin), transparently gunzipping it and
// transcoding UTF-16 (what Windows PowerShell's Out-File and ">" write).
// With hash, the stored bytes are hashed as they are read.
func Open(path string, stdin io.Reader, hash bool) (*Input, error) {
	var r io.Reader
	in := &Input{closer: io.NopCloser(nil)}
	if path == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		in.Info, _ = f.Stat()
		r, in.closer = f, f
	}
	in.raw = &countingReader{r: r}
	if hash {
		in.raw.h = sha256.New()
	}
	br := bufio.NewReaderSize(in.raw, logs.DetectSize)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			in.closer.Close()
			return nil, fmt.Errorf("gzip: %w", err)
		}
		br = bufio.NewReaderSize(gzipErrors{zr}, logs.DetectSize)
	}
	if bom, _ := br.Peek(2); len(bom) == 2 && (bom[0] == 0xff && bom[1] == 0xfe || bom[0] == 0xfe && bom[1] == 0xff) {
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		br = bufio.NewReaderSize(transform.NewReader(br, dec), logs.DetectSize)
	}
	in.Reader = br
	return in, nil
}

type countingReader struct {
	r    io.Reader
	n    int64
	h    hash.Hash
	tick func(n int64) // progress, called after each read
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.h != nil {
		c.h.Write(p[:n])
	}
	if c.tick != nil {
		c.tick(c.n)
	}
	return n, err
}

// gzipErrors tells a truncated or corrupt compressed stream from the end of data.
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	return n, err
}

type progress struct {
	cfg   Config
	total int64
	done  int64 // bytes of finished inputs
	last  int64
}

func (p *progress) tick(file string, cur int64) {
	if p.cfg.Progress == nil || p.done+cur-p.last < 16<<20 {
		return
	}
	p.last = p.done + cur
	p.cfg.Progress(file, p.last, p.total)
}

func readOne(ctx context.Context, path string, cfg Config, pr *progress, emit func(logs.Event)) Report {
	rep := Report{File: path, Path: path}
	if path != "-" {
		if abs, err := filepath.Abs(path); err == nil {
			rep.Path = abs
		}
	}
	in, err := Open(path, cfg.Stdin, cfg.Hash)
	if err != nil {
		rep.Problem, rep.Err = ProblemUnreadable, err.Error()
		return rep
	}
	defer in.Close()
	opts := cfg.Options
	if in.Info != nil {
		opts.ModTime = in.Info.ModTime()
		rep.ModTime = opts.ModTime.UTC()
	}
	head, _ := in.Peek(logs.DetectSize)
	rep.Detection = Detect(head, opts, cfg.Format)
	rep.Format = rep.Detection.Format
	dialects := Dialects()
	if cfg.Format != logs.Unknown {
		dialects = only(dialects, cfg.Format)
	} else if rep.Format == logs.Unknown && rep.Detection.Other == 0 && (rep.Detection.Sample > 0 || rep.Detection.Shape != ShapeJSON) {
		rep.Problem, rep.Err = ProblemUnrecognised, "unrecognised log format ("+rep.Detection.Why()+")"
		rep.Bytes, _ = in.Raw() // not read: not hashed, not recorded
		return rep
	} else {
		dialects = first(dialects, rep.Format)
	}
	if cfg.Progress != nil {
		in.raw.tick = func(n int64) { pr.tick(path, n) }
	}
	var st logs.Stats
	if rep.Detection.Shape == ShapeCSV {
		err = parseCSV(ctx, in.Reader, path, rep.Format, opts, &st, emit)
	} else {
		err = logs.Read(ctx, in.Reader, path, logs.NewMux(dialects, opts, &st, emit), &st)
	}
	in.Finish()
	rep.Stats = st
	rep.Bytes, rep.SHA256 = in.Raw()
	pr.done += rep.Bytes
	switch {
	case err == nil:
	case errors.Is(err, ErrTruncated):
		rep.Problem, rep.Err = ProblemTruncated, err.Error()
	case logs.IsBroken(err):
		rep.Problem, rep.Err = ProblemBroken, err.Error()
		if strings.Contains(err.Error(), "truncated") {
			rep.Problem = ProblemTruncated
		}
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		rep.Err = err.Error()
	default:
		rep.Problem, rep.Err = ProblemBroken, err.Error()
	}
	if rep.Format == logs.Unknown {
		rep.Format = dominant(st.Formats)
	}
	return rep
}

// parseCSV reads a CSV export of the format its header names.
func parseCSV(ctx context.Context, br *bufio.Reader, path string, f logs.Format, opts logs.Options, st *logs.Stats, emit func(logs.Event)) error {
	switch f {
	case logs.Entra:
		return entra.ParseCSV(ctx, br, path, st, emit)
	case logs.GWorkspace:
		return gworkspace.ParseCSV(ctx, br, path, opts, st, emit)
	}
	return m365.ParseCSV(ctx, br, path, st, emit)
}

func only(ds []logs.Dialect, f logs.Format) []logs.Dialect {
	for _, d := range ds {
		if d.Format == f {
			return []logs.Dialect{d}
		}
	}
	return nil
}

// first moves the dialect of f to the front: it is asked first.
func first(ds []logs.Dialect, f logs.Format) []logs.Dialect {
	out := make([]logs.Dialect, 0, len(ds))
	for _, d := range ds {
		if d.Format == f {
			out = append(out, d)
		}
	}
	for _, d := range ds {
		if d.Format != f {
			out = append(out, d)
		}
	}
	return out
}

func dominant(m map[logs.Format]int64) logs.Format {
	best, n := logs.Unknown, int64(0)
	for f, c := range m {
		if c > n || c == n && f < best {
			best, n = f, c
		}
	}
	return best
}

// FormatNames lists the formats, for usage messages.
func FormatNames() string {
	var s []string
	for _, f := range logs.Formats {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}
