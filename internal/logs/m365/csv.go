package m365

import (
	"bufio"
	"context"
	"errors"

	"vigie.dev/vigie/internal/logs"
)

// IsCSV reports whether an input starts like an audit search CSV export: a
// header naming the AuditData column, possibly after PowerShell 5's "#TYPE" line.
func IsCSV(head []byte) bool {
	_, ok := logs.CSVColumns(logs.CSVHeader(head))["auditdata"]
	return ok
}

var errNoAuditData = errors.New("CSV header has no AuditData column")

// ParseCSV reads the audit search export: a header row, then one row per
// record with the record's JSON in the AuditData column. The Purview portal
// and PowerShell's Export-Csv write commas; Export-Csv -UseCulture on a French
// system writes semicolons.
func ParseCSV(ctx context.Context, br *bufio.Reader, file string, st *logs.Stats, emit func(logs.Event)) error {
	m := logs.NewMux([]logs.Dialect{Dialect}, logs.Options{}, st, emit)
	defer m.Finish()
	return logs.ReadCSV(ctx, br, file, st, func(cols []string) (logs.CSVRow, error) {
		col := logs.Col(logs.CSVColumns(cols), "auditdata")
		if col < 0 {
			return nil, errNoAuditData
		}
		return func(src logs.Source, rec []string) error {
			data := logs.Cell(rec, col)
			if data == "" {
				return errors.New("row without an AuditData value")
			}
			m.Record(src, []byte(data))
			return nil
		}, nil
	})
}
