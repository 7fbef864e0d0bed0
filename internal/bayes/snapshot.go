package bayes

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"vigie.dev/vigie/internal/durable"
)

// A node keeps a copy of the model it last read from the store in a local
// file (LiveOptions.Snapshot), so that one started while the database is
// down classifies with it instead of staying silent. The file is
//
//	"VIGIEBAYES\x00\x02" tokenizer(u32) phish(u32) ham(u32) n(u64)
//	n × (hash u64, phish u32, ham u32)
//	CRC-32C of all the above (u32)
//
// little-endian, written whole with fsync and rename (package durable).
// The checksum catches a file damaged after it was written (a disk, a
// copy): without it a flipped bit in a count is a wrong vote, silently.
// A version 1 file (the same without the checksum, written by Vigie
// before December 2026) is still read. (A feature's counts are not
// checked against the totals: a node reads the totals before the
// features, so a model learning meanwhile may hold a feature counted in
// one message more than its totals say.)

var (
	snapshotMagic   = []byte("VIGIEBAYES\x00\x02")
	snapshotMagicV1 = []byte("VIGIEBAYES\x00\x01")
	snapshotCRC     = crc32.MakeTable(crc32.Castagnoli)
)

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
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc32.Checksum(buf.Bytes(), snapshotCRC))
	buf.Write(sum[:])
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
// file of another tokenizer, truncated, damaged (checksum, bytes past its
// end), or holding more features than the model's
// memory bound is refused and leaves the model as it was.
func (m *Model) ReadSnapshot(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bayes: snapshot: %w", err)
	}
	defer f.Close()
	sum := crc32.New(snapshotCRC)
	r := io.TeeReader(f, sum)
	head := make([]byte, len(snapshotMagic)+20)
	if _, err := io.ReadFull(r, head); err != nil {
		return fmt.Errorf("bayes: snapshot %s: %w", path, err)
	}
	checked := bytes.Equal(head[:len(snapshotMagic)], snapshotMagic)
	if !checked && !bytes.Equal(head[:len(snapshotMagicV1)], snapshotMagicV1) {
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
	if checked {
		want := sum.Sum32()
		var got [4]byte
		if _, err := io.ReadFull(f, got[:]); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("bayes: snapshot %s: %w", path, err)
		}
		if binary.LittleEndian.Uint32(got[:]) != want {
			return fmt.Errorf("bayes: snapshot %s: damaged: checksum mismatch", path)
		}
	}
	if n, _ := f.Read(make([]byte, 1)); n > 0 {
		return fmt.Errorf("bayes: snapshot %s: damaged: bytes past the end", path)
	}
	m.mu.Lock()
	m.tokens, m.nPhish, m.nHam, m.full, m.err = tokens, nPhish, nHam, false, nil
	m.mu.Unlock()
	return nil
}
