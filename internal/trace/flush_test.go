package trace_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"vigie.dev/vigie/internal/trace"
)

// slowRepo holds every Insert until released, recording what happened.
type slowRepo struct {
	trace.Repository
	started chan struct{}
	release chan struct{}
	mu      sync.Mutex
	events  []string
}

func (r *slowRepo) Insert(ctx context.Context, rows []trace.Row) error {
	select {
	case r.started <- struct{}{}:
	default:
	}
	<-r.release
	r.note("stored")
	return nil
}

func (r *slowRepo) note(e string) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// TestFlushWaitsForTheWriter: a record the background writer is storing
// when Flush is called is stored when Flush returns — a search right after
// Flush finds it (the end-to-end tests search the trace that way).
func TestFlushWaitsForTheWriter(t *testing.T) {
	repo := &slowRepo{started: make(chan struct{}, 1), release: make(chan struct{})}
	l := trace.Open(repo, nil)
	defer l.Close()
	l.Add(trace.Record{At: time.Now(), Frontend: "relay", Action: "accept"})
	select {
	case <-repo.started: // the writer took the record
	case <-time.After(30 * time.Second):
		t.Fatal("the writer did not store the record within 30 s")
	}
	flushed := make(chan struct{})
	go func() { l.Flush(); repo.note("flushed"); close(flushed) }()
	// Give a Flush that does not wait the time to return wrongly, then let
	// the store answer.
	select {
	case <-flushed:
	case <-time.After(200 * time.Millisecond):
	}
	close(repo.release)
	<-flushed
	repo.mu.Lock()
	defer repo.mu.Unlock()
	if len(repo.events) != 2 || repo.events[0] != "stored" {
		t.Errorf("events %v, want the record stored before Flush returned", repo.events)
	}
}
