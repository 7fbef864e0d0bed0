package logs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CSV exports: the audit search (AuditData column), the Entra admin center's
// sign-in download, the Google Admin console's login audit. Each is a header
// row, then one row per record; PowerShell's Export-Csv may put a "#TYPE"
// line first, and Export-Csv -UseCulture on a French system writes
// semicolons.

// CSVHeader returns the column names of the header that starts head (after
// a byte-order mark and a "#TYPE" line), or nil when head does not start
// with a CSV header: one line of at least three fields, not a JSON value.
func CSVHeader(head []byte) []string {
	line := firstCSVLine(head)
	if len(line) == 0 || line[0] == '{' || line[0] == '[' {
		return nil
	}
	r := csv.NewReader(bytes.NewReader(line))
	r.Comma = csvDelimiter(line)
	r.LazyQuotes = true
	cols, err := r.Read()
	if err != nil || len(cols) < 3 {
		return nil
	}
	return cols
}

// CSVColumns indexes column names for lookup by Col: trimmed, lower-cased,
// inner runs of blanks made one (the Entra download writes "Autonomous
// system  number" and "Application ID "); the first of duplicates wins.
func CSVColumns(cols []string) map[string]int {
	m := make(map[string]int, len(cols))
	for i, c := range cols {
		k := normColumn(c)
		if _, dup := m[k]; !dup {
			m[k] = i
		}
	}
	return m
}

func normColumn(c string) string {
	c = strings.ToLower(strings.Trim(strings.TrimSpace(c), "\ufeff\""))
	return strings.Join(strings.Fields(c), " ")
}

// HasColumns reports whether every name is a column.
func HasColumns(idx map[string]int, names ...string) bool {
	for _, n := range names {
		if _, ok := idx[n]; !ok {
			return false
		}
	}
	return true
}

// Col returns the first of names present, as an index, or -1.
func Col(idx map[string]int, names ...string) int {
	for _, n := range names {
		if i, ok := idx[n]; ok {
			return i
		}
	}
	return -1
}

// Cell returns row[i] trimmed, or "" when i is -1 or past the row.
func Cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
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
	return bytes.TrimRight(head, "\r")
}

func csvDelimiter(header []byte) rune {
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		return ';'
	}
	return ','
}

// CSVRow reads one data row; src is where it starts. An error is counted as
// a bad row and reading goes on.
type CSVRow func(src Source, row []string) error

// ReadCSV reads a CSV export: header is given the column names and returns
// the function that reads each row, or an error when the header is not one
// it reads (counted, and nothing else is read). Rows are bounded to
// MaxRecord bytes a physical line.
func ReadCSV(ctx context.Context, br *bufio.Reader, file string, st *Stats, header func(cols []string) (CSVRow, error)) error {
	head, _ := br.Peek(4096)
	delim := csvDelimiter(firstCSVLine(head))
	skipped := int64(0)
	if b, _ := br.Peek(5); string(b) == "#TYPE" {
		br.ReadString('\n')
		skipped = 1
	}
	cr := csv.NewReader(&lineCap{r: br})
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	cols, err := cr.Read()
	if err != nil {
		st.Errorf(Source{File: file, Line: 1 + skipped}, "no CSV header: %v", err)
		return nil
	}
	read, err := header(cols)
	if err != nil {
		st.Errorf(Source{File: file, Line: 1 + skipped}, "%v", err)
		return nil
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := cr.FieldPos(0)
		src := Source{File: file, Line: int64(line) + skipped}
		st.Lines++
		if errors.Is(err, errLineCap) {
			st.Errorf(src, "%v", err)
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				st.Errorf(Source{File: file, Line: int64(pe.Line) + skipped}, "bad CSV: %v", pe.Err)
				continue
			}
			return fmt.Errorf("logs: read %s: %w", file, err)
		}
		if err := read(src, rec); err != nil {
			st.Errorf(src, "%v", err)
		}
		if st.Lines&0xff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

var errLineCap = fmt.Errorf("CSV row over %d bytes", MaxRecord)

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
	if l.run > MaxRecord {
		return 0, errLineCap
	}
	return n, err
}
