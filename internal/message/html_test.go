package message

import (
	"strings"
	"testing"
	"unicode/utf8"
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

// dropInvisible leaves out exactly the invisible characters, and
// unconfuse keeps the text's length in characters and leaves nothing
// mixed behind it.
func FuzzPlainTextFolding(f *testing.F) {
	for _, s := range []string{"", "con\u200bnec\u00adtez", "сode", "Fаcture en rεtard", "Привет", "a\u200b\xffb", "\u200d", "ΑΒ ab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		got, _ := dropInvisible(s)
		if want := strings.Map(func(r rune) rune {
			if invisibleRune(r) {
				return -1
			}
			return r
		}, s); got != want {
			t.Fatalf("dropInvisible(%q) = %q, want %q", s, got, want)
		}
		u, _ := unconfuse(s)
		if utf8.RuneCountInString(u) != utf8.RuneCountInString(s) {
			t.Fatalf("unconfuse(%q) = %q: length changed", s, u)
		}
		if again, n := unconfuse(u); n != 0 || again != u {
			t.Fatalf("unconfuse(%q) = %q, then %q (%d)", s, u, again, n)
		}
	})
}
