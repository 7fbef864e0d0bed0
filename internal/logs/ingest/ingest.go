// Package ingest reads log inputs — files, directories (recursively), standard
// input, gzip-compressed or not — detects each one's format and runs the matching
// parser, reporting per file what was read and how many lines were bad.
package ingest

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/dovecot"
	"vigie.dev/vigie/internal/logs/entra"
	"vigie.dev/vigie/internal/logs/gworkspace"
	"vigie.dev/vigie/internal/logs/m365"
	"vigie.dev/vigie/internal/logs/postfix"
	"vigie.dev/vigie/internal/logs/squid"
	"vigie.dev/vigie/internal/logs/weblog"
	"vigie.dev/vigie/internal/logs/zimbra"
)

// Parsers maps each format to its parser.
func Parsers() map[logs.Format]logs.Parser {
	return map[logs.Format]logs.Parser{
		logs.M365: m365.Parser, logs.Entra: entra.Parser, logs.GWorkspace: gworkspace.Parser,
		logs.Dovecot: dovecot.Parser, logs.Postfix: postfix.Parser, logs.Zimbra: zimbra.Parser,
		logs.Squid: squid.Parser, logs.Weblog: weblog.Parser,
	}
}

// Report is what happened to one input.
type Report struct {
	File   string      `json:"file"`
	Format logs.Format `json:"format"`
	logs.Stats
	Err string `json:"error,omitempty"`
}

// Config tunes Read.
type Config struct {
	Options logs.Options // Year and Location; ModTime is set per file
	// Format forces one format for every input instead of detecting it.
	Format logs.Format
	Logger *slog.Logger
	Stdin  io.Reader // read for the path "-"
}

// Read parses every input under paths and calls emit for each event. Unreadable
// or unrecognised inputs are reported, not fatal; Read fails only when the context
// is cancelled.
func Read(ctx context.Context, paths []string, cfg Config, emit func(logs.Event)) ([]Report, error) {
	files, reports := Expand(paths)
	parsers := Parsers()
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return reports, err
		}
		rep := readOne(ctx, f, cfg, parsers, emit)
		if cfg.Logger != nil {
			cfg.Logger.Debug("log read", "file", rep.File, "format", rep.Format, "lines", rep.Lines, "events", rep.Events, "errors", rep.Errors)
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
			reports = append(reports, Report{File: p, Err: err.Error()})
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				reports = append(reports, Report{File: path, Err: err.Error()})
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
			reports = append(reports, Report{File: p, Err: err.Error()})
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, reports
}

// Open opens one input ("-" is stdin), transparently gunzipping it, and returns a
// reader positioned at the start with the first DetectSize bytes peekable.
func Open(path string, stdin io.Reader) (*bufio.Reader, io.Closer, os.FileInfo, error) {
	var r io.Reader
	var closer io.Closer = io.NopCloser(nil)
	var info os.FileInfo
	if path == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, nil, err
		}
		info, _ = f.Stat()
		r, closer = f, f
	}
	br := bufio.NewReaderSize(r, logs.DetectSize)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			closer.Close()
			return nil, nil, nil, fmt.Errorf("gzip: %w", err)
		}
		br = bufio.NewReaderSize(zr, logs.DetectSize)
	}
	return br, closer, info, nil
}

func readOne(ctx context.Context, path string, cfg Config, parsers map[logs.Format]logs.Parser, emit func(logs.Event)) Report {
	rep := Report{File: path}
	br, closer, info, err := Open(path, cfg.Stdin)
	if err != nil {
		rep.Err = err.Error()
		return rep
	}
	defer closer.Close()
	opts := cfg.Options
	if info != nil {
		opts.ModTime = info.ModTime()
	}
	rep.Format = cfg.Format
	if rep.Format == logs.Unknown {
		head, _ := br.Peek(logs.DetectSize)
		rep.Format = logs.Detect(head)
	}
	p, ok := parsers[rep.Format]
	if !ok {
		rep.Err = "unrecognised log format (expected one of: " + formatList() + ")"
		return rep
	}
	st, err := p.Parse(ctx, br, path, opts, emit)
	rep.Stats = st
	if err != nil {
		rep.Err = err.Error()
	}
	return rep
}

func formatList() string {
	var s []string
	for _, f := range logs.Formats {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}
