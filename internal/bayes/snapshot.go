package bayes

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"vigie.dev/vigie/internal/durable"
)

// A node keeps a copy of the model it last read from the store in a local
// file (LiveOptions.Snapshot), so that one started while the database is
// down classifies with it instead of staying silent. The file is
//
//	"VIGIEBAYES\x00\x01" tokenizer(u32) phish(u32) ham(u32) n(u64)
//	n × (hash u64, phish u32, ham u32)
//
// little-endian, written whole with fsync and rename (package durable).

var snapshotMagic = []byte("VIGIEBAYES\x00\x01")

// snapshotBytes encodes the model's content.
func (m *Model) snapshotBytes() []byte {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var buf bytes.Buffer
	buf.Grow(len(snapshotMagic) + 20 + 16*m.tokens.len())
	buf.Write(snapshotMagic)
	var head [20]byte
	binary.LittleEndian.PutUint32(head[0:], TokenizerVersion)
	binary.LittleEndian.PutUint32(head[4:], m.nPhish)
	binary.LittleEndian.PutUint32(head[8:], m.nHam)
	binary.LittleEndian.PutUint64(head[12:], uint64(m.tokens.len()))
	buf.Write(head[:])
	var rec [16]byte
	for _, s := range m.tokens.slots {
		if s.h == 0 {
			continue
		}
		binary.LittleEndian.PutUint64(rec[0:], s.h)
		binary.LittleEndian.PutUint32(rec[8:], s.c.Phish)
		binary.LittleEndian.PutUint32(rec[12:], s.c.Ham)
		buf.Write(rec[:])
	}
	return buf.Bytes()
}

// WriteSnapshot writes the model's content to path, durably.
func (m *Model) WriteSnapshot(path string) error {
	if err := durable.WriteFile(path, m.snapshotBytes()); err != nil {
		return fmt.Errorf("bayes: snapshot: %w", err)
	}
	return nil
}

// ReadSnapshot replaces the model's content with the snapshot at path. A
// file of another tokenizer, truncated, or holding more features than the
// model's memory bound is refused and leaves the model as it was.
func (m *Model) ReadSnapshot(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bayes: snapshot: %w", err)
	}
	defer f.Close()
	r := io.Reader(f)
	head := make([]byte, len(snapshotMagic)+20)
	if _, err := io.ReadFull(r, head); err != nil {
		return fmt.Errorf("bayes: snapshot %s: %w", path, err)
	}
	if !bytes.Equal(head[:len(snapshotMagic)], snapshotMagic) {
		return fmt.Errorf("bayes: snapshot %s: not a model snapshot", path)
	}
	h := head[len(snapshotMagic):]
	if v := binary.LittleEndian.Uint32(h[0:]); v != TokenizerVersion {
		return fmt.Errorf("bayes: snapshot %s: tokenizer version %d, this Vigie uses %d", path, v, TokenizerVersion)
	}
	nPhish, nHam, n := binary.LittleEndian.Uint32(h[4:]), binary.LittleEndian.Uint32(h[8:]), binary.LittleEndian.Uint64(h[12:])
	if n > uint64(m.hardBound()) {
		return fmt.Errorf("bayes: snapshot %s: %d features, more than the memory bound allows", path, n)
	}
	var tokens table
	rec := make([]byte, 16*1024)
	for left := n; left > 0; {
		k := min(left, uint64(len(rec)/16))
		if _, err := io.ReadFull(r, rec[:16*k]); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("bayes: snapshot %s: %w", path, err)
		}
		for i := range k {
			b := rec[16*i:]
			tokens.put(binary.LittleEndian.Uint64(b), Counts{binary.LittleEndian.Uint32(b[8:]), binary.LittleEndian.Uint32(b[12:])})
		}
		left -= k
	}
	m.mu.Lock()
	m.tokens, m.nPhish, m.nHam, m.full, m.err = tokens, nPhish, nHam, false, nil
	m.mu.Unlock()
	return nil
}
