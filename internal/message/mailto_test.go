package message

import (
	"slices"
	"strings"
	"testing"
)

// The body's anchors whose href is a mailto: URL are counted however the
// attribute is written, and nothing else is: the layout family reads the
// count as an image-only body's link.
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
		{`<a href="mailto:1"></a><a href="mailto:2"></a><a href="mailto:3"></a><a href="mailto:4"></a><a href="mailto:5"></a>`, 5},
		// A tag the document's end cuts is dropped, as a browser drops it
		// (HTML §13.2.5.*, EOF in a tag): there is no link to click.
		{`<a href="mailto:a@b.example`, 0},
		{`<a href=`, 0},
		{`<a`, 0},
		{``, 0},
	} {
		raw := "From: a@b.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + c.html
		if got := Parse([]byte(raw), DefaultLimits()).MailtoLinks; got != c.want {
			t.Errorf("MailtoLinks of %q = %d, want %d", c.html, got, c.want)
		}
	}
	// An attachment's anchors are not the body's.
	raw := "From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nHi\r\n--x\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=a.html\r\n\r\n<a href=\"mailto:a@b.example\">x</a>\r\n--x--\r\n"
	if got := Parse([]byte(raw), DefaultLimits()).MailtoLinks; got != 0 {
		t.Errorf("an attachment's mailto: counted: %d", got)
	}
}

// The domains of the mailto: anchors are kept, lower-cased, the first
// address's of each (RFC 6068: addresses end at "?" or ","): the lure
// family reads an opt-out by return mail to the sender's own domain.
func TestMailtoDomains(t *testing.T) {
	for _, c := range []struct {
		html string
		want []string
	}{
		{`<a href="mailto:remove@News.Example.com?subject=REMOVE%202157">x</a>`, []string{"news.example.com"}},
		{`<A HREF='MAILTO:a@b.example,c@d.example'>x</A>`, []string{"b.example"}},
		{`<a href="mailto:?subject=hi">x</a><a href="mailto:nobody">y</a>`, nil},
		{`<a href="mailto:a@b.example/../x">x</a><a href="mailto:a@">y</a>`, nil},
		{`<a href="https://b.example/mailto:a@c.example">x</a>`, nil},
	} {
		raw := "From: a@b.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + c.html
		got := Parse([]byte(raw), DefaultLimits()).MailtoDomains
		if !slices.Equal(got, c.want) {
			t.Errorf("MailtoDomains of %q = %q, want %q", c.html, got, c.want)
		}
	}
	var many strings.Builder
	for range 100 {
		many.WriteString(`<a href="mailto:a@b.example">x</a>`)
	}
	raw := "From: a@b.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + many.String()
	if got := Parse([]byte(raw), DefaultLimits()).MailtoDomains; len(got) != maxMailtoDomains {
		t.Errorf("%d domains kept of 100 anchors, want %d", len(got), maxMailtoDomains)
	}
}
