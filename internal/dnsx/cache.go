package dnsx

import (
	"container/list"
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"
)

const (
	// maxTTL caps how long a positive answer is kept, whatever its TTL.
	maxTTL = time.Hour
	// fallbackTTL is used when the wrapped resolver cannot tell TTLs.
	fallbackTTL = 5 * time.Minute
	// maxNegTTL caps negative caching (RFC 2308 §5 suggests 1-3 hours; a
	// mail gateway wants a new DMARC or SPF record seen quickly).
	maxNegTTL = 5 * time.Minute
	// fallbackNegTTL is used for a negative answer without SOA.
	fallbackNegTTL = time.Minute
)

// cache is a size-bounded LRU of answers and negative answers. Temporary
// failures are never kept. Concurrent lookups of the same name share one
// query.
type cache struct {
	r    Resolver
	max  int
	now  func() time.Time
	mu   sync.Mutex
	m    map[cacheKey]*list.Element
	lru  *list.List // front: most recently used *cacheEntry
	wait map[cacheKey]*flight

	hits, misses uint64
}

type cacheKey struct {
	kind qkind
	name string
}

type cacheEntry struct {
	key     cacheKey
	val     any
	err     error
	expires time.Time
}

type flight struct {
	done chan struct{}
	val  any
	err  error
}

// NewCache wraps r with a cache of at most maxEntries answers. TTLs are
// honoured when r is a NewClient resolver and capped at one hour;
// NXDOMAIN and no-data answers are kept for the SOA's negative TTL, at most
// five minutes.
func NewCache(r Resolver, maxEntries int) Resolver {
	if maxEntries <= 0 {
		maxEntries = 10000
	}
	return &cache{
		r:    r,
		max:  maxEntries,
		now:  time.Now,
		m:    make(map[cacheKey]*list.Element),
		lru:  list.New(),
		wait: make(map[cacheKey]*flight),
	}
}

func (c *cache) LookupTXT(ctx context.Context, name string) ([]string, error) {
	v, err := c.get(ctx, qTXT, name)
	if err != nil {
		return nil, err
	}
	return append([]string(nil), v.([]string)...), nil
}

func (c *cache) LookupIP(ctx context.Context, host string) ([]netip.Addr, error) {
	v, err := c.get(ctx, qIP, host)
	if err != nil {
		return nil, err
	}
	return append([]netip.Addr(nil), v.([]netip.Addr)...), nil
}

func (c *cache) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	v, err := c.get(ctx, qMX, name)
	if err != nil {
		return nil, err
	}
	in := v.([]*net.MX)
	out := make([]*net.MX, len(in))
	for i, mx := range in {
		cp := *mx
		out[i] = &cp
	}
	return out, nil
}

func (c *cache) LookupAddr(ctx context.Context, ip netip.Addr) ([]string, error) {
	v, err := c.get(ctx, qPTR, ip.String())
	if err != nil {
		return nil, err
	}
	return append([]string(nil), v.([]string)...), nil
}

func (c *cache) get(ctx context.Context, kind qkind, name string) (any, error) {
	key := cacheKey{kind, strings.ToLower(strings.TrimSuffix(name, "."))}
	c.mu.Lock()
	if el, ok := c.m[key]; ok {
		e := el.Value.(*cacheEntry)
		if c.now().Before(e.expires) {
			c.lru.MoveToFront(el)
			c.hits++
			c.mu.Unlock()
			return e.val, e.err
		}
		c.lru.Remove(el)
		delete(c.m, key)
	}
	if f, ok := c.wait[key]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
			// The leader's own deadline is not ours: ask again ourselves.
			if f.err != nil && IsTemporary(f.err) && ctx.Err() == nil {
				v, _, err := c.fetch(ctx, kind, name)
				return v, err
			}
			return f.val, f.err
		case <-ctx.Done():
			return nil, &Error{Name: key.name, Type: kind.String(), Kind: KindTemporary, Err: ctx.Err()}
		}
	}
	f := &flight{done: make(chan struct{})}
	c.wait[key] = f
	c.misses++
	c.mu.Unlock()

	val, ttl, err := c.fetch(ctx, kind, name)
	f.val, f.err = val, err

	c.mu.Lock()
	delete(c.wait, key)
	if ttl > 0 && (err == nil || IsNotFound(err)) {
		c.store(&cacheEntry{key: key, val: val, err: err, expires: c.now().Add(ttl)})
	}
	c.mu.Unlock()
	close(f.done)
	return val, err
}

// fetch asks the wrapped resolver and says how long the answer may be kept.
func (c *cache) fetch(ctx context.Context, kind qkind, name string) (any, time.Duration, error) {
	var (
		val any
		ttl time.Duration
		err error
	)
	if tl, ok := c.r.(ttlLookuper); ok {
		val, ttl, err = tl.lookupTTL(ctx, kind, name)
		if err == nil || IsNotFound(err) {
			ttl = clampTTL(ttl, err)
		}
	} else {
		switch kind {
		case qTXT:
			val, err = c.r.LookupTXT(ctx, name)
		case qIP:
			val, err = c.r.LookupIP(ctx, name)
		case qMX:
			val, err = c.r.LookupMX(ctx, name)
		case qPTR:
			ip, perr := netip.ParseAddr(name)
			if perr != nil {
				return nil, 0, &Error{Name: name, Type: "PTR", Kind: KindNotFound, Err: perr}
			}
			val, err = c.r.LookupAddr(ctx, ip)
		}
		ttl = fallbackTTL
		if err != nil {
			ttl = fallbackNegTTL
		}
	}
	return val, ttl, err
}

func clampTTL(ttl time.Duration, err error) time.Duration {
	if err != nil {
		if ttl <= 0 {
			return fallbackNegTTL
		}
		return min(ttl, maxNegTTL)
	}
	return min(ttl, maxTTL)
}

func (c *cache) store(e *cacheEntry) {
	if el, ok := c.m[e.key]; ok {
		el.Value = e
		c.lru.MoveToFront(el)
		return
	}
	c.m[e.key] = c.lru.PushFront(e)
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.m, old.Value.(*cacheEntry).key)
	}
}

// stats returns hits and misses, for tests.
func (c *cache) stats() (hits, misses uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}
