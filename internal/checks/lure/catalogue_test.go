package lure

import (
	"strings"
	"testing"
)

func TestCatalogueSources(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := Sources(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range c.Entries() {
		if srcs[e.Source] == "" {
			t.Errorf("%s %q: undescribed source %q", e.Theme, e.Text, e.Source)
		}
	}
	// A site's own file in the old shape (theme: [phrases]) still loads.
	if _, err := New([]byte("invoice:\n  - facture en souffrance\n")); err != nil {
		t.Errorf("plain list: %v", err)
	}
	_, err = New([]byte("sources: {a: described}\ninvoice:\n  b: [facture]\n"))
	if err == nil || !strings.Contains(err.Error(), "not described") {
		t.Errorf("undescribed source accepted: %v", err)
	}
	// A phrase longer than the matcher reads would match its first words.
	_, err = New([]byte("callback:\n  - si vous n etes pas a l origine\n"))
	if err == nil || !strings.Contains(err.Error(), "at most 5") {
		t.Errorf("a phrase of 8 words accepted: %v", err)
	}
}

func FuzzNew(f *testing.F) {
	f.Add(defaultLures)
	f.Add([]byte("invoice:\n  - facture\n"))
	f.Add([]byte("sources: {x: y}\nurgency: {x: [urgent]}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = New(b)
	})
}
