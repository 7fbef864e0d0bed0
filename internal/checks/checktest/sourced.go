package checktest

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// SourcedList reads a list file of one entry a line ("#" starts a
// comment) whose entries sit in groups, each opened by a line
// "## source: NAME …", NAME one of the sources the file's header
// describes on a line "#   NAME  description". It returns each entry's
// source and fails t on an entry under no group, a group whose source the
// header does not describe, and an entry listed twice: an entry nobody
// can trace to a public list or page is a guess (docs/eval.md, "Detection
// data has provenance").
func SourcedList(t testing.TB, b []byte) map[string]string {
	t.Helper()
	described := map[string]bool{}
	out := map[string]string{}
	group := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "## source:"); ok {
			group = strings.ToLower(firstWord(rest))
			if !described[group] {
				t.Errorf("line %d: source %q is not described in the header", n, group)
			}
			continue
		}
		if rest, ok := strings.CutPrefix(line, "#   "); ok && group == "" && !strings.HasPrefix(rest, " ") {
			if w := firstWord(rest); w != "" {
				described[strings.ToLower(w)] = true
			}
			continue
		}
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		e := strings.ToLower(strings.TrimSpace(line))
		switch {
		case e == "":
		case group == "":
			t.Errorf("line %d: %s is under no source", n, e)
		case out[e] != "":
			t.Errorf("line %d: %s listed twice", n, e)
		default:
			out[e] = group
		}
	}
	return out
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return strings.TrimRight(f[0], ":—-")
}
