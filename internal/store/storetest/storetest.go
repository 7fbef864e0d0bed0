// Package storetest gives tests a fresh, isolated store for every backend
// available: SQLite always, PostgreSQL when the environment variable
// VIGIE_TEST_POSTGRES holds a DSN (scripts/pg-test-start.sh starts a
// throwaway cluster and prints one). Each PostgreSQL test gets its own
// schema, so packages testing in parallel do not see each other's rows.
//
// Under CI=true a missing VIGIE_TEST_POSTGRES fails the test instead of
// running SQLite alone: the PostgreSQL half of the suite is never skipped
// silently where it is meant to run.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"vigie.dev/vigie/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL test DSN.
const EnvPostgres = "VIGIE_TEST_POSTGRES"

// Backend is one store to run a test against.
type Backend struct {
	Name string // "sqlite" or "postgres"
	DSN  string
}

// Backends returns a fresh SQLite DSN and, when configured, a fresh
// PostgreSQL schema DSN. Both are removed when the test ends.
func Backends(t testing.TB) []Backend {
	t.Helper()
	bs := []Backend{{Name: "sqlite", DSN: "sqlite:" + filepath.Join(t.TempDir(), "vigie.db")}}
	if dsn := os.Getenv(EnvPostgres); dsn != "" {
		bs = append(bs, Backend{Name: "postgres", DSN: PostgresSchema(t, dsn)})
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("storetest: CI=true but %s is empty: start PostgreSQL with scripts/pg-test-start.sh", EnvPostgres)
	}
	return bs
}

// PostgresSchema creates an empty schema in the database named by dsn and
// returns a DSN whose search_path points at it; it drops the schema when
// the test ends.
func PostgresSchema(t testing.TB, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("storetest: connect %s: %v", EnvPostgres, err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("storetest: %s is not a URL: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// ForEach runs fn against a fresh, migrated store of every backend, as a
// subtest named for the backend; dsn lets fn open a second handle (another
// node) on the same data. The store is closed when the subtest ends.
func ForEach(t *testing.T, fn func(t *testing.T, dsn string, db *store.DB)) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db, err := store.Open(context.Background(), b.DSN, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			fn(t, b.DSN, db)
		})
	}
}
