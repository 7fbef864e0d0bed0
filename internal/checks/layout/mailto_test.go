package layout

import (
	"bytes"
	"testing"
)

// mailtoLinks counts anchors whose href is a mailto: URL, however the
// attribute is written, and nothing else.
func TestMailtoLinks(t *testing.T) {
	for _, c := range []struct {
		html string
		want int
	}{
		{`<a href="mailto:a@b.example"><img src="x.png"></a>`, 1},
		{`<A HREF = 'MAILTO:a@b.example?subject=Hi'>x</A>`, 1},
		{`<a class=x href=mailto:a@b.example>x</a>`, 1},
		{"<a\n  href=\"  mailto:a@b.example\">x</a>", 1},
		{`<a href="https://b.example/mailto:a">x</a>`, 0},
		{`<a data-href="mailto:a@b.example" href="https://b.example">x</a>`, 0},
		{`<a title="mailto:a@b.example" href="https://b.example">x</a>`, 0},
		{`<abbr href="mailto:a@b.example">x</abbr><area href="mailto:a@b.example">`, 0},
		{`<a href="mailto:a@b.example">1</a><a href="mailto:a@b.example">2</a>`, 2},
		{`<a href="mailto:1"></a><a href="mailto:2"></a><a href="mailto:3"></a><a href="mailto:4"></a><a href="mailto:5"></a>`, 4},
		{`<a href="mailto:a@b.example`, 1},
		{`<a href=`, 0},
		{`<a`, 0},
		{``, 0},
	} {
		if got := mailtoLinks(c.html, 4); got != c.want {
			t.Errorf("mailtoLinks(%q) = %d, want %d", c.html, got, c.want)
		}
	}
}

// mailtoLinks never fails, stays within max and ignores ASCII case.
func FuzzMailtoLinks(f *testing.F) {
	for _, s := range []string{`<a href="mailto:a@b.example"><img src=x></a>`, `<a data-href=mailto:x href='MAILTO:y'>`, `<a href = "`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, html string) {
		n := mailtoLinks(html, 4)
		if n < 0 || n > 4 {
			t.Fatalf("mailtoLinks = %d, outside 0..4", n)
		}
		if u := mailtoLinks(string(bytes.ToUpper([]byte(html))), 4); u != n && isASCII(html) {
			t.Fatalf("mailtoLinks(%q) = %d, of its upper case %d", html, n, u)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
