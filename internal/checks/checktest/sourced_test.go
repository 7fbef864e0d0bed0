package checktest

import (
	"strings"
	"testing"
)

// spy records what SourcedList reports instead of failing the test.
type spy struct {
	testing.TB
	errs []string
}

func (s *spy) Helper() {}
func (s *spy) Errorf(format string, args ...any) {
	s.errs = append(s.errs, format)
}

func TestSourcedList(t *testing.T) {
	good := "# header\n#   list  a public list\n#   page  the provider's page\n\n## source: list\na.example\nB.example # note\n## source: page — https://example.org/help\nc.example\n"
	s := &spy{TB: t}
	got := SourcedList(s, []byte(good))
	if len(s.errs) != 0 || len(got) != 3 || got["b.example"] != "list" || got["c.example"] != "page" {
		t.Errorf("good file: %v %v", got, s.errs)
	}
	for _, bad := range []string{
		"#   list  a list\nstray.example\n## source: list\na.example\n", // before any group
		"#   list  a list\n## source: guess\na.example\n",               // undescribed source
		"#   list  a list\n## source: list\na.example\na.example\n",     // twice
	} {
		s := &spy{TB: t}
		SourcedList(s, []byte(bad))
		if len(s.errs) != 1 {
			t.Errorf("%q: %d errors, want 1", strings.SplitN(bad, "\n", 2)[1], len(s.errs))
		}
	}
}
