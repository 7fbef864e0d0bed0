package dovecot

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs/logstest"
)

// BenchmarkParse reads successful IMAP logins shaped like
// bench/sweep-bench.sh's auth log, and fail2ban's Dovecot lines (failures
// of every kind). Run with -cpu 1.
func BenchmarkParse(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var logins strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&logins, "Jan %2d %02d:%02d:%02d mail dovecot: imap-login: Login: user=<user%04d@corp.example>, method=PLAIN, rip=%d.%d.%d.%d, lip=192.0.2.10, mpid=%d, TLS, session=<%08x>\n",
			1+i%28, i%24, i%60, (i*7)%60, r.IntN(3000), 81+r.IntN(130), r.IntN(256), r.IntN(256), 1+r.IntN(254), 1000+r.IntN(99000), r.Uint32())
	}
	fixture, err := os.ReadFile("testdata/fail2ban-dovecot.log")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("logins", func(b *testing.B) { logstest.Bench(b, Parser, logstest.Repeat("", logins.String(), 4<<20)) })
	b.Run("fail2ban", func(b *testing.B) { logstest.Bench(b, Parser, logstest.Repeat("", string(fixture), 4<<20)) })
}
