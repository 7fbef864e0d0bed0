package store

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
)

// OpenOrDegraded opens the store like Open, except that a PostgreSQL
// server that cannot be reached at start is not fatal: the handle is
// returned at once, its queries fail (Unavailable reports them) until the
// server answers, and a background loop applies the migrations as soon as
// it does. A node of several can then start from its local snapshot of
// the indicators and keep filtering mail while the database is down.
// degraded is true when the database was not reached. SQLite, a local
// file, is opened with Open.
func OpenOrDegraded(ctx context.Context, dsn string, log *slog.Logger) (db *DB, degraded bool, err error) {
	db, err = Open(ctx, dsn, log)
	if err == nil || !isPostgres(dsn) || !Unavailable(err) {
		return db, false, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bg, stop := context.WithCancel(context.Background())
	db = &DB{log: log, stop: stop}
	if err := db.openPostgresLazy(dsn); err != nil {
		stop()
		return nil, false, err
	}
	db.pending.Store(true)
	db.watch = newWatcher(db, bg)
	db.bg.Add(1)
	go func() {
		defer db.bg.Done()
		for wait := time.Second; ; wait = min(2*wait, 30*time.Second) {
			select {
			case <-bg.Done():
				return
			case <-time.After(wait):
			}
			mctx, cancel := context.WithTimeout(bg, time.Minute)
			err := db.migrate(mctx)
			cancel()
			if err == nil {
				db.pending.Store(false)
				log.Info("store: database reachable again, migrations applied")
				db.watch.broadcastAll()
				return
			}
			log.Debug("store: database still unreachable", "err", err)
		}
	}()
	log.Warn("store: database unreachable at start, running degraded until it answers", "err", err)
	return db, true, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Ping reports whether the database answers now (and, for a store opened
// degraded, whether its schema is in place).
func (db *DB) Ping(ctx context.Context) error {
	if db.pending.Load() {
		if err := db.sql.PingContext(ctx); err != nil {
			return err
		}
		return ErrUnavailable // reachable, schema not applied yet
	}
	return db.sql.PingContext(ctx)
}

// pendingFlag is embedded in DB: true while a degraded open has not yet
// migrated.
type pendingFlag = atomic.Bool
