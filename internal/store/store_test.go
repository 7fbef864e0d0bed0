package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

// forEachBackend runs fn against SQLite and, when configured, PostgreSQL.
func forEachBackend(t *testing.T, fn func(t *testing.T, dsn string, db *store.DB)) {
	storetest.ForEach(t, fn)
}

func TestOpenMigratesOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string, db *store.DB) {
		ctx := context.Background()
		v, err := db.SchemaVersion(ctx)
		if err != nil || v < 1 {
			t.Fatalf("SchemaVersion = %d, %v", v, err)
		}
		// A second handle (another process, another node) finds the schema
		// in place and applies nothing twice.
		db2, err := store.Open(ctx, dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		if v2, _ := db2.SchemaVersion(ctx); v2 != v {
			t.Errorf("second open: version %d, want %d", v2, v)
		}
	})
}

func TestOpenDSNForms(t *testing.T) {
	dir := t.TempDir()
	for _, dsn := range []string{
		"sqlite:" + dir + "/a.db",
		"sqlite://" + dir + "/b.db",
		"file:" + dir + "/c.db",
		dir + "/sub/dir/d.db", // bare path, directory created
	} {
		db, err := store.Open(context.Background(), dsn, nil)
		if err != nil {
			t.Errorf("Open(%q): %v", dsn, err)
			continue
		}
		if db.Dialect() != store.SQLite {
			t.Errorf("Open(%q): dialect %s", dsn, db.Dialect())
		}
		db.Close()
	}
	if _, err := store.Open(context.Background(), "sqlite:", nil); err == nil {
		t.Error("Open(sqlite:) succeeded")
	}
}

func row(kind, value, mode string) ioc.Row {
	return ioc.Row{Kind: kind, Value: value, Mode: mode, Source: "manual", Reason: "test", AddedBy: "tester"}
}

func TestIndicatorsCRUD(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		ix := db.Indicators()
		exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
		r1 := row("ip", "192.0.2.1", "block")
		r1.ExpiresAt = exp
		ids, err := ix.Upsert(ctx, []ioc.Row{r1, row("domain", "evil.example", "watch")})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 2 || ids[0] == 0 || ids[1] == 0 || ids[0] == ids[1] {
			t.Fatalf("ids = %v", ids)
		}
		got, err := ix.Get(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != "ip" || got.Value != "192.0.2.1" || got.Mode != "block" || !got.ExpiresAt.Equal(exp) ||
			got.Reason != "test" || got.AddedBy != "tester" || got.CreatedAt.IsZero() || got.Rev == 0 {
			t.Errorf("Get = %+v", got)
		}
		if _, err := ix.Get(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get(missing) err = %v", err)
		}

		// Re-adding never weakens: watch stays block, expiry extends.
		again := row("ip", "192.0.2.1", "watch")
		again.ExpiresAt = exp.Add(time.Hour)
		ids2, err := ix.Upsert(ctx, []ioc.Row{again})
		if err != nil {
			t.Fatal(err)
		}
		if ids2[0] != ids[0] {
			t.Errorf("re-add created a new row %d (was %d)", ids2[0], ids[0])
		}
		got, _ = ix.Get(ctx, ids[0])
		if got.Mode != "block" || !got.ExpiresAt.Equal(exp.Add(time.Hour)) {
			t.Errorf("after merge: mode %s expires %v", got.Mode, got.ExpiresAt)
		}
		// Same for duplicates within one call; none beats any expiry.
		if _, err := ix.Upsert(ctx, []ioc.Row{row("ip", "192.0.2.1", "watch"), row("ip", "192.0.2.1", "watch")}); err != nil {
			t.Fatal(err)
		}
		got, _ = ix.Get(ctx, ids[0])
		if !got.ExpiresAt.IsZero() {
			t.Errorf("expiry after permanent re-add = %v, want none", got.ExpiresAt)
		}

		if err := ix.SetMode(ctx, ids[0], "watch"); err != nil {
			t.Fatal(err)
		}
		if err := ix.SetExpiry(ctx, ids[1], time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		live, err := ix.List(ctx, ioc.RowFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(live) != 1 || live[0].ID != ids[0] || live[0].Mode != "watch" {
			t.Errorf("live = %+v", live)
		}

		if err := ix.Remove(ctx, ids[0], "alice", time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := ix.Remove(ctx, ids[0], "alice", time.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second Remove err = %v", err)
		}
		all, _ := ix.List(ctx, ioc.RowFilter{History: true})
		if len(all) != 2 || all[0].RemovedAt.IsZero() || all[0].RemovedBy != "alice" {
			t.Errorf("history = %+v", all)
		}
		// A removed value can be added again, as a new row.
		ids3, err := ix.Upsert(ctx, []ioc.Row{row("ip", "192.0.2.1", "block")})
		if err != nil {
			t.Fatal(err)
		}
		if ids3[0] == ids[0] {
			t.Error("re-add after removal reused the removed row")
		}
		if n, _ := ix.Count(ctx, ioc.RowFilter{History: true}); n != 3 {
			t.Errorf("Count(history) = %d, want 3", n)
		}
		if n, _ := ix.Count(ctx, ioc.RowFilter{Kind: "ip"}); n != 1 {
			t.Errorf("Count(ip) = %d, want 1", n)
		}
	})
}

func TestIndicatorChangesAndHits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		ix := db.Indicators()
		ids, err := ix.Upsert(ctx, []ioc.Row{row("host", "a.example", "block"), row("host", "b.example", "block")})
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		rev, err := ix.Changes(ctx, 0, func(r *ioc.Row) error { seen = append(seen, r.Value); return nil })
		if err != nil || len(seen) != 2 || rev == 0 {
			t.Fatalf("Changes(0) = %v, rev %d, %v", seen, rev, err)
		}
		// Hits change no revision.
		if err := ix.RecordHits(ctx, map[int64]int64{ids[0]: 3}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := ix.RecordHits(ctx, map[int64]int64{ids[0]: 2}, time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, _ := ix.Get(ctx, ids[0])
		if got.Hits != 5 || time.Since(got.LastHitAt) > time.Minute {
			t.Errorf("hits %d last %v", got.Hits, got.LastHitAt)
		}
		seen = nil
		rev2, _ := ix.Changes(ctx, rev, func(r *ioc.Row) error { seen = append(seen, r.Value); return nil })
		if rev2 != rev || len(seen) != 0 {
			t.Errorf("after hits: rev %d→%d, changes %v", rev, rev2, seen)
		}
		ix.Remove(ctx, ids[1], "bob", time.Now())
		var removed *ioc.Row
		rev3, _ := ix.Changes(ctx, rev2, func(r *ioc.Row) error { c := *r; removed = &c; return nil })
		if rev3 <= rev2 || removed == nil || removed.ID != ids[1] || removed.RemovedAt.IsZero() {
			t.Errorf("removal change: rev %d, row %+v", rev3, removed)
		}
	})
}

// TestConcurrentWritersKeepRevisionOrder checks the property the matcher's
// incremental reload depends on: a reader that follows Changes never misses
// a row, whatever the interleaving of writers.
func TestConcurrentWritersKeepRevisionOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		ix := db.Indicators()
		const writers, each = 4, 25
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if _, err := ix.Upsert(ctx, []ioc.Row{row("host", fmt.Sprintf("w%d-%d.example", w, i), "block")}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		seen := map[string]bool{}
		var rev int64
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		for finished := false; !finished; {
			select {
			case <-done:
				finished = true
			default:
			}
			var err error
			rev, err = ix.Changes(ctx, rev, func(r *ioc.Row) error { seen[r.Value] = true; return nil })
			if err != nil {
				t.Fatal(err)
			}
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != writers*each {
			t.Errorf("reader saw %d rows, want %d", len(seen), writers*each)
		}
	})
}

// TestWatchAcrossHandles opens two handles on one database, as two
// processes or two gateway nodes would, and checks that a write through one
// wakes a watcher of the other. The delay is logged: well under a second
// on a quiet machine (SQLite polls every 250 ms); the deadline is generous
// for a loaded one.
func TestWatchAcrossHandles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		other, err := store.Open(ctx, dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		local := db.Watch(ctx, store.ChannelIndicators)
		remote := other.Watch(ctx, store.ChannelIndicators)
		for name, h := range map[string]*store.DB{"local": db, "remote": other} {
			select {
			case <-h.WatchReady():
			case <-time.After(30 * time.Second):
				t.Fatalf("%s watcher not ready after 30 s", name)
			}
		}
		drain(local)
		drain(remote)
		start := time.Now()
		if _, err := db.Indicators().Upsert(ctx, []ioc.Row{row("email", "x@evil.example", "block")}); err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]<-chan struct{}{"local": local, "remote": remote} {
			select {
			case <-c:
				t.Logf("%s notice after %v", name, time.Since(start))
			case <-time.After(30 * time.Second):
				t.Errorf("%s watcher not told within 30 s", name)
			}
		}
		cancel()
		if _, ok := <-local; ok {
			// one pending notice may remain; the next receive sees the close
			if _, ok := <-local; ok {
				t.Error("watch channel not closed after cancel")
			}
		}
	})
}

func drain(c <-chan struct{}) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

func TestRebind(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		got := db.Rebind("SELECT ? , ?")
		want := "SELECT ? , ?"
		if db.Dialect() == store.Postgres {
			want = "SELECT $1 , $2"
		}
		if got != want {
			t.Errorf("Rebind = %q, want %q", got, want)
		}
	})
}
