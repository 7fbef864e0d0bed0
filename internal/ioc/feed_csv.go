package ioc

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// csvParser reads a CSV feed (RFC 4180) whose first row names the
// columns: value (required), kind, mode, expires, reason, tags,
// confidence, tlp, in any order; unknown columns are ignored. A row
// without kind gets the forced kind or a guess; expires is RFC 3339, a
// date (YYYY-MM-DD) or empty.
//
// Each record is one line: a quoted field may hold commas and doubled
// quotes but no line break. That is what keeps one broken quote from
// swallowing every following row into a single field (what a streaming
// CSV reader does with an unterminated quote): the broken line is
// reported with its number and the next line starts afresh.
type csvParser struct {
	fr   *feedReader
	col  map[string]int
	head bool
}

func (p *csvParser) line(line string) error {
	if line == "" || line[0] == '#' {
		return nil
	}
	cr := csv.NewReader(strings.NewReader(line))
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if !p.head {
			p.head = true // a broken header still ends the header
			return fmt.Errorf("header: %w", err)
		}
		return err
	}
	if !p.head {
		p.head = true
		p.col = map[string]int{}
		for i, h := range rec {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			if _, dup := p.col[h]; !dup {
				p.col[h] = i
			}
		}
		if _, ok := p.col["value"]; !ok {
			p.col = nil
			return errors.New(`header has no "value" column`)
		}
		return nil
	}
	if p.col == nil {
		return errors.New(`skipped: the header has no "value" column`)
	}
	field := func(name string) string {
		if i, ok := p.col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if field("value") == "" {
		return errors.New("no value")
	}
	r, err := csvRecord(field("value"), field("kind"), field("mode"), field("expires"), p.fr.opts.Kind)
	if err != nil {
		return err
	}
	r.Reason = field("reason")
	r.Tags = NormalizeTags(field("tags"))
	if c := field("confidence"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > 100 {
			return fmt.Errorf("confidence %q is not 0-100", clip(c))
		}
		r.Confidence = n
	}
	if r.TLP, err = ParseTLP(field("tlp")); err != nil {
		return err
	}
	return p.fr.emit(r)
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
