package ioc

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Observables are what a message shows the matcher. Every string is taken
// as observed; the matcher normalises what it needs to (case, trailing
// dots, URL syntax) without allocating.
type Observables struct {
	IPs []netip.Addr // client IP, Received hops worth checking
	// Hosts are names: HELO, URL hosts, the domains of the envelope and
	// header addresses. Each matches host indicators exactly and domain
	// indicators on itself or any parent domain.
	Hosts  []string
	Emails []string // envelope and header addresses
	URLs   []string // every URL of the body
	SHA256 []string // attachment hashes, hex
	Fuzzy  []string // body fuzzy hashes
}

// Hit is one indicator matched by one observed value.
type Hit struct {
	Indicator Indicator `json:"indicator"`
	Observed  string    `json:"observed"`
}

// snapshot is one immutable state of the index: a large base and a small
// overlay of the changes since the base was built. Base entries whose id is
// in dead were changed or removed since, and are ignored; their current
// version, if any, is in the overlay.
type snapshot struct {
	base, over *index
	dead       map[int64]struct{}
	rev        int64
	size       int
}

// hasAllow reports whether any allow entry is loaded; without one the
// allow rules cost nothing.
func (s *snapshot) hasAllow() bool { return s.base.allows > 0 || s.over.allows > 0 }

// allowed filters the entries matched by one observed value: allow
// entries are never hits, and they hide the feed entries they meet.
func allowed(found []*entry) []*entry {
	allow := false
	for _, e := range found {
		allow = allow || e.allow
	}
	if !allow {
		return found
	}
	out := found[:0]
	for _, e := range found {
		if !e.allow && !e.feed {
			out = append(out, e)
		}
	}
	return out
}

// allowCovers reports whether an allow entry covers name (a host or
// domain entry on it or a parent): a feed's URL or address under it is
// not a hit.
func (s *snapshot) allowCovers(name []byte, now int64) bool {
	covered := false
	s.eachName(name, now, func(e *entry) { covered = covered || e.allow })
	return covered
}

// single applies the allow rules to an exact-value hit (URL, address,
// hash): host is the name it lives under, nil for hashes.
func (s *snapshot) single(e *entry, host []byte, now int64) bool {
	if e.allow {
		return false
	}
	return !e.feed || host == nil || !s.hasAllow() || !s.allowCovers(host, now)
}

func (s *snapshot) baseLive(e *entry, now int64) bool {
	if !e.live(now) {
		return false
	}
	if len(s.dead) == 0 {
		return true
	}
	_, gone := s.dead[e.id]
	return !gone
}

// Matcher answers "does this match an indicator?" for the scanner and the
// DNSBL. Lookups read an immutable snapshot through an atomic pointer: they
// take no lock and never see a half-applied change. Writers (Replace,
// Apply, Sync) build a new snapshot and swap it in.
type Matcher struct {
	snap atomic.Pointer[snapshot]
	now  func() time.Time
	log  *slog.Logger

	mu     sync.Mutex // serialises writers
	over   map[int64]entry
	dead   map[int64]struct{}
	intern map[meta]*meta
	// baseIDs are the sorted ids of the base index, to count what the
	// overlay hides.
	baseIDs []int64

	hits    atomic.Pointer[chan int64] // ids to count, drained by the recorder (Run)
	dropped atomic.Int64

	snapw *snapshotWriter
	// bg counts the goroutines working for the matcher (Start's sync
	// loop, snapshot writes); Wait waits for them.
	bg sync.WaitGroup
	// fromSnapshot is set while the content comes from the local snapshot
	// and the store has not been read yet.
	fromSnapshot atomic.Bool
}

// MatcherOptions configure a Matcher. The zero value is usable.
type MatcherOptions struct {
	// Now is the clock expiry is checked against, at every lookup.
	Now func() time.Time
	Log *slog.Logger
	// Snapshot, when set, is a local file the matcher keeps its live
	// indicators in (see WriteSnapshot), and starts from when the store
	// cannot be read at start.
	Snapshot string
	// SnapshotEvery is the least time between two snapshots (default 5
	// minutes); one is written only after the store changed.
	SnapshotEvery time.Duration
}

// NewMatcher returns an empty matcher. Fill it with Replace/Apply, or with
// Sync and Run from a store.
func NewMatcher(opts MatcherOptions) *Matcher {
	m := &Matcher{now: opts.Now, log: opts.Log, intern: map[meta]*meta{}}
	if opts.Snapshot != "" {
		every := opts.SnapshotEvery
		if every <= 0 {
			every = 5 * time.Minute
		}
		m.snapw = &snapshotWriter{path: opts.Snapshot, every: every}
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	m.snap.Store(&snapshot{base: emptyIndex, over: emptyIndex})
	return m
}

// Len returns the number of indicators loaded (expired ones included until
// the next compaction).
func (m *Matcher) Len() int { return m.snap.Load().size }

// Revision returns the store revision the matcher reflects.
func (m *Matcher) Revision() int64 { return m.snap.Load().rev }

// Match returns every live indicator matched by o, each once, with the
// first observed value that matched it. Block and watch hits alike are
// returned; the caller weighs them. It allocates only for hits.
func (m *Matcher) Match(o *Observables) []Hit {
	s := m.snap.Load()
	now := m.now().UnixMilli()
	var hits []Hit
	add := func(e *entry, observed string) {
		for i := range hits {
			if hits[i].Indicator.ID == e.id {
				return
			}
		}
		hits = append(hits, Hit{Indicator: e.indicator(), Observed: observed})
	}
	for _, a := range o.IPs {
		var found []*entry // rare: most IPs match nothing
		s.eachIP(a, now, func(e *entry) bool { found = append(found, e); return true })
		for _, e := range allowed(found) {
			add(e, a.String())
		}
	}
	var buf [256]byte
	for _, h := range o.Hosts {
		name, ok := normName(buf[:0], h)
		if !ok {
			continue
		}
		var found []*entry
		s.eachName(name, now, func(e *entry) { found = append(found, e) })
		for _, e := range allowed(found) {
			add(e, h)
		}
	}
	for _, em := range o.Emails {
		b := lowerInto(buf[:0], em)
		if e, ok := s.nameBytes(kEmail, b, now); ok && s.single(e, b[indexByteLast(b, '@')+1:], now) {
			add(e, em)
		}
	}
	var ubuf [1024]byte
	for _, u := range o.URLs {
		b, err := appendURL(ubuf[:0], u)
		if err != nil {
			continue
		}
		if e, ok := s.nameBytes(kURL, b, now); ok && s.single(e, []byte(urlHost(string(b))), now) {
			add(e, u)
		}
	}
	for _, h := range o.SHA256 {
		var sum [32]byte
		if len(h) != 64 {
			continue
		}
		var src [64]byte
		copy(src[:], h)
		if _, err := hex.Decode(sum[:], src[:]); err != nil {
			continue
		}
		if e, ok := s.hash(false, &sum, now); ok && !e.allow {
			add(e, h)
		}
	}
	for _, f := range o.Fuzzy {
		if e, ok := s.name(kFuzzy, f, now); ok && !e.allow {
			add(e, f)
		}
	}
	if c := m.hits.Load(); len(hits) > 0 && c != nil {
		for i := range hits {
			select {
			case *c <- hits[i].Indicator.ID:
			default:
				m.dropped.Add(1) // never block a scan to count a hit
			}
		}
	}
	return hits
}

// eachIP calls fn for the live IP entries containing a, overlay first, each
// layer longest prefix first.
func (s *snapshot) eachIP(a netip.Addr, now int64, fn func(*entry) bool) {
	stop := false
	s.over.eachIP(a, func(e *entry) bool {
		if e.live(now) && !fn(e) {
			stop = true
		}
		return !stop
	})
	if stop {
		return
	}
	s.base.eachIP(a, func(e *entry) bool {
		if s.baseLive(e, now) {
			return fn(e)
		}
		return true
	})
}

// eachName calls fn for the live host entry equal to name and the live
// domain entries equal to name or to any of its parents, most specific
// first.
func (s *snapshot) eachName(name []byte, now int64, fn func(*entry)) {
	if e, ok := s.nameBytes(kHost, name, now); ok {
		fn(e)
	}
	for d := name; len(d) > 0; {
		if e, ok := s.nameBytes(kDomain, d, now); ok {
			fn(e)
		}
		i := indexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
}

func (s *snapshot) nameBytes(k kcode, v []byte, now int64) (*entry, bool) {
	if e, ok := s.over.nameBytes(k, v); ok && e.live(now) {
		return e, true
	}
	if e, ok := s.base.nameBytes(k, v); ok && s.baseLive(e, now) {
		return e, true
	}
	return nil, false
}

func (s *snapshot) name(k kcode, v string, now int64) (*entry, bool) {
	if e, ok := s.over.name(k, v); ok && e.live(now) {
		return e, true
	}
	if e, ok := s.base.name(k, v); ok && s.baseLive(e, now) {
		return e, true
	}
	return nil, false
}

func (s *snapshot) hash(url bool, h *[32]byte, now int64) (*entry, bool) {
	for _, ix := range []*index{s.over, s.base} {
		m := ix.sha
		if url {
			m = ix.urlHash
		}
		if e, ok := ix.hash(m, h); ok {
			if ix == s.over && e.live(now) || ix == s.base && s.baseLive(e, now) {
				return e, true
			}
		}
	}
	return nil, false
}

// LookupIP returns the live indicator for the most specific network
// containing a, preferring a block indicator to a watch one. It allocates
// nothing; the DNSBL calls it for every query.
func (m *Matcher) LookupIP(a netip.Addr) (Indicator, bool) {
	s := m.snap.Load()
	if s.hasAllow() {
		var buf [8]*entry
		found := buf[:0]
		s.eachIP(a, m.now().UnixMilli(), func(e *entry) bool { found = append(found, e); return len(found) < len(buf) })
		return pick(allowed(found))
	}
	var best *entry
	s.eachIP(a, m.now().UnixMilli(), func(e *entry) bool {
		if best == nil || e.block && !best.block {
			best = e
		}
		return !best.block
	})
	if best == nil {
		return Indicator{}, false
	}
	return best.indicator(), true
}

// pick returns the first block entry of found, else the first.
func pick(found []*entry) (Indicator, bool) {
	var best *entry
	for _, e := range found {
		if best == nil || e.block && !best.block {
			best = e
		}
	}
	if best == nil {
		return Indicator{}, false
	}
	return best.indicator(), true
}

// LookupDomain returns the live host indicator equal to name or the live
// domain indicator for name or its nearest listed parent, preferring a
// block indicator. Name is matched case-insensitively, trailing dot
// ignored. It allocates nothing for ASCII names.
func (m *Matcher) LookupDomain(name string) (Indicator, bool) {
	var buf [256]byte
	b, ok := normName(buf[:0], name)
	if !ok {
		return Indicator{}, false
	}
	s := m.snap.Load()
	if s.hasAllow() {
		var buf [8]*entry
		found := buf[:0]
		s.eachName(b, m.now().UnixMilli(), func(e *entry) {
			if len(found) < len(buf) {
				found = append(found, e)
			}
		})
		return pick(allowed(found))
	}
	var best *entry
	s.eachName(b, m.now().UnixMilli(), func(e *entry) {
		if best == nil || e.block && !best.block {
			best = e
		}
	})
	if best == nil {
		return Indicator{}, false
	}
	return best.indicator(), true
}

// LookupURLHash returns the live URL indicator whose normalised URL has the
// given SHA-256 (hex, either case). See URLHash.
func (m *Matcher) LookupURLHash(hexSHA256 string) (Indicator, bool) {
	var sum [32]byte
	if len(hexSHA256) != 64 {
		return Indicator{}, false
	}
	var src [64]byte
	copy(src[:], hexSHA256)
	if _, err := hex.Decode(sum[:], src[:]); err != nil {
		return Indicator{}, false
	}
	s, now := m.snap.Load(), m.now().UnixMilli()
	if e, ok := s.hash(true, &sum, now); ok && s.single(e, []byte(urlHost(e.value)), now) {
		return e.indicator(), true
	}
	return Indicator{}, false
}

// URLHash returns the key LookupURLHash takes for a URL: the lower-case
// hex SHA-256 of its normalised form ("" when it does not parse).
func URLHash(rawURL string) string {
	n, err := NormalizeURL(rawURL)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(n))
	return hex.EncodeToString(sum[:])
}

// normName lower-cases an ASCII name into b and drops one trailing dot;
// it reports false for names no indicator can match.
func normName(b []byte, s string) ([]byte, bool) {
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	if s == "" || len(s) > 253 {
		return b, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			a, err := normalizeDomain(s) // rare: an IDN not yet in A-labels
			return append(b, a...), err == nil
		}
	}
	return lowerInto(b, s), true
}

func lowerInto(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b = append(b, lower(s[i]))
	}
	return b
}

func indexByteLast(b []byte, c byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == c {
			return i
		}
	}
	return -1
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}
