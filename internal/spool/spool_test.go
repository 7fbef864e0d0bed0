package spool

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

type rec struct {
	ID   string `json:"id"`
	Note string `json:"note"`
}

// Records come back oldest first, across a restart, and a batch stays
// until its delivery succeeded.
func TestPutDrainAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range [][]rec{{{"a", "1"}, {"b", "2"}}, {{"c", "3"}}} {
		if err := Put(s, b); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	if s.Len() != 3 {
		t.Fatalf("len %d", s.Len())
	}
	// The destination is down: nothing is removed.
	down := errors.New("database down")
	if n, err := Drain(s, func([]rec) error { return down }, nil); n != 0 || !errors.Is(err, down) {
		t.Fatalf("drain while down: %d %v", n, err)
	}
	// A new process finds the same records.
	s2, err := Open(dir)
	if err != nil || s2.Len() != 3 {
		t.Fatalf("reopen: %d %v", s2.Len(), err)
	}
	if err := Put(s2, []rec{{"d", "4"}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	n, err := Drain(s2, func(b []rec) error {
		for _, r := range b {
			got = append(got, r.ID)
		}
		return nil
	}, nil)
	if err != nil || n != 4 || !slices.Equal(got, []string{"a", "b", "c", "d"}) || s2.Len() != 0 {
		t.Fatalf("drain: %d %v %v len %d", n, got, err, s2.Len())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("%d files left", len(ents))
	}
}

// A torn line (a file damaged outside Vigie) is reported and skipped; it
// does not hold the rest back. Foreign files are ignored.
func TestDrainSkipsBadLinesAndForeignFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "00000000000000000001.jsonl"), []byte("{\"id\":\"x\"}\n{\"id\":\n{\"id\":\"y\"}\n"), 0o640)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o640)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	bad := 0
	n, err := Drain(s, func(b []rec) error {
		for _, r := range b {
			got = append(got, r.ID)
		}
		return nil
	}, func(string, int, error) { bad++ })
	if err != nil || n != 2 || bad != 1 || !slices.Equal(got, []string{"x", "y"}) {
		t.Fatalf("%d %v bad %d %v", n, got, bad, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Error("a foreign file was removed")
	}
}

func TestLimit(t *testing.T) {
	s, _ := Open(t.TempDir())
	s.Limit = 40
	if err := Put(s, []rec{{"a", "1"}}); err != nil {
		t.Fatal(err)
	}
	if err := Put(s, []rec{{"b", "2"}, {"c", "3"}}); !errors.Is(err, ErrFull) {
		t.Fatalf("over the limit: %v", err)
	}
}

// FuzzDrain: whatever a batch file holds, Drain neither panics nor loses
// the spool.
func FuzzDrain(f *testing.F) {
	f.Add([]byte("{\"id\":\"x\"}\n"))
	f.Add([]byte("{\"id\":\n\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "00000000000000000001.jsonl"), data, 0o640)
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Drain(s, func([]rec) error { return nil }, nil); err != nil {
			t.Fatal(err)
		}
		if s.Len() != 0 {
			t.Fatalf("len %d after a full drain", s.Len())
		}
	})
}
