// Package follow keeps a node's copy of shared data in step with the
// database: the indicators, the classifier and the learned weights are
// re-read when another node announces a change, and on a period in case a
// notice was lost (the database restarted, the connection dropped).
package follow

import (
	"context"
	"time"
)

// Changes calls reload after each notice and every period, until ctx ends
// or notices is closed. It blocks; callers run it in a goroutine or at the
// end of their own loop.
func Changes(ctx context.Context, notices <-chan struct{}, period time.Duration, reload func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-notices:
			if !ok {
				return
			}
		case <-t.C:
		}
		reload()
	}
}
