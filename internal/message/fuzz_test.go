package message

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzLimits are small so that the fuzzer reaches every limit.
var fuzzLimits = Limits{
	MaxSize:        1 << 20,
	MaxHeaderBytes: 4 << 10,
	MaxDepth:       6,
	MaxParts:       40,
	MaxPartBytes:   64 << 10,
	MaxTextBytes:   32 << 10,
	MaxURLs:        50,
	// Two streams of a PDF at their bound (pdfMaxStreamOutput): the
	// seed of PDFs below reaches the message's budget.
	MaxInflatedBytes: 2 << 20,
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n--a--"))
	// The QR reading (qr.go, qrbudget.go): a code in an inline picture, a
	// tracking pixel before it, and the same code as an HTML data: picture.
	code := base64.StdEncoding.EncodeToString(qrPNG(f, "https://qr.example/x", 64))
	f.Add([]byte("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n" +
		"<img src=\"data:image/png;base64," + code + "\">\r\n--b\r\nContent-Type: image/gif\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==\r\n--b\r\nContent-Type: image/png\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + code + "\r\n--b--\r\n"))
	// Three PDFs of FlateDecode streams, the last read in part: the
	// message's inflation budget (MaxInflatedBytes).
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(append(make([]byte, 900<<10), "/URI (https://pdf.example/x)"...))
	zw.Close()
	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.7\n1 0 obj << /Filter /FlateDecode >>\nstream\n" + z.String() + "\nendstream\nendobj\n"))
	f.Add([]byte("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n" + strings.Repeat("--p\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"+pdf+"\r\n", 3) + "--p--\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		start := time.Now()
		m, p := parse(raw, fuzzLimits)
		// The budget, then pdfMinInflatedBytes for each file after it.
		if most := fuzzLimits.MaxInflatedBytes + fuzzLimits.MaxParts*pdfMinInflatedBytes; p.inflated > most {
			t.Errorf("%d bytes inflated, at most %d", p.inflated, most)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Parse of %d bytes took %v", len(raw), d)
		}
		if m == nil {
			t.Fatal("nil Message")
		}
		for _, d := range m.Defects {
			if strings.Contains(d.Detail, "internal parser error") {
				t.Fatal(d.Detail)
			}
		}
		for name, s := range map[string]string{"Subject": m.Subject, "Text": m.Text, "HTML": m.HTML, "HTMLText": m.HTMLText} {
			if !utf8.ValidString(s) {
				t.Errorf("%s is not UTF-8: %q", name, s)
			}
		}
		if len(m.Text) > fuzzLimits.MaxTextBytes || len(m.HTML) > fuzzLimits.MaxTextBytes || len(m.HTMLText) > fuzzLimits.MaxTextBytes {
			t.Errorf("text beyond MaxTextBytes: %d %d %d", len(m.Text), len(m.HTML), len(m.HTMLText))
		}
		enclosed := 0
		for _, e := range m.Enclosed {
			enclosed += len(e.Raw)
		}
		if len(m.Enclosed) > maxEnclosed || enclosed > maxEnclosedBytes {
			t.Errorf("%d enclosed messages, %d bytes", len(m.Enclosed), enclosed)
		}
		if len(m.URLs) > fuzzLimits.MaxURLs || len(m.Parts) > fuzzLimits.MaxParts {
			t.Errorf("%d URLs, %d parts", len(m.URLs), len(m.Parts))
		}
		for _, p := range m.Parts {
			if p.Depth > fuzzLimits.MaxDepth {
				t.Errorf("part %s at depth %d", p.Path, p.Depth)
			}
		}
		for _, a := range m.Attachments {
			if int64(len(a.Data)) > fuzzLimits.MaxPartBytes || a.Truncated != (a.Size > int64(len(a.Data))) || len(a.SHA256) != 64 {
				t.Errorf("attachment %+v", a)
			}
		}
	})
}

func FuzzDecodeHeader(f *testing.F) {
	for _, s := range []string{
		"=?UTF-8?B?w6l0w6k=?=", "=?iso-8859-1?Q?caf=E9?= =?utf-8?q?_x?=", "a =?x?q?b?= c",
		"=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9?=", "=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=", "=?=?=?", "\xff\xfe",
		"=?UTF-16?B?AGEAYgBj?=", "=?utf-7?Q?+AOk-?=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := decodeHeader(s)
		if !utf8.ValidString(out) {
			t.Errorf("decodeHeader(%q) = %q: not UTF-8", s, out)
		}
		if len(out) > 4*len(s)+16 {
			t.Errorf("decodeHeader(%q): %d bytes from %d", s, len(out), len(s))
		}
	})
}

func FuzzAddressList(f *testing.F) {
	for _, s := range []string{
		`"Chorus Pro" <a@b.fr>`, `a@b.c (Name), "x, y" <z@w>`, `g: a@b, c@d;`, `=?UTF-8?Q?R=C3=A9?= <r@x>`,
		`Du bist,(<noreply@dhl.de>)`, `<@r:a@b>`, `"unterminated <a@b>`, `((((a@b))))`, `Doe, John <j@x>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		list := parseAddressList(s, 20)
		if len(list) > 20 {
			t.Errorf("%d addresses", len(list))
		}
		for _, a := range list {
			if !utf8.ValidString(a.Name) {
				t.Errorf("name %q not UTF-8", a.Name)
			}
			if len(a.Addr) > len(s) || len(a.Name) > 4*len(s)+16 {
				t.Errorf("address %+v longer than input %q", a, s)
			}
		}
	})
}

func FuzzExtractURLs(f *testing.F) {
	for _, s := range []string{
		`<a href="https://a.example/?a=1&amp;b">x <b>y</b></a>`, `<base href="https://b.example/d/"><img src="i.png">`,
		`<meta http-equiv=refresh content="0;url='https://r.example'">`, `<style>x{background:url(https://c.example)}</style>`,
		`<script>location.href="https://s.example"</script>`, "text https://t.example/(x). www.w.example", `<!-->`, `<a href='x`,
		`<svg><a xlink:href="https://x.example"/></svg>`, "&#x1F600;&amp&nbsp;&#0;&#xD800;",
		`<svg:svg><svg:a xlink:href="https://x.example"><svg:text><![CDATA[Voir]]></svg:text></svg:a><![CDATA[`, `<math><![CDATA[]]></math><![CDATA[x]]>`,
		`open https:\\evil.example\login, or HTTP:\\x.example.`, "https://evil\u3002example\uff61com/p。次", "www.evil\u3002example/",
	} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, doc string, attach bool) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > time.Second {
				t.Errorf("%d bytes took %v", len(doc), d)
			}
		}()
		p := &parser{lim: fuzzLimits, m: &Message{}}
		p.htmlText = textWriter{limit: p.lim.MaxTextBytes}
		p.urls.max = p.lim.MaxURLs
		p.scanHTML(doc, attach, "f.html", attach && strings.HasPrefix(doc, "<svg"))
		scanTextURLs(doc, func(u string) { p.urls.add(URL{Raw: u, Source: URLFromText}) })
		if len(p.urls.list) > fuzzLimits.MaxURLs || len(p.htmlText.buf) > fuzzLimits.MaxTextBytes {
			t.Errorf("%d URLs, %d bytes of text", len(p.urls.list), len(p.htmlText.buf))
		}
		if utf8.ValidString(doc) && !utf8.Valid(p.htmlText.buf) {
			t.Errorf("HTMLText not UTF-8: %q", p.htmlText.buf)
		}
		for _, u := range p.urls.list {
			if u.Raw == "" || len(u.Raw) > maxURLLen {
				t.Errorf("URL %+v", u)
			}
			if u.Host != strings.ToLower(u.Host) && utf8.ValidString(u.Host) {
				t.Errorf("host not lower-case: %q", u.Host)
			}
		}
	})
}

// unfold copies runs between line ends: it removes every CR and LF, as a
// byte-by-byte filter does.
func FuzzUnfold(f *testing.F) {
	for _, s := range []string{"a\r\n b", "from x\r\n\tby y\r\n\t(z)", "\r\r\n\n", "no break", "\n", "a\rb\nc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want []byte
		for i := 0; i < len(s); i++ {
			if s[i] != '\r' && s[i] != '\n' {
				want = append(want, s[i])
			}
		}
		if got := unfold(s); got != string(want) {
			t.Errorf("unfold(%q) = %q, want %q", s, got, want)
		}
	})
}
