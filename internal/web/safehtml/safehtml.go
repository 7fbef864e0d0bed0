// Package safehtml turns the HTML body of a suspect message into a
// document that can be shown to an analyst without loading anything or
// running anything: an allow-list of layout elements and attributes is
// kept, scripts, styles sheets, forms, frames and embedded objects are
// dropped with their content, links lose their targets (kept as a title, so
// hovering shows where they lead) and
// only data: images survive. The console also frames the result in a
// sandboxed iframe under a Content-Security-Policy that forbids every
// fetch: this package is the first of two locks, not the only one.
package safehtml

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// kept elements; anything else is unwrapped (its text kept) unless dropped.
var kept = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Blockquote: true, atom.Br: true, atom.Caption: true,
	atom.Center: true, atom.Code: true, atom.Col: true, atom.Colgroup: true, atom.Dd: true, atom.Del: true,
	atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Em: true, atom.Font: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Hr: true, atom.I: true, atom.Img: true,
	atom.Ins: true, atom.Li: true, atom.Ol: true, atom.P: true, atom.Pre: true, atom.S: true, atom.Small: true,
	atom.Span: true, atom.Strike: true, atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Table: true,
	atom.Tbody: true, atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true, atom.Tr: true,
	atom.U: true, atom.Ul: true,
}

// dropped elements go with everything inside them.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Frame: true, atom.Frameset: true,
	atom.Object: true, atom.Embed: true, atom.Applet: true, atom.Form: true, atom.Input: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Link: true, atom.Meta: true,
	atom.Base: true, atom.Svg: true, atom.Math: true, atom.Template: true, atom.Noscript: true,
	atom.Audio: true, atom.Video: true, atom.Source: true, atom.Track: true, atom.Picture: true,
	atom.Title: true, atom.Head: true, atom.Canvas: true,
}

// keptAttrs are harmless presentation attributes.
var keptAttrs = map[string]bool{
	"align": true, "valign": true, "width": true, "height": true, "border": true, "cellpadding": true,
	"cellspacing": true, "colspan": true, "rowspan": true, "color": true, "bgcolor": true, "face": true,
	"size": true, "alt": true, "title": true, "dir": true, "lang": true, "style": true,
}

// Sanitize returns a complete HTML document with the safe part of body.
func Sanitize(body string) string {
	var b bytes.Buffer
	b.WriteString("<!doctype html><html><head><meta charset=\"utf-8\"></head><body>")
	z := html.NewTokenizer(strings.NewReader(body))
	z.SetMaxBuf(16 << 20)
	skip := 0 // depth inside a dropped element
	var skipping atom.Atom
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				b.WriteString("<p>[…]</p>")
			}
			b.WriteString("</body></html>")
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.WriteString(html.EscapeString(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if skip > 0 {
				if t.DataAtom == skipping && tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if dropped[t.DataAtom] {
				if tt == html.StartTagToken && !isVoid(t.DataAtom) {
					skip, skipping = 1, t.DataAtom
				}
				continue
			}
			if !kept[t.DataAtom] {
				continue
			}
			writeStart(&b, t)
		case html.EndTagToken:
			t := z.Token()
			if skip > 0 {
				if t.DataAtom == skipping {
					skip--
				}
				continue
			}
			if kept[t.DataAtom] && !isVoid(t.DataAtom) {
				b.WriteString("</" + t.DataAtom.String() + ">")
			}
		}
	}
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Hr, atom.Img, atom.Col, atom.Input, atom.Meta, atom.Link, atom.Base, atom.Source, atom.Track, atom.Embed:
		return true
	}
	return false
}

func writeStart(b *bytes.Buffer, t html.Token) {
	name := t.DataAtom.String()
	b.WriteString("<" + name)
	var href string
	for _, a := range t.Attr {
		k := strings.ToLower(a.Key)
		switch {
		case t.DataAtom == atom.A && k == "href":
			href = a.Val
		case t.DataAtom == atom.Img && k == "src":
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "data:image/") {
				writeAttr(b, "src", a.Val)
			} else {
				writeAttr(b, "data-blocked-src", a.Val)
			}
		case k == "style":
			if v := safeStyle(a.Val); v != "" {
				writeAttr(b, k, v)
			}
		case keptAttrs[k] && a.Namespace == "":
			writeAttr(b, k, a.Val)
		}
	}
	if href != "" {
		// The target is shown, never followed.
		writeAttr(b, "title", href)
		writeAttr(b, "data-href", href)
	}
	b.WriteString(">")
}

func writeAttr(b *bytes.Buffer, k, v string) {
	b.WriteString(" " + k + "=\"" + html.EscapeString(v) + "\"")
}

// safeStyle keeps the declarations that cannot fetch or run anything.
// Each is read as the browser would — CSS escapes (`\75 rl(` is `url(`,
// CSS Syntax §4.3.7) and comments decoded — and kept only if it calls no
// function but the colour and arithmetic ones, and does not pin itself
// over the page. The frame's CSP blocks fetches as well; this is the
// first line.
func safeStyle(v string) string {
	var out []string
	for _, d := range strings.Split(v, ";") {
		l := strings.ToLower(cssDecode(d))
		if unsafeDeclaration(l) {
			continue
		}
		if strings.TrimSpace(d) != "" {
			out = append(out, strings.TrimSpace(d))
		}
	}
	return strings.Join(out, "; ")
}

// safeFunctions are the CSS functions a declaration may call.
var safeFunctions = map[string]bool{"rgb": true, "rgba": true, "hsl": true, "hsla": true, "calc": true,
	"min": true, "max": true, "clamp": true, "var": false}

func unsafeDeclaration(l string) bool {
	compact := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, l)
	for _, bad := range []string{"@import", "javascript:", "behavior:", "-moz-binding", "position:fixed", "position:sticky", "\\"} {
		if strings.Contains(compact, bad) {
			return true
		}
	}
	// Every "(" must close a known harmless function.
	for i := strings.IndexByte(compact, '('); i >= 0; {
		j := i
		for j > 0 && (isNameByte(compact[j-1])) {
			j--
		}
		if !safeFunctions[compact[j:i]] {
			return true
		}
		k := strings.IndexByte(compact[i+1:], '(')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return false
}

func isNameByte(c byte) bool {
	return c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

// cssDecode undoes CSS escapes and drops comments, so that the check sees
// the declaration the browser will apply. A lone backslash before a line
// end is kept as a backslash: unsafeDeclaration refuses it.
func cssDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			i += 2 + end + 2
		case c == '\\' && i+1 < len(s):
			j := i + 1
			for j < len(s) && j < i+7 && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				if s[j] == '\n' || s[j] == '\r' || s[j] == '\f' {
					b.WriteString("\\\\")
					i = j + 1
					continue
				}
				r, n := utf8.DecodeRuneInString(s[j:])
				b.WriteRune(r)
				i = j + n
				continue
			}
			n, _ := strconv.ParseUint(s[i+1:j], 16, 32)
			r := rune(n)
			if r == 0 || r > unicode.MaxRune || r >= 0xD800 && r <= 0xDFFF {
				r = unicode.ReplacementChar
			}
			b.WriteRune(r)
			if j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
				j++
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
