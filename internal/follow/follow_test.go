package follow

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// A notice reloads at once, the period reloads without one, and a closed
// channel or an ended context stops the loop.
func TestChanges(t *testing.T) {
	notices := make(chan struct{})
	var n atomic.Int32
	done := make(chan struct{})
	go func() { defer close(done); Changes(context.Background(), notices, time.Hour, func() { n.Add(1) }) }()
	notices <- struct{}{}
	notices <- struct{}{} // accepted only once the first reload returned
	close(notices)
	<-done
	if n.Load() != 2 {
		t.Errorf("reloads after two notices = %d, want 2", n.Load())
	}

	ctx, cancel := context.WithCancel(context.Background())
	ticked := make(chan struct{}, 1)
	done = make(chan struct{})
	go func() {
		defer close(done)
		Changes(ctx, nil, time.Millisecond, func() {
			select {
			case ticked <- struct{}{}:
			default:
			}
		})
	}()
	select {
	case <-ticked:
	case <-time.After(30 * time.Second):
		t.Fatal("no reload on the period")
	}
	cancel()
	<-done
}
