package ioc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"vigie.dev/vigie/internal/durable"
)

// A snapshot is the matcher's live indicators on local disk, written after
// the store changed (at most every MatcherOptions.SnapshotEvery), so that a
// node whose database is unreachable at start still filters with what it
// last knew. It is gzipped JSON lines: a header, then one compact entry per
// indicator. It is a cache: losing it loses nothing the store does not
// hold.

const snapshotMagic = "vigie-indicators-snapshot/1"

type snapHeader struct {
	Magic   string    `json:"magic"`
	Rev     int64     `json:"rev"`
	Written time.Time `json:"written"`
	Count   int       `json:"count"`
}

type snapEntry struct {
	ID      int64  `json:"i"`
	Kind    Kind   `json:"k"`
	Value   string `json:"v"`
	Mode    Mode   `json:"m"`
	Created int64  `json:"c"`
	Expires int64  `json:"e,omitempty"`
	Source  string `json:"s,omitempty"`
	Reason  string `json:"r,omitempty"`
	By      string `json:"b,omitempty"`
	Code    int    `json:"x,omitempty"`
}

// maxSnapshotLine bounds one line of a snapshot when reading it back.
const maxSnapshotLine = 64 << 10

// WriteSnapshot writes the matcher's live indicators to path, durably
// (whole or not at all).
func (m *Matcher) WriteSnapshot(path string) error {
	s := m.snap.Load()
	now := m.now().UnixMilli()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	enc := json.NewEncoder(zw)
	var entries []*entry
	for i := range s.over.entries {
		if e := &s.over.entries[i]; e.live(now) {
			entries = append(entries, e)
		}
	}
	for i := range s.base.entries {
		if e := &s.base.entries[i]; s.baseLive(e, now) {
			entries = append(entries, e)
		}
	}
	if err := enc.Encode(snapHeader{Magic: snapshotMagic, Rev: s.rev, Written: m.now().UTC(), Count: len(entries)}); err != nil {
		return err
	}
	for _, e := range entries {
		in := e.indicator()
		se := snapEntry{ID: e.id, Kind: in.Kind, Value: e.value, Mode: in.Mode, Created: e.created, Expires: e.expires,
			Source: e.meta.source, Reason: e.meta.reason, By: e.meta.addedBy, Code: e.meta.code}
		if err := enc.Encode(&se); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := durable.WriteFile(path, buf.Bytes()); err != nil {
		return fmt.Errorf("ioc: write snapshot: %w", err)
	}
	return nil
}

// LoadSnapshot replaces the matcher's content with the snapshot at path
// and returns its header: the store revision it reflects and when it was
// written. Unreadable entries are skipped; a file that is not a snapshot
// is an error and leaves the matcher as it was.
func (m *Matcher) LoadSnapshot(path string) (rev int64, written time.Time, n int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, time.Time{}, 0, fmt.Errorf("ioc: snapshot: %w", err)
	}
	defer f.Close()
	list, h, err := readSnapshot(f)
	if err != nil {
		return 0, time.Time{}, 0, fmt.Errorf("ioc: snapshot %s: %w", path, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	entries := make([]entry, 0, len(list))
	for i := range list {
		if e, ok := m.entryOf(&list[i]); ok {
			entries = append(entries, e)
		}
	}
	m.install(entries, h.Rev)
	return h.Rev, h.Written, len(entries), nil
}

var errNotSnapshot = errors.New("not a Vigie indicator snapshot")

// maxSnapshotHint bounds the list allocated from a snapshot's header;
// a longer list grows as its lines are read.
const maxSnapshotHint = 1 << 16

func readSnapshot(r io.Reader) ([]Indicator, snapHeader, error) {
	var h snapHeader
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, h, errNotSnapshot
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 64<<10), maxSnapshotLine)
	if !sc.Scan() || json.Unmarshal(sc.Bytes(), &h) != nil || h.Magic != snapshotMagic {
		return nil, h, errNotSnapshot
	}
	// The header's count sizes the list, within what a damaged or
	// foreign file may make us allocate before its lines say otherwise
	// (an Indicator is some 300 bytes: 1<<24 of them were 5 GB).
	list := make([]Indicator, 0, min(max(h.Count, 0), maxSnapshotHint))
	for sc.Scan() {
		var se snapEntry
		if json.Unmarshal(sc.Bytes(), &se) != nil {
			continue
		}
		k, err := ParseKind(string(se.Kind))
		if err != nil || se.Value == "" {
			continue
		}
		in := Indicator{ID: se.ID, Kind: k, Value: se.Value, Mode: se.Mode, Source: se.Source, Reason: se.Reason,
			AddedBy: se.By, Code: se.Code, CreatedAt: time.UnixMilli(se.Created).UTC()}
		if se.Expires != 0 {
			in.ExpiresAt = time.UnixMilli(se.Expires).UTC()
		}
		list = append(list, in)
	}
	if err := sc.Err(); err != nil {
		return nil, h, fmt.Errorf("read: %w", err)
	}
	return list, h, nil
}

// snapshotWriter decides when the matcher's snapshot is due: after a
// change of revision, at most every interval.
type snapshotWriter struct {
	path  string
	every time.Duration

	mu      sync.Mutex
	busy    bool
	lastRev int64
	last    time.Time
}

// maybe writes a snapshot in the background when one is due; a write in
// progress is never doubled, and lookups never wait for it.
func (w *snapshotWriter) maybe(m *Matcher) {
	if w == nil {
		return
	}
	rev := m.Revision()
	w.mu.Lock()
	if w.busy || rev == w.lastRev || time.Since(w.last) < w.every {
		w.mu.Unlock()
		return
	}
	w.busy = true
	w.mu.Unlock()
	m.bg.Add(1)
	go func() {
		defer m.bg.Done()
		start := time.Now()
		err := m.WriteSnapshot(w.path)
		w.mu.Lock()
		defer w.mu.Unlock()
		w.busy = false
		if err != nil {
			m.log.Warn("indicator snapshot not written", "err", err)
			return
		}
		w.lastRev, w.last = rev, time.Now()
		m.log.Debug("indicator snapshot written", "path", w.path, "rev", rev, "took", time.Since(start).Round(time.Millisecond))
	}()
}

func snapshotAge(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return strconv.FormatFloat(time.Since(t).Hours(), 'f', 1, 64) + "h"
}
