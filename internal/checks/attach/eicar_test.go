package attach

import (
	"strings"
	"testing"
)

func TestIsEICAR(t *testing.T) {
	e := string(eicarString)
	for _, c := range []struct {
		in   string
		want bool
	}{
		{e, true},
		{e + "\r\n", true},
		{e + " \t\x1a", true},
		{e + strings.Repeat(" ", 60), true}, // 128 bytes
		{e + strings.Repeat(" ", 61), false},
		{e + "x", false},
		{"x" + e, false},
		{e[:67], false},
		{"", false},
	} {
		if got := isEICAR([]byte(c.in)); got != c.want {
			t.Errorf("isEICAR(%q) = %v, want %v", c.in, got, c.want)
		}
	}
	if !isEICARText("\n"+e+"\n") || isEICARText("Bonjour\n"+e) {
		t.Error("isEICARText")
	}
}

func FuzzIsEICAR(f *testing.F) {
	f.Add([]byte(eicarString))
	f.Fuzz(func(t *testing.T, b []byte) {
		if isEICAR(b) && (len(b) > 128 || !strings.HasPrefix(string(b), string(eicarString))) {
			t.Fatal("accepted a non-EICAR file")
		}
	})
}
