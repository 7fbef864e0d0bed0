package message

import (
	"strings"
	"testing"
)

func FuzzSingleSpaced(f *testing.F) {
	for _, s := range []string{"", " ", "Produit 12", " a", "a ", "a  b", "a\tb", "a\u00a0b", "é b", "a \x85b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := singleSpaced(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("singleSpaced(%q) = %q, want %q", s, got, want)
		}
	})
}
