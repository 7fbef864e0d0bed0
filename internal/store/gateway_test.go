package store_test

import (
	"context"
	"testing"
	"time"

	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/store"
)

func TestGatewayRepository(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string, db *store.DB) {
		ctx := context.Background()
		g := db.Gateway()
		now := time.Now().UTC()
		for _, r := range []quarantine.Entry{
			{ID: "q1", CreatedAt: now.Add(-time.Hour), Frontend: "milter", SHA256: "aa", Path: "x"},
			{ID: "q2", CreatedAt: now, Frontend: "milter", SHA256: "bb", Path: "y"},
		} {
			if err := db.Quarantine().Insert(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := g.PutMTA(ctx, quarantine.MTA{ID: "q1", MTAQueueID: "4QxYz", MTAHold: true, Truncated: true, Node: "mx1"}); err != nil {
			t.Fatal(err)
		}
		if err := g.PutMTA(ctx, quarantine.MTA{ID: "q2", ReleaseOf: "aa"}); err != nil {
			t.Fatal(err)
		}
		m, err := g.MTA(ctx, "q1")
		if err != nil || m != (quarantine.MTA{ID: "q1", MTAQueueID: "4QxYz", MTAHold: true, Truncated: true, Node: "mx1"}) {
			t.Errorf("MTA(q1) = %+v, %v", m, err)
		}
		if m, err := g.MTA(ctx, "none"); err != nil || m != (quarantine.MTA{ID: "none"}) {
			t.Errorf("MTA(none) = %+v, %v", m, err)
		}
		if r, err := g.HeldBySHA256(ctx, "aa"); err != nil || r.ID != "q1" {
			t.Errorf("HeldBySHA256(aa) = %s, %v", r.ID, err)
		}
		if _, err := g.HeldBySHA256(ctx, "cc"); err != store.ErrNotFound {
			t.Errorf("HeldBySHA256(cc): %v", err)
		}
		if ids, err := g.ReleasedAgain(ctx, "aa", now.Add(-time.Minute)); err != nil || len(ids) != 1 || ids[0] != "q2" {
			t.Errorf("ReleasedAgain = %v, %v", ids, err)
		}
		if ids, _ := g.ReleasedAgain(ctx, "aa", now.Add(time.Minute)); len(ids) != 0 {
			t.Errorf("ReleasedAgain after the loop: %v", ids)
		}
		n := 0
		gen := func() (string, error) { n++; return "s3cret", nil }
		for range 2 {
			if v, err := g.Secret(ctx, "release", gen); err != nil || v != "s3cret" {
				t.Errorf("Secret = %q, %v", v, err)
			}
		}
		if n != 1 {
			t.Errorf("secret generated %d times", n)
		}
	})
}
