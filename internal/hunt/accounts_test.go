package hunt

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzAccountIndex holds the account index to the map it replaced: every
// name finds the number it was given, names never given find none, over
// short and long names and several growths of the table.
func FuzzAccountIndex(f *testing.F) {
	f.Add("alice@chu-exemple.fr\nbob@chu-exemple.fr\nalice@chu-exemple.fr\n"+strings.Repeat("x", 60)+"\n"+strings.Repeat("x", 61), 3000)
	f.Add("a\nA\na\n\x00\n", 10)
	f.Fuzz(func(t *testing.T, names string, more int) {
		h := New(Config{}, nil, nil, nil)
		ref := map[string]uint32{}
		check := func(name string) {
			want := ref[name]
			if got := h.findAccount(name); got != want {
				t.Fatalf("findAccount(%q) = %d, want %d", name, got, want)
			}
			if want == 0 {
				ref[name] = h.newAccount(name, false)
				if ref[name] != uint32(len(ref)) {
					t.Fatalf("newAccount(%q) = %d, want %d", name, ref[name], len(ref))
				}
			}
		}
		list := strings.Split(names, "\n")
		for _, n := range list {
			check(n)
		}
		for i := range min(max(more, 0), 5000) { // past a few growths
			check(fmt.Sprintf("user%04d@corp.example%s", i, strings.Repeat("-", i%50)))
			check(list[i%len(list)])
		}
		for name, who := range ref {
			if got := h.findAccount(name); got != who {
				t.Fatalf("findAccount(%q) = %d at the end, want %d", name, got, who)
			}
			if got := h.findAccount(name + "\x01"); got != ref[name+"\x01"] {
				t.Fatalf("findAccount(%q) = %d, want %d", name+"\x01", got, ref[name+"\x01"])
			}
		}
	})
}
