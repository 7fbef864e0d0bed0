package postfix

import (
	"os"
	"testing"

	"vigie.dev/vigie/internal/logs/logstest"
)

// BenchmarkParse reads fail2ban's Postfix lines (SASL failures among
// others) over and over. Run with -cpu 1.
func BenchmarkParse(b *testing.B) {
	fixture, err := os.ReadFile("testdata/fail2ban-postfix.log")
	if err != nil {
		b.Fatal(err)
	}
	logstest.Bench(b, Parser, logstest.Repeat("", string(fixture), 4<<20))
}
