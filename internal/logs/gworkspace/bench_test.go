package gworkspace

import (
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs/logstest"
)

// BenchmarkParse reads Reports API login events (Elastic's excerpt, NDJSON)
// and the admin console's CSV export, over and over. Run with -cpu 1.
func BenchmarkParse(b *testing.B) {
	excerpt, err := os.ReadFile(logstest.SharedLogs + "/elastic-excerpts/google_workspace_login.excerpt.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	csv, err := os.ReadFile("testdata/login-audit-export.csv")
	if err != nil {
		b.Fatal(err)
	}
	head, rows, _ := strings.Cut(string(csv), "\n")
	b.Run("ndjson", func(b *testing.B) { logstest.Bench(b, Parser, logstest.Repeat("", string(excerpt), 4<<20)) })
	b.Run("csv", func(b *testing.B) { logstest.Bench(b, Parser, logstest.Repeat(head+"\n", rows, 4<<20)) })
}
