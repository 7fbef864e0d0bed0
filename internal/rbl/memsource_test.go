package rbl

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

func TestMemSourceLookupIP(t *testing.T) {
	src, _ := loadTestSource(t)
	tests := []struct {
		ip     string
		listed bool
		code   byte
	}{
		{"192.0.2.10", true, 2},
		{"192.0.2.11", true, 3},        // per-entry value
		{"192.0.2.12", false, 0},       // neighbour
		{"198.51.100.1", true, 2},      // inside a /24
		{"198.51.100.7", false, 0},     // excluded from the /24
		{"203.0.113.9", true, 2},       // "203.0.113" is a /24
		{"203.0.113.200", true, 4},     // more specific entry wins
		{"100.64.1.16", true, 2},       // range start
		{"100.64.1.31", true, 2},       // range end
		{"100.64.1.32", false, 0},      // past the range
		{"10.1.2.3", true, 2},          // comment after the entry
		{"10.9.9.9", true, 5},          // ":5:" no TXT
		{"300.1.2.3", false, 0},        // not even an address; never loaded
		{"::ffff:192.0.2.10", true, 2}, // IPv4-mapped
		{"2001:db8:1:ffff::1", true, 2},
		{"2001:db8:1:5::1", true, 3}, // /64 inside the /48
		{"2001:db8:1::bad", false, 0},
		{"2001:db8:2:3:4::5", true, 2}, // "2001:db8:2:3" is a /64
		{"2001:db8:2:4::1", false, 0},
		{"2001:db9::1", false, 0},
	}
	for _, tt := range tests {
		ip, err := netip.ParseAddr(tt.ip)
		if err != nil {
			continue
		}
		e, ok := src.LookupIP(ip)
		if ok != tt.listed || e.Code != tt.code {
			t.Errorf("LookupIP(%s) = %+v, %v; want code %d, %v", tt.ip, e, ok, tt.code, tt.listed)
		}
	}
	if e, _ := src.LookupIP(netip.MustParseAddr("192.0.2.11")); e.Reason != "Watched: $ seen in incident 42" {
		t.Errorf("reason = %q", e.Reason)
	}
	if e, _ := src.LookupIP(netip.MustParseAddr("10.9.9.9")); e.Reason != "" {
		t.Errorf(`":5:" must clear the TXT, got %q`, e.Reason)
	}
}

func TestMemSourceLookupDomain(t *testing.T) {
	src, _ := loadTestSource(t)
	tests := []struct {
		name   string
		listed bool
		code   byte
	}{
		{"phish.example", true, 2},
		{"www.phish.example", false, 0}, // plain entry: the name only
		{"evil.example", true, 2},       // ".evil.example": itself…
		{"a.b.evil.example", true, 2},   // …and subdomains
		{"good.evil.example", false, 0}, // exclusion
		{"x.good.evil.example", true, 2},
		{"wild.example", false, 0}, // "*.": subdomains only
		{"www.wild.example", true, 2},
		{"login.watched.example", true, 3},
		{"mixed-case.example", true, 2},
		{"MIXED-case.Example.", true, 2},
		{"example", false, 0},
		{"notevil.example", false, 0},
	}
	for _, tt := range tests {
		e, ok := src.LookupDomain(tt.name)
		if ok != tt.listed || e.Code != tt.code {
			t.Errorf("LookupDomain(%s) = %+v, %v; want code %d, %v", tt.name, e, ok, tt.code, tt.listed)
		}
	}
}

func TestMemSourceLookupURLHash(t *testing.T) {
	src, _ := loadTestSource(t)
	h := func(u string) string { s := sha256.Sum256([]byte(u)); return hex.EncodeToString(s[:]) }
	if e, ok := src.LookupURLHash(h("https://evil.example/a?b=c")); !ok || e.Code != 4 || e.Reason != "Phishing URL" {
		t.Errorf("listed URL: %+v %v", e, ok)
	}
	if _, ok := src.LookupURLHash(h("http://phish.example/login")); !ok {
		t.Error("default-valued URL not listed")
	}
	for _, bad := range []string{h("http://other.example/"), "zz", strings.Repeat("g", 64)} {
		if _, ok := src.LookupURLHash(bad); ok {
			t.Errorf("%q listed", bad)
		}
	}
}

func TestMemBuilderLastWins(t *testing.T) {
	b := NewMemBuilder()
	p := netip.MustParsePrefix("192.0.2.0/24")
	b.AddPrefix(p, Entry{Code: 2})
	b.AddPrefix(p, Entry{Code: 3})
	b.AddHost("a.example", Entry{Code: 2})
	b.AddSubdomains("a.example", Entry{Code: 4})
	src := b.Build()
	if e, _ := src.LookupIP(netip.MustParseAddr("192.0.2.1")); e.Code != 3 {
		t.Errorf("duplicate prefix: code %d, want 3", e.Code)
	}
	if e, _ := src.LookupDomain("a.example"); e.Code != 2 {
		t.Errorf("host: code %d, want 2", e.Code)
	}
	if e, _ := src.LookupDomain("b.a.example"); e.Code != 4 {
		t.Errorf("subdomain: code %d, want 4", e.Code)
	}
	if n, d, u := src.Len(); n != 1 || d != 1 || u != 0 {
		t.Errorf("Len() = %d, %d, %d", n, d, u)
	}
}

// TestSetSourceRace swaps sources while queries run; run with -race.
func TestSetSourceRace(t *testing.T) {
	s := newTestServer(t, RateLimit{})
	q, _ := question(reverse4("192.0.2.10"), 1).Pack()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			buf := make([]byte, 0, 512)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if s.Respond(buf, q, netip.Addr{}, false) == nil {
					t.Error("dropped")
					return
				}
			}
		})
	}
	for i := range 50 {
		b := NewMemBuilder()
		b.AddPrefix(netip.MustParsePrefix("192.0.2.10/32"), Entry{Code: byte(2 + i%2)})
		s.SetSource(b.Build())
	}
	close(stop)
	wg.Wait()
}

// synthetic1M mimics the anchor's data set: 95% single addresses, 5% /24s,
// clustered in hot /16s.
func synthetic1M(n int) (*MemSource, []netip.Addr) {
	r := rand.New(rand.NewPCG(1, 2))
	hot := make([]uint32, 4000)
	for i := range hot {
		hot[i] = uint32(r.IntN(223)+1)<<24 | uint32(r.IntN(256))<<16
	}
	b := NewMemBuilder()
	e := Entry{Code: CodeBlock, Reason: "Listed, see https://vigie.example/$"}
	probes := make([]netip.Addr, 0, 1<<16)
	for i := range n {
		x := hot[r.IntN(len(hot))] | uint32(r.IntN(1<<16))
		bits := 32
		if i%20 == 0 {
			bits = 24
		}
		b.AddPrefix(netip.PrefixFrom(addr4(x), bits).Masked(), e)
		if len(probes) < cap(probes) {
			probes = append(probes, addr4(x), addr4(x^0x5a5a))
		}
	}
	return b.Build(), probes
}

func BenchmarkLookupIP1M(b *testing.B) {
	src, probes := synthetic1M(1_000_000)
	b.ResetTimer()
	hits := 0
	for i := range b.N {
		if _, ok := src.LookupIP(probes[i&(len(probes)-1)]); ok {
			hits++
		}
	}
	b.ReportMetric(float64(hits)/float64(b.N), "hit-ratio")
}

func BenchmarkLoad1M(b *testing.B) {
	for range b.N {
		synthetic1M(1_000_000)
	}
}

func BenchmarkLookupDomain200k(b *testing.B) {
	bld := NewMemBuilder()
	names := make([]string, 200_000)
	for i := range names {
		names[i] = fmt.Sprintf("brand-%d-login.example%d.com", i, i%97)
		bld.AddDomain(names[i], Entry{Code: CodeBlock})
	}
	src := bld.Build()
	b.ResetTimer()
	for i := range b.N {
		n := names[i%len(names)]
		if i&1 == 1 {
			n = "www.secure." + n + "x"
		}
		src.LookupDomain(n)
	}
}

// TestPrefixIndex checks the first-level index against plain binary search.
func TestPrefixIndex(t *testing.T) {
	src, probes := synthetic1M(3 * minIndexed)
	if src.v4.levels[0].first == nil {
		t.Fatal("index not built")
	}
	// The same keys as one small (unbucketed) level each.
	plain := v4Table{}
	for _, lv := range src.v4.levels {
		small := v4Level{bits: lv.bits, vals: makePacked(4, lv.vals.len())}
		for top := range 1 << 16 {
			if lv.first == nil {
				break
			}
			for i := lv.first[top]; i < lv.first[top+1]; i++ {
				small.vals.set(len(small.keys), lv.vals.get(int(i)))
				small.keys = append(small.keys, v4key(top)<<16|v4key(lv.low[i]))
			}
		}
		if lv.first == nil {
			small = lv
		}
		plain.levels = append(plain.levels, small)
	}
	for _, p := range probes {
		k := toV4key(p)
		if a, b := src.v4.lookup(k), plain.lookup(k); a != b {
			t.Fatalf("%s: indexed %d, plain %d", p, a, b)
		}
	}
}
