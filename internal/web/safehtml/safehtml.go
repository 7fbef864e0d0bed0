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
	"strings"

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

// safeStyle drops declarations that can fetch or run something; the CSP
// blocks them as well.
func safeStyle(v string) string {
	var out []string
	for _, d := range strings.Split(v, ";") {
		l := strings.ToLower(d)
		l = strings.NewReplacer("\\", "", " ", "", "\t", "", "\n", "").Replace(l)
		if strings.Contains(l, "url(") || strings.Contains(l, "expression(") || strings.Contains(l, "@import") ||
			strings.Contains(l, "javascript:") || strings.Contains(l, "behavior:") || strings.Contains(l, "-moz-binding") ||
			strings.Contains(l, "image-set(") || strings.Contains(l, "position:fixed") {
			continue
		}
		if strings.TrimSpace(d) != "" {
			out = append(out, strings.TrimSpace(d))
		}
	}
	return strings.Join(out, "; ")
}
