package imapbox

import (
	"slices"
	"strings"
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

func TestParseAliasMap(t *testing.T) {
	m := ParseAliasMap("# virtual\nalice@chu.test  alice@chu.test, copie@evil.example\nbob@chu.test\tbob@chu.test,\n  archive@chu.test\n\n  orphan@x\n")
	if !slices.Equal(m["alice@chu.test"], []string{"alice@chu.test", "copie@evil.example"}) ||
		!slices.Equal(m["bob@chu.test"], []string{"bob@chu.test", "archive@chu.test"}) || len(m) != 2 {
		t.Errorf("%q", m)
	}
}

func FuzzParseAliasMap(f *testing.F) {
	f.Add("a@b c@d, e@f\n  g@h\n# x\n")
	f.Fuzz(func(t *testing.T, s string) {
		for k, vs := range ParseAliasMap(s) {
			if k == "" && len(vs) > 0 && !strings.Contains(s, " ") {
				t.Fatalf("empty key from %q", s)
			}
		}
	})
}
