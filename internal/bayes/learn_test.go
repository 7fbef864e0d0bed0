package bayes_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/checks/bayescheck"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

func eml(id, subject, body string) []byte {
	return []byte("From: Service <noreply@example.net>\r\nTo: agent@hopital.example\r\nMessage-ID: <" + id +
		"@example.net>\r\nSubject: " + subject + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
}

func phishText(i int) string {
	return fmt.Sprintf("Votre compte de messagerie sera suspendu sous 24 heures. Cliquez ici pour vérifier vos identifiants et éviter le blocage de votre boîte, dossier %d numéro n%d", i, i)
}

func hamText(i int) string {
	return fmt.Sprintf("Bonjour, la réunion de service du bloc opératoire est déplacée à jeudi. Merci de mettre à jour le planning des gardes, ordre du jour numéro n%d et compte-rendu %d", i, i)
}

// forEachStore runs fn against every store backend (storetest.ForEach).
var forEachStore = storetest.ForEach

func learnN(t *testing.T, l *bayes.Learner, c bayes.Class, n int, text func(int) string) {
	t.Helper()
	var items []bayes.Item
	for i := range n {
		items = append(items, bayes.Item{Name: fmt.Sprint(i), Raw: eml(fmt.Sprintf("%s%d", c, i), "Objet "+string(c), text(i)), Class: c, Source: "test"})
	}
	res, err := l.Learn(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || r.Outcome != bayes.OutcomeLearned {
			t.Fatalf("%s: %v %v", r.Name, r.Outcome, r.Err)
		}
	}
}

func TestLearnDeduplicatesAndRelearns(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		l := &bayes.Learner{Repo: db.Bayes()}
		learnN(t, l, bayes.Phish, 20, phishText)
		learnN(t, l, bayes.Ham, 20, hamText)
		st, _ := db.Bayes().State(ctx)
		tokens, _ := db.Bayes().TokenCount(ctx)
		if st.Phish != 20 || st.Ham != 20 || st.Tokenizer != bayes.TokenizerVersion {
			t.Fatalf("state %+v", st)
		}
		// The same message a thousand times — other Message-IDs, other
		// recipients, another transfer encoding — counts once.
		var items []bayes.Item
		for i := range 1000 {
			raw := eml(fmt.Sprint("copy", i), "Objet phish", phishText(3))
			if i%2 == 1 {
				raw = []byte(strings.Replace(string(raw), "To: agent@", fmt.Sprintf("To: agent%d@", i), 1))
				raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
			}
			items = append(items, bayes.Item{Raw: raw, Class: bayes.Phish})
		}
		res, err := l.Learn(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Outcome != bayes.OutcomeDuplicate {
				t.Fatalf("copy learned: %+v", r)
			}
		}
		st2, _ := db.Bayes().State(ctx)
		tokens2, _ := db.Bayes().TokenCount(ctx)
		if st2 != st || tokens2 != tokens {
			t.Fatalf("a thousand copies changed the model: %+v %d -> %+v %d", st, tokens, st2, tokens2)
		}
		// An administrator says it was legitimate after all: it moves.
		r, err := l.Feedback(ctx, eml("x", "Objet phish", phishText(3)), bayes.Released, "alice")
		if err != nil || r.Outcome != bayes.OutcomeRelearned {
			t.Fatalf("release: %+v %v", r, err)
		}
		if st3, _ := db.Bayes().State(ctx); st3.Phish != 19 || st3.Ham != 21 {
			t.Fatalf("after relearning: %+v", st3)
		}
		// Forgetting it takes it out; forgetting it again does nothing.
		for _, want := range []bayes.Outcome{bayes.OutcomeForgotten, bayes.OutcomeUnknown} {
			res, err := l.Learn(ctx, []bayes.Item{{Raw: eml("y", "Objet phish", phishText(3))}})
			if err != nil || res[0].Outcome != want {
				t.Fatalf("forget: %+v %v, want %s", res, err, want)
			}
		}
		if st4, _ := db.Bayes().State(ctx); st4.Phish != 19 || st4.Ham != 20 {
			t.Fatalf("after forgetting: %+v", st4)
		}
		// No count goes below zero or above the messages of its class.
		_, err = db.Bayes().Tokens(ctx, 0, func(tk bayes.TokenRow) error {
			if tk.Phish < 0 || tk.Ham < 0 || tk.Phish > 19 || tk.Ham > 20 {
				return fmt.Errorf("feature %x counts %d/%d", tk.Hash, tk.Phish, tk.Ham)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Who overrules whom: a person's decision moves any message; a user's
// report does not move an administrator's; autolearn moves only its own
// judgements, never a person's, whatever a sender sends again.
func TestDecisionsPrecedence(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		l := &bayes.Learner{Repo: db.Bayes()}
		auto := func(i int, c bayes.Class) bayes.Item {
			return bayes.Item{Name: "autolearn", Raw: eml(fmt.Sprint("a", i), "Objet", phishText(i)), Class: c, Source: bayes.SourceAutolearn, By: "vigie"}
		}
		decided := func(i int, d bayes.Decision) bayes.Item {
			return bayes.Item{Name: string(d), Raw: eml(fmt.Sprint("d", i), "Objet", phishText(i)), Class: d.Class(), Source: string(d), By: "alice"}
		}
		cli := func(i int, c bayes.Class) bayes.Item {
			return bayes.Item{Name: "cli", Raw: eml(fmt.Sprint("c", i), "Objet", phishText(i)), Class: c, Source: "cli", By: "alice"}
		}
		for i, c := range []struct {
			first, then bayes.Item
			want        bayes.Outcome
		}{
			{decided(0, bayes.Released), decided(0, bayes.Reported), bayes.OutcomeKept},
			{cli(1, bayes.Ham), decided(1, bayes.Reported), bayes.OutcomeKept},
			{auto(2, bayes.Ham), decided(2, bayes.Reported), bayes.OutcomeRelearned},
			{decided(3, bayes.Reported), decided(3, bayes.Released), bayes.OutcomeRelearned},
			{decided(4, bayes.Reported), auto(4, bayes.Ham), bayes.OutcomeKept},
			{decided(5, bayes.Released), auto(5, bayes.Phish), bayes.OutcomeKept},
			{decided(6, bayes.Confirmed), auto(6, bayes.Ham), bayes.OutcomeKept},
			{cli(7, bayes.Phish), auto(7, bayes.Ham), bayes.OutcomeKept},
			{auto(8, bayes.Ham), auto(8, bayes.Phish), bayes.OutcomeRelearned},
			{decided(9, bayes.Released), decided(9, bayes.Confirmed), bayes.OutcomeRelearned},
			{decided(10, bayes.Reported), cli(10, bayes.Ham), bayes.OutcomeRelearned},
		} {
			res, err := l.Learn(ctx, []bayes.Item{c.first, c.then})
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Outcome != bayes.OutcomeLearned || res[1].Outcome != c.want {
				t.Errorf("%d: %s %s then %s %s: %s, %s; want learned, %s", i, c.first.Name, c.first.Class, c.then.Name, c.then.Class,
					res[0].Outcome, res[1].Outcome, c.want)
			}
		}
	})
}

func TestLearnRefusesBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		l := &bayes.Learner{Repo: db.Bayes()}
		noise := make([]byte, 64<<10)
		rand.Read(noise)
		blob := base64.StdEncoding.EncodeToString(noise)
		var numbers strings.Builder
		for i := range 2000 {
			fmt.Fprintf(&numbers, "%d-%d ", 1000000+i, i*7919)
		}
		for _, tc := range []struct {
			name string
			raw  []byte
		}{
			{"empty", nil},
			{"headers only", []byte("Subject: x\r\n\r\n")},
			{"random bytes", noise},
			{"an encoded blob as text", eml("b", "x", blob)},
			{"numbers", eml("n", "x", numbers.String())},
			{"a few words", eml("w", "x", "ok merci")},
		} {
			res, err := l.Learn(ctx, []bayes.Item{{Name: tc.name, Raw: tc.raw, Class: bayes.Ham}})
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(res[0].Err, bayes.ErrRefused) {
				t.Errorf("%s: learned (%+v)", tc.name, res[0])
			}
		}
		if st, _ := db.Bayes().State(ctx); st.Ham != 0 {
			t.Errorf("garbage reached the model: %+v", st)
		}
		// A huge message is learned as one message of bounded size.
		huge := eml("h", "Grand message", strings.Repeat(hamText(1)+" ", 200_000))
		start := time.Now()
		res, err := l.Learn(ctx, []bayes.Item{{Raw: huge, Class: bayes.Ham}})
		if err != nil || res[0].Outcome != bayes.OutcomeLearned {
			t.Fatalf("huge: %+v %v", res, err)
		}
		n, _ := db.Bayes().TokenCount(ctx)
		if n > int64(bayes.DefaultLimits().MaxTokens) {
			t.Errorf("one %d MB message gave %d features", len(huge)>>20, n)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("learning one huge message took %s", d)
		}
	})
}

func TestLearnRefusesAnotherTokenizer(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		learnN(t, &bayes.Learner{Repo: db.Bayes()}, bayes.Phish, 2, phishText)
		db.Exec(ctx, `UPDATE bayes_state SET tokenizer = 99`)
		_, err := (&bayes.Learner{Repo: db.Bayes()}).Learn(ctx, []bayes.Item{{Raw: eml("z", "x", hamText(5)), Class: bayes.Ham}})
		if !errors.Is(err, bayes.ErrOtherTokenizer) {
			t.Fatalf("err %v", err)
		}
	})
}

func TestPruneKeepsTheBound(t *testing.T) {
	forEachStore(t, func(t *testing.T, _ string, db *store.DB) {
		ctx := context.Background()
		l := &bayes.Learner{Repo: db.Bayes(), MaxTokens: 1000}
		learnN(t, l, bayes.Phish, 40, func(i int) string {
			return phishText(i) + fmt.Sprintf(" rare%da rare%db rare%dc rare%dd rare%de rare%df", i, i, i, i, i, i)
		})
		n, _ := db.Bayes().TokenCount(ctx)
		if n > 1000 {
			t.Fatalf("%d features stored, bound 1000", n)
		}
		// The features every message shares are kept.
		var common int
		db.Bayes().Tokens(ctx, 0, func(tk bayes.TokenRow) error {
			if tk.Phish == 40 {
				common++
			}
			return nil
		})
		if common < 20 {
			t.Errorf("pruning took the common features: %d left", common)
		}
	})
}

// logBuffer collects log lines safely across goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestLiveModelFollowsOtherNodes(t *testing.T) {
	forEachStore(t, func(t *testing.T, dsn string, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		other, err := store.Open(ctx, dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		var logs logBuffer
		live := bayes.Start(ctx, other.Bayes(), bayes.LiveOptions{Options: bayes.Options{MinLearned: 10},
			Log: slog.New(slog.NewTextHandler(&logs, nil)), Resync: time.Hour})
		if live.Votes() {
			t.Fatal("an empty model votes")
		}
		l := &bayes.Learner{Repo: db.Bayes()}
		learnN(t, l, bayes.Phish, 10, phishText)
		learnN(t, l, bayes.Ham, 10, hamText)
		// No restart, no resync tick: the change notice brings it.
		waitFor(t, "the other node to learn", live.Votes)
		stored, _ := db.Bayes().TokenCount(ctx)
		if got := live.Stats().Tokens; int64(got) != stored {
			t.Errorf("other node holds %d features, store %d", got, stored)
		}
		sc := &scan.Scanner{Checks: []scan.Check{&bayescheck.Check{Model: live.Model}}, Policy: scan.DefaultPolicy()}
		if v := sc.Scan(ctx, eml("s", "Objet", phishText(99)), scan.Envelope{}); !v.Has("BAYES_PHISH") {
			t.Errorf("the other node's model does not vote: %+v", v.Signals)
		}
		// Pruning deletes rows: the other node reloads everything.
		if _, err := db.Bayes().Prune(ctx, 10, 5); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the prune to reach the other node", func() bool { return live.Stats().Tokens == 5 })

		// A model the store cannot give back is logged and silenced.
		db.Exec(ctx, `UPDATE bayes_state SET ham = -3`)
		db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.Changed(ctx, store.ChannelBayes); return err })
		waitFor(t, "the corrupt model to be refused", func() bool { return live.Stats().Err != nil })
		if live.Votes() || !errors.Is(live.Stats().Err, bayes.ErrCorrupt) {
			t.Errorf("corrupt model: votes %v, err %v", live.Votes(), live.Stats().Err)
		}
		waitFor(t, "the error in the log", func() bool { return strings.Contains(logs.String(), "classifier off") })
		// Vigie scans on with the other signals.
		if v := sc.Scan(ctx, eml("s", "Objet phish", phishText(1)), scan.Envelope{}); len(v.Signals) != 0 {
			t.Errorf("a corrupt model voted: %+v", v.Signals)
		}
		// Repaired, it comes back by itself.
		db.Exec(ctx, `UPDATE bayes_state SET ham = 10`)
		db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.Changed(ctx, store.ChannelBayes); return err })
		waitFor(t, "the repaired model", live.Votes)
		// An unreadable model (a table gone) is as silent.
		db.Exec(ctx, `DROP TABLE bayes_tokens`)
		db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.Changed(ctx, store.ChannelBayes); return err })
		waitFor(t, "the unreadable model to be refused", func() bool { return live.Stats().Err != nil })
		if err := live.Stats().Err; !strings.Contains(err.Error(), "model unreadable") {
			t.Errorf("err %v", err)
		}
	})
}

// TestRefusalMessage: a refusal's reason is said to a person in French by
// default and in English when asked (the CLI's --lang), while its error,
// which the logs show, stays English and still wraps ErrRefused.
func TestRefusalMessage(t *testing.T) {
	_, err := bayes.Tokenizer{}.Prepare([]byte("Subject: x\r\n\r\nok merci"), message.Limits{})
	if !errors.Is(err, bayes.ErrRefused) {
		t.Fatalf("a few words learned: %v", err)
	}
	for _, c := range []struct{ lang, want string }{
		{"", "refusé : trop peu de texte pour en apprendre quelque chose (3 mots)"},
		{"fr", "refusé : trop peu de texte pour en apprendre quelque chose (3 mots)"},
		{"en", "bayes: refused: too little text to learn from (3 words)"},
	} {
		if got := bayes.Message(err, c.lang); got != c.want {
			t.Errorf("Message(%q) = %q, want %q", c.lang, got, c.want)
		}
	}
	if got := err.Error(); got != "bayes: refused: too little text to learn from (3 words)" {
		t.Errorf("Error() = %q: the logs stay English", got)
	}
	// Wrapped with the CLI's context, the reason is still found.
	if got := bayes.Message(fmt.Errorf("learn a.eml: %w", err), "fr"); got != "refusé : trop peu de texte pour en apprendre quelque chose (3 mots)" {
		t.Errorf("wrapped: %q", got)
	}
	// Any other error is said as it is.
	if got := bayes.Message(errors.New("store down"), "fr"); got != "store down" {
		t.Errorf("other error: %q", got)
	}
}
