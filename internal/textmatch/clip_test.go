package textmatch

import (
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"court", 10, "court"},
		{"exactement", 10, "exactement"},
		{"https://évil.example/x", 9, "https://…"},
		{"https://évil.example/x", 10, "https://é…"},
		{"€€", 4, "€…"},
		{"€", 0, "…"},
	} {
		if got := Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func FuzzClip(f *testing.F) {
	f.Add("https://évil.example/x", 9)
	f.Add("\xff\xfe€", 2)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		got := Clip(s, n)
		if len(s) <= n {
			if got != s {
				t.Fatalf("Clip(%q, %d) = %q, want it whole", s, n, got)
			}
			return
		}
		if len(got) > n+len("…") {
			t.Fatalf("Clip(%q, %d) = %q: too long", s, n, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Clip(%q, %d) = %q: cut inside a character", s, n, got)
		}
	})
}
