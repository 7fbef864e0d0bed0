package store

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgChannel is the one PostgreSQL NOTIFY channel; the payload names the
// data channel ("indicators") that changed.
const pgChannel = "vigie_changes"

// pollInterval is how often an SQLite store reads its revision counters to
// notice writes made by another process on the same file. Reading a
// handful of rows of a tiny table four times a second costs nothing, and
// keeps the cross-process delay well under a second.
const pollInterval = 250 * time.Millisecond

// watcher fans change notices out to subscribers. Notices are coalesced:
// a subscriber's channel holds at most one pending notice, which means
// "something changed since you last looked", never how many times.
type watcher struct {
	db  *DB
	ctx context.Context

	mu      sync.Mutex
	subs    map[string]map[chan struct{}]struct{}
	started bool

	ready     chan struct{} // closed once other processes' writes are seen
	readyOnce sync.Once
}

func newWatcher(db *DB, ctx context.Context) *watcher {
	return &watcher{db: db, ctx: ctx, subs: map[string]map[chan struct{}]struct{}{}, ready: make(chan struct{})}
}

func (w *watcher) markReady() { w.readyOnce.Do(func() { close(w.ready) }) }

// Watch returns a channel that receives a value after data behind channel
// ("indicators") changes, in this process or any other sharing the
// database. It is closed when ctx ends or the store is closed. Callers
// re-read what they need after each receive; a notice can be spurious
// (after a lost PostgreSQL connection, every watcher is told).
func (db *DB) Watch(ctx context.Context, channel string) <-chan struct{} {
	return db.watch.subscribe(ctx, channel)
}

// WatchReady returns a channel closed once the watchers of db are told of
// writes made by other processes: on SQLite when the revision baseline is
// read (normally within Watch), on PostgreSQL when LISTEN is in place. A
// write committed before that may be missed by a watcher, as at any
// reconnection, and watchers re-read on their next notice. It is never
// closed before the first Watch.
func (db *DB) WatchReady() <-chan struct{} { return db.watch.ready }

func (w *watcher) subscribe(ctx context.Context, channel string) <-chan struct{} {
	c := make(chan struct{}, 1)
	w.mu.Lock()
	if w.ctx.Err() != nil {
		w.mu.Unlock()
		close(c)
		return c
	}
	if w.subs[channel] == nil {
		w.subs[channel] = map[chan struct{}]struct{}{}
	}
	w.subs[channel][c] = struct{}{}
	if !w.started {
		w.started = true
		// The revisions are read before Watch returns: a change committed
		// after it, however soon, is a change to the poller (a baseline
		// read later by the goroutine would swallow it).
		var last map[string]int64
		if w.db.dialect != Postgres {
			if last = w.revisions(); last != nil {
				w.markReady()
			}
		}
		w.db.bg.Add(1)
		go func() {
			defer w.db.bg.Done()
			if w.db.dialect == Postgres {
				w.listen()
			} else {
				w.poll(last)
			}
		}()
	}
	w.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-w.ctx.Done():
		}
		w.mu.Lock()
		delete(w.subs[channel], c)
		close(c)
		w.mu.Unlock()
	}()
	return c
}

func (w *watcher) broadcast(channel string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for c := range w.subs[channel] {
		select {
		case c <- struct{}{}:
		default: // a notice is already pending
		}
	}
}

func (w *watcher) broadcastAll() {
	w.mu.Lock()
	names := make([]string, 0, len(w.subs))
	for n := range w.subs {
		names = append(names, n)
	}
	w.mu.Unlock()
	for _, n := range names {
		w.broadcast(n)
	}
}

// revisions reads every channel's revision (nil on error).
func (w *watcher) revisions() map[string]int64 {
	rows, err := w.db.Query(w.ctx, `SELECT channel, rev FROM changes`)
	if err != nil {
		return nil
	}
	defer rows.Close()
	revs := map[string]int64{}
	for rows.Next() {
		var ch string
		var rev int64
		if rows.Scan(&ch, &rev) == nil {
			revs[ch] = rev
		}
	}
	if rows.Err() != nil {
		return nil
	}
	return revs
}

// poll reads the SQLite revision counters and reports those that moved
// since last (the revisions when watching started; nil when they could not
// be read, and the first poll is then the baseline). Writes from this
// process were already broadcast at commit; telling their watchers once
// more is harmless.
func (w *watcher) poll(last map[string]int64) {
	first := last == nil
	if first {
		last = map[string]int64{}
	}
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		rows, err := w.db.Query(w.ctx, `SELECT channel, rev FROM changes`)
		if err == nil {
			for rows.Next() {
				var ch string
				var rev int64
				if rows.Scan(&ch, &rev) != nil {
					continue
				}
				if prev, ok := last[ch]; (ok && prev != rev) || (!ok && !first) {
					w.broadcast(ch)
				}
				last[ch] = rev
			}
			err = rows.Close()
			if err == nil && first {
				w.markReady()
			}
			first = false
		}
		if err != nil && w.ctx.Err() == nil {
			w.db.log.Warn("store: poll revisions", "err", err)
		}
		select {
		case <-w.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// listen holds one PostgreSQL connection in LISTEN and reconnects with
// backoff when it drops. Notices sent while disconnected are lost, so
// every watcher is told after a reconnect and re-reads.
func (w *watcher) listen() {
	backoff := 250 * time.Millisecond
	connected := false
	for w.ctx.Err() == nil {
		err := w.listenOnce(func() {
			if connected {
				return
			}
			connected = true
			backoff = 250 * time.Millisecond
		})
		if w.ctx.Err() != nil {
			return
		}
		if connected {
			w.db.log.Warn("store: lost postgres LISTEN connection", "err", err)
		} else {
			w.db.log.Warn("store: postgres LISTEN", "err", err, "retry", backoff)
		}
		connected = false
		select {
		case <-w.ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (w *watcher) listenOnce(up func()) error {
	conn, err := pgx.ConnectConfig(w.ctx, w.db.pgConf.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(w.ctx, "LISTEN "+pgChannel); err != nil {
		return err
	}
	up()
	w.broadcastAll() // anything may have changed while we were not listening
	w.markReady()    // after the broadcast: a watcher that drains once ready sees only later writes
	for {
		n, err := conn.WaitForNotification(w.ctx)
		if err != nil {
			return err
		}
		w.broadcast(n.Payload)
	}
}
