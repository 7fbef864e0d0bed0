package store_test

import (
	"context"
	"testing"
	"time"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

func TestMailboxLedger(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		l := db.MailboxLedger()
		at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
		id, err := l.Record(ctx, mailbox.Action{IncidentID: 3, Run: "r1", At: at, Actor: "rssi", Kind: "purge", Connector: "imap",
			Mailbox: "alice@chu.test", Folder: "INBOX", Dest: "Quarantaine Vigie", MessageID: "x@evil.example", SHA256: "ab", Ref: "7", Status: "done"})
		if err != nil {
			t.Fatal(err)
		}
		l.Record(ctx, mailbox.Action{IncidentID: 3, Run: "r1", At: at, Actor: "rssi", Kind: "purge", Connector: "imap",
			Mailbox: "bob@chu.test", Status: "failed", Detail: "unreachable"})
		l.Record(ctx, mailbox.Action{IncidentID: 4, Run: "r2", At: at, Actor: "rssi", Kind: "purge", Connector: "imap", Mailbox: "c", Status: "done"})
		done, err := l.Actions(ctx, 3, "purge", "done")
		if err != nil || len(done) != 1 || done[0].ID != id || done[0].Ref != "7" || !done[0].At.Equal(at) {
			t.Fatalf("%v %+v", err, done)
		}
		if all, _ := l.Actions(ctx, 3, "", ""); len(all) != 2 {
			t.Errorf("all: %+v", all)
		}
		if err := l.SetStatus(ctx, id, "restored", "r3"); err != nil {
			t.Fatal(err)
		}
		if done, _ := l.Actions(ctx, 3, "purge", "done"); len(done) != 0 {
			t.Errorf("still done: %+v", done)
		}
	})
}
