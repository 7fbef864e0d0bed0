package quarantine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

// node opens a quarantine as one gateway node of several sharing dsn: its
// own directory and database handle, the bytes in the database.
func node(t *testing.T, dsn string, bodies func(*store.DB) quarantine.Bodies) (*quarantine.Store, string) {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dir := t.TempDir()
	b := quarantine.Bodies(db.Quarantine())
	if bodies != nil {
		b = bodies(db)
	}
	q, err := quarantine.OpenWith(filepath.Join(dir, "quarantine"), db.Quarantine(),
		quarantine.Options{Bodies: b, SpoolDir: filepath.Join(dir, "spool"), MTA: db.Gateway()})
	if err != nil {
		t.Fatal(err)
	}
	return q, dir
}

func fixture(t testing.TB) ([]byte, quarantine.Meta, *scan.Verdict) {
	raw, err := os.ReadFile("../engine/testdata/chorus-pro-phish.eml")
	if err != nil {
		t.Fatal(err)
	}
	v := &scan.Verdict{Action: scan.Quarantine, Score: 9, Signals: []scan.Signal{{Name: "LURE_INVOICE"}},
		Indicators: scan.Indicators{FromAddress: "notification-choruspro-fr@abatos.fr", Subject: "Facture"}}
	meta := quarantine.Meta{Frontend: "relay", Envelope: scan.Envelope{MailFrom: "<x@abatos.fr>", RcptTo: []string{"bob@example.test"}}}
	return raw, meta, v
}

// A message held by one node is read, released and deleted by another;
// no file is left on either node; two purges at once agree.
func TestSharedBodies(t *testing.T) {
	raw, meta, v := fixture(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			q1, dir1 := node(t, b.DSN, nil)
			q2, _ := node(t, b.DSN, nil)
			e, err := q1.Put(ctx, raw, meta, v)
			if err != nil {
				t.Fatal(err)
			}
			if e.Path != "" {
				t.Errorf("Path %q: the bytes should be in the database", e.Path)
			}
			files, _ := filepath.Glob(filepath.Join(dir1, "quarantine", "*", "*"))
			if len(files) != 0 {
				t.Errorf("files written on the holding node: %v", files)
			}
			readAndRelease(t, q2, e.ID, raw)
			if _, err := q1.Release(ctx, e.ID, "bob", &hop{}); !errors.Is(err, quarantine.ErrNotHeld) {
				t.Errorf("release again from the holding node: %v, want ErrNotHeld", err)
			}
			if err := q2.Delete(ctx, e.ID, "carol"); err != nil {
				t.Fatal(err)
			}
			var de *quarantine.DeletedError
			if _, _, err := q1.Raw(ctx, e.ID); !errors.As(err, &de) || de.By != "carol" {
				t.Errorf("Raw after delete: %v", err)
			}

			for range 6 {
				if _, err := q1.Put(ctx, raw, meta, v); err != nil {
					t.Fatal(err)
				}
			}
			if held, purged := purgeAtOnce(t, q1, q2); held != 0 || purged != 6 {
				t.Errorf("after two concurrent purges: %d held, %d purged; want 0 and 6", held, purged)
			}
		})
	}
}

// readAndRelease reads a message held by another node and releases it
// (by alice), checking both give the original bytes.
func readAndRelease(t *testing.T, q *quarantine.Store, id string, raw []byte) {
	t.Helper()
	ctx := context.Background()
	got, _, err := q.Raw(ctx, id)
	if err != nil || string(got) != string(raw) {
		t.Fatalf("Raw from the other node: %v", err)
	}
	h := &hop{}
	if _, err := q.Release(ctx, id, "alice", h); err != nil || string(h.raw) != string(raw) {
		t.Fatalf("Release from the other node: %v", err)
	}
}

// purgeAtOnce runs the purge of two nodes at once, with a size limit
// nothing fits in, and returns how many are still held and how many the
// purges deleted together.
func purgeAtOnce(t *testing.T, q1, q2 *quarantine.Store) (held int, purged int64) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	var n atomic.Int64
	for _, q := range []*quarantine.Store{q1, q2} {
		wg.Go(func() {
			d, err := q.Purge(ctx, 0, 1)
			if err != nil {
				t.Errorf("purge: %v", err)
			}
			n.Add(int64(d))
		})
	}
	wg.Wait()
	held, _, err := q1.Held(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return held, n.Load()
}

// slowHop delivers after the test says so.
type slowHop struct {
	started chan struct{}
	proceed chan struct{}
	n       atomic.Int32
}

func (h *slowHop) Deliver(ctx context.Context, _ string, _ []string, _ []byte) error {
	h.n.Add(1)
	close(h.started)
	<-h.proceed
	return nil
}

// Two operators release one message from two nodes at once: it is
// delivered once, the second is told who is releasing it; a release whose
// delivery failed leaves the message free for the next.
func TestConcurrentReleases(t *testing.T) {
	raw, meta, v := fixture(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			q1, _ := node(t, b.DSN, nil)
			q2, _ := node(t, b.DSN, nil)
			e, err := q1.Put(ctx, raw, meta, v)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := q2.Release(ctx, e.ID, "bob", &hop{err: errors.New("next hop down")}); err == nil {
				t.Fatal("release through a failing next hop succeeded")
			}
			h := &slowHop{started: make(chan struct{}), proceed: make(chan struct{})}
			done := make(chan error)
			go func() {
				_, err := q1.Release(ctx, e.ID, "alice", h)
				done <- err
			}()
			<-h.started
			var busy *quarantine.BusyError
			other := &hop{}
			if _, err := q2.Release(ctx, e.ID, "bob", other); !errors.As(err, &busy) || busy.By != "alice" || other.raw != nil {
				t.Errorf("release from node 2 during node 1's: %v (delivered %v)", err, other.raw != nil)
			}
			close(h.proceed)
			if err := <-done; err != nil || h.n.Load() != 1 {
				t.Fatalf("node 1's release: %v, %d deliveries", err, h.n.Load())
			}
			if _, err := q2.Release(ctx, e.ID, "bob", other); !errors.Is(err, quarantine.ErrNotHeld) {
				t.Errorf("release after it succeeded: %v, want ErrNotHeld", err)
			}
		})
	}
}

// flaky stands for a database that can be switched off: its Bodies fail
// as an unreachable server does.
type flaky struct {
	quarantine.Bodies
	down atomic.Bool
}

func (f *flaky) InsertWithBody(ctx context.Context, e quarantine.Entry, gz []byte) error {
	if f.down.Load() {
		return dberr.ErrUnavailable
	}
	return f.Bodies.InsertWithBody(ctx, e, gz)
}

// While the database is down a held message is kept on local disk and
// acknowledged; it reaches the database, once, when it answers.
func TestOutageSpool(t *testing.T) {
	raw, meta, v := fixture(t)
	b := storetest.Backends(t)[0]
	ctx := context.Background()
	var f *flaky
	q1, dir1 := node(t, b.DSN, func(db *store.DB) quarantine.Bodies { f = &flaky{Bodies: db.Quarantine()}; return f })
	q2, _ := node(t, b.DSN, nil)
	f.down.Store(true)
	var ids []string
	var spooled []quarantine.Entry
	for range 3 {
		e, err := q1.Put(ctx, raw, meta, v)
		if err != nil {
			t.Fatalf("Put with the database down: %v", err)
		}
		ids, spooled = append(ids, e.ID), append(spooled, e)
		if err := q1.PutMTA(ctx, quarantine.MTA{ID: e.ID, MTAQueueID: "Q" + e.ID}); err != nil {
			t.Fatalf("PutMTA of a spooled entry: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir1, "quarantine", e.Path)); err != nil {
			t.Fatalf("local copy: %v", err)
		}
	}
	if q1.Spooled() != 6 {
		t.Errorf("Spooled = %d, want 3 entries and their 3 MTA records", q1.Spooled())
	}
	if _, err := q1.ReplaySpool(ctx); !dberr.Unavailable(err) || q1.Spooled() != 6 {
		t.Errorf("replay with the database down: %v, %d left", err, q1.Spooled())
	}
	f.down.Store(false)
	// A crash after the first copy was stored but before the spool forgot
	// it: the replay stores it again, which changes nothing.
	gz, err := os.ReadFile(filepath.Join(dir1, "quarantine", spooled[0].Path))
	if err != nil {
		t.Fatal(err)
	}
	stored := spooled[0]
	stored.Path = ""
	if err := f.Bodies.InsertWithBody(ctx, stored, gz); err != nil {
		t.Fatal(err)
	}
	// The node restarts (a crash, an upgrade) before the replay: what it
	// spooled is found on its disk.
	db1, err := store.Open(ctx, b.DSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db1.Close()
	q1, err = quarantine.OpenWith(filepath.Join(dir1, "quarantine"), db1.Quarantine(),
		quarantine.Options{Bodies: db1.Quarantine(), SpoolDir: filepath.Join(dir1, "spool"), MTA: db1.Gateway()})
	if err != nil || q1.Spooled() != 6 {
		t.Fatalf("restarted node: %v, %d spooled, want 6", err, q1.Spooled())
	}
	n, err := q1.ReplaySpool(ctx)
	if err != nil || n != 6 || q1.Spooled() != 0 {
		t.Fatalf("replay = %d, %v, %d left", n, err, q1.Spooled())
	}
	for _, id := range ids {
		got, e, err := q2.Raw(ctx, id)
		if err != nil || string(got) != string(raw) || e.Path != "" {
			t.Errorf("%s from the other node after the replay: %v %+v", id, err, e)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir1, "quarantine", "*", "*"))
	if len(files) != 0 {
		t.Errorf("local copies left after the replay: %v", files)
	}
	if c, _ := q2.Count(ctx, quarantine.Query{State: "all"}, 0); c != 3 {
		t.Errorf("%d entries, want 3", c)
	}
	db, err := store.Open(ctx, b.DSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range ids {
		if m, err := db.Gateway().MTA(ctx, id); err != nil || m.MTAQueueID != "Q"+id {
			t.Errorf("MTA record of %s after the replay: %+v, %v", id, m, err)
		}
	}
}
