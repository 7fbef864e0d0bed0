package account

import (
	"sync"
	"time"
)

// ThrottleOptions tune log-in throttling; zero fields take the defaults.
type ThrottleOptions struct {
	Free int           // failures before the first lock-out (default 5)
	Base time.Duration // first lock-out (default 2 s), doubled at each further failure
	Max  time.Duration // longest lock-out (default 15 min)
	// Forget drops a key's failures after this long without one (default 1 h).
	Forget time.Duration
	Now    func() time.Time
}

// Throttle counts failures per key (a user name, a client address) and
// locks a key out with exponential backoff once it has used its
// allowance. It lives in memory: a restart forgives, which an attacker
// cannot trigger.
type Throttle struct {
	o  ThrottleOptions
	mu sync.Mutex
	m  map[string]*failures
}

type failures struct {
	n     int
	last  time.Time
	until time.Time
}

// NewThrottle returns a Throttle.
func NewThrottle(o ThrottleOptions) *Throttle {
	if o.Free <= 0 {
		o.Free = 5
	}
	if o.Base <= 0 {
		o.Base = 2 * time.Second
	}
	if o.Max <= 0 {
		o.Max = 15 * time.Minute
	}
	if o.Forget <= 0 {
		o.Forget = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Throttle{o: o, m: map[string]*failures{}}
}

// Wait returns how long the most locked-out of keys must still wait (0: go ahead).
func (t *Throttle) Wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.o.Now()
	var wait time.Duration
	for _, k := range keys {
		if f := t.m[k]; f != nil && f.until.After(now) {
			wait = max(wait, f.until.Sub(now))
		}
	}
	return wait
}

// Fail counts a failure against every key.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.o.Now()
	if len(t.m) > 10000 {
		t.prune(now)
	}
	for _, k := range keys {
		f := t.m[k]
		if f == nil || now.Sub(f.last) > t.o.Forget {
			f = &failures{}
			t.m[k] = f
		}
		f.n++
		f.last = now
		if over := f.n - t.o.Free + 1; over > 0 { // the allowance is used up
			d := t.o.Base << min(over-1, 20)
			f.until = now.Add(min(d, t.o.Max))
		}
	}
}

// Succeed forgets a key's failures.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	delete(t.m, key)
	t.mu.Unlock()
}

func (t *Throttle) prune(now time.Time) {
	for k, f := range t.m {
		if now.Sub(f.last) > t.o.Forget && !f.until.After(now) {
			delete(t.m, k)
		}
	}
}

// knownAddrs remembers, per account, the addresses it logged in from in
// the last 30 days (at most 20 each), in memory.
type knownAddrs struct {
	mu sync.Mutex
	m  map[string]map[string]time.Time
}

const knownFor = 30 * 24 * time.Hour

func (k *knownAddrs) has(user, addr string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	at, ok := k.m[user][addr]
	return ok && now.Sub(at) < knownFor
}

func (k *knownAddrs) add(user, addr string, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.m[user]
	if a == nil {
		if len(k.m) > 10000 {
			clear(k.m)
		}
		a = map[string]time.Time{}
		k.m[user] = a
	}
	if len(a) >= 20 {
		oldest := ""
		for x, t := range a {
			if oldest == "" || t.Before(a[oldest]) {
				oldest = x
			}
		}
		delete(a, oldest)
	}
	a[addr] = now
}
