package store_test

import (
	"context"
	"testing"
	"time"

	"vigie.dev/vigie/internal/posture"
	"vigie.dev/vigie/internal/store"
)

// The latest run of each subject, on both engines.
func TestPostureRunsLatest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		p := db.PostureRuns()
		base := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
		for i, r := range []posture.Run{
			{Kind: "posture", Subject: "a.fr", At: base, Worst: "high", Body: []byte(`{"v":1}`)},
			{Kind: "posture", Subject: "a.fr", At: base.Add(time.Hour), Worst: "low", Body: []byte(`{"v":2}`)},
			{Kind: "posture", Subject: "b.fr", At: base.Add(30 * time.Minute), Worst: "", Body: []byte(`{"v":3}`)},
			{Kind: "selftest", Subject: "mx:25", At: base, Worst: "0/32", Body: []byte(`{"v":4}`)},
		} {
			if id, err := p.Add(ctx, r); err != nil || id <= 0 {
				t.Fatalf("add %d: %d %v", i, id, err)
			}
		}
		got, err := p.Latest(ctx, "posture")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Subject != "a.fr" || string(got[0].Body) != `{"v":2}` || got[0].Worst != "low" ||
			!got[0].At.Equal(base.Add(time.Hour)) || got[1].Subject != "b.fr" {
			t.Fatalf("latest: %+v", got)
		}
		if _, err := p.Add(ctx, posture.Run{Kind: "posture", Subject: "x", Body: make([]byte, 5<<20)}); err == nil {
			t.Error("oversized report stored")
		}
	})
}
