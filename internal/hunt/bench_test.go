package hunt

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"syscall"
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
)

// benchAuth writes an auth log shaped like bench/sweep-bench.sh's: Dovecot
// logins and Entra sign-ins (NDJSON) of 3,000 users from random addresses,
// a few from 203.0.113.0/24, which the set gets as indicators.
func benchAuth(size int, set *Set) []byte {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 1; i < 200; i++ {
		set.Add(fmt.Sprintf("203.0.113.%d", i))
	}
	var b bytes.Buffer
	t := int64(1735689600)
	for b.Len() < size {
		t += int64(r.IntN(4))
		u := fmt.Sprintf("user%04d@corp.example", r.IntN(3000))
		ip := fmt.Sprintf("%d.%d.%d.%d", []int{81, 82, 86, 90, 91, 92, 176, 178, 185, 212}[r.IntN(10)], r.IntN(256), r.IntN(256), r.IntN(254)+1)
		if r.IntN(5000) == 0 {
			ip = fmt.Sprintf("203.0.113.%d", 1+r.IntN(199))
		}
		day, hh, mm, ss := 1+(t/86400)%28, (t/3600)%24, (t/60)%60, t%60
		if r.IntN(10) < 6 {
			fmt.Fprintf(&b, "Jan %2d %02d:%02d:%02d mail dovecot: imap-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.10, mpid=%d, TLS, session=<%08x>\n", day, hh, mm, ss, u, ip, r.IntN(99000)+1000, r.Uint32())
		} else {
			fmt.Fprintf(&b, `{"createdDateTime":"2025-01-%02dT%02d:%02d:%02dZ","userPrincipalName":"%s","appDisplayName":"Office 365 Exchange Online","ipAddress":"%s","clientAppUsed":"Browser","status":{"errorCode":%d},"location":{"countryOrRegion":"FR"}}`+"\n",
				day, hh, mm, ss, u, ip, []int{0, 0, 0, 50126}[r.IntN(4)])
		}
	}
	return b.Bytes()
}

// benchInputs returns the benchmark's inputs: generated, or the anchor's
// files when VIGIE_HUNT_SQUID, VIGIE_HUNT_AUTH (first 256 MB) and
// VIGIE_SWEEP_IOC are set.
func benchInputs(b *testing.B) (map[string][]byte, *Set) {
	squid, set := benchData(b, 64<<20)
	inputs := map[string][]byte{"squid": squid, "auth": benchAuth(8<<20, set)}
	for name, env := range map[string]string{"squid": "VIGIE_HUNT_SQUID", "auth": "VIGIE_HUNT_AUTH"} {
		if p := os.Getenv(env); p != "" {
			f, err := os.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			inputs[name], _ = io.ReadAll(io.LimitReader(f, 256<<20))
			f.Close()
		}
	}
	if p := os.Getenv("VIGIE_SWEEP_IOC"); p != "" {
		set = NewSet()
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		set.ReadList(bufio.NewReader(f))
		f.Close()
		set.Len() // builds the tables of names before the timer, whatever the log
	}
	return inputs, set
}

// benchEach runs fn on each input with the bytes and CPU time reported.
func benchEach(b *testing.B, fn func(b *testing.B, data []byte, set *Set)) {
	inputs, set := benchInputs(b)
	for _, name := range []string{"squid", "auth"} {
		data := inputs[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			cpu0 := cpuTime()
			for b.Loop() {
				fn(b, data, set)
			}
			if secs := cpuTime() - cpu0; secs > 0 {
				b.ReportMetric(float64(len(data))*float64(b.N)/1e6/secs, "MB/cpu-s")
			}
		})
	}
}

// BenchmarkHunt measures the full hunt (every detection, indicators loaded)
// per input: a Squid log and an auth log. Run with -cpu 1 for the figure per
// core; MB/cpu-s (user+system time) holds on a shared machine.
func BenchmarkHunt(b *testing.B) {
	benchEach(b, func(b *testing.B, data []byte, set *Set) {
		h := New(Config{}, set, nil, nil)
		_, err := ingest.Read(context.Background(), []string{"-"}, ingest.Config{Stdin: bytes.NewReader(data),
			Options: logs.Options{Year: 2025, KeepWeb: set.WebFilter(), SignInsNotKept: true}}, h.Observe)
		if err != nil {
			b.Fatal(err)
		}
		h.Findings()
	})
}

// BenchmarkRead is the reading alone (formats detected, events built and
// dropped): what the hunt adds is the difference with BenchmarkHunt.
func BenchmarkRead(b *testing.B) {
	benchEach(b, func(b *testing.B, data []byte, set *Set) {
		_, err := ingest.Read(context.Background(), []string{"-"}, ingest.Config{Stdin: bytes.NewReader(data),
			Options: logs.Options{Year: 2025, KeepWeb: set.WebFilter(), SignInsNotKept: true}}, func(logs.Event) {})
		if err != nil {
			b.Fatal(err)
		}
	})
}

// cpuTime is the process's user+system time: on a shared machine, what a
// run costs whatever the load.
func cpuTime() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
