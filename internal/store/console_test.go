package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/store"
)

// TestQuarantinePagingSearchDecisions runs the console's queries on both
// engines: keyset pages, the search box, counts, decisions and release
// requests.
func TestQuarantinePagingSearchDecisions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		q := db.Quarantine()
		base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		for i := range 120 {
			r := quarantine.Entry{ID: fmt.Sprintf("q%03d", i), CreatedAt: base.Add(time.Duration(i/2) * time.Minute), Frontend: "relay",
				MailFrom: "b@x.example", RcptTo: []string{fmt.Sprintf("u%d@h.fr", i%4)}, From: fmt.Sprintf("p%d@x.example", i),
				FromName: fmt.Sprintf("Élodie 100%% %d", i), Subject: fmt.Sprintf("Facture_%d", i), Score: float64(i % 10),
				Signals: []string{"LURE_INVOICE", fmt.Sprintf("S%d", i%3)}, Size: 10, StoredSize: 8, SHA256: "x", Path: "x"}
			if err := q.Insert(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		seen := map[string]bool{}
		var cur *quarantine.Cursor
		for {
			rows, more, err := q.Page(ctx, quarantine.Query{Limit: 25, Before: cur})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if seen[r.ID] {
					t.Fatalf("%s twice", r.ID)
				}
				seen[r.ID] = true
			}
			if !more {
				break
			}
			cur = &quarantine.Cursor{At: rows[len(rows)-1].CreatedAt, ID: rows[len(rows)-1].ID}
		}
		if len(seen) != 120 {
			t.Errorf("paging reached %d of 120", len(seen))
		}
		back, _, _ := q.Page(ctx, quarantine.Query{Limit: 5, After: &quarantine.Cursor{At: base, ID: "q000"}})
		if len(back) != 5 || back[4].ID != "q001" || back[0].ID != "q005" {
			t.Errorf("paging towards newer: %v", ids(back))
		}
		for _, tc := range []struct {
			q    quarantine.Query
			want int
		}{
			{quarantine.Query{Text: "élodie 100% 7"}, 11}, // 7, 70–79: the display name, Unicode, a literal %
			{quarantine.Query{Text: "FACTURE_11"}, 11},    // _ is literal: 11, 110–119
			{quarantine.Query{Subject: "facture_5"}, 11},
			{quarantine.Query{Sender: "p9@"}, 1},
			{quarantine.Query{Rcpt: "u1@"}, 30},
			{quarantine.Query{Signal: "s2"}, 40},
			{quarantine.Query{Signal: "LURE"}, 0}, // whole names only
			{quarantine.Query{MinScore: 8, MaxScore: 9}, 24},
			{quarantine.Query{Since: base.Add(50 * time.Minute)}, 20},
			{quarantine.Query{Until: base.Add(time.Minute)}, 2},
			{quarantine.Query{State: "released"}, 0},
		} {
			n, err := q.Count(ctx, tc.q, 0)
			if err != nil || n != tc.want {
				t.Errorf("%+v: %d (%v), want %d", tc.q, n, err, tc.want)
			}
		}
		if n, _ := q.Count(ctx, quarantine.Query{}, 50); n != 51 {
			t.Errorf("bounded count: %d, want 51", n)
		}
		if err := q.MarkVerdict(ctx, "q001", "phish", "anna", base); err != nil {
			t.Fatal(err)
		}
		if r, _ := q.Get(ctx, "q001"); r.Verdict != "phish" || r.VerdictBy != "anna" || r.FromName != "Élodie 100% 1" {
			t.Errorf("verdict: %+v", r)
		}
		d := db.Quarantine()
		id, err := d.AddDecision(ctx, quarantine.Decision{At: base, Actor: "anna", QuarantineID: "q001", Class: "phish", Action: "phish", SHA256: "x", Message: []byte{1, 2, 3}})
		if err != nil {
			t.Fatal(err)
		}
		p, err := d.PendingDecisions(ctx, 10)
		if err != nil || len(p) != 1 || string(p[0].Message) != "\x01\x02\x03" {
			t.Fatalf("pending: %+v %v", p, err)
		}
		d.MarkLearned(ctx, id, base)
		if p, _ := d.PendingDecisions(ctx, 10); len(p) != 0 {
			t.Error("learned decision still pending")
		}
		if r, err := d.DecisionsFor(ctx, "q001"); err != nil || len(r) != 1 || r[0].LearnedAt.IsZero() {
			t.Errorf("for message: %+v %v", r, err)
		}
		rel := db.Releases()
		a, err := rel.Request(ctx, "q002", "u2@h.fr", "192.0.2.1", base)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := rel.Request(ctx, "q002", "u2@h.fr", "192.0.2.9", base.Add(time.Hour))
		if a.ID != b.ID || b.Status != "pending" {
			t.Errorf("a request made twice is two: %+v %+v", a, b)
		}
		if err := rel.Decide(ctx, a.ID, "released", "alice", base); err != nil {
			t.Fatal(err)
		}
		if err := rel.Decide(ctx, a.ID, "refused", "alice", base); err != store.ErrNotFound {
			t.Errorf("decided twice: %v", err)
		}
		if l, _ := rel.List(ctx, "pending", 0); len(l) != 0 {
			t.Errorf("pending after decision: %+v", l)
		}
		if err := rel.DigestSent(ctx, "u2@h.fr", base, base); err != nil {
			t.Fatal(err)
		}
		rel.DigestSent(ctx, "u2@h.fr", base.Add(time.Hour), base.Add(time.Hour))
		if at, _ := rel.DigestListed(ctx, "u2@h.fr"); !at.Equal(base.Add(time.Hour)) {
			t.Errorf("digest state: %v", at)
		}
	})
}

func ids(rs []quarantine.Entry) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
