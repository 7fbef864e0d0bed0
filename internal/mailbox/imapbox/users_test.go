package imapbox

import (
	"slices"
	"testing"
)

func TestParseUsers(t *testing.T) {
	got := ParseUsers("# comptes\nalice@chu.test:{PLAIN}x::::::\n\nbob@chu.test\nalice@chu.test\nbad user\n")
	if !slices.Equal(got, []string{"alice@chu.test", "bob@chu.test"}) {
		t.Errorf("%q", got)
	}
}

func FuzzParseUsers(f *testing.F) {
	f.Add("alice@chu.test:{PLAIN}x::::::\n#c\nbob\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range ParseUsers(s) {
			if u == "" || len(u) > len(s) {
				t.Fatalf("%q from %q", u, s)
			}
		}
	})
}
