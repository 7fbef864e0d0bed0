package ioc

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/follow"
)

// Replace makes list the matcher's whole content. Removed indicators are
// left out; expired ones are kept and skipped at lookup (their expiry may
// still be extended).
func (m *Matcher) Replace(list []Indicator) {
	m.mu.Lock()
	defer m.mu.Unlock()
	entries := make([]entry, 0, len(list))
	for i := range list {
		if e, ok := m.entryOf(&list[i]); ok {
			entries = append(entries, e)
		}
	}
	m.install(entries, m.snap.Load().rev)
}

// Apply patches the matcher with changed indicators: a removed one stops
// matching, any other replaces the indicator with its id (or is added).
func (m *Matcher) Apply(changed []Indicator) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.apply(len(changed), func(i int) (*Indicator, int64) { return &changed[i], m.snap.Load().rev })
}

// install swaps in a fresh base built from entries, with an empty overlay.
func (m *Matcher) install(entries []entry, rev int64) {
	m.over, m.dead = map[int64]entry{}, map[int64]struct{}{}
	m.baseIDs = make([]int64, len(entries))
	for i := range entries {
		m.baseIDs[i] = entries[i].id
	}
	slices.Sort(m.baseIDs)
	m.snap.Store(&snapshot{base: buildIndex(entries), over: emptyIndex, rev: rev, size: len(entries)})
}

// compactAt is the overlay size at which the base is rebuilt: small enough
// that copying the overlay on every change stays cheap, large enough that
// a million-entry base is not rebuilt for every few additions.
func compactAt(base int) int { return max(4096, base/32) }

func (m *Matcher) apply(n int, get func(int) (*Indicator, int64)) {
	cur := m.snap.Load()
	over := maps.Clone(m.over)
	dead := maps.Clone(m.dead)
	rev := cur.rev
	for i := range n {
		in, r := get(i)
		rev = max(rev, r)
		dead[in.ID] = struct{}{}
		delete(over, in.ID)
		if in.RemovedAt.IsZero() {
			if e, ok := m.entryOf(in); ok {
				over[in.ID] = e
			}
		}
	}
	if len(over)+len(dead) >= compactAt(len(cur.base.entries)) {
		now := m.now().UnixMilli()
		entries := make([]entry, 0, len(cur.base.entries)+len(over))
		for _, e := range cur.base.entries {
			if _, gone := dead[e.id]; !gone && e.live(now) {
				entries = append(entries, e)
			}
		}
		for _, id := range slices.Sorted(maps.Keys(over)) {
			entries = append(entries, over[id])
		}
		m.install(entries, rev)
		return
	}
	list := make([]entry, 0, len(over))
	for _, id := range slices.Sorted(maps.Keys(over)) {
		list = append(list, over[id])
	}
	m.over, m.dead = over, dead
	// dead masks every id changed since the base was built, new ones too;
	// only those in the base take an entry away from the count.
	masked := 0
	for id := range dead {
		if _, ok := slices.BinarySearch(m.baseIDs, id); ok {
			masked++
		}
	}
	m.snap.Store(&snapshot{base: cur.base, over: buildIndex(list), dead: dead, rev: rev,
		size: len(cur.base.entries) - masked + len(list)})
}

func (m *Matcher) entryOf(in *Indicator) (entry, bool) {
	k, ok := codeOf(in.Kind)
	if !ok || in.Value == "" || !in.RemovedAt.IsZero() {
		return entry{}, false
	}
	md := meta{in.Source, in.Reason, in.AddedBy, in.Code}
	p := m.intern[md]
	if p == nil {
		p = &md
		m.intern[md] = p
	}
	e := entry{id: in.ID, created: in.CreatedAt.UnixMilli(), value: in.Value, meta: p, kind: k, block: in.Mode == Block,
		allow: in.Mode == Allow, feed: strings.HasPrefix(in.Source, SourceFeed)}
	if !in.ExpiresAt.IsZero() {
		e.expires = in.ExpiresAt.UnixMilli()
	}
	return e, true
}

// Sync brings the matcher up to date with the store: everything on the
// first call, then only the rows changed since the revision last seen.
func (m *Matcher) Sync(ctx context.Context, ix Repository) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.snap.Load()
	var changed []Indicator
	if cur.rev == 0 && cur.size == 0 {
		var entries []entry
		rev, err := ix.Changes(ctx, 0, func(r *Row) error {
			if r.RemovedAt.IsZero() {
				in := fromRow(r)
				if e, ok := m.entryOf(&in); ok {
					entries = append(entries, e)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("ioc: load indicators: %w", err)
		}
		m.install(entries, rev)
		m.fromSnapshot.Store(false)
		m.log.Info("indicators loaded", "count", len(entries), "rev", rev)
		return nil
	}
	rev, err := ix.Changes(ctx, cur.rev, func(r *Row) error {
		changed = append(changed, fromRow(r))
		return nil
	})
	if err != nil {
		return fmt.Errorf("ioc: reload indicators since %d: %w", cur.rev, err)
	}
	m.fromSnapshot.Store(false)
	if rev == cur.rev {
		return nil
	}
	m.apply(len(changed), func(i int) (*Indicator, int64) { return &changed[i], rev })
	if len(changed) == 0 { // revision moved without rows (a no-op write)
		s := *m.snap.Load()
		s.rev = rev
		m.snap.Store(&s)
	}
	m.log.Debug("indicators reloaded", "changed", len(changed), "rev", rev)
	return nil
}

// RunOptions tune Run.
type RunOptions struct {
	// Resync is the period of a safety reload when no change notice
	// arrives (default 30 s).
	Resync time.Duration
	// HitFlush is how often hit counters are written (default 5 s).
	HitFlush time.Duration
}

// Run keeps the matcher in sync with ix until ctx ends, reloading what
// changed whenever the store reports a change (within a second across
// processes and nodes), and writes hit counters in batches. It makes the
// first Sync itself if none was done.
func (m *Matcher) Run(ctx context.Context, ix Repository, opts RunOptions) error {
	if opts.Resync <= 0 {
		opts.Resync = 30 * time.Second
	}
	if opts.HitFlush <= 0 {
		opts.HitFlush = 5 * time.Second
	}
	notices := ix.Watch(ctx)
	if err := m.Sync(ctx, ix); err != nil {
		return err
	}
	m.snapw.maybe(m)
	hits := make(chan int64, 8192)
	m.hits.Store(&hits)
	defer m.hits.Store(nil)
	done := make(chan struct{})
	go func() { defer close(done); m.recordHits(ctx, ix, hits, opts.HitFlush) }()
	defer func() { <-done }()
	follow.Changes(ctx, notices, opts.Resync, func() {
		if err := m.Sync(ctx, ix); err != nil && ctx.Err() == nil {
			m.log.Warn("indicator reload failed", "err", err)
			return
		}
		m.snapw.maybe(m)
	})
	return nil
}

// Start loads the matcher from ix and keeps it in sync in a goroutine
// until ctx ends. When the store cannot be read and opts.Snapshot names a
// snapshot, the matcher starts from it and keeps trying the store; without
// one the load error is returned. Later errors are logged.
func Start(ctx context.Context, ix Repository, opts MatcherOptions) (*Matcher, error) {
	m := NewMatcher(opts)
	if err := m.Sync(ctx, ix); err != nil {
		if opts.Snapshot == "" {
			return nil, err
		}
		rev, written, n, serr := m.LoadSnapshot(opts.Snapshot)
		if serr != nil {
			return nil, fmt.Errorf("%w (and no usable snapshot: %v)", err, serr)
		}
		m.fromSnapshot.Store(true)
		m.log.Warn("store unreachable: indicators loaded from the local snapshot", "count", n, "rev", rev,
			"written", written, "age", snapshotAge(written), "err", err)
	}
	m.bg.Add(1)
	go func() {
		defer m.bg.Done()
		for {
			err := m.Run(ctx, ix, RunOptions{})
			if ctx.Err() != nil {
				return
			}
			m.log.Warn("indicator matcher: store unavailable, retrying", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Second):
			}
		}
	}()
	return m, nil
}

// Wait returns once the matcher's background work has stopped: Start's
// sync loop (after its context ended) and any snapshot being written, so
// that the store can be closed and the data directory left alone.
func (m *Matcher) Wait() { m.bg.Wait() }

// FromSnapshot reports whether the matcher still serves the local
// snapshot because the store has not been readable since start.
func (m *Matcher) FromSnapshot() bool { return m.fromSnapshot.Load() }

// DroppedHits counts hits not recorded because the recorder was behind.
func (m *Matcher) DroppedHits() int64 { return m.dropped.Load() }

func (m *Matcher) recordHits(ctx context.Context, ix Repository, hits <-chan int64, every time.Duration) {
	pending := map[int64]int64{}
	flush := func(c context.Context) {
		if len(pending) == 0 {
			return
		}
		if err := ix.RecordHits(c, pending, m.now()); err != nil {
			m.log.Warn("recording indicator hits", "err", err, "indicators", len(pending))
			return // keep them for the next attempt
		}
		pending = map[int64]int64{}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case id := <-hits:
			pending[id]++
			if len(pending) >= 1000 {
				flush(ctx)
			}
		case <-t.C:
			flush(ctx)
		case <-ctx.Done():
			for {
				select {
				case id := <-hits:
					pending[id]++
					continue
				default:
				}
				break
			}
			c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			flush(c)
			cancel()
			return
		}
	}
}
