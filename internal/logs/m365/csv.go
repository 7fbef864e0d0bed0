package m365

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 64<<10) }

// parseCSV reads the audit search export: a header row, then one row per record
// with the record's JSON in the AuditData column.
func parseCSV(ctx context.Context, r io.Reader, file string, st *logs.Stats, handle func(logs.Source, []byte)) error {
	cr := csv.NewReader(&lineCap{r: r})
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		st.Errorf(logs.Source{File: file, Line: 1}, "no CSV header: %v", err)
		return nil
	}
	col := -1
	for i, h := range header {
		if strings.EqualFold(strings.Trim(strings.TrimSpace(h), "\ufeff\""), "AuditData") {
			col = i
		}
	}
	if col < 0 {
		st.Errorf(logs.Source{File: file, Line: 1}, "CSV header has no AuditData column")
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := cr.FieldPos(0)
		src := logs.Source{File: file, Line: int64(line)}
		st.Lines++
		if errors.Is(err, errLineCap) {
			st.Errorf(src, "%v", err)
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				st.Errorf(logs.Source{File: file, Line: int64(pe.Line)}, "bad CSV: %v", pe.Err)
				continue
			}
			return fmt.Errorf("m365: read %s: %w", file, err)
		}
		if col >= len(rec) {
			st.Errorf(src, "row without an AuditData column")
			continue
		}
		handle(src, []byte(rec[col]))
		if st.Lines&0xff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

var errLineCap = fmt.Errorf("CSV row over %d bytes", logs.MaxRecord)

// lineCap fails when a physical line exceeds MaxRecord, bounding what the CSV
// reader buffers for one row.
type lineCap struct {
	r   io.Reader
	run int
}

func (l *lineCap) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			l.run = 0
		} else {
			l.run++
		}
	}
	if l.run > logs.MaxRecord {
		return 0, errLineCap
	}
	return n, err
}
