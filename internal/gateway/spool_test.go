package gateway

import (
	"bytes"
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"
)

func TestSpool(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), (3*SpoolMemory)/16+7)
	for _, c := range []struct {
		name string
		max  int64
		in   []byte
		kept int
	}{
		{"small, in memory", 0, []byte("Subject: x\r\n\r\nhi\r\n"), 18},
		{"large, memory then file", 0, big, len(big)},
		{"cut at Max", SpoolMemory + 10, big, SpoolMemory + 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := Spool{Dir: dir, Max: c.max}
			for i := 0; i < len(c.in); i += 1000 {
				s.Write(c.in[i:min(i+1000, len(c.in))])
			}
			got, err := s.Bytes()
			if err != nil || !bytes.Equal(got, c.in[:c.kept]) {
				t.Fatalf("Bytes: %d bytes, %v; want the first %d", len(got), err, c.kept)
			}
			if s.Size() != int64(len(c.in)) || s.Truncated() != (c.kept < len(c.in)) {
				t.Errorf("Size %d Truncated %v", s.Size(), s.Truncated())
			}
			s.Reset()
			if s.Len() != 0 {
				t.Error("not empty after Reset")
			}
		})
	}
	// The temporary file is unlinked at once: nothing is left behind.
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left in the spool directory: %v", ents)
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(100)
	ctx := context.Background()
	r1, _ := b.Acquire(ctx, 60)
	r2, _ := b.Acquire(ctx, 40)
	// Full: a request waits, in order, and times out.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := b.Acquire(short, 10); !errors.Is(err, ErrBusy) {
		t.Fatalf("over budget: %v", err)
	}
	// A request bigger than the whole budget runs alone.
	var wg sync.WaitGroup
	var got []int
	var mu sync.Mutex
	for i, n := range []int64{500, 5} {
		wg.Add(1)
		ready := make(chan struct{})
		go func() {
			defer wg.Done()
			close(ready)
			r, err := b.Acquire(ctx, n)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			got = append(got, i)
			mu.Unlock()
			r()
		}()
		<-ready
		// Let the first waiter queue before the second.
		deadline := time.Now().Add(30 * time.Second)
		for {
			b.mu.Lock()
			n := len(b.waiters)
			b.mu.Unlock()
			if n == i+1 || time.Now().After(deadline) {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	r1()
	r2()
	r2() // released twice: counted once
	wg.Wait()
	if len(got) != 2 || got[0] != 0 || b.InUse() != 0 {
		t.Errorf("order %v, in use %d", got, b.InUse())
	}
	var unlimited *Budget
	if r, err := unlimited.Acquire(ctx, 1<<40); err != nil {
		t.Error(err)
	} else {
		r()
	}
}
