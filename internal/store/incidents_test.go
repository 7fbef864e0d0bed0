package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/store"
)

func openIncident(t *testing.T, db *store.DB) (*incident.Service, incident.Incident) {
	t.Helper()
	svc, err := incident.New(incident.Options{Repo: db.Incidents()})
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Open(context.Background(), incident.OpenRequest{
		Type: incident.MailboxCompromise, Title: "Boîte compta compromise", By: "alice",
		Impact: incident.Medium, Accounts: []string{"compta@example-hopital.fr"}, Machines: []string{"PC-COMPTA-02"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc, inc
}

func TestIncidentsRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		svc, inc := openIncident(t, db)
		if inc.ID == 0 || inc.Severity != incident.Minor || inc.Journal.Seq != 1 {
			t.Fatalf("opened %+v", inc)
		}
		done := incident.Done
		note := "mot de passe changé par téléphone"
		if _, err := svc.Check(ctx, inc.ID, "1.b", incident.ItemChange{Status: &done, Note: &note}, "bob"); err != nil {
			t.Fatal(err)
		}
		high := incident.High
		if _, err := svc.Update(ctx, inc.ID, incident.Changes{Impact: &high, AddAccounts: []string{"rh@example-hopital.fr"}}, "alice"); err != nil {
			t.Fatal(err)
		}
		c, err := svc.Load(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Incident.Severity != incident.Major || len(c.Incident.Accounts) != 2 {
			t.Errorf("after update: %+v", c.Incident)
		}
		var got incident.ChecklistItem
		for _, it := range c.Checklist {
			if it.ItemID == "1.b" {
				got = it
			}
		}
		if got.Status != incident.Done || got.Note != note || got.UpdatedBy != "bob" || got.Def.TitleEN == "" {
			t.Errorf("item 1.b = %+v", got)
		}
		if len(c.Journal) != 3 {
			t.Errorf("journal has %d entries, want 3", len(c.Journal))
		}
		if _, err := svc.Close(ctx, inc.ID, incident.CloseRequest{Resolution: incident.Resolved, Reason: "endigué", Confirm: true, By: "alice"}); err != nil {
			t.Fatal(err)
		}
		open, err := svc.List(ctx, incident.ListFilter{Status: incident.Open})
		if err != nil || len(open) != 0 {
			t.Errorf("open incidents = %v, %v", open, err)
		}
		if res, err := svc.Verify(ctx, inc.ID, incident.VerifyRequest{}); err != nil || res.Entries != 4 {
			t.Errorf("Verify = %+v, %v", res, err)
		}
		if _, err := svc.Get(ctx, 999); !errors.Is(err, incident.ErrNotFound) {
			t.Errorf("Get(999) = %v", err)
		}
	})
}

// TestJournalTamperingDetected edits the database behind Vigie's back, the
// way someone with access to the file or the server would.
func TestJournalTamperingDetected(t *testing.T) {
	tampers := []struct {
		name    string
		sql     string
		wantSeq int64
	}{
		{"edit text", `UPDATE incident_journal SET text = 'rien à signaler' WHERE incident_id = ? AND seq = 3`, 3},
		{"edit author", `UPDATE incident_journal SET author = 'mallory' WHERE incident_id = ? AND seq = 2`, 2},
		{"edit time", `UPDATE incident_journal SET at = at + 60000 WHERE incident_id = ? AND seq = 4`, 4},
		{"delete middle", `DELETE FROM incident_journal WHERE incident_id = ? AND seq = 3`, 3},
		{"delete last", `DELETE FROM incident_journal WHERE incident_id = ? AND seq = 5`, 5},
		{"insert", `INSERT INTO incident_journal (incident_id, seq, at, author, kind, text, accounts, machines, prev_hash, hash)
			SELECT incident_id, 6, at, author, kind, 'ajout', accounts, machines, hash, hash FROM incident_journal WHERE incident_id = ? AND seq = 5`, 6},
	}
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		for _, tt := range tampers {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				svc, inc := openIncident(t, db)
				for i := range 4 {
					if _, err := svc.Log(ctx, inc.ID, journal.Draft{Author: "bob", Kind: journal.Finding, Text: fmt.Sprintf("constat %d", i)}); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := svc.Verify(ctx, inc.ID, incident.VerifyRequest{}); err != nil {
					t.Fatalf("intact journal: %v", err)
				}
				if _, err := db.Exec(ctx, tt.sql, inc.ID); err != nil {
					t.Fatal(err)
				}
				_, err := svc.Verify(ctx, inc.ID, incident.VerifyRequest{})
				var ce *journal.ChainError
				if !errors.As(err, &ce) {
					t.Fatalf("Verify after tampering = %v", err)
				}
				if ce.Seq != tt.wantSeq {
					t.Errorf("Verify names entry %d, want %d: %v", ce.Seq, tt.wantSeq, err)
				}
			})
		}
	})
}

// TestJournalConcurrentWriters has several goroutines (each with its own
// connection, as separate processes would) log to one incident at once.
func TestJournalConcurrentWriters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string, db *store.DB) {
		ctx := context.Background()
		svc, inc := openIncident(t, db)
		db2, err := store.Open(ctx, dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		svc2, _ := incident.New(incident.Options{Repo: db2.Incidents()})
		const writers, each = 6, 8
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			s := svc
			if w%2 == 1 {
				s = svc2
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					_, err := s.Log(ctx, inc.ID, journal.Draft{Author: fmt.Sprintf("w%d", w), Text: fmt.Sprintf("écriture %d", i),
						EventAt: time.Now()})
					if err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		res, err := svc.Verify(ctx, inc.ID, incident.VerifyRequest{})
		if err != nil {
			t.Fatal(err)
		}
		head, n := res.Head, res.Entries
		if n != 1+writers*each || head.Seq != int64(n) {
			t.Errorf("journal has %d entries (head %d), want %d", n, head.Seq, 1+writers*each)
		}
	})
}
