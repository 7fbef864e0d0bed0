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

func FuzzHasControlOrSpace(f *testing.F) {
	for _, s := range []string{"", "https://example.org/a?b=c", "https://x.example/ a", "\x7f\x80\xff!!!!!!!!\x20", "abcdefgh\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.IndexFunc(s, func(r rune) bool { return r <= ' ' }) >= 0
		if got := hasControlOrSpace(s); got != want {
			t.Fatalf("hasControlOrSpace(%q) = %v, want %v", s, got, want)
		}
	})
}
