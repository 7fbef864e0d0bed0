package web

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

// BenchmarkQuarantineListPostgres measures the console's list page (the
// page and its capped count, as quarantinePageOf asks them) over 100,000
// held messages of several nodes in one PostgreSQL database, their bytes
// in quarantine_body beside them (issue 22: < 200 ms a page). It needs
// VIGIE_TEST_POSTGRES. BenchmarkQuarantineListSQLite is the same on the
// default store.
func BenchmarkQuarantineListPostgres(b *testing.B) {
	dsn := os.Getenv(storetest.EnvPostgres)
	if dsn == "" {
		b.Skip("needs " + storetest.EnvPostgres)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.PostgresSchema(b, dsn), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	seedQuarantineRows(b, db, 100_000)
	// A kilobyte of stored message for each, as the nodes' Put leaves it.
	if _, err := db.Exec(ctx, `INSERT INTO quarantine_body (id, body) SELECT id, decode(repeat(md5(id), 32), 'hex') FROM quarantine`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded 100,000 held messages with their bodies in %s", time.Since(start).Round(time.Millisecond))
	q, err := quarantine.OpenWith(b.TempDir(), db.Quarantine(), quarantine.Options{Bodies: db.Quarantine()})
	if err != nil {
		b.Fatal(err)
	}
	benchQuarantineList(b, q)
}

// BenchmarkQuarantineListSQLite is the list over 100,000 held messages on
// SQLite, the default store (issue 18: < 200 ms a page).
func BenchmarkQuarantineListSQLite(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+b.TempDir()+"/v.db", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	seedQuarantineRows(b, db, 100_000)
	b.Logf("seeded 100,000 held messages in %s", time.Since(start).Round(time.Millisecond))
	q, err := quarantine.OpenWith(b.TempDir(), db.Quarantine(), quarantine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchQuarantineList(b, q)
}

// benchQuarantineList times the first page, a deep page and the searches
// the console offers: a rare substring (one match), a common one (every
// message), one too short for an index, a sender (200 matches), a
// recipient (334), and a recipient with a score that none of them has.
func benchQuarantineList(b *testing.B, q *quarantine.Store) {
	ctx := context.Background()
	s := &Server{o: Options{Quarantine: q}, now: time.Now}
	middle := fmt.Sprintf("%d.z", 1_700_000_000_000+60_000*50_000)
	for _, c := range []struct {
		name  string
		f     QuarantineFilter
		empty bool
	}{
		{name: "first", f: QuarantineFilter{}},
		{name: "deep", f: QuarantineFilter{Before: middle}},
		{name: "search", f: QuarantineFilter{Q: "facture 99999"}},
		{name: "search-common", f: QuarantineFilter{Q: "facture"}},
		{name: "search-short", f: QuarantineFilter{Q: "99"}},
		{name: "sender", f: QuarantineFilter{Sender: "sender42.example"}},
		{name: "rcpt", f: QuarantineFilter{Rcpt: "user7@"}},
		{name: "rcpt-none", f: QuarantineFilter{Rcpt: "user7@", MinScore: 20}, empty: true},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				pg, err := s.quarantinePageOf(ctx, c.f)
				if err != nil || (len(pg.Entries) == 0) != c.empty {
					b.Fatalf("%d entries, %v", len(pg.Entries), err)
				}
			}
		})
	}
}
