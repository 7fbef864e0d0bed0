// Package queue is the relay's on-disk delivery queue. A message is put in
// it before the SMTP client gets its 250, so it is written durably first:
// one file holding the envelope and the bytes, written to a temporary name,
// fsynced, renamed into place, and its directory fsynced (a crash leaves
// either the whole file or nothing). Workers deliver queued messages to the
// next hop, retrying with exponential backoff; a message that fails for
// good, or for longer than the maximum age, is bounced to its sender with
// an RFC 3464 delivery status notification. The queue is reloaded from its
// directory at start, so a restart (or a kill -9) loses nothing that was
// acknowledged; delivery is at least once.
package queue

import (
	"bufio"
	"container/heap"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/durable"
)

// Envelope is a queued message's SMTP envelope and delivery state.
type Envelope struct {
	ID      string    `json:"id"`
	From    string    `json:"from"` // "" for a bounce (null reverse-path)
	To      []string  `json:"to"`
	Created time.Time `json:"created"`
	// Attempts, Next and LastError are kept in a side file updated after
	// each failed attempt; losing it only makes the next retry come sooner.
	Attempts  int       `json:"attempts,omitempty"`
	Next      time.Time `json:"next,omitzero"`
	LastError string    `json:"last_error,omitempty"`
}

// Deliverer sends a message to the next hop. A nil error with a non-empty
// failed map means the message went to the other recipients only. Errors
// that are permanent are a *smtp.SMTPError with a 5xx code; every other
// error is retried.
type Deliverer interface {
	Deliver(ctx context.Context, from string, to []string, raw []byte) (failed map[string]error, err error)
}

// Options configure a Queue.
type Options struct {
	Deliverer Deliverer
	Workers   int           // parallel deliveries (1 when zero)
	RetryMin  time.Duration // first retry delay (1 min when zero)
	RetryMax  time.Duration // backoff cap (1 h when zero)
	MaxAge    time.Duration // bounce after this long (5 days when zero)
	Hostname  string        // Reporting-MTA of bounces
	Log       *slog.Logger
	// OnDepth is called with the number of queued messages when it changes.
	OnDepth func(int)
}

// Queue is an on-disk delivery queue. Create it with Open.
type Queue struct {
	dir string
	o   Options

	mu      sync.Mutex
	entries map[string]*entry
	due     dueHeap
	wake    chan struct{}
	running sync.WaitGroup
}

type entry struct {
	env  Envelope
	busy bool
}

const msgExt, stateExt = ".msg", ".state"

// Open opens (creating it if needed) the queue directory and loads the
// messages left in it by a previous run.
func Open(dir string, o Options) (*Queue, error) {
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.RetryMin <= 0 {
		o.RetryMin = time.Minute
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(time.Hour, o.RetryMin)
	}
	if o.MaxAge <= 0 {
		o.MaxAge = 5 * 24 * time.Hour
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Hostname == "" {
		o.Hostname, _ = os.Hostname()
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	q := &Queue{dir: dir, o: o, entries: map[string]*entry{}, wake: make(chan struct{}, o.Workers)}
	if err := q.load(); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *Queue) load() error {
	ents, err := os.ReadDir(q.dir)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	for _, de := range ents {
		name := de.Name()
		switch {
		case strings.HasPrefix(name, ".tmp-"):
			// A write interrupted before its rename: never acknowledged.
			os.Remove(filepath.Join(q.dir, name))
		case strings.HasSuffix(name, msgExt):
			env, err := readEnvelope(filepath.Join(q.dir, name))
			if err != nil {
				q.o.Log.Error("queue: unreadable message left aside", "file", name, "err", err)
				os.Rename(filepath.Join(q.dir, name), filepath.Join(q.dir, name+".bad"))
				continue
			}
			if b, err := os.ReadFile(filepath.Join(q.dir, env.ID+stateExt)); err == nil {
				var st Envelope
				if json.Unmarshal(b, &st) == nil {
					env.Attempts, env.Next, env.LastError = st.Attempts, st.Next, st.LastError
					if len(st.To) > 0 {
						env.To = st.To // recipients already delivered were dropped
					}
				}
			}
			q.entries[env.ID] = &entry{env: env}
			heap.Push(&q.due, dueItem{at: env.Next, id: env.ID})
		}
	}
	if n := len(q.entries); n > 0 {
		q.o.Log.Info("queue loaded", "messages", n)
	}
	q.depth()
	return nil
}

// readEnvelope reads the first line of a queue file.
func readEnvelope(path string) (Envelope, error) {
	var env Envelope
	f, err := os.Open(path)
	if err != nil {
		return env, err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadBytes('\n')
	if err != nil {
		return env, fmt.Errorf("queue: %s: no envelope line: %w", path, err)
	}
	if err := json.Unmarshal(line, &env); err != nil {
		return env, fmt.Errorf("queue: %s: %w", path, err)
	}
	if env.ID == "" || len(env.To) == 0 {
		return env, fmt.Errorf("queue: %s: incomplete envelope", path)
	}
	return env, nil
}

// NewID returns a fresh queue id, sortable by time: the microseconds since
// 1970 and 20 random bits, in upper-case hexadecimal ("queued as" replies,
// Received fields, logs and the queue file name all use it).
func NewID() string {
	var b [3]byte
	rand.Read(b[:])
	return fmt.Sprintf("%X%05X", time.Now().UnixMicro(), (uint32(b[0])<<16|uint32(b[1])<<8|uint32(b[2]))&0xfffff)
}

// Put stores a message durably under a new id and schedules its delivery.
// Only when it returns nil may the message be acknowledged.
func (q *Queue) Put(from string, to []string, raw []byte) (string, error) {
	id := NewID()
	return id, q.PutID(id, from, to, raw)
}

// PutID is Put with the id chosen by the caller (NewID) and the message
// given in parts written one after the other (header fields to prepend,
// then the message as received), so that a large message is not copied.
func (q *Queue) PutID(id, from string, to []string, parts ...[]byte) error {
	if len(to) == 0 {
		return errors.New("queue: no recipients")
	}
	if id == "" || len(id) > 64 || strings.Trim(id, "0123456789ABCDEFabcdef") != "" {
		return fmt.Errorf("queue: bad id %q", id)
	}
	env := Envelope{ID: id, From: from, To: to, Created: time.Now().UTC()}
	line, err := json.Marshal(env)
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	if _, err := os.Lstat(filepath.Join(q.dir, env.ID+msgExt)); err == nil {
		return fmt.Errorf("queue: %s already queued", id)
	}
	if err := writeFileSync(filepath.Join(q.dir, env.ID+msgExt), append([][]byte{append(line, '\n')}, parts...)...); err != nil {
		return fmt.Errorf("queue: store %s: %w", env.ID, err)
	}
	q.mu.Lock()
	q.entries[env.ID] = &entry{env: env}
	heap.Push(&q.due, dueItem{at: env.Next, id: env.ID})
	n := len(q.entries)
	q.mu.Unlock()
	q.signal()
	if q.o.OnDepth != nil {
		q.o.OnDepth(n)
	}
	return nil
}

func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Len returns the number of queued messages.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.entries)
}

func (q *Queue) depth() {
	if q.o.OnDepth != nil {
		q.o.OnDepth(len(q.entries))
	}
}

// writeFileSync writes parts durably (package durable).
func writeFileSync(path string, parts ...[]byte) error { return durable.WriteFile(path, parts...) }

// Run delivers queued messages with the configured number of workers until
// ctx is done, then waits for the deliveries under way to finish.
func (q *Queue) Run(ctx context.Context) {
	for range q.o.Workers {
		q.running.Go(func() { q.worker(ctx) })
	}
	q.running.Wait()
}

func (q *Queue) worker(ctx context.Context) {
	for {
		e, ok := q.next(ctx)
		if !ok {
			return
		}
		// A delivery under way is not cut short by shutdown: the next hop
		// would otherwise get a broken transaction and we a duplicate.
		q.attempt(context.WithoutCancel(ctx), e)
	}
}

// next blocks until an entry is due and marks it busy.
func (q *Queue) next(ctx context.Context) (*entry, bool) {
	for {
		q.mu.Lock()
		var wait time.Duration = time.Hour
		for q.due.Len() > 0 {
			top := q.due[0]
			e, ok := q.entries[top.id]
			if !ok || e.busy || !e.env.Next.Equal(top.at) {
				heap.Pop(&q.due) // stale: delivered, taken, or rescheduled
				continue
			}
			if d := time.Until(top.at); d > 0 {
				wait = d
				break
			}
			heap.Pop(&q.due)
			e.busy = true
			q.mu.Unlock()
			return e, true
		}
		q.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, false
		case <-q.wake:
		case <-t.C:
		}
		t.Stop()
	}
}
