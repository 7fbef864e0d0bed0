package message

import (
	"slices"
	"strings"
	"testing"
)

func textURLs(s string) []string {
	var out []string
	scanTextURLs(s, func(u string) { out = append(out, u) })
	return out
}

func TestScanTextURLs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"go to https://example.com/a?b=c.", []string{"https://example.com/a?b=c"}},
		{"(see http://example.com/x)", []string{"http://example.com/x"}},
		{"wiki: https://en.wikipedia.org/wiki/Foo_(bar).", []string{"https://en.wikipedia.org/wiki/Foo_(bar)"}},
		{"<https://aka.ms/AAb9ysg>", []string{"https://aka.ms/AAb9ysg"}},
		{"\"https://q.example/x\",", []string{"https://q.example/x"}},
		{"«https://fr.example/page»", []string{"https://fr.example/page"}},
		{"“https://typo.example/a”", []string{"https://typo.example/a"}},
		{"HTTPS://UPPER.EXAMPLE/Path", []string{"HTTPS://UPPER.EXAMPLE/Path"}},
		{"ftp://files.example/pub", []string{"ftp://files.example/pub"}},
		// Written for a browser, not for a "://" search (WHATWG special
		// schemes; UTS 46 full stops): the phisher's ways round a filter.
		{`ouvrez https:\\evil.example\login.`, []string{`https:\\evil.example\login`}},
		{`C:\\Users\x and mshttps:\\no`, nil},
		{"https://evil\u3002example\uff61com/p", []string{"https://evil\u3002example\uff61com/p"}},
		{"voir https://example.jp。次へ", []string{"https://example.jp"}},
		{"https://example.jp/a。b", []string{"https://example.jp/a"}},
		{"visit www.example.fr/promo!", []string{"www.example.fr/promo"}},
		{"WWW.EXAMPLE.COM", []string{"WWW.EXAMPLE.COM"}},
		{"two: http://a.example http://b.example;", []string{"http://a.example", "http://b.example"}},
		{"glued:https://glued.example/x", []string{"https://glued.example/x"}},
		{"unicode https://例え.jp/パス end", []string{"https://例え.jp/パス"}},
		{"defanged hxxps://evil.example and https:// alone", nil},
		{"not a link: www. or mywww.example.com or file://x", nil},
		{"email@www.example.com", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := textURLs(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("scanTextURLs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestURLHost(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"https://Example.COM/path", "example.com"},
		{"https://example.com:8443/x", "example.com"},
		{"https://paypal.com@evil.example/login", "evil.example"},
		{"https://user:pass@evil.example:81", "evil.example"},
		{"http://example.com.", "example.com"},
		{"https://xn--80ak6aa92e.com/", "xn--80ak6aa92e.com"},
		{"https://аррӏе.com/", "xn--80ak6aa92e.com"},
		{"https://bücher.de/", "xn--bcher-kva.de"},
		{"https://%65vil.example/", "evil.example"},
		{"http://3232235777/", "192.168.1.1"},
		{"http://0xC0.0xA8.1.1/", "192.168.1.1"},
		{"http://0300.0250.0.1/", "192.168.0.1"},
		{"http://192.168.257/", "192.168.1.1"},
		{"http://1.2.3.4/", "1.2.3.4"},
		{"http://[2001:db8::1]:8080/", "[2001:db8::1]"},
		{"https:\\\\evil.example\\path", "evil.example"},
		{"http:/evil.example/one-slash", "evil.example"},
		{"//cdn.example/x.js", "cdn.example"},
		{"www.example.fr/promo", "www.example.fr"},
		{"https://example.com?q=1", "example.com"},
		{"https://example.com#frag", "example.com"},
		{"javascript:alert(1)", ""},
		{"data:text/html,hi", ""},
		{"mailto:a@b.c", ""},
		{"chrome://settings", "settings"},
		{"relative/path", ""},
		{"https://", ""},
	}
	for _, tt := range tests {
		if got := urlHost(tt.raw); got != tt.want {
			t.Errorf("urlHost(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

// scan runs the HTML scan of a body document and returns the parser's
// results.
func scan(doc string) *parser {
	p := &parser{lim: DefaultLimits(), m: &Message{}}
	p.htmlText = textWriter{limit: p.lim.MaxTextBytes}
	p.urls.max = p.lim.MaxURLs
	p.scanHTML(doc, false, "", false)
	return p
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"<p>Hello   <b>world</b></p><p>Second</p>", "Hello world\nSecond"},
		{"a<br>b<br/>c", "a\nb\nc"},
		{"<head><title>T</title><style>p{}</style></head><body>x</body>", "x"},
		{"<script>var a = '<p>no</p>';</script>yes", "yes"},
		{"<!-- comment <p>no</p> -->yes<!--->also", "yesalso"},
		{"<!-->abrupt", "abrupt"},
		{"Caf&eacute; &amp; cr&egrave;me &#233;&#xE9; &euro;&nbsp;5 &copy2025 &unknown;", "Café & crème éé € 5 ©2025 &unknown;"},
		{"Pay\u200bPal se\u00adcu\u200drity&zwnj;", "PayPal security"},
		{"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"<div>one</div>\n\n\n<div>two</div>", "one\ntwo"},
		{"<ul><li>x<li>y</ul>", "x\ny"},
		{"<textarea>&lt;kept&gt;</textarea>", "<kept>"},
		{"<xmp><b>raw</b></xmp>", "<b>raw</b>"},
		{"a < b and c<d", "a < b and c"}, // "<d" is a tag cut by the end of the document
		{"<p>unterminated <a href='x", "unterminated"},
		{"x</>y<?php echo 1 ?>z", "xyz"},
		{"<!DOCTYPE html><HTML><BODY><P>Upper</P></BODY></HTML>", "Upper"},
	}
	for _, tt := range tests {
		if got := string(scan(tt.doc).htmlText.buf); got != tt.want {
			t.Errorf("HTMLText(%q) = %q, want %q", tt.doc, got, tt.want)
		}
	}
}

func TestHTMLLinks(t *testing.T) {
	type u struct {
		raw  string
		src  URLSource
		text string
	}
	tests := []struct {
		name string
		doc  string
		want []u
	}{
		{"anchor text", `<a href="https://a.example/x">Click <b>here</b> now</a>`, []u{{"https://a.example/x", URLFromHref, "Click here now"}}},
		{"entities in href", `<a href="https://a.example/?a=1&amp;b=2&copy=3">x</a>`, []u{{"https://a.example/?a=1&b=2&copy=3", URLFromHref, "x"}}},
		{"first duplicate attribute wins", `<a href="https://first.example" href="https://second.example">x</a>`, []u{{"https://first.example", URLFromHref, "x"}}},
		{"unclosed anchor closed by next", `<a href="https://1.example">one<a href="https://2.example">two`, []u{{"https://1.example", URLFromHref, "one"}, {"https://2.example", URLFromHref, "two"}}},
		{"whitespace and newlines in href", "<a href=\" https://w.example/a\n/b \">x</a>", []u{{"https://w.example/a/b", URLFromHref, "x"}}},
		{"unquoted", `<a href=https://u.example/x>x</a>`, []u{{"https://u.example/x", URLFromHref, "x"}}},
		{"relative dropped", `<a href="page.html">x</a><a href="/abs">y</a><img src="img.png">`, nil},
		{"base resolves", `<base href="https://b.example/dir/"><a href="page.html">x</a><img src="/i.png">`, []u{{"https://b.example/dir/page.html", URLFromHref, "x"}, {"https://b.example/i.png", URLFromSrc, ""}}},
		{"scheme-relative kept", `<img src="//cdn.example/p.gif">`, []u{{"//cdn.example/p.gif", URLFromSrc, ""}}},
		{"src family", `<img src="https://i.example/a"><iframe src="https://f.example/"></iframe><script src="https://s.example/j.js"></script><embed src="https://e.example/"><td background="https://bg.example/">`, []u{
			{"https://i.example/a", URLFromSrc, ""}, {"https://f.example/", URLFromSrc, ""}, {"https://s.example/j.js", URLFromSrc, ""}, {"https://e.example/", URLFromSrc, ""}, {"https://bg.example/", URLFromSrc, ""}}},
		{"form", `<form action="https://post.example/p.php"><button formaction="https://alt.example/">`, []u{{"https://post.example/p.php", URLFromForm, ""}, {"https://alt.example/", URLFromForm, ""}}},
		{"meta refresh", `<meta http-equiv="Refresh" content="0;url=https://r.example/go">`, []u{{"https://r.example/go", URLFromMeta, ""}}},
		{"meta refresh bare", `<meta http-equiv=refresh content="3; https://r2.example/">`, []u{{"https://r2.example/", URLFromMeta, ""}}},
		{"css", `<style>a{background:url( 'https://c1.example/a.png' )} b{background:URL(https://c2.example/b.png)}</style><p style="background:url(&quot;https://c3.example/c&quot;)">`, []u{
			{"https://c1.example/a.png", URLFromCSS, ""}, {"https://c2.example/b.png", URLFromCSS, ""}, {"https://c3.example/c", URLFromCSS, ""}}},
		{"data and javascript kept", `<a href="data:text/html,<b>x</b>">d</a><a href="JavaScript:void(0)">j</a>`, []u{{"data:text/html,<b>x</b>", URLFromHref, "d"}, {"JavaScript:void(0)", URLFromHref, "j"}}},
		{"in-message schemes dropped", `<a href="mailto:a@b.c">m</a><a href="tel:+33">t</a><img src="cid:x@y"><a href="#top">h</a>`, nil},
		{"text url outside anchors", `<p>Go to https://t.example/x now</p>`, []u{{"https://t.example/x", URLFromText, ""}}},
		{"text url inside anchor is its text", `<a href="https://real.example/">https://shown.example/</a>`, []u{{"https://real.example/", URLFromHref, "https://shown.example/"}}},
		{"svg xlink", `<svg><a xlink:href="https://x.example/"><text>t</text></a><image href="https://img.example/i.png"/></svg>`, []u{{"https://x.example/", URLFromHref, "t"}, {"https://img.example/i.png", URLFromSrc, ""}}},
		{"comment hides", `<!-- <a href="https://hidden.example/">x</a> -->`, nil},
		{"dedup same source", `<a href="https://d.example/">1</a><a href="https://d.example/">2</a><img src="https://d.example/">`, []u{{"https://d.example/", URLFromHref, "1"}, {"https://d.example/", URLFromSrc, ""}}},
	}
	for _, tt := range tests {
		var got []u
		for _, x := range scan(tt.doc).urls.list {
			got = append(got, u{x.Raw, x.Source, x.Text})
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

func TestImageAlts(t *testing.T) {
	p := scan(`<img alt="  PayPal   logo "><img alt=""><IMG ALT='Banque&nbsp;Populaire'><area alt="not an image">`)
	if want := []string{"PayPal logo", "Banque Populaire"}; !slices.Equal(p.m.ImageAlts, want) {
		t.Errorf("ImageAlts = %q, want %q", p.m.ImageAlts, want)
	}
}

func TestAttachmentScripts(t *testing.T) {
	p := &parser{lim: DefaultLimits(), m: &Message{}}
	p.urls.max = 100
	p.scanHTML(`<html><script>
		window.location = "https://l1.example/";
		location.href='https://l2.example/';
		document.location.replace("https://l3.example/");
		if (location == "x") {}
		window.open(`+"`https://l4.example/`"+`);
		fetch("https://api.example/collect", {method: "POST"});
	</script><p>visible https://v.example/</p></html>`, true, "invoice.html", false)
	var got []string
	for _, u := range p.urls.list {
		if u.Source != URLFromAttachment || u.In != "invoice.html" {
			t.Errorf("URL %+v: wrong source", u)
		}
		got = append(got, u.Raw)
	}
	for _, want := range []string{"https://l1.example/", "https://l2.example/", "https://l3.example/", "https://l4.example/", "https://api.example/collect", "https://v.example/"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %q in %q", want, got)
		}
	}
	if len(p.htmlText.buf) != 0 {
		t.Errorf("attachment text went to HTMLText: %q", p.htmlText.buf)
	}
}

func TestPDFURIs(t *testing.T) {
	var got []string
	pdfURIs([]byte(`<< /URI (https://a.example/\(x\)\
y) >> << /URI<68747470733A2F2F622E6578616D706C65> >> /URI (\150ttps://c.example) /URI 12 0 R`), func(u string) { got = append(got, u) })
	want := []string{"https://a.example/(x)y", "https://b.example", "https://c.example"}
	if !slices.Equal(got, want) {
		t.Errorf("pdfURIs = %q, want %q", got, want)
	}
}

func TestURLLimits(t *testing.T) {
	var b strings.Builder
	for i := range 3000 {
		b.WriteString(`<a href="https://h`)
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(".example/")
		b.WriteString(strings.Repeat("y", i))
		b.WriteString(`">x</a>`)
	}
	p := scan(b.String())
	if len(p.urls.list) != DefaultLimits().MaxURLs {
		t.Errorf("%d URLs kept, want MaxURLs", len(p.urls.list))
	}
	long := "https://long.example/" + strings.Repeat("a", 2*maxURLLen)
	p = scan(`<a href="` + long + `">x</a>`)
	if len(p.urls.list) != 1 || len(p.urls.list[0].Raw) != maxURLLen {
		t.Errorf("long URL not cut: %d", len(p.urls.list[0].Raw))
	}
}

// BaseStriker (Avanan, 2018): the address in <base href>, the link empty
// or relative, or a fragment; a browser goes to the base's address. A
// fragment without a base stays an in-page anchor.
func TestBaseHrefEmptyLink(t *testing.T) {
	p := scan(`<html><head><base href="https://kit.example/login/"></head><body><a href="">Consulter</a> <a href="#haut">haut</a> <a href="step2">suite</a></body></html>`)
	var got []string
	for _, u := range p.urls.list {
		got = append(got, u.Raw)
	}
	want := []string{"https://kit.example/login/", "https://kit.example/login/#haut", "https://kit.example/login/step2"}
	if !slices.Equal(got, want) {
		t.Errorf("links = %q, want %q", got, want)
	}
	if p := scan(`<html><body><a href="#haut">haut</a> <a href="">ici</a></body></html>`); len(p.urls.list) != 0 {
		t.Errorf("links without a base = %v", p.urls.list)
	}
}
