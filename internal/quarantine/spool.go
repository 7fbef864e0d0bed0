package quarantine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/spool"
)

// A quarantine whose bytes live in the database (Bodies) or an object
// store (Objects) still holds mail while either is down: the copy is
// written to a file under the quarantine's directory, durably, its entry
// to a local spool (package spool), and only then is the message
// acknowledged. ReplaySpool hands them to the database (or the object
// store, then the database) once it answers; an entry already recorded is
// left as it is, so a replay repeated after a crash stores nothing twice.
// Until then the copy is on this node only: the console of another
// node does not list it.

// outageSpool is the spool of entries waiting for the database, with the
// lock that keeps one replay at a time.
type outageSpool struct {
	*spool.Spool
	replay sync.Mutex

	mu      sync.Mutex
	pending map[string]bool // entries spooled by this process, not replayed yet
}

// spooled is one line of the spool: an entry and where its copy is, or
// what the MTA did with an entry (Store.PutMTA) recorded after it.
type spooled struct {
	Entry *Entry `json:"entry,omitempty"`
	MTA   *MTA   `json:"mta,omitempty"`
}

func (o *outageSpool) mark(id string, on bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if on {
		o.pending[id] = true
	} else {
		delete(o.pending, id)
	}
}

func (o *outageSpool) has(id string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.pending[id]
}

func openOutageSpool(dir string) (*outageSpool, error) {
	sp, err := spool.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	return &outageSpool{Spool: sp, pending: map[string]bool{}}, nil
}

// putSpooled keeps e's copy on local disk while the database is down
// (cause): only once both the file and the entry are durable may the
// message be acknowledged.
func (s *Store) putSpooled(e Entry, gz []byte, cause error) (Entry, error) {
	e.Path = s.fileOf(e)
	if err := writeFileSync(filepath.Join(s.dir, e.Path), gz); err != nil {
		return Entry{}, fmt.Errorf("quarantine: store unavailable (%v) and local copy of %s not written: %w", cause, e.ID, err)
	}
	if err := spool.Put(s.spool.Spool, []spooled{{Entry: &e}}); err != nil {
		os.Remove(filepath.Join(s.dir, e.Path))
		return Entry{}, fmt.Errorf("quarantine: store unavailable (%v) and %s not spooled: %w", cause, e.ID, err)
	}
	s.spool.mark(e.ID, true)
	s.log.Warn("quarantine: database or object store unavailable, copy kept on local disk until it answers",
		"quarantine_id", e.ID, "spooled", s.spool.Len(), "err", cause)
	return e, nil
}

// PutMTA records what the MTA did with a held message (package gateway
// calls it after Put). While the database is down, or while the entry
// itself waits in the spool, the record is spooled behind it.
func (s *Store) PutMTA(ctx context.Context, m MTA) error {
	if s.mta == nil {
		return errors.New("quarantine: no repository for the MTA's records")
	}
	if s.spool != nil && s.spool.has(m.ID) {
		return s.spoolMTA(m)
	}
	err := s.mta.PutMTA(ctx, m)
	if err != nil && s.spool != nil && dberr.Unavailable(err) {
		return s.spoolMTA(m)
	}
	return err
}

func (s *Store) spoolMTA(m MTA) error {
	if err := spool.Put(s.spool.Spool, []spooled{{MTA: &m}}); err != nil {
		return fmt.Errorf("quarantine: MTA record of %s not spooled: %w", m.ID, err)
	}
	return nil
}

// Spooled returns how many records (held messages, and what the MTA did
// with them) wait on local disk for the database.
func (s *Store) Spooled() int {
	if s.spool == nil {
		return 0
	}
	return s.spool.Len()
}

// ReplaySpool hands the copies spooled during an outage to the database, oldest
// first, and removes their local files; it stops at the first refusal
// (the database is still down) and returns how many it stored.
func (s *Store) ReplaySpool(ctx context.Context) (int, error) {
	if s.spool == nil || s.spool.Len() == 0 {
		return 0, nil
	}
	s.spool.replay.Lock()
	defer s.spool.replay.Unlock()
	n, err := spool.Drain(s.spool.Spool, func(rs []spooled) error {
		for _, r := range rs {
			var err error
			switch {
			case r.Entry != nil:
				if err = s.replayOne(ctx, *r.Entry); err == nil {
					s.spool.mark(r.Entry.ID, false)
				}
			case r.MTA != nil && s.mta != nil:
				err = s.mta.PutMTA(ctx, *r.MTA)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}, func(file string, line int, err error) {
		s.log.Error("quarantine: unreadable spooled entry skipped", "file", file, "line", line, "err", err)
	})
	if n > 0 {
		s.log.Info("quarantine: spooled copies stored", "messages", n, "left", s.spool.Len())
	}
	return n, err
}

func (s *Store) replayOne(ctx context.Context, e Entry) error {
	if e.Path == "" {
		return nil // not a spooled copy (a foreign line)
	}
	path := filepath.Join(s.dir, filepath.Clean(e.Path))
	gz, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		// Stored, then the file removed, then a crash before the spool
		// forgot the entry: the database has it.
		if _, gerr := s.repo.Get(ctx, e.ID); gerr == nil {
			return nil
		} else if !errors.Is(gerr, dberr.ErrNotFound) {
			return gerr
		}
		s.log.Error("quarantine: spooled copy missing, entry dropped", "quarantine_id", e.ID, "file", path)
		return nil
	}
	if err != nil {
		return fmt.Errorf("quarantine: spooled copy of %s: %w", e.ID, err)
	}
	e.Path = ""
	if _, err := s.keep(ctx, e, gz); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("quarantine: spooled copy stored, local file not removed", "file", path, "err", err)
	}
	return nil
}

// RunReplay replays the spool every period until ctx ends.
func (s *Store) RunReplay(ctx context.Context, every time.Duration) {
	if s.spool == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.spool.Len() == 0 {
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, time.Minute)
		if _, err := s.ReplaySpool(rctx); err != nil {
			s.log.Debug("quarantine: database or object store still unavailable, spool kept", "messages", s.spool.Len(), "err", err)
		}
		cancel()
	}
}
