package dnsx_test

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/dnsx/dnstest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestCacheHonoursTTL(t *testing.T) {
	srv := startFixture(t)
	c := dnsx.NewCache(srv.Resolver(), 100)
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	dnsx.SetCacheClock(c, clk.now)
	ctx := context.Background()

	// mx0 has TTL 60, the example.org SOA gives a negative TTL of 120.
	steps := []struct {
		advance time.Duration
		lookup  func() error
		name    string
		queries int // total queries the server has seen for name afterwards
	}{
		{0, func() error { _, err := c.LookupIP(ctx, "mx0.example.org"); return err }, "mx0.example.org", 2},
		{30 * time.Second, func() error { _, err := c.LookupIP(ctx, "MX0.example.org."); return err }, "mx0.example.org", 2},
		{31 * time.Second, func() error { _, err := c.LookupIP(ctx, "mx0.example.org"); return err }, "mx0.example.org", 4},
		{0, func() error { _, err := c.LookupTXT(ctx, "nx.example.org"); return ignoreNotFound(err) }, "nx.example.org", 1},
		{119 * time.Second, func() error { _, err := c.LookupTXT(ctx, "nx.example.org"); return ignoreNotFound(err) }, "nx.example.org", 1},
		{2 * time.Second, func() error { _, err := c.LookupTXT(ctx, "nx.example.org"); return ignoreNotFound(err) }, "nx.example.org", 2},
	}
	for i, s := range steps {
		clk.add(s.advance)
		if err := s.lookup(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := srv.Queries(s.name); got != s.queries {
			t.Errorf("step %d: server saw %d queries for %s, want %d", i, got, s.name, s.queries)
		}
	}
	// A cached negative answer is still a not-found error.
	if _, err := c.LookupTXT(ctx, "nx.example.org"); !dnsx.IsNotFound(err) {
		t.Errorf("cached negative: %v", err)
	}
}

func ignoreNotFound(err error) error {
	if dnsx.IsNotFound(err) {
		return nil
	}
	if err == nil {
		return fmt.Errorf("want not found, got an answer")
	}
	return err
}

func TestCacheDoesNotKeepTemporaryFailures(t *testing.T) {
	srv := startFixture(t)
	srv.ServFail("flaky.example.org")
	c := dnsx.NewCache(srv.Resolver(), 100)
	ctx := context.Background()
	for range 3 {
		if _, err := c.LookupTXT(ctx, "flaky.example.org"); !dnsx.IsTemporary(err) {
			t.Fatalf("err = %v", err)
		}
	}
	if got := srv.Queries("flaky.example.org"); got < 3 {
		t.Errorf("server saw %d queries; a temporary failure was cached", got)
	}
}

func TestCacheBoundedAndConcurrent(t *testing.T) {
	srv := dnstest.Start(t, "")
	for i := range 50 {
		srv.Add(fmt.Sprintf("h%d.example.org. 300 IN A 192.0.2.%d", i, i))
	}
	c := dnsx.NewCache(srv.Resolver(), 10)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				host := fmt.Sprintf("h%d.example.org", (i+g)%50)
				ips, err := c.LookupIP(ctx, host)
				if err != nil || len(ips) != 1 || ips[0] != netip.AddrFrom4([4]byte{192, 0, 2, byte((i + g) % 50)}) {
					t.Errorf("LookupIP(%s) = %v, %v", host, ips, err)
				}
				ips[0] = netip.Addr{} // callers may scribble on results
			}
		})
	}
	wg.Wait()
	hits, misses := dnsx.CacheStats(c)
	if hits+misses == 0 || misses < 50 {
		t.Errorf("hits=%d misses=%d: cache of 10 entries cannot hold 50 names", hits, misses)
	}
	// Repeated lookups of one name are served from memory.
	for range 100 {
		if _, err := c.LookupIP(ctx, "h1.example.org"); err != nil {
			t.Fatal(err)
		}
	}
	before := srv.Queries("h1.example.org")
	for range 100 {
		c.LookupIP(ctx, "h1.example.org")
	}
	if after := srv.Queries("h1.example.org"); after != before {
		t.Errorf("cache hit went to the server: %d -> %d queries", before, after)
	}
}

func TestCacheSharesConcurrentMisses(t *testing.T) {
	srv := startFixture(t)
	c := dnsx.NewCache(srv.Resolver(), 100)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.LookupMX(context.Background(), "example.org"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := srv.Queries("example.org"); got != 1 {
		t.Errorf("20 concurrent lookups sent %d queries, want 1", got)
	}
}

func BenchmarkCacheHit(b *testing.B) {
	srv := dnstest.Start(b, "example.org. 300 IN TXT \"v=spf1 -all\"\n")
	c := dnsx.NewCache(srv.Resolver(), 1000)
	ctx := context.Background()
	if _, err := c.LookupTXT(ctx, "example.org"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.LookupTXT(ctx, "example.org"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClientUDP(b *testing.B) {
	srv := dnstest.Start(b, "example.org. 300 IN TXT \"v=spf1 -all\"\n")
	r := srv.Resolver()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.LookupTXT(ctx, "example.org"); err != nil {
			b.Fatal(err)
		}
	}
}
