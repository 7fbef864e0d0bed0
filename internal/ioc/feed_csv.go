package ioc

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// csv reads a CSV feed (RFC 4180) whose first row names the columns:
// value (required), kind, mode, expires, reason, in any order; unknown
// columns are ignored. A row without kind gets the forced kind or a guess;
// expires is RFC 3339, a date (YYYY-MM-DD) or empty.
func (fr *feedReader) csv(r io.Reader) (FeedResult, error) {
	cr := csv.NewReader(&limitLines{r: r})
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	cr.Comment = '#'
	head, err := cr.Read()
	if err == io.EOF {
		return fr.res, nil
	}
	if err != nil {
		fr.bad(1, fmt.Errorf("header: %w", err))
		return fr.res, nil
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	vi, ok := col["value"]
	if !ok {
		line, _ := cr.FieldPos(0)
		fr.bad(line, errors.New(`header has no "value" column`))
		return fr.res, nil
	}
	field := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return fr.res, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			fr.bad(pe.Line, pe.Err)
			continue
		}
		if err != nil {
			return fr.res, fmt.Errorf("ioc: read %s: %w", fr.opts.Name, err)
		}
		fr.line, _ = cr.FieldPos(0)
		if vi >= len(rec) || strings.TrimSpace(rec[vi]) == "" {
			fr.bad(fr.line, errors.New("no value"))
			continue
		}
		r, err := csvRecord(rec[vi], field(rec, "kind"), field(rec, "mode"), field(rec, "expires"), fr.opts.Kind)
		if err != nil {
			fr.bad(fr.line, err)
			continue
		}
		r.Reason = field(rec, "reason")
		if err := fr.emit(r); err != nil {
			return fr.res, err.(errCallback).err
		}
	}
}

func csvRecord(value, kind, mode, expires string, forced Kind) (Record, error) {
	var r Record
	var err error
	switch {
	case kind != "":
		if r.Kind, err = ParseKind(kind); err != nil {
			return r, err
		}
		r.Value, err = Parse(r.Kind, value)
	case forced != "":
		r.Kind = forced
		r.Value, err = Parse(r.Kind, value)
	default:
		r.Kind, r.Value, err = Guess(value)
	}
	if err != nil {
		return r, err
	}
	if mode != "" {
		if r.Mode, err = ParseMode(mode); err != nil {
			return r, err
		}
	}
	if expires != "" {
		if r.Expires, err = parseTime(expires); err != nil {
			return r, err
		}
	}
	return r, nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q (want RFC 3339 or YYYY-MM-DD)", clip(s))
}

// limitLines cuts lines longer than maxLine so that one huge field cannot
// make the CSV reader buffer an unbounded amount; the cut line then fails
// to parse or to validate and is reported like any malformed line.
type limitLines struct {
	r   io.Reader
	run int // bytes since the last newline
}

func (l *limitLines) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	w := 0
	for _, c := range p[:n] {
		if c == '\n' {
			l.run = 0
		} else if l.run++; l.run > maxLine {
			if l.run == maxLine+1 {
				p[w] = '\n' // force a break; the rest of the line follows as a bad row
				w++
				l.run = 1
				continue
			}
		}
		p[w] = c
		w++
	}
	return w, err
}
