package attach

import (
	"bytes"
	"html"
	"strings"
)

// svgActive tells whether the lower-cased text of an SVG file, its
// element names unprefixed, runs script (script: runsScript says so)
// or embeds HTML that does something (ATTACH_SVG_ACTIVE). A browser reads
// an SVG file as XML, not as HTML, and the XML ways of writing the same
// elements are read here too:
//   - an element under a namespace prefix (<svg:script>, <html:form>,
//     <svg:foreignObject>) is the element of that namespace, whatever the
//     prefix (Namespaces in XML 1.0 §3): the caller drops prefixes first
//     (unprefixTags);
//   - a foreignObject ends at its own end tag, not at a "</foreignObject>"
//     written in a comment or a CDATA section, nor at a nested one's
//     (foreignObjectEnd);
//   - a link's address written with character references or a tab
//     ("&#106;avascript:", "java&#9;script:") is the javascript: address
//     the XML parser and then the URL parser make of it (WHATWG URL strips
//     tabs and newlines): the obfuscation Sublime's rule "SVG file with
//     HTML entity encoded href attributes" describes (scriptHref);
//   - a <set> or <animate> that rewrites a link's href (SVG Animations
//     §2.6, attributeName) sends the click where the animation says, not
//     where the link's written address goes: no drawing tool writes it,
//     and the address it sets is read by no one else (animatesHref);
//   - an entity declared in the document's DTD whose value is markup
//     (XML 1.0 §4.4.5, "included in content": the parser reads its
//     replacement text as elements), so that "&s;" in the body is a
//     <script> no substring shows: the DTDs genuine tools write
//     (Illustrator's <!ENTITY ns_svg "http://…">) name namespaces, never
//     elements (entityMarkup).
func svgActive(lower []byte, script bool) bool {
	return script || activeForeignObject(lower) || animatesHref(lower) || scriptHref(lower) || entityMarkup(lower)
}

// activeForeignObject tells whether a <foreignObject> of lower-cased SVG
// text embeds HTML that does something: a form or a field, a frame, an
// embedded object, a link, a refresh, a base, a javascript: or data:
// address, an event handler. draw.io writes each formatted label as a
// foreignObject holding only <div>s of text and style (its exports say
// "Text is not SVG - cannot display" to viewers without it; draw.io,
// "SVG export text problems"), which a picture of boxes and arrows sent
// by a colleague is (../../engine/testdata/svg/); the SVG families of the
// write-ups embed a credential form or a frame there (Sophos X-Ops 2025;
// phishing kits' "foreignObject" login forms), or a script, which
// runsScript reads anyway.
func activeForeignObject(lower []byte) bool {
	rest := lower
	for {
		i := bytes.Index(rest, []byte("<foreignobject"))
		if i < 0 {
			return false
		}
		rest = rest[i+len("<foreignobject"):]
		j := foreignObjectEnd(rest)
		inner := rest[:j]
		rest = rest[j:]
		for _, s := range []string{"<form", "<input", "<textarea", "<select", "<button", "<iframe", "<frame", "<object", "<embed", "<a ", "<a>", "<a\n", "<a\t", "<a\r", "<area", "<meta", "<base", "<link", "javascript:", "vbscript:", "data:", "url("} {
			if bytes.Contains(inner, []byte(s)) {
				return true
			}
		}
		if eventHandler(inner) {
			return true
		}
		if len(rest) == 0 {
			return false
		}
	}
}

// entityMarkup tells whether an internal entity's value, its character
// references decoded, holds a '<': markup the XML parser builds elements
// of where the entity is referenced.
func entityMarkup(lower []byte) bool {
	for rest := lower; ; {
		i := bytes.Index(rest, []byte("<!entity"))
		if i < 0 {
			return false
		}
		rest = rest[i+len("<!entity"):]
		q := bytes.IndexAny(rest, "\"'>")
		if q < 0 || rest[q] == '>' {
			continue
		}
		// <!ENTITY [%] name SYSTEM|PUBLIC "…">: an external entity,
		// which browsers do not load.
		f := bytes.Fields(rest[:q])
		if len(f) > 0 && string(f[0]) == "%" {
			f = f[1:]
		}
		if len(f) >= 2 && (string(f[1]) == "system" || string(f[1]) == "public") {
			continue
		}
		end := bytes.IndexByte(rest[q+1:], rest[q])
		if end < 0 {
			end = len(rest) - q - 1
		}
		v := rest[q+1 : q+1+end]
		if bytes.IndexByte(v, '<') >= 0 || bytes.IndexByte(v, '&') >= 0 && strings.Contains(html.UnescapeString(string(v)), "<") {
			return true
		}
		rest = rest[q+1+end:]
	}
}

// unprefixTags returns lower with the namespace prefix of each element
// name dropped ("<svg:script" → "<script", "</html:form" → "</form"), the
// slice itself when no element has one.
func unprefixTags(lower []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(lower); {
		j := bytes.IndexByte(lower[i:], '<')
		if j < 0 {
			break
		}
		i += j + 1
		if i < len(lower) && lower[i] == '/' {
			i++
		}
		k := i
		for k < len(lower) && isNameByte(lower[k]) {
			k++
		}
		if k == i || k+1 >= len(lower) || lower[k] != ':' || !isNameByte(lower[k+1]) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(lower))
		}
		out = append(out, lower[last:i]...)
		last = k + 1
		i = k + 1
	}
	if out == nil {
		return lower
	}
	return append(out, lower[last:]...)
}

// isNameByte is an ASCII byte of an XML name other than ':'.
func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}

// foreignObjectEnd returns the offset in b, the text right after a
// "<foreignobject", of the end tag that closes it — skipping comments and
// CDATA sections and counting nested foreignObjects — or len(b) when it
// is not closed (a browser renders it to the end).
func foreignObjectEnd(b []byte) int {
	depth := 1
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := b[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			k := bytes.Index(rest[4:], []byte("-->"))
			if k < 0 {
				return len(b)
			}
			i += 4 + k + 3
		case bytes.HasPrefix(rest, []byte("<![cdata[")):
			k := bytes.Index(rest[9:], []byte("]]>"))
			if k < 0 {
				return len(b)
			}
			i += 9 + k + 3
		case bytes.HasPrefix(rest, []byte("</foreignobject")):
			depth--
			if depth == 0 {
				return i
			}
			i += len("</foreignobject")
		case bytes.HasPrefix(rest, []byte("<foreignobject")):
			i += len("<foreignobject")
			if gt := bytes.IndexByte(b[i:], '>'); gt < 0 || gt == 0 || b[i+gt-1] != '/' {
				depth++
			}
		default:
			i++
		}
	}
	return len(b)
}

// animatesHref tells whether an animation element sets an href
// (attributeName="href" or "xlink:href").
func animatesHref(lower []byte) bool {
	return anyAttrValue(lower, "attributename", func(v []byte) bool {
		v = bytes.TrimSpace(v)
		return string(v) == "href" || bytes.HasSuffix(v, []byte(":href"))
	})
}

// scriptHref tells whether an href's value, once its character references
// are decoded and the tabs and newlines a URL parser strips are removed,
// is a javascript: or vbscript: address. Only values written with a
// reference or such a byte are decoded: the plain ones runsScript reads.
func scriptHref(lower []byte) bool {
	return anyAttrValue(lower, "href", func(raw []byte) bool {
		if bytes.IndexAny(raw, "&\t\n\r") < 0 {
			return false
		}
		v := strings.ToLower(html.UnescapeString(string(raw)))
		v = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, v)
		v = strings.TrimLeft(v, " \x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
		return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:")
	})
}

// anyAttrValue tells whether match holds for the quoted value of any
// attribute named key (or ending so: "xlink:href" for "href") in lower.
func anyAttrValue(lower []byte, key string, match func(v []byte) bool) bool {
	for rest := lower; ; {
		i := bytes.Index(rest, []byte(key))
		if i < 0 {
			return false
		}
		rest = rest[i+len(key):]
		if v, ok := attrValue(rest); ok && match(v) {
			return true
		}
	}
}

// maxAttrValue bounds the attribute value read by attrValue: a script
// address long enough to matter starts within it.
const maxAttrValue = 512

// attrValue reads the quoted value of an attribute from b, the text right
// after its name: `="v"`, ` = 'v'`. ok is false when no '=' and quote
// follow. The value is cut at maxAttrValue bytes.
func attrValue(b []byte) (v []byte, ok bool) {
	i := 0
	for i < len(b) && isSpaceByte(b[i]) {
		i++
	}
	if i >= len(b) || b[i] != '=' {
		return nil, false
	}
	i++
	for i < len(b) && isSpaceByte(b[i]) {
		i++
	}
	if i >= len(b) || b[i] != '"' && b[i] != '\'' {
		return nil, false
	}
	q := b[i]
	b = b[i+1:]
	end := bytes.IndexByte(b[:min(len(b), maxAttrValue)], q)
	if end < 0 {
		end = min(len(b), maxAttrValue)
	}
	return b[:end], true
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
