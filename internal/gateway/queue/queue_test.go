package queue

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// fakeHop records deliveries and fails as told.
type fakeHop struct {
	mu    sync.Mutex
	fail  func(to []string) (map[string]error, error)
	got   []delivery
	tries int
}

type delivery struct {
	from string
	to   []string
	raw  string
}

func (f *fakeHop) Deliver(_ context.Context, from string, to []string, raw []byte) (map[string]error, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries++
	if f.fail != nil {
		failed, err := f.fail(to)
		if err != nil {
			return nil, err
		}
		if len(failed) > 0 {
			var ok []string
			for _, r := range to {
				if failed[r] == nil {
					ok = append(ok, r)
				}
			}
			if len(ok) > 0 {
				f.got = append(f.got, delivery{from, ok, string(raw)})
			}
			return failed, nil
		}
	}
	f.got = append(f.got, delivery{from, to, string(raw)})
	return nil, nil
}

func (f *fakeHop) tryCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tries
}

func (f *fakeHop) deliveries() []delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]delivery(nil), f.got...)
}

func run(t *testing.T, q *Queue) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { q.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

const msg = "From: a@partner.test\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nbody\r\n"

func TestSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	hop := &fakeHop{}
	q, err := Open(dir, Options{Deliverer: hop})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if _, err := q.Put("a@partner.test", []string{"b@example.test"}, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	// A crash between temp write and rename leaves a temp file: never acknowledged, removed.
	os.WriteFile(filepath.Join(dir, ".tmp-123"), []byte("partial"), 0o600)
	// "Restart" without ever running the first queue.
	q2, err := Open(dir, Options{Deliverer: hop, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if q2.Len() != 5 {
		t.Fatalf("reloaded %d messages, want 5", q2.Len())
	}
	stop := run(t, q2)
	defer stop()
	waitUntil(t, "5 deliveries", func() bool { return len(hop.deliveries()) == 5 })
	waitUntil(t, "an empty queue", func() bool { return q2.Len() == 0 })
	for _, d := range hop.deliveries() {
		if d.raw != msg || d.from != "a@partner.test" {
			t.Errorf("delivered %+v", d)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("queue directory not empty: %v", ents)
	}
}

func TestRetryThenDeliver(t *testing.T) {
	var calls int
	hop := &fakeHop{fail: func([]string) (map[string]error, error) {
		calls++
		if calls < 3 {
			return nil, errors.New("dial tcp: connection refused")
		}
		return nil, nil
	}}
	q, _ := Open(t.TempDir(), Options{Deliverer: hop, RetryMin: 20 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	stop := run(t, q)
	defer stop()
	q.Put("a@partner.test", []string{"b@example.test"}, []byte(msg))
	waitUntil(t, "delivery after retries", func() bool { return len(hop.deliveries()) == 1 })
	if calls != 3 {
		t.Errorf("%d attempts, want 3", calls)
	}
}

func TestBounce(t *testing.T) {
	refused := &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	hop := &fakeHop{fail: func(to []string) (map[string]error, error) {
		if len(to) > 0 && to[0] == "a@partner.test" {
			return nil, nil // the bounce itself goes through
		}
		return map[string]error{"gone@example.test": refused}, nil
	}}
	q, _ := Open(t.TempDir(), Options{Deliverer: hop, Hostname: "mx.example.test"})
	stop := run(t, q)
	defer stop()
	q.Put("a@partner.test", []string{"b@example.test", "gone@example.test"}, []byte(msg))
	waitUntil(t, "delivery and bounce", func() bool { return len(hop.deliveries()) == 2 })
	var dsn delivery
	for _, d := range hop.deliveries() {
		if d.from == "" {
			dsn = d
		} else if strings.Join(d.to, ",") != "b@example.test" {
			t.Errorf("delivered to %v, want only the accepted recipient", d.to)
		}
	}
	for _, want := range []string{
		"Content-Type: multipart/report; report-type=delivery-status;",
		"Content-Type: message/delivery-status",
		"Reporting-MTA: dns; mx.example.test",
		"Final-Recipient: rfc822; gone@example.test",
		"Action: failed",
		"Status: 5.1.1",
		"Diagnostic-Code: smtp; 550 No such user",
		"Content-Type: text/rfc822-headers",
		"Subject: hi",
	} {
		if !strings.Contains(dsn.raw, want) {
			t.Errorf("DSN lacks %q:\n%s", want, dsn.raw)
		}
	}
	if strings.Contains(dsn.raw, "\r\nbody\r\n") {
		t.Error("DSN returns the original body")
	}
	if strings.Join(dsn.to, ",") != "a@partner.test" {
		t.Errorf("DSN sent to %v", dsn.to)
	}
}

func TestExpiredBouncesAndBounceNeverBounces(t *testing.T) {
	hop := &fakeHop{fail: func([]string) (map[string]error, error) {
		return nil, errors.New("connection refused")
	}}
	dir := t.TempDir()
	q, _ := Open(dir, Options{Deliverer: hop, RetryMin: 10 * time.Millisecond, RetryMax: 20 * time.Millisecond, MaxAge: 50 * time.Millisecond})
	stop := run(t, q)
	defer stop()
	q.Put("a@partner.test", []string{"b@example.test"}, []byte(msg))
	// The message expires, its bounce cannot go either and expires too: nothing is left.
	waitUntil(t, "an empty queue", func() bool { return q.Len() == 0 && hop.tryCount() > 2 })
}

func TestCorruptFileSetAside(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.msg"), []byte("not json\nbody"), 0o600)
	q, err := Open(dir, Options{Deliverer: &fakeHop{}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Len() != 0 {
		t.Errorf("corrupt file loaded")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.msg.bad")); err != nil {
		t.Errorf("corrupt file not set aside: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	q := &Queue{o: Options{RetryMin: time.Minute, RetryMax: time.Hour}}
	for _, c := range []struct {
		attempts int
		want     time.Duration
	}{{1, time.Minute}, {2, 2 * time.Minute}, {4, 8 * time.Minute}, {10, time.Hour}} {
		got := q.backoff(c.attempts)
		if got < c.want*9/10 || got > c.want*11/10 {
			t.Errorf("backoff(%d) = %v, want %v ±10%%", c.attempts, got, c.want)
		}
	}
}

// FuzzLoad checks that whatever is in a queue file, loading never panics.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"id":"x","from":"a@b","to":["c@d"],"created":"2024-01-01T00:00:00Z"}` + "\nbody"))
	f.Add([]byte("\n"))
	f.Add([]byte(`{"id":"","to":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "f.msg"), b, 0o600)
		q, err := Open(dir, Options{Deliverer: &fakeHop{}})
		if err != nil {
			t.Fatal(err)
		}
		if q.Len() > 1 {
			t.Fatal("more entries than files")
		}
	})
}
