package quarantine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

type hop struct {
	from string
	to   []string
	raw  []byte
	err  error
}

func (h *hop) Deliver(_ context.Context, from string, to []string, raw []byte) error {
	if h.err != nil {
		return h.err
	}
	h.from, h.to, h.raw = from, to, raw
	return nil
}

func open(t *testing.T, dsn string) (*quarantine.Store, string) {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dir := t.TempDir()
	q, err := quarantine.Open(dir, db.Quarantine(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return q, dir
}

func TestLifecycle(t *testing.T) {
	raw, err := os.ReadFile("../engine/testdata/chorus-pro-phish.eml")
	if err != nil {
		t.Fatal(err)
	}
	v := &scan.Verdict{Action: scan.Quarantine, Score: 9, Signals: []scan.Signal{{Name: "LURE_INVOICE"}},
		Indicators: scan.Indicators{FromAddress: "notification-choruspro-fr@abatos.fr", Subject: "Facture"}}
	meta := quarantine.Meta{Frontend: "milter", Envelope: scan.Envelope{MailFrom: "<x@abatos.fr>", RcptTo: []string{"bob@example.test"}}}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			q, dir := open(t, b.DSN)
			e, err := q.Put(ctx, raw, meta, v)
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(filepath.Join(dir, e.Path))
			if err != nil || st.Size() >= int64(len(raw)) {
				t.Fatalf("stored file: %v (%d bytes for %d raw: not compressed?)", err, st.Size(), len(raw))
			}
			got, e2, err := q.Raw(ctx, e.ID)
			if err != nil || string(got) != string(raw) || e2.MailFrom != "x@abatos.fr" || e2.Score != 9 || e2.Signals[0] != "LURE_INVOICE" {
				t.Fatalf("Raw: %v %+v", err, e2)
			}
			if l, _ := q.List(ctx, quarantine.Filter{}); len(l) != 1 {
				t.Fatalf("List: %d entries", len(l))
			}
			// A failed re-injection leaves it held.
			if _, err := q.Release(ctx, e.ID, "soc", &hop{err: errors.New("next hop down")}); err == nil {
				t.Fatal("release through a failing next hop succeeded")
			}
			h := &hop{}
			r, err := q.Release(ctx, e.ID, "alice.soc", h)
			if err != nil || r.ReleasedBy != "alice.soc" || string(h.raw) != string(raw) || h.to[0] != "bob@example.test" {
				t.Fatalf("Release: %v %+v", err, r)
			}
			if _, err := q.Release(ctx, e.ID, "bob", &hop{}); !errors.Is(err, quarantine.ErrNotHeld) {
				t.Errorf("second release: %v, want ErrNotHeld", err)
			}
			if l, _ := q.List(ctx, quarantine.Filter{}); len(l) != 0 {
				t.Errorf("released entry still listed as held")
			}
			if l, _ := q.List(ctx, quarantine.Filter{All: true}); len(l) != 1 || l[0].ReleasedBy != "alice.soc" {
				t.Errorf("history: %+v", l)
			}
			if err := q.Delete(ctx, e.ID, "carol"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, e.Path)); !os.IsNotExist(err) {
				t.Errorf("file still there after delete")
			}
			if _, _, err := q.Raw(ctx, e.ID); err == nil {
				t.Errorf("Raw after delete succeeded")
			}
		})
	}
}

func TestPurge(t *testing.T) {
	ctx := context.Background()
	q, _ := open(t, storetest.Backends(t)[0].DSN)
	var ids []string
	for i := 0; i < 5; i++ {
		e, err := q.Put(ctx, []byte("Subject: x\r\n\r\nbody body body body\r\n"), quarantine.Meta{Frontend: "relay"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
		// The next entry is created in a later millisecond (the stored
		// resolution), so that "oldest" means one entry.
		for time.Now().UnixMilli() <= e.CreatedAt.UnixMilli() {
			time.Sleep(100 * time.Microsecond)
		}
	}
	e, _ := q.Get(ctx, ids[0])
	// Size limit: room for two entries; the oldest go.
	n, err := q.Purge(ctx, time.Hour, 2*e.StoredSize)
	if err != nil || n != 3 {
		t.Fatalf("Purge by size = %d, %v; want 3", n, err)
	}
	l, _ := q.List(ctx, quarantine.Filter{})
	if len(l) != 2 || l[0].ID != ids[4] || l[1].ID != ids[3] {
		t.Errorf("kept %+v, want the two newest", l)
	}
	// Retention.
	if n, err := q.Purge(ctx, time.Nanosecond, 0); err != nil || n != 2 {
		t.Errorf("Purge by age = %d, %v; want 2", n, err)
	}
	if l, _ := q.List(ctx, quarantine.Filter{All: true}); len(l) != 5 || l[0].DeletedBy != "purge:retention" {
		t.Errorf("history after purge: %+v", l)
	}
}
