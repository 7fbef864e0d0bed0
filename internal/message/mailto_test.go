package message

import "testing"

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
