package dnsx

import "time"

// Hooks for the external tests (package dnsx_test), which need dnstest.

func SetCacheClock(r Resolver, now func() time.Time) { r.(*cache).now = now }

func CacheStats(r Resolver) (hits, misses uint64) { return r.(*cache).stats() }

var UnescapeTXT = unescapeTXT
