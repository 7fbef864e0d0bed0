package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// SpoolMemory is what a message under way keeps in memory before the
// rest goes to a temporary file: with hundreds of SMTP sessions receiving
// at once, only the messages being scanned are wholly in memory.
const SpoolMemory = 64 << 10

// Spool receives one message as it arrives from a front end: the first
// SpoolMemory bytes in memory, the rest in an unlinked temporary file (a
// crash leaves nothing behind). Bytes beyond Max are counted but dropped:
// Truncated then reports it. A Spool is used by one goroutine.
type Spool struct {
	Dir string // where the temporary file goes; os.TempDir() when ""
	Max int64  // bytes kept; 0: no limit

	mem  []byte
	file *os.File
	kept int64 // bytes kept (memory and file)
	seen int64 // bytes written, kept or not
	err  error
}

// Write implements io.Writer; it never fails short of a disk error,
// which Load reports.
func (s *Spool) Write(p []byte) (int, error) {
	n := len(p)
	s.seen += int64(n)
	if s.err != nil {
		return n, nil
	}
	if s.Max > 0 && s.kept+int64(len(p)) > s.Max {
		p = p[:max(0, s.Max-s.kept)]
	}
	if room := SpoolMemory - len(s.mem); room > 0 && s.file == nil {
		take := min(room, len(p))
		if s.mem == nil {
			s.mem = make([]byte, 0, min(SpoolMemory, max(len(p), 4096)))
		}
		s.mem = append(s.mem, p[:take]...)
		s.kept += int64(take)
		p = p[take:]
	}
	if len(p) == 0 {
		return n, nil
	}
	if s.file == nil {
		f, err := os.CreateTemp(s.Dir, ".spool-*")
		if err != nil {
			s.err = fmt.Errorf("gateway: spool: %w", err)
			return n, nil
		}
		os.Remove(f.Name()) // the open file lives on, unnamed
		s.file = f
	}
	if _, err := s.file.Write(p); err != nil {
		s.err = fmt.Errorf("gateway: spool: %w", err)
		return n, nil
	}
	s.kept += int64(len(p))
	return n, nil
}

// WriteString writes a string (header fields from the milter).
func (s *Spool) WriteString(v string) (int, error) { return s.Write([]byte(v)) }

// Len returns the bytes kept; Size the bytes written.
func (s *Spool) Len() int64  { return s.kept }
func (s *Spool) Size() int64 { return s.seen }

// Truncated reports whether bytes were dropped past Max.
func (s *Spool) Truncated() bool { return s.seen > s.kept }

// Err reports a failure to write the temporary file.
func (s *Spool) Err() error { return s.err }

// Bytes returns the kept bytes in one slice (read back from the file when
// there is one: call it once the memory for them is granted, see Budget).
func (s *Spool) Bytes() ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.file == nil {
		return s.mem, nil
	}
	out := make([]byte, s.kept)
	copy(out, s.mem)
	if _, err := s.file.ReadAt(out[len(s.mem):], 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("gateway: spool: %w", err)
	}
	return out, nil
}

// Reset empties the spool for the next message.
func (s *Spool) Reset() {
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	s.mem, s.kept, s.seen, s.err = nil, 0, 0, nil
}

// ErrBusy is returned when the memory for a message was not granted in
// time: the front end answers with a temporary failure.
var ErrBusy = errors.New("gateway: too many messages in memory, try again later")

// Budget bounds the bytes of the messages held in memory at once (the
// ones being scanned, quarantined or queued). Requests are served in
// order, so a large message is not starved by small ones; a request for
// more than the whole budget waits until it is the only holder.
type Budget struct {
	mu      sync.Mutex
	size    int64
	used    int64
	waiters []*budgetWaiter
}

type budgetWaiter struct {
	n     int64
	ready chan struct{}
}

// NewBudget returns a budget of size bytes; size <= 0 means no limit.
func NewBudget(size int64) *Budget { return &Budget{size: size} }

// Acquire waits until n bytes are available, ctx is done (ErrBusy) or the
// budget is unlimited, and returns the function that gives them back.
func (b *Budget) Acquire(ctx context.Context, n int64) (release func(), err error) {
	if b == nil || b.size <= 0 {
		return func() {}, nil
	}
	n = min(max(n, 1), b.size)
	b.mu.Lock()
	if len(b.waiters) == 0 && b.used+n <= b.size {
		b.used += n
		b.mu.Unlock()
		return b.releaser(n), nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return b.releaser(n), nil
	case <-ctx.Done():
		b.mu.Lock()
		select {
		case <-w.ready: // granted meanwhile: give it back
			b.used -= n
		default:
			for i, x := range b.waiters {
				if x == w {
					b.waiters = append(b.waiters[:i], b.waiters[i+1:]...)
					break
				}
			}
		}
		b.grant()
		b.mu.Unlock()
		return nil, ErrBusy
	}
}

func (b *Budget) releaser(n int64) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			b.used -= n
			b.grant()
			b.mu.Unlock()
		})
	}
}

// grant wakes the waiters at the head of the line that now fit.
func (b *Budget) grant() {
	for len(b.waiters) > 0 && b.used+b.waiters[0].n <= b.size {
		w := b.waiters[0]
		b.waiters = b.waiters[1:]
		b.used += w.n
		close(w.ready)
	}
}

// InUse returns the bytes granted now.
func (b *Budget) InUse() int64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// Load grants the memory for sp's bytes from g's budget, waiting at most
// wait, and returns them with the function to call once the message is
// no longer held (scanned, quarantined or queued).
func (g *Gateway) Load(sp *Spool, wait time.Duration) ([]byte, func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	release, err := g.Budget.Acquire(ctx, sp.Len())
	if err != nil {
		g.countError("busy")
		return nil, nil, err
	}
	raw, err := sp.Bytes()
	if err != nil {
		release()
		return nil, nil, err
	}
	return raw, release, nil
}
