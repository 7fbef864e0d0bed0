package bayes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSnapshotRoundTrip(t *testing.T) {
	m := NewModel(Options{MinLearned: 1})
	m.mu.Lock()
	for h := uint64(1); h <= 5000; h++ {
		m.tokens.put(h*0x9e3779b97f4a7c15, Counts{uint32(h % 7), uint32(h % 11)})
	}
	m.nPhish, m.nHam = 40, 60
	m.mu.Unlock()
	path := filepath.Join(t.TempDir(), "bayes.snapshot")
	if err := m.WriteSnapshot(path); err != nil {
		t.Fatal(err)
	}
	got := NewModel(Options{MinLearned: 1})
	if err := got.ReadSnapshot(path); err != nil {
		t.Fatal(err)
	}
	if got.Stats().Tokens != m.Stats().Tokens || got.nPhish != 40 || got.nHam != 60 {
		t.Fatalf("read back %+v, wrote %+v", got.Stats(), m.Stats())
	}
	for _, s := range m.tokens.slots {
		if c, ok := got.tokens.get(s.h); s.h != 0 && (!ok || c != s.c) {
			t.Fatalf("feature %x: %v %v, want %v", s.h, c, ok, s.c)
		}
	}
	// Whatever the bytes, a torn or foreign file is refused and leaves
	// the model as it was.
	b, _ := os.ReadFile(path)
	for _, bad := range [][]byte{nil, b[:len(b)-3], append([]byte("X"), b[1:]...), b[:len(snapshotMagic)+20]} {
		os.WriteFile(path, bad, 0o600)
		before := got.Stats()
		if err := got.ReadSnapshot(path); err == nil {
			t.Errorf("snapshot of %d bytes accepted", len(bad))
		}
		if got.Stats() != before {
			t.Errorf("a refused snapshot changed the model")
		}
	}
}

// A snapshot damaged after it was written (a flipped bit in a count, a
// byte appended, its checksum cut short or gone) is refused, leaving the
// model as it was; one written by the previous version, without a
// checksum, is still read.
func TestSnapshotDamageAndVersion1(t *testing.T) {
	m := NewModel(Options{MinLearned: 1})
	m.mu.Lock()
	for h := uint64(1); h <= 100; h++ {
		m.tokens.put(h*0x9e3779b97f4a7c15, Counts{1, 2})
	}
	m.nPhish, m.nHam = 3, 4
	m.mu.Unlock()
	good := m.snapshotBytes()
	flipped := append([]byte(nil), good...)
	flipped[len(snapshotMagic)+20+8+3] ^= 0x80 // the first feature's phishing count
	v1 := append(append([]byte(nil), snapshotMagicV1...), good[len(snapshotMagic):len(good)-4]...)
	path := filepath.Join(t.TempDir(), "bayes.snapshot")
	for _, c := range []struct {
		name string
		file []byte
		want string // in the error; "" reads it
	}{
		{"version 2", good, ""},
		{"version 1", v1, ""},
		{"flipped count", flipped, "damaged: checksum mismatch"},
		{"trailing byte", append(append([]byte(nil), good...), 0), "damaged: bytes past the end"},
		{"version 1, trailing byte", append(append([]byte(nil), v1...), 0), "damaged: bytes past the end"},
		{"checksum cut short", good[:len(good)-2], "unexpected EOF"},
		{"checksum gone", good[:len(good)-4], "unexpected EOF"},
		{"a feature cut short", good[:len(good)-10], "unexpected EOF"},
		{"header only", good[:len(snapshotMagic)+20], "unexpected EOF"},
	} {
		if err := os.WriteFile(path, c.file, 0o600); err != nil {
			t.Fatal(err)
		}
		got := NewModel(Options{MinLearned: 1})
		got.mu.Lock()
		got.tokens.put(7, Counts{9, 9})
		got.mu.Unlock()
		err := got.ReadSnapshot(path)
		switch {
		case c.want == "" && (err != nil || got.Stats().Tokens != 100 || got.nPhish != 3 || got.nHam != 4):
			t.Errorf("%s: %v, %+v", c.name, err, got.Stats())
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		case c.want != "" && got.Stats().Tokens != 1:
			t.Errorf("%s: refused, yet the model changed: %+v", c.name, got.Stats())
		}
	}
}

// FuzzReadSnapshot: any file in place of the snapshot is read or refused
// with an error, within the model's memory bound, never a crash.
func FuzzReadSnapshot(f *testing.F) {
	m := NewModel(Options{})
	m.mu.Lock()
	m.tokens.put(42, Counts{1, 2})
	m.nPhish = 3
	m.mu.Unlock()
	good := m.snapshotBytes()
	f.Add(good)
	f.Add(good[:len(good)-2]) // its checksum cut short
	f.Add(append(append([]byte(nil), snapshotMagicV1...), good[len(snapshotMagic):len(good)-4]...))
	f.Add([]byte("VIGIEBAYES\x00\x01"))
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "s")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Skip()
		}
		got := NewModel(Options{MaxTokens: 1000})
		if err := got.ReadSnapshot(path); err == nil && got.Stats().Tokens > got.hardBound() {
			t.Fatalf("%d features read past the bound %d", got.Stats().Tokens, got.hardBound())
		}
	})
}
