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
	seen := map[string]bool{}
	for _, e := range c.Entries() {
		if srcs[e.Source] == "" {
			t.Errorf("%s %q: undescribed source %q", e.Theme, e.Text, e.Source)
		}
		// A phrase written twice in a theme is two phrases to the
		// matcher, and a message holding it scores its theme twice.
		if k := e.Theme + "\x00" + e.Text; seen[k] {
			t.Errorf("%s %q: listed twice", e.Theme, e.Text)
		} else {
			seen[k] = true
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
