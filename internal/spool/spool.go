// Package spool keeps records on the local disk while the place they are
// going to (the shared database) cannot take them, and hands them back,
// oldest first, once it can.
//
// A spool is a directory of batch files, one JSON document per line, named
// by a sequence number so that their order is their age. Put writes one
// batch with internal/durable (whole or not at all, even across a crash);
// Drain passes each batch to a function and removes the file only once
// that function succeeded, so a batch is delivered at least once. The
// receiver makes delivery idempotent (the message trace gives every record
// a unique id and inserts with ON CONFLICT DO NOTHING): a crash between
// the delivery and the removal then repeats nothing.
//
// The spool knows nothing of what it carries: the trace uses it for its
// records, and other writers (quarantined messages of several nodes) can
// use it the same way, each with its own directory.
package spool

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"vigie.dev/vigie/internal/durable"
)

const suffix = ".jsonl"

// maxLine bounds one spooled record when reading it back.
const maxLine = 16 << 20

// Spool is a directory of pending batches. It is safe for concurrent use
// by one process; two processes must not share a directory.
type Spool struct {
	dir string

	mu      sync.Mutex
	next    uint64 // sequence number of the next batch
	records int    // records waiting, counted at Open and kept up to date
	bytes   int64
	// Limit bounds the bytes kept (0: no limit); Put refuses past it
	// rather than fill the disk the quarantine and the queue need.
	Limit int64
}

// ErrFull is returned by Put when the spool holds Limit bytes.
var ErrFull = errors.New("spool: full")

// Open opens (creating it if needed) the spool directory dir and counts
// what is waiting there from a previous run.
func Open(dir string) (*Spool, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	s := &Spool{dir: dir}
	files, err := s.files()
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f.seq >= s.next {
			s.next = f.seq + 1
		}
		b, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("spool: %w", err)
		}
		s.records += bytes.Count(b, []byte("\n"))
		s.bytes += int64(len(b))
	}
	return s, nil
}

// Dir returns the spool's directory.
func (s *Spool) Dir() string { return s.dir }

type batchFile struct {
	seq  uint64
	path string
}

func (s *Spool) files() ([]batchFile, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	var out []batchFile
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, suffix) {
			continue
		}
		seq, err := strconv.ParseUint(strings.TrimSuffix(name, suffix), 10, 64)
		if err != nil {
			continue // not ours (a temporary file of durable, a stray file)
		}
		out = append(out, batchFile{seq, filepath.Join(s.dir, name)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, nil
}

// Put writes records (each encoded as one JSON line) as one batch, durably.
func Put[T any](s *Spool, records []T) error {
	if len(records) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // Encode ends each record with '\n'
	for i := range records {
		if err := enc.Encode(&records[i]); err != nil {
			return fmt.Errorf("spool: encode: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Limit > 0 && s.bytes+int64(buf.Len()) > s.Limit {
		return ErrFull
	}
	path := filepath.Join(s.dir, fmt.Sprintf("%020d%s", s.next, suffix))
	if err := durable.WriteFile(path, buf.Bytes()); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	s.next++
	s.records += len(records)
	s.bytes += int64(buf.Len())
	return nil
}

// Len returns the number of records waiting.
func (s *Spool) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.records
}

// Drain hands the waiting batches, oldest first, to deliver, decoding
// each line into a T, and removes a batch once deliver returned nil. It
// stops at the first error of deliver (the destination is still down: the
// rest waits for the next call) and returns the number of records
// delivered. A line that does not decode (a torn or foreign file) is
// reported through bad and skipped; it never blocks the spool.
func Drain[T any](s *Spool, deliver func([]T) error, bad func(file string, line int, err error)) (int, error) {
	s.mu.Lock()
	files, err := s.files()
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	done := 0
	for _, f := range files {
		b, err := os.ReadFile(f.path)
		if err != nil {
			return done, fmt.Errorf("spool: %w", err)
		}
		var batch []T
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 0, 64<<10), maxLine)
		for line := 1; sc.Scan(); line++ {
			var v T
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				if bad != nil {
					bad(f.path, line, err)
				}
				continue
			}
			batch = append(batch, v)
		}
		if err := sc.Err(); err != nil && bad != nil {
			bad(f.path, 0, err)
		}
		if len(batch) > 0 {
			if err := deliver(batch); err != nil {
				return done, err
			}
		}
		s.mu.Lock()
		err = os.Remove(f.path)
		if err == nil {
			s.records -= bytes.Count(b, []byte("\n"))
			s.bytes -= int64(len(b))
		}
		s.mu.Unlock()
		if err != nil {
			return done, fmt.Errorf("spool: %w", err)
		}
		done += len(batch)
	}
	return done, nil
}
