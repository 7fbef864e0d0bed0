package message

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzSingleSpaced(f *testing.F) {
	for _, s := range []string{"", " ", "Produit 12", " a", "a ", "a  b", "a\tb", "a\u00a0b", "é b", "a \x85b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := singleSpaced(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("singleSpaced(%q) = %q, want %q", s, got, want)
		}
	})
}

func FuzzHasControlOrSpace(f *testing.F) {
	for _, s := range []string{"", "https://example.org/a?b=c", "https://x.example/ a", "\x7f\x80\xff!!!!!!!!\x20", "abcdefgh\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.IndexFunc(s, func(r rune) bool { return r <= ' ' }) >= 0
		if got := hasControlOrSpace(s); got != want {
			t.Fatalf("hasControlOrSpace(%q) = %v, want %v", s, got, want)
		}
	})
}

// dropInvisible leaves out exactly the invisible characters, and
// unconfuse keeps the text's length in characters and leaves nothing
// mixed behind it.
func FuzzPlainTextFolding(f *testing.F) {
	for _, s := range []string{"", "con\u200bnec\u00adtez", "сode", "Fаcture en rεtard", "Привет", "a\u200b\xffb", "\u200d", "ΑΒ ab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		got, _ := dropInvisible(s)
		if want := strings.Map(func(r rune) rune {
			if invisibleRune(r) {
				return -1
			}
			return r
		}, s); got != want {
			t.Fatalf("dropInvisible(%q) = %q, want %q", s, got, want)
		}
		u, _ := unconfuse(s)
		if utf8.RuneCountInString(u) != utf8.RuneCountInString(s) {
			t.Fatalf("unconfuse(%q) = %q: length changed", s, u)
		}
		if again, n := unconfuse(u); n != 0 || again != u {
			t.Fatalf("unconfuse(%q) = %q, then %q (%d)", s, u, again, n)
		}
	})
}

// TestSVGReadAsXML: an SVG file is read as a browser's XML parser reads
// it — a link written <svg:a> under a namespace prefix is a link, and
// words in a CDATA section are its text — and an HTML body's CDATA is
// text only inside <svg> or <math> (WHATWG, CDATA section state).
func TestSVGReadAsXML(t *testing.T) {
	svg := `<svg:svg xmlns:svg="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">` +
		`<svg:a xlink:href="https://kit.example/a"><svg:text>▶ Écouter</svg:text></svg:a>` +
		`<a xlink:href="https://kit.example/b"><text><![CDATA[Voir la <facture>]]></text></a></svg:svg>`
	p := &parser{lim: DefaultLimits(), m: &Message{}}
	p.urls.max = p.lim.MaxURLs
	p.scanHTML(svg, true, "Message.svg", true)
	want := map[string]string{"https://kit.example/a": "▶ Écouter", "https://kit.example/b": "Voir la <facture>"}
	for _, u := range p.urls.list {
		if w, ok := want[u.Raw]; ok {
			if u.Text != w {
				t.Errorf("%s: text %q, want %q", u.Raw, u.Text, w)
			}
			delete(want, u.Raw)
		}
	}
	if len(want) > 0 {
		t.Errorf("links not read: %v", want)
	}
	body := scan(`<p>a<![CDATA[hidden]]>b</p><svg><text><![CDATA[shown]]></text></svg><p><![CDATA[after]]></p>`)
	if got := string(body.htmlText.buf); !strings.Contains(got, "shown") || strings.Contains(got, "hidden") || strings.Contains(got, "after") {
		t.Errorf("body text %q", got)
	}
}

// TestSVGZLinks: a gzip-compressed SVG (.svgz) is read inflated, as the
// browser opening it shows it; the bytes inflated count against the
// message's MaxInflatedBytes.
func TestSVGZLinks(t *testing.T) {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><a href="https://kit.example/v"><text>Écouter le message</text></a></svg>`))
	w.Close()
	p := &parser{lim: DefaultLimits(), m: &Message{}}
	p.urls.max = p.lim.MaxURLs
	p.svgz(z.Bytes(), "Message.svgz")
	if len(p.urls.list) != 1 || p.urls.list[0].Raw != "https://kit.example/v" || p.urls.list[0].Text != "Écouter le message" || p.urls.list[0].In != "Message.svgz" {
		t.Errorf("links %+v", p.urls.list)
	}
	if p.inflated == 0 {
		t.Error("inflated bytes not charged")
	}
	p = &parser{lim: DefaultLimits(), m: &Message{}}
	p.urls.max = p.lim.MaxURLs
	p.inflated = p.lim.MaxInflatedBytes
	if p.svgz(z.Bytes(), "Message.svgz"); len(p.urls.list) != 0 {
		t.Error("read beyond the spent inflation budget")
	}
}

// TestSVGHotZoneWords: a link of an SVG file that holds nothing but an
// invisible shape is a click zone laid over the words drawn before it,
// which are its words; a logo's link, over a visible picture, carries
// none.
func TestSVGHotZoneWords(t *testing.T) {
	for doc, want := range map[string]string{
		`<svg><text>Facture</text><text>▶ Écouter le message</text><a href="https://kit.example/"><rect fill="#fff" fill-opacity="0"/></a></svg>`: "▶ Écouter le message",
		`<svg><text>Voir le document</text><a href="https://kit.example/"><rect style="fill: none; stroke: none"/></a></svg>`:                     "Voir le document",
		`<svg><text>Voir le portfolio</text><a href="https://kit.example/"><path d="M0 0h10v10z" fill="#1a73e8"/></a></svg>`:                      "",
		`<svg><text>Voir le portfolio</text><a href="https://kit.example/"><rect opacity="0"/><image href="data:image/png;base64,AA"/></a></svg>`: "",
	} {
		p := &parser{lim: DefaultLimits(), m: &Message{}}
		p.urls.max = p.lim.MaxURLs
		p.scanHTML(doc, true, "x.svg", true)
		got := "missing"
		for _, u := range p.urls.list {
			if u.Raw == "https://kit.example/" {
				got = u.Text
			}
		}
		if got != want {
			t.Errorf("%s: text %q, want %q", doc, got, want)
		}
	}
}
