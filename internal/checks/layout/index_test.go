package layout

import (
	"strings"
	"testing"
)

func FuzzIndexByRare(f *testing.F) {
	f.Add("padding:10px; top:-470500px", "px", 1)
	f.Add(`<p style="font-size:0px">`, "font-size:", 7)
	f.Add("vhvh", "vh", 0)
	f.Fuzz(func(t *testing.T, s, needle string, rare int) {
		if needle == "" {
			return
		}
		rare = (rare%len(needle) + len(needle)) % len(needle)
		if got, want := indexByRare(s, needle, rare), strings.Index(s, needle); got != want {
			t.Fatalf("indexByRare(%q, %q, %d) = %d, want %d", s, needle, rare, got, want)
		}
	})
}
