package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/gateway/allow"
	"vigie.dev/vigie/internal/posture"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/suppliers"
	"vigie.dev/vigie/internal/trace"
	"vigie.dev/vigie/internal/weights"
)

// The conformance suite: each domain's repository interface, as the
// domain package states its contract, exercised through that interface
// on SQLite and on PostgreSQL (storetest.ForEach; CI=true requires both).
// The domains' own tests cover their services over these repositories;
// this suite pins what every backend must do the same way.

func TestConformanceQuarantine(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		var repo quarantine.Repository = db.Quarantine()
		if _, err := repo.Get(ctx, "nope"); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("Get(missing): %v, want dberr.ErrNotFound", err)
		}
		at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		for i, id := range []string{"q1", "q2", "q3"} {
			e := quarantine.Entry{ID: id, CreatedAt: at.Add(time.Duration(i) * time.Minute), Frontend: "milter",
				RcptTo: []string{"a@h.fr"}, Size: 100, StoredSize: 40, SHA256: "s" + id, Path: id}
			if err := repo.Insert(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		if n, size, err := repo.Held(ctx); err != nil || n != 3 || size != 300 {
			t.Errorf("Held = %d, %d, %v; want 3 messages of 300 bytes", n, size, err)
		}
		if err := repo.MarkReleased(ctx, "q1", "alice", at); err != nil {
			t.Fatal(err)
		}
		if err := repo.MarkReleased(ctx, "q1", "bob", at); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("second release: %v, want dberr.ErrNotFound", err)
		}
		if err := repo.MarkDeleted(ctx, "q2", "purge:retention", at); err != nil {
			t.Fatal(err)
		}
		if held, _ := repo.List(ctx, quarantine.Filter{}); len(held) != 1 || held[0].ID != "q3" {
			t.Errorf("held list %+v, want q3", held)
		}
		if all, _ := repo.List(ctx, quarantine.Filter{All: true}); len(all) != 3 || all[0].ID != "q3" {
			t.Errorf("full list %+v, want 3 entries newest first", all)
		}
		if stored, _ := repo.Stored(ctx); len(stored) != 2 || stored[0].ID != "q1" {
			t.Errorf("stored %+v, want q1 then q3 (oldest first, deleted ones gone)", stored)
		}
		e, err := repo.Get(ctx, "q1")
		if err != nil || e.ReleasedBy != "alice" || !e.ReleasedAt.Equal(at) || len(e.RcptTo) != 1 {
			t.Errorf("Get(q1) = %+v, %v", e, err)
		}
		var reqs quarantine.Requests = db.Releases()
		r, err := reqs.Request(ctx, "q3", "a@h.fr", "192.0.2.1", at)
		if err != nil {
			t.Fatal(err)
		}
		if err := reqs.Decide(ctx, r.ID, "released", "alice", at); err != nil {
			t.Fatal(err)
		}
		if err := reqs.Decide(ctx, r.ID, "refused", "bob", at); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("deciding twice: %v, want dberr.ErrNotFound", err)
		}
		if _, err := reqs.Find(ctx, "q3", "b@h.fr"); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("Find(missing): %v", err)
		}
	})
}

// quarantine.Bodies: the bytes with the entry in one transaction, a
// replayed insert ignored, a delete dropping the bytes.
func TestConformanceQuarantineBodies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		var repo quarantine.Repository = db.Quarantine()
		var bodies quarantine.Bodies = db.Quarantine()
		at := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
		e := quarantine.Entry{ID: "b1", CreatedAt: at, Frontend: "relay", RcptTo: []string{"a@h.fr"}, Size: 10, StoredSize: 3, SHA256: "s"}
		if err := bodies.InsertWithBody(ctx, e, []byte{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		e2 := e
		e2.Subject = "replayed"
		if err := bodies.InsertWithBody(ctx, e2, []byte{9}); err != nil {
			t.Fatalf("second insert of one id: %v, want it ignored", err)
		}
		if b, err := bodies.Body(ctx, "b1"); err != nil || string(b) != "\x01\x02\x03" {
			t.Errorf("Body = %v, %v; want the first insert's bytes", b, err)
		}
		if got, _ := repo.Get(ctx, "b1"); got.Subject != "" || got.Path != "" {
			t.Errorf("entry after a replayed insert: %+v", got)
		}
		if n, _ := repo.Count(ctx, quarantine.Query{State: "all"}, 0); n != 1 {
			t.Errorf("%d entries, want 1", n)
		}
		// One release at a time: a claim that has not expired keeps others
		// out, an expired or ended one does not.
		if err := repo.Claim(ctx, "b1", "alice", at, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		var busy *quarantine.BusyError
		if err := repo.Claim(ctx, "b1", "bob", at.Add(time.Second), at.Add(time.Minute)); !errors.As(err, &busy) || busy.By != "alice" {
			t.Errorf("second claim: %v, want a BusyError naming alice", err)
		}
		if err := repo.Claim(ctx, "b1", "bob", at.Add(2*time.Minute), at.Add(3*time.Minute)); err != nil {
			t.Errorf("claim after the first expired: %v", err)
		}
		if err := repo.Unclaim(ctx, "b1", "bob"); err != nil {
			t.Fatal(err)
		}
		if err := repo.Claim(ctx, "b1", "carol", at.Add(2*time.Minute), at.Add(3*time.Minute)); err != nil {
			t.Errorf("claim after an unclaim: %v", err)
		}
		if err := repo.Claim(ctx, "nope", "carol", at, at); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("claim of a missing entry: %v, want dberr.ErrNotFound", err)
		}
		if _, err := bodies.Body(ctx, "nope"); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("Body(missing): %v, want dberr.ErrNotFound", err)
		}
		if err := repo.MarkDeleted(ctx, "b1", "alice", at); err != nil {
			t.Fatal(err)
		}
		if _, err := bodies.Body(ctx, "b1"); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("Body after delete: %v, want dberr.ErrNotFound", err)
		}
		if err := repo.MarkDeleted(ctx, "b1", "bob", at); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("second delete: %v, want dberr.ErrNotFound", err)
		}
	})
}

// weights.Repository: the latest model saved is the current one, and
// saving it is a change notice.
func TestConformanceLearnedWeights(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var repo weights.Repository = db.Weights()
		if raw, id, err := repo.CurrentModel(ctx); err != nil || id != 0 || raw != nil {
			t.Errorf("CurrentModel of an empty store = %q, %d, %v", raw, id, err)
		}
		notices := repo.Watch(ctx)
		at := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
		first, err := repo.SaveModel(ctx, []byte("version: 1\n# a\n"), "alice", at)
		if err != nil {
			t.Fatal(err)
		}
		second, err := repo.SaveModel(ctx, []byte("version: 1\n# b\n"), "bob", at)
		if err != nil || second <= first {
			t.Fatalf("second save: %d, %v (first %d)", second, err, first)
		}
		if raw, id, err := repo.CurrentModel(ctx); err != nil || id != second || string(raw) != "version: 1\n# b\n" {
			t.Errorf("CurrentModel = %q, %d, %v; want the second", raw, id, err)
		}
		select {
		case <-notices:
		case <-time.After(30 * time.Second):
			t.Error("no change notice after a save")
		}
	})
}

func TestConformanceTrace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		var repo trace.Repository = db.Trace()
		now := time.Now().UTC().Truncate(time.Millisecond)
		row := trace.Row{At: now, Frontend: "relay", Action: "quarantine", Signals: []string{"A", "B"}, From: "x@evil.example",
			UID: "uid-1", Terms: []trace.Term{{Kind: "sender", Value: "x@evil.example"}, {Kind: "domain", Value: "evil.example"}}}
		old := trace.Row{At: now.Add(-48 * time.Hour), Frontend: "milter", Action: "accept", UID: "uid-2",
			Terms: []trace.Term{{Kind: "domain", Value: "evil.example"}}}
		for range 2 { // a replay stores nothing twice
			if err := repo.Insert(ctx, []trace.Row{row, old}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := repo.Search(ctx, trace.Filter{Terms: []trace.Term{{Kind: "domain", Value: "evil.example"}}})
		if err != nil || len(got) != 2 || got[0].Action != "quarantine" {
			t.Fatalf("Search = %+v, %v; want 2 rows newest first", got, err)
		}
		got, _ = repo.Search(ctx, trace.Filter{Terms: []trace.Term{{Kind: "sender", Value: "x@evil.example"}}, Action: "quarantine"})
		if len(got) != 1 || len(got[0].Signals) != 2 {
			t.Errorf("Search by sender and action = %+v", got)
		}
		var sums []trace.Summary
		err = repo.Summaries(ctx, now.Add(-time.Hour), 10, func(s trace.Summary) bool { sums = append(sums, s); return true })
		if err != nil || len(sums) != 1 || sums[0].Action != "quarantine" || sums[0].From != "x@evil.example" {
			t.Errorf("Summaries = %+v, %v", sums, err)
		}
		if n, err := repo.Purge(ctx, now.Add(-24*time.Hour)); err != nil || n != 1 {
			t.Errorf("Purge = %d, %v; want the old row", n, err)
		}
	})
}

func TestConformanceAccounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		var repo account.Repository = db.Users()
		now := time.Now().UTC().Truncate(time.Millisecond)
		u := account.UserRecord{Name: "alice", Role: "admin", PasswordHash: "h1", CreatedAt: now}
		if err := repo.Create(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := repo.Create(ctx, u); !errors.Is(err, dberr.ErrExists) {
			t.Errorf("second Create: %v, want dberr.ErrExists", err)
		}
		if _, err := repo.Get(ctx, "bob"); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("Get(missing): %v", err)
		}
		if err := repo.Update(ctx, "alice", "", "h2", now); err != nil {
			t.Fatal(err)
		}
		if got, _ := repo.Get(ctx, "alice"); got.Role != "admin" || got.PasswordHash != "h2" {
			t.Errorf("Update kept the role and changed the hash? %+v", got)
		}
		s := account.SessionRecord{IDHash: "sess", User: "alice", CSRF: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := repo.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got, user, err := repo.Session(ctx, "sess", now); err != nil || got.User != "alice" || user.Name != "alice" {
			t.Errorf("Session = %+v %+v %v", got, user, err)
		}
		if _, _, err := repo.Session(ctx, "sess", now.Add(2*time.Hour)); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("expired session: %v, want dberr.ErrNotFound", err)
		}
		if n, err := repo.PurgeSessions(ctx, now.Add(2*time.Hour)); err != nil || n != 1 {
			t.Errorf("PurgeSessions = %d, %v", n, err)
		}
		for _, a := range []string{"login", "user.add"} {
			if err := repo.Audit(ctx, account.AuditEntry{At: now, Actor: "alice", Action: a}); err != nil {
				t.Fatal(err)
			}
		}
		if log, err := repo.AuditLog(ctx, 10); err != nil || len(log) != 2 || log[0].Action != "user.add" {
			t.Errorf("AuditLog = %+v, %v; want newest first", log, err)
		}
		if err := repo.Delete(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		if err := repo.Delete(ctx, "alice"); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("second Delete: %v", err)
		}
	})
}

func TestConformanceAllowRules(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		var repo allow.Repository = db.Gateway()
		now := time.Now().UTC().Truncate(time.Millisecond)
		id, err := repo.AddAllow(ctx, allow.Rule{Kind: allow.Recipient, Value: "abuse@h.fr", MaxAction: "tag", Reason: "reports",
			CreatedBy: "alice", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if rules, _ := repo.AllowRules(ctx, false); len(rules) != 1 || rules[0].Value != "abuse@h.fr" || !rules[0].ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Errorf("AllowRules = %+v", rules)
		}
		if err := repo.RemoveAllow(ctx, id, "bob", now); err != nil {
			t.Fatal(err)
		}
		if err := repo.RemoveAllow(ctx, id, "bob", now); !errors.Is(err, dberr.ErrNotFound) {
			t.Errorf("second removal: %v", err)
		}
		active, _ := repo.AllowRules(ctx, false)
		all, _ := repo.AllowRules(ctx, true)
		if len(active) != 0 || len(all) != 1 || all[0].RemovedBy != "bob" {
			t.Errorf("after removal: active %+v, all %+v", active, all)
		}
	})
}

func TestConformanceBayes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var repo bayes.Repository = db.Bayes()
		changed := repo.Watch(ctx)
		samples := []bayes.Sample{{Digest: "d1", Class: "phish", Hashes: []uint64{1, 2}, Source: "cli"},
			{Digest: "d2", Class: "ham", Hashes: []uint64{2, 3}, Source: "cli"}}
		out, err := repo.Learn(ctx, 1, samples)
		if err != nil || len(out) != 2 || out[0] != bayes.OutcomeLearned {
			t.Fatalf("Learn = %v, %v", out, err)
		}
		if out, _ := repo.Learn(ctx, 1, samples[:1]); out[0] != bayes.OutcomeDuplicate {
			t.Errorf("learning again: %v", out)
		}
		if out, _ := repo.Learn(ctx, 1, []bayes.Sample{{Digest: "d1", Class: "ham", Hashes: []uint64{1, 2}}}); out[0] != bayes.OutcomeRelearned {
			t.Errorf("learning as the other class: %v", out)
		}
		// A user's report defers to a person's decision, not to autolearn's.
		reports := []bayes.Sample{{Digest: "d1", Class: "phish", Hashes: []uint64{1, 2}, Source: "user-report", Defers: true},
			{Digest: "d4", Class: "ham", Hashes: []uint64{4}, Source: "autolearn"},
			{Digest: "d4", Class: "phish", Hashes: []uint64{4}, Source: "user-report", Defers: true}}
		if out, err := repo.Learn(ctx, 1, reports); err != nil || out[0] != bayes.OutcomeKept || out[2] != bayes.OutcomeRelearned {
			t.Errorf("reports: %v, %v", out, err)
		}
		if out, _ := repo.Learn(ctx, 1, []bayes.Sample{{Digest: "d4", Class: ""}}); out[0] != bayes.OutcomeForgotten {
			t.Errorf("forgetting a report: %v", out)
		}
		if _, err := repo.Learn(ctx, 2, samples); !errors.Is(err, bayes.ErrOtherTokenizer) {
			t.Errorf("another tokenizer: %v", err)
		}
		st, err := repo.State(ctx)
		if err != nil || st.Phish != 0 || st.Ham != 2 || st.Tokenizer != 1 {
			t.Errorf("State = %+v, %v", st, err)
		}
		counts := map[uint64]int64{}
		if _, err := repo.Tokens(ctx, 0, func(r bayes.TokenRow) error { counts[r.Hash] = r.Ham; return nil }); err != nil {
			t.Fatal(err)
		}
		if counts[2] != 2 || counts[1] != 1 {
			t.Errorf("token counts %v", counts)
		}
		if class, _ := repo.Learned(ctx, "d1"); class != "ham" {
			t.Errorf("Learned(d1) = %q", class)
		}
		if taught, _ := repo.Taught(ctx); len(taught) == 0 {
			t.Error("Taught is empty")
		}
		select {
		case <-changed:
		case <-time.After(30 * time.Second):
			t.Error("no change notice after learning")
		}
		if err := repo.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := repo.TokenCount(ctx); n != 0 {
			t.Errorf("%d tokens after Reset", n)
		}
	})
}

func TestConformanceSuppliers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		var repo suppliers.Repository = db.Suppliers()
		rev0, err := repo.Revision(ctx)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		var id int64
		err = repo.Change(ctx, func(w suppliers.Tx) error {
			if id, err = w.Add(suppliers.Supplier{Name: "Papeterie", Domain: "papeterie.example", SIREN: "123456789", Source: "import", CreatedAt: now}); err != nil {
				return err
			}
			if err := w.AddBank(suppliers.BankDetail{SupplierID: id, IBAN: "FR7630006000011234567890189", Status: suppliers.BankLearned,
				FirstSeen: now, LastSeen: now, Seen: 1, Source: "mail"}); err != nil {
				return err
			}
			if err := w.SeeBank(id, "FR7630006000011234567890189", now, true); err != nil {
				return err
			}
			return w.Event(suppliers.Event{At: now, SupplierID: id, Actor: "gateway", Action: "learn-supplier"})
		})
		if err != nil {
			t.Fatal(err)
		}
		if rev, _ := repo.Revision(ctx); rev == rev0 {
			t.Error("a change did not move the revision")
		}
		err = repo.Change(ctx, func(w suppliers.Tx) error {
			found, err := w.Find("123456789", "")
			if err != nil || len(found) != 1 || found[0].ID != id {
				t.Errorf("Find = %+v, %v", found, err)
			}
			if n, _ := w.CountBanks(id); n != 1 {
				t.Errorf("CountBanks = %d", n)
			}
			if _, ok, _ := w.Bank(id, "DE89370400440532013000"); ok {
				t.Error("an IBAN never seen was found")
			}
			ok, err := w.Confirm(id, "FR7630006000011234567890189", "compta", now)
			if err != nil || !ok {
				t.Errorf("Confirm = %v, %v", ok, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// A failed change leaves nothing behind.
		boom := errors.New("boom")
		if err := repo.Change(ctx, func(w suppliers.Tx) error {
			w.Add(suppliers.Supplier{Name: "Fantôme", Source: "import", CreatedAt: now})
			return boom
		}); !errors.Is(err, boom) {
			t.Errorf("Change returned %v", err)
		}
		list, _ := repo.List(ctx)
		banks, _ := repo.BankDetails(ctx, id)
		if len(list) != 1 || len(banks) != 1 || banks[0].Status != suppliers.BankConfirmed || banks[0].Seen != 2 || banks[0].Authenticated != 1 {
			t.Errorf("register %+v, banks %+v", list, banks)
		}
		if err := repo.AddEvent(ctx, suppliers.Event{At: now, SupplierID: id, Actor: "gateway", Action: "alert"}); err != nil {
			t.Fatal(err)
		}
		if ev, _ := repo.Events(ctx, id, 10); len(ev) != 2 {
			t.Errorf("Events = %+v", ev)
		}
	})
}

func TestConformanceAudits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		var runs posture.Runs = db.PostureRuns()
		at := time.Now().UTC().Truncate(time.Millisecond)
		for i, subj := range []string{"a.fr", "a.fr", "b.fr"} {
			if _, err := runs.Add(ctx, posture.Run{Kind: "posture", Subject: subj, At: at.Add(time.Duration(i) * time.Minute), Worst: "low", Body: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
		}
		latest, err := runs.Latest(ctx, "posture")
		if err != nil || len(latest) != 2 || latest[0].Subject != "b.fr" || !latest[1].At.Equal(at.Add(time.Minute)) {
			t.Errorf("Latest = %+v, %v; want one per subject, newest first", latest, err)
		}
	})
}
