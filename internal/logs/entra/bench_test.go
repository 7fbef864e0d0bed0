package entra

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs/logstest"
)

// benchRecords are sign-ins shaped like bench/sweep-bench.sh's auth log:
// 3,000 users, addresses at random, one failure in four.
func benchRecords(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"createdDateTime":"2025-01-%02dT%02d:%02d:%02dZ","userPrincipalName":"user%04d@corp.example","appDisplayName":"Office 365 Exchange Online","ipAddress":"%d.%d.%d.%d","clientAppUsed":"Browser","status":{"errorCode":%d},"location":{"countryOrRegion":"FR"}}`+"\n",
			1+i%28, i%24, i%60, (i*7)%60, r.IntN(3000), 81+r.IntN(130), r.IntN(256), r.IntN(256), 1+r.IntN(254), []int{0, 0, 0, 50126}[r.IntN(4)])
	}
	return b.String()
}

// BenchmarkParse reads NDJSON sign-ins (the bench's shape, and Elastic's
// full records), and the portal's CSV download. Run with -cpu 1: MB/cpu-s
// is the figure per core that holds on a shared machine.
func BenchmarkParse(b *testing.B) {
	excerpt, err := os.ReadFile(logstest.SharedLogs + "/elastic-excerpts/entra_signinlogs.excerpt.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	csv, err := os.ReadFile("testdata/InteractiveSignIns_2025-03-14_2025-03-21.csv")
	if err != nil {
		b.Fatal(err)
	}
	head, rows, _ := strings.Cut(string(csv), "\n")
	for _, c := range []struct {
		name string
		in   []byte
	}{
		{"ndjson", logstest.Repeat("", benchRecords(20000), 4<<20)},
		{"elastic", logstest.Repeat("", string(excerpt), 4<<20)},
		{"csv", logstest.Repeat(head+"\n", rows, 4<<20)},
	} {
		b.Run(c.name, func(b *testing.B) { logstest.Bench(b, Parser, c.in) })
	}
}
