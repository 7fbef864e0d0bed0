package m365

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// IsCSV reports whether an input starts like an audit search CSV export: a
// header naming the AuditData column, possibly after PowerShell 5's "#TYPE" line.
func IsCSV(head []byte) bool {
	line := firstCSVLine(head)
	return bytes.Contains(line, []byte("AuditData")) && !bytes.HasPrefix(bytes.TrimSpace(line), []byte("{"))
}

func firstCSVLine(head []byte) []byte {
	head = bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	if bytes.HasPrefix(head, []byte("#TYPE")) {
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			head = head[i+1:]
		}
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	return head
}

// ParseCSV reads the audit search export: a header row, then one row per
// record with the record's JSON in the AuditData column. The Purview portal
// and PowerShell's Export-Csv write commas; Export-Csv -UseCulture on a French
// system writes semicolons.
func ParseCSV(ctx context.Context, br *bufio.Reader, file string, st *logs.Stats, emit func(logs.Event)) error {
	head, _ := br.Peek(4096)
	delim := ','
	if h := firstCSVLine(head); bytes.Count(h, []byte(";")) > bytes.Count(h, []byte(",")) {
		delim = ';'
	}
	skipped := int64(0)
	if b, _ := br.Peek(5); string(b) == "#TYPE" {
		br.ReadString('\n')
		skipped = 1
	}
	m := logs.NewMux([]logs.Dialect{Dialect}, logs.Options{}, st, emit)
	defer m.Finish()
	cr := csv.NewReader(&lineCap{r: br})
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		st.Errorf(logs.Source{File: file, Line: 1 + skipped}, "no CSV header: %v", err)
		return nil
	}
	col := -1
	for i, h := range header {
		if strings.EqualFold(strings.Trim(strings.TrimSpace(h), "\ufeff\""), "AuditData") {
			col = i
		}
	}
	if col < 0 {
		st.Errorf(logs.Source{File: file, Line: 1 + skipped}, "CSV header has no AuditData column")
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := cr.FieldPos(0)
		src := logs.Source{File: file, Line: int64(line) + skipped}
		st.Lines++
		if errors.Is(err, errLineCap) {
			st.Errorf(src, "%v", err)
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				st.Errorf(logs.Source{File: file, Line: int64(pe.Line) + skipped}, "bad CSV: %v", pe.Err)
				continue
			}
			return fmt.Errorf("m365: read %s: %w", file, err)
		}
		if col >= len(rec) || strings.TrimSpace(rec[col]) == "" {
			st.Errorf(src, "row without an AuditData value")
			continue
		}
		m.Record(src, []byte(rec[col]))
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
