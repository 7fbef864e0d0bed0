package message

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time. Benchmarks report it per
// operation beside ns/op because the development machines are shared:
// wall time then measures the neighbours as much as the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkParse measures the whole parse (headers, MIME, QP, charset, HTML
// text, URLs) of a 40 KB HTML invoice phish. Budget: 150 µs, so that the
// whole scan stays above 2,000 messages/s per core.
func BenchmarkParse(b *testing.B) {
	raw, err := os.ReadFile("testdata/bench-invoice-40k.eml")
	if err != nil {
		b.Fatal(err)
	}
	lim := DefaultLimits()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	start := cpuTime()
	n := 0
	for b.Loop() {
		Parse(raw, lim)
		n++
	}
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(n), "cpu-ns/op")
}
