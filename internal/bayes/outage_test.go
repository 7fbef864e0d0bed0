package bayes_test

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
)

// unreachable stands for a database that can be switched off: reading
// the model fails as with a server out of reach.
type unreachable struct {
	bayes.Repository
	down    atomic.Bool
	refused atomic.Int64 // reads refused while down
}

func (u *unreachable) State(ctx context.Context) (bayes.StoreState, error) {
	if u.down.Load() {
		u.refused.Add(1)
		return bayes.StoreState{}, dberr.ErrUnavailable
	}
	return u.Repository.State(ctx)
}

func (u *unreachable) Tokens(ctx context.Context, since int64, fn func(bayes.TokenRow) error) (int64, error) {
	if u.down.Load() {
		return 0, dberr.ErrUnavailable
	}
	return u.Repository.Tokens(ctx, since, fn)
}

// The database goes down: a running node classifies on with the model it
// last read; a node started while it is down classifies with its local
// snapshot, and takes the store's model once it answers.
func TestLiveModelOutlivesTheDatabase(t *testing.T) {
	b := storetest.Backends(t)[0]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.Open(ctx, b.DSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := &bayes.Learner{Repo: db.Bayes()}
	learnN(t, l, bayes.Phish, 10, phishText)
	learnN(t, l, bayes.Ham, 10, hamText)

	snap := filepath.Join(t.TempDir(), "bayes.snapshot")
	repo := &unreachable{Repository: db.Bayes()}
	o := bayes.LiveOptions{Options: bayes.Options{MinLearned: 10}, Resync: 20 * time.Millisecond, Snapshot: snap}
	live := bayes.Start(ctx, repo, o)
	if !live.Votes() || live.FromSnapshot() {
		t.Fatalf("model from the store: votes %v, from snapshot %v", live.Votes(), live.FromSnapshot())
	}
	if _, err := os.Stat(snap); err != nil {
		t.Fatalf("no local snapshot after the first load: %v", err)
	}
	tokens := live.Stats().Tokens

	repo.down.Store(true)
	waitFor(t, "ten resyncs refused", func() bool { return repo.refused.Load() >= 10 })
	if s := live.Stats(); !s.Votes || s.Err != nil || s.Tokens != tokens {
		t.Errorf("running node with the database down: %+v, want the last model in use", s)
	}

	restarted := bayes.Start(ctx, repo, o)
	if s := restarted.Stats(); !restarted.FromSnapshot() || !s.Votes || s.Tokens != tokens || s.Phish != 10 {
		t.Fatalf("node started with the database down: from snapshot %v, %+v", restarted.FromSnapshot(), s)
	}
	learnN(t, l, bayes.Ham, 1, func(int) string { return hamText(500) })
	repo.down.Store(false)
	waitFor(t, "the store's model after the outage", func() bool {
		return !restarted.FromSnapshot() && restarted.Stats().Ham == 11
	})

	// A snapshot file of its own: the running nodes rewrite theirs.
	torn := filepath.Join(t.TempDir(), "torn.snapshot")
	os.WriteFile(torn, []byte("VIGIEBAYES\x00\x01 truncated"), 0o600)
	repo.down.Store(true)
	o.Snapshot = torn
	if s := bayes.Start(ctx, repo, o).Stats(); s.Votes || s.Err == nil {
		t.Errorf("started on a torn snapshot with the database down: %+v, want the classifier off", s)
	}
}
