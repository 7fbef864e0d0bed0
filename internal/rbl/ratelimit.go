package rbl

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"time"
)

// RateLimit bounds the UDP responses each client network gets, in the manner
// of DNS response-rate limiting: a token bucket per IPv4 /24 or IPv6 /56;
// over the limit, every Slip-th response is sent empty with TC=1 (a real
// resolver retries over TCP, a spoofed victim receives only a tiny packet)
// and the others are dropped. TCP is not limited: it cannot be spoofed.
type RateLimit struct {
	// PerSecond is the sustained number of responses per second per client
	// network; 0 means DefaultRateLimit's, negative disables the limit.
	PerSecond float64
	// Burst is the bucket size; 0 means twice PerSecond.
	Burst int
	// Slip: every Slip-th limited query gets a truncated answer, 0 means 2,
	// negative drops them all.
	Slip int
	// Exempt lists client networks that are never limited (e.g. the local
	// MTAs on loopback).
	Exempt []netip.Prefix
}

// DefaultRateLimit is used for the zero RateLimit.
var DefaultRateLimit = RateLimit{PerSecond: 200, Burst: 400, Slip: 2}

const (
	rateShards     = 64
	maxShardTracks = 4096 // networks tracked per shard: bounded memory under spoofing
)

type rateVerdict int

const (
	rateAllow rateVerdict = iota
	rateDrop
	rateSlip
)

type rateLimiter struct {
	rate, burst float64
	slip        int
	exempt      []netip.Prefix
	seed        maphash.Seed
	now         func() time.Time
	shards      [rateShards]rateShard
}

type rateShard struct {
	mu      sync.Mutex
	buckets map[netip.Prefix]*bucket
}

type bucket struct {
	tokens  float64
	last    time.Time
	limited int // limited queries since the last allowed one, for slips
}

func newRateLimiter(c RateLimit) *rateLimiter {
	if c.PerSecond < 0 {
		return nil
	}
	if c.PerSecond == 0 {
		c.PerSecond = DefaultRateLimit.PerSecond
	}
	if c.Burst <= 0 {
		c.Burst = int(2 * c.PerSecond)
	}
	if c.Slip == 0 {
		c.Slip = DefaultRateLimit.Slip
	}
	l := &rateLimiter{rate: c.PerSecond, burst: float64(max(c.Burst, 1)), slip: c.Slip,
		exempt: c.Exempt, seed: maphash.MakeSeed(), now: time.Now}
	for i := range l.shards {
		l.shards[i].buckets = map[netip.Prefix]*bucket{}
	}
	return l
}

// clientNet is the network a client is accounted to: its /24 or /56.
func clientNet(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	bits := 24
	if a.Is6() {
		bits = 56
	}
	p, _ := a.Prefix(bits)
	return p
}

func (l *rateLimiter) allow(client netip.Addr) rateVerdict {
	if !client.IsValid() {
		return rateAllow
	}
	for _, p := range l.exempt {
		if p.Contains(client) {
			return rateAllow
		}
	}
	key := clientNet(client)
	h := maphash.Comparable(l.seed, key)
	sh := &l.shards[h%rateShards]
	now := l.now()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	b := sh.buckets[key]
	if b == nil {
		if len(sh.buckets) >= maxShardTracks {
			l.sweep(sh, now)
		}
		if len(sh.buckets) >= maxShardTracks {
			// Too many networks at once is itself an attack: limit newcomers.
			return l.limited(&bucket{})
		}
		b = &bucket{tokens: l.burst, last: now}
		sh.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		b.limited = 0
		return rateAllow
	}
	return l.limited(b)
}

func (l *rateLimiter) limited(b *bucket) rateVerdict {
	b.limited++
	if l.slip > 0 && b.limited%l.slip == 0 {
		return rateSlip
	}
	return rateDrop
}

// sweep forgets the networks whose bucket has refilled: they are idle.
func (l *rateLimiter) sweep(sh *rateShard, now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range sh.buckets {
		if now.Sub(b.last) >= full {
			delete(sh.buckets, k)
		}
	}
}
