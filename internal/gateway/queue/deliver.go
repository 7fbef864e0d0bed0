package queue

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// dueItem schedules an entry; stale items (the entry was rescheduled or
// is gone) are skipped when popped.
type dueItem struct {
	at time.Time
	id string
}

type dueHeap []dueItem

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueItem)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// permanent reports whether err says the delivery can never succeed: a
// 5xx reply of the next hop. Everything else (connection refused, 4xx,
// timeouts) is retried until the maximum age.
func permanent(err error) bool {
	var se *smtp.SMTPError
	return errors.As(err, &se) && se.Code >= 500
}

// attempt tries one delivery of e and records the outcome.
func (q *Queue) attempt(ctx context.Context, e *entry) {
	env := e.env
	path := filepath.Join(q.dir, env.ID+msgExt)
	raw, err := readBody(path)
	if err != nil {
		q.o.Log.Error("queue: message file unreadable, dropped", "id", env.ID, "err", err)
		q.remove(env.ID)
		return
	}
	start := time.Now()
	failed, err := q.o.Deliverer.Deliver(ctx, env.From, env.To, raw)
	log := q.o.Log.With("id", env.ID, "from", env.From, "attempt", env.Attempts+1)
	if err == nil && len(failed) == 0 {
		log.Info("delivered", "rcpt", env.To, "elapsed_ms", time.Since(start).Milliseconds())
		q.remove(env.ID)
		return
	}
	if err != nil {
		// The whole message failed: every recipient shares the error.
		failed = map[string]error{}
		for _, r := range env.To {
			failed[r] = err
		}
	}
	var bounce, retry []string
	var retryErr error
	expired := time.Since(env.Created) > q.o.MaxAge
	for _, r := range env.To {
		ferr, ok := failed[r]
		switch {
		case !ok: // delivered
		case permanent(ferr) || expired:
			bounce = append(bounce, r)
		default:
			retry = append(retry, r)
			retryErr = ferr
		}
	}
	if len(bounce) > 0 {
		log.Warn("delivery failed for good", "rcpt", bounce, "expired", expired, "err", failed[bounce[0]])
		q.bounce(env, raw, bounce, failed)
	}
	if len(retry) == 0 {
		q.remove(env.ID)
		return
	}
	env.To = retry
	env.Attempts++
	env.LastError = retryErr.Error()
	env.Next = time.Now().Add(q.backoff(env.Attempts))
	log.Warn("delivery deferred", "rcpt", retry, "next", env.Next.Format(time.RFC3339), "err", retryErr)
	if b, err := json.Marshal(env); err == nil {
		// Not fsynced: losing it means an earlier retry, nothing more.
		os.WriteFile(filepath.Join(q.dir, env.ID+stateExt), b, 0o640)
	}
	q.mu.Lock()
	e.env, e.busy = env, false
	heap.Push(&q.due, dueItem{at: env.Next, id: env.ID})
	q.mu.Unlock()
	q.signal()
}

// backoff is RetryMin doubled per attempt, capped at RetryMax, with ±10 %
// jitter so that a burst deferred together does not retry together.
func (q *Queue) backoff(attempts int) time.Duration {
	d := q.o.RetryMin
	for i := 1; i < attempts && d < q.o.RetryMax; i++ {
		d *= 2
	}
	d = min(d, q.o.RetryMax)
	return d + time.Duration((rand.Float64()-0.5)*0.2*float64(d))
}

func (q *Queue) remove(id string) {
	os.Remove(filepath.Join(q.dir, id+msgExt))
	os.Remove(filepath.Join(q.dir, id+stateExt))
	q.mu.Lock()
	delete(q.entries, id)
	n := len(q.entries)
	q.mu.Unlock()
	if q.o.OnDepth != nil {
		q.o.OnDepth(n)
	}
}

// readBody returns a queue file's message bytes (after the envelope line).
func readBody(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, fmt.Errorf("queue: %s: no envelope line", path)
	}
	return b[i+1:], nil
}

// bounce queues a delivery status notification for rcpts to the sender. A
// bounce is never bounced (RFC 5321 §4.5.5: its reverse-path is null).
func (q *Queue) bounce(env Envelope, raw []byte, rcpts []string, failed map[string]error) {
	if env.From == "" {
		q.o.Log.Warn("queue: undeliverable bounce dropped", "id", env.ID, "rcpt", rcpts)
		return
	}
	dsn := DSN(q.o.Hostname, env, raw, rcpts, failed, time.Now())
	if _, err := q.Put("", []string{env.From}, dsn); err != nil {
		q.o.Log.Error("queue: cannot queue bounce", "id", env.ID, "err", err)
	}
}

// ErrorText is the text of a delivery error for a DSN's Diagnostic-Code:
// one line, without the Go error chain's prefixes when it is an SMTP reply.
func errorText(err error) string {
	s := err.Error()
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ")
	if len(s) > 400 {
		s = s[:400]
	}
	return s
}
