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
// VIGIE_TEST_POSTGRES. BenchmarkQuarantinePage is the same on SQLite.
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
	s := &Server{o: Options{Quarantine: q}, now: time.Now}
	middle := fmt.Sprintf("%d.z", 1_700_000_000_000+60_000*50_000)
	for _, c := range []struct {
		name string
		f    QuarantineFilter
	}{
		{"first", QuarantineFilter{}},
		{"deep", QuarantineFilter{Before: middle}},
		{"search", QuarantineFilter{Q: "facture 99999"}},
		{"sender", QuarantineFilter{Sender: "sender42.example"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				pg, err := s.quarantinePageOf(ctx, c.f)
				if err != nil || len(pg.Entries) == 0 {
					b.Fatalf("%d entries, %v", len(pg.Entries), err)
				}
			}
		})
	}
}
