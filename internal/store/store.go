// Package store is Vigie's one storage layer: a database handle that hides
// whether it talks to an embedded SQLite file (the default, one node) or to
// PostgreSQL (several gateway nodes sharing one database), applies the
// embedded SQL migrations, tells interested readers when a domain's data
// changed, and implements the repository interfaces the domain packages
// own (ioc.Repository, quarantine.Repository, trace.Repository,
// incident.Repository, account.Repository, bayes.Repository,
// suppliers.Repository…). Dependencies run one way: store imports the
// domains' types, no domain imports store; package app hands each service
// its repository. The conformance suite in this package's tests drives
// every interface on both engines.
//
// Queries are written once, with '?' placeholders, in the SQL subset both
// engines accept (ON CONFLICT upserts, RETURNING, partial indexes); the
// handle rewrites placeholders for PostgreSQL. Times are stored as BIGINT
// Unix milliseconds in both engines so that the same code reads them.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open store. It is safe for concurrent use.
type DB struct {
	sql     *sql.DB
	dialect Dialect
	log     *slog.Logger
	pgConf  *pgx.ConnConfig // PostgreSQL only: for the LISTEN connection

	watch *watcher

	closeOnce sync.Once
	stop      context.CancelFunc // stops background goroutines
	bg        sync.WaitGroup
	pending   pendingFlag // opened degraded, migrations not applied yet
}

// Open opens the store named by dsn and applies pending migrations.
//
//	sqlite:PATH, sqlite://PATH, file:PATH or a bare PATH  embedded SQLite
//	postgres://… or postgresql://…                        PostgreSQL
//
// The SQLite file's directory is created when missing. log may be nil.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bg, stop := context.WithCancel(context.Background())
	db := &DB{log: log, stop: stop}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		err = db.openPostgres(ctx, dsn)
	default:
		err = db.openSQLite(ctx, dsn)
	}
	if err != nil {
		stop()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.sql.Close()
		stop()
		return nil, err
	}
	db.watch = newWatcher(db, bg)
	return db, nil
}

func (db *DB) openSQLite(ctx context.Context, dsn string) error {
	path := dsn
	for _, p := range []string{"sqlite://", "sqlite:", "file:"} {
		if strings.HasPrefix(path, p) {
			path = strings.TrimPrefix(path, p)
			break
		}
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i] // options are ours to choose, see below
	}
	if path == "" {
		return fmt.Errorf("store: empty SQLite path in %q", dsn)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("store: create directory for %s: %w", path, err)
		}
	}
	// WAL lets readers (the matcher reload, the console) run beside the one
	// writer; busy_timeout makes a second process wait for the write lock
	// instead of failing; _txlock=immediate takes the write lock at BEGIN so
	// two writers never deadlock upgrading a read lock.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	s, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	s.SetMaxOpenConns(8)
	s.SetConnMaxIdleTime(5 * time.Minute)
	if err := s.PingContext(ctx); err != nil {
		s.Close()
		return fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	db.sql, db.dialect = s, SQLite
	db.log.Debug("store opened", "dialect", SQLite, "path", path)
	return nil
}

// openPostgresLazy prepares the connection pool without connecting.
func (db *DB) openPostgresLazy(dsn string) error {
	conf, err := parsePostgres(dsn)
	if err != nil {
		return err
	}
	s := stdlib.OpenDB(*conf.Copy())
	s.SetMaxOpenConns(16)
	s.SetConnMaxIdleTime(5 * time.Minute)
	db.sql, db.dialect, db.pgConf = s, Postgres, conf
	return nil
}

// parsePostgres reads a PostgreSQL DSN. Unless the DSN says otherwise,
// every statement is planned with its parameters' values
// (plan_cache_mode=force_custom_plan, PostgreSQL 12 and later): pgx
// prepares statements, and the generic plan PostgreSQL falls back to
// after five executions cannot see that a LIKE '%…%' pattern is selective
// enough for the trigram index, and scans the whole quarantine instead
// (the console's search over 100,000 held messages: 4 ms planned with the
// values, 100–180 ms generic).
func parsePostgres(dsn string) (*pgx.ConnConfig, error) {
	conf, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: parse postgres dsn: %w", err)
	}
	if _, ok := conf.RuntimeParams["plan_cache_mode"]; !ok {
		conf.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	return conf, nil
}

func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	conf, err := parsePostgres(dsn)
	if err != nil {
		return err
	}
	s := stdlib.OpenDB(*conf.Copy())
	s.SetMaxOpenConns(16)
	s.SetConnMaxIdleTime(5 * time.Minute)
	if err := s.PingContext(ctx); err != nil {
		s.Close()
		return fmt.Errorf("store: connect postgres %s:%d/%s: %w", conf.Host, conf.Port, conf.Database, err)
	}
	db.sql, db.dialect, db.pgConf = s, Postgres, conf
	db.log.Debug("store opened", "dialect", Postgres, "host", conf.Host, "database", conf.Database)
	return nil
}

// Dialect reports the engine behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the underlying handle, for repositories that need more than
// the helpers below. Queries passed to it directly must use Rebind.
func (db *DB) SQL() *sql.DB { return db.sql }

// Close stops the change watchers and closes the database.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		db.stop()
		db.bg.Wait()
		err = db.sql.Close()
	})
	return err
}

// Rebind rewrites '?' placeholders as $1, $2… for PostgreSQL. Queries in
// this package never contain a literal '?' inside strings.
func (db *DB) Rebind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Exec runs a statement outside a transaction.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.sql.ExecContext(ctx, db.Rebind(q), args...)
}

// Query runs a query outside a transaction.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.sql.QueryContext(ctx, db.Rebind(q), args...)
}

// QueryRow runs a query returning at most one row.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.sql.QueryRowContext(ctx, db.Rebind(q), args...)
}

// Tx is a write transaction opened by DB.InTx.
type Tx struct {
	tx      *sql.Tx
	db      *DB
	changed map[string]bool
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.db.Rebind(q), args...)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.db.Rebind(q), args...)
}

// QueryRow runs a query returning at most one row in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.Rebind(q), args...)
}

// Prepare prepares a statement in the transaction.
func (tx *Tx) Prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, tx.db.Rebind(q))
}

// Dialect reports the engine behind the transaction.
func (tx *Tx) Dialect() Dialect { return tx.db.dialect }

// Changed records that the transaction modifies the data behind channel
// (a name such as "indicators") and returns the channel's new revision.
// The revision counter row stays locked until commit, so writers of one
// channel commit in revision order and a reader that remembers the last
// revision it saw never misses a row (see Indicators.Changes). Watchers of
// the channel are told after commit, in this process at once and in other
// processes through NOTIFY (PostgreSQL) or the revision poll (SQLite).
// Calling it again in the same transaction bumps the revision again.
func (tx *Tx) Changed(ctx context.Context, channel string) (int64, error) {
	var rev int64
	err := tx.QueryRow(ctx, `INSERT INTO changes (channel, rev) VALUES (?, 1)
		ON CONFLICT (channel) DO UPDATE SET rev = changes.rev + 1
		RETURNING rev`, channel).Scan(&rev)
	if err != nil {
		return 0, fmt.Errorf("store: bump revision of %s: %w", channel, err)
	}
	if tx.db.dialect == Postgres {
		// Delivered at commit, dropped at rollback.
		if _, err := tx.Exec(ctx, `SELECT pg_notify(?, ?)`, pgChannel, channel); err != nil {
			return 0, fmt.Errorf("store: notify %s: %w", channel, err)
		}
	}
	if tx.changed == nil {
		tx.changed = map[string]bool{}
	}
	tx.changed[channel] = true
	return rev, nil
}

// InTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{tx: stx, db: db}
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	for ch := range tx.changed {
		db.watch.broadcast(ch)
	}
	return nil
}

// Revision returns the current revision of channel (0 when never changed).
func (db *DB) Revision(ctx context.Context, channel string) (int64, error) {
	var rev int64
	err := db.QueryRow(ctx, `SELECT rev FROM changes WHERE channel = ?`, channel).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: revision of %s: %w", channel, err)
	}
	return rev, nil
}

// millis converts a time to the stored form; the zero time is NULL.
func millis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMillis is the inverse of millis.
func fromMillis(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}
