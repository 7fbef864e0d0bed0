package ioc_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"vigie.dev/vigie/internal/ioc"

	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

// Export then import is a backup: a removed indicator stays removed, and
// source, author, reason, creation time, tags, confidence, TLP, rbldnsd
// code and sightings come back as they were. Importing twice changes
// nothing.
func TestJSONBackupIsLossless(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		created := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
		now := func() time.Time { return created }
		svc := ioc.NewService(db.Indicators(), ioc.ServiceOptions{Now: func() time.Time { return now() }})
		live, err := svc.Add(ctx, ioc.NewIndicator{Value: "login-micros0ft.example", Source: ioc.IncidentSource(7), Reason: "kit de phishing",
			AddedBy: "alice", Tags: []string{"phishing", "o365"}, Confidence: 80, TLP: "amber", TTL: ioc.Forever})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := svc.Add(ctx, ioc.NewIndicator{Value: "198.51.100.7", Source: ioc.FeedSource("drop"), Reason: "SBL1", AddedBy: "cron", Code: 5})
		if err != nil {
			t.Fatal(err)
		}
		now = time.Now
		if err := svc.Remove(ctx, gone.ID, "bob"); err != nil {
			t.Fatal(err)
		}
		if err := db.Indicators().RecordHits(ctx, map[int64]int64{live.ID: 3}, created.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var backup bytes.Buffer
		if _, err := svc.Export(ctx, &backup, ioc.ExportJSON, ioc.Filter{All: true}); err != nil {
			t.Fatal(err)
		}

		fdb, err := store.Open(ctx, storetest.Backends(t)[0].DSN, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer fdb.Close()
		fresh := ioc.NewService(fdb.Indicators(), ioc.ServiceOptions{})
		for round := range 2 {
			res, err := fresh.Import(ctx, bytes.NewReader(backup.Bytes()), ioc.ImportOptions{Format: ioc.FormatJSON, Name: "backup.json"})
			if err != nil || !res.Complete() {
				t.Fatalf("round %d: %+v %v", round, res, err)
			}
		}
		got, err := fresh.List(ctx, ioc.Filter{All: true})
		if err != nil || len(got) != 2 {
			t.Fatalf("restored %d rows (%v), want 2 (re-import adds nothing)", len(got), err)
		}
		live2, gone2 := got[0], got[1]
		if live2.Value == "198.51.100.7" {
			live2, gone2 = got[1], got[0]
		}
		if live2.Source != "incident:7" || live2.AddedBy != "alice" || live2.Reason != "kit de phishing" ||
			!live2.CreatedAt.Equal(created) || !slices.Equal(live2.Tags, []string{"phishing", "o365"}) ||
			live2.Confidence != 80 || live2.TLP != "amber" || !live2.ExpiresAt.IsZero() || live2.Hits != 3 ||
			live2.FirstHitAt.IsZero() || live2.Status(time.Now()) != ioc.StatusActive {
			t.Errorf("live indicator not restored as it was: %+v", live2)
		}
		if gone2.Status(time.Now()) != ioc.StatusRemoved || gone2.RemovedBy != "bob" || gone2.Source != "feed:drop" ||
			gone2.AddedBy != "cron" || gone2.Code != 5 {
			t.Errorf("removed indicator came back wrong: %+v", gone2)
		}
		if n, _ := fresh.List(ctx, ioc.Filter{}); len(n) != 1 {
			t.Errorf("%d live indicators after restore, want 1: a removed one came back", len(n))
		}
	})
}
