package layout

import "strings"

// htmlFeatures are what the layout checks need from a body's HTML.
type htmlFeatures struct {
	img, form, password bool
	hidden              string // text drawn in a zero font size, if any
	offset              string // content pushed out of sight, if any
}

// scanHTML reads the HTML once: tags by name (<img>, <form>, <input
// type=password>) and style values that hide text from the reader — text
// pushed off-screen by huge offsets (in pixels or screen heights), or text
// drawn in a zero font size (zeroFontText). Hidden preheaders
// (display:none) are too common in newsletters to count.
func scanHTML(html string) htmlFeatures {
	var f htmlFeatures
	// Each pass jumps between occurrences with the vectorised Index functions
	// instead of looking at every byte.
	for rest := html; ; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
		switch tagName(rest) {
		case "img":
			f.img = true
		case "form":
			f.form = true
		case "input":
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				end = len(rest)
			}
			if strings.Contains(strings.ToLower(rest[:min(end, 400)]), "password") {
				f.password = true
			}
		}
	}
	// An offset of five digits or more in pixels, or a height of ten
	// screens or more.
	if f.offset = bigLength(html, "px", 1, 5, 8); f.offset == "" {
		f.offset = bigLength(html, "vh", 0, 4, 6)
	}
	// A zero font size written anywhere: then read which text it hides.
	for off := 0; ; {
		i := indexByRare(html[off:], "font-size:", 7)
		if i < 0 {
			break
		}
		i += off
		if v := strings.TrimLeft(html[i+10:min(len(html), i+20)], " "); strings.HasPrefix(v, "0") && !strings.HasPrefix(v, "0.") {
			f.hidden = zeroFontText(html)
			break
		}
		off = i + 10
	}
	return f
}

// tagName returns the lower-cased name of a tag starting at s (after "<").
func tagName(s string) string {
	n := 0
	for n < len(s) && n < 8 && isASCIILetter(s[n]) {
		n++
	}
	if n == 0 || n == 8 {
		return ""
	}
	return strings.ToLower(s[:n])
}

// bigLength returns the first length in unit written with minDigits to
// maxDigits digits ("470500px"). Digits after a decimal point are a
// fraction, not a length (font-size: 15.008000373840332px). rare is the
// byte of unit the search jumps between (see indexByRare).
func bigLength(html, unit string, rare, minDigits, maxDigits int) string {
	for off := 0; ; {
		i := indexByRare(html[off:], unit, rare)
		if i < 0 {
			return ""
		}
		i += off
		n := 0
		for n < i && html[i-1-n] >= '0' && html[i-1-n] <= '9' {
			n++
		}
		if n >= minDigits && n <= maxDigits && (i-n == 0 || html[i-n-1] != '.') {
			return html[i-n:i] + unit
		}
		off = i + len(unit)
	}
}

// indexByRare is strings.Index(s, needle), jumping between the occurrences
// of needle[rare] rather than of its first byte: strings.Index stops at
// every 'p' or 'f' of a page looking for "px" or "font-size:", and HTML
// is full of them, while 'x' and 'z' are rare.
func indexByRare(s, needle string, rare int) int {
	c := needle[rare]
	for from := rare; from < len(s); {
		j := strings.IndexByte(s[from:], c)
		if j < 0 {
			return -1
		}
		if at := from + j - rare; strings.HasPrefix(s[at:], needle) {
			return at
		}
		from += j + 1
	}
	return -1
}

// mailtoLinks counts the <a> tags of html whose href is a mailto: URL,
// up to max. It is read only for a body short enough to be image-only:
// anchors are too common to inspect on every message.
func mailtoLinks(html string, max int) int {
	n := 0
	for rest := html; n < max; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
		if len(rest) < 2 || rest[0]|0x20 != 'a' || !isSpace(rest[1]) {
			continue
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			end = len(rest)
		}
		href := hrefValue(strings.ToLower(rest[1:min(end, 2048)]))
		if strings.HasPrefix(strings.TrimLeft(href, " \t\r\n"), "mailto:") {
			n++
		}
	}
	return n
}

// hrefValue returns the value of the href attribute in a tag's
// lower-cased attributes, unquoted, or "".
func hrefValue(attrs string) string {
	for i := 0; ; {
		k := strings.Index(attrs[i:], "href")
		if k < 0 {
			return ""
		}
		at := i + k
		i = at + 4
		if at > 0 && !isSpace(attrs[at-1]) {
			continue // data-href, xhref
		}
		v := strings.TrimLeft(attrs[i:], " \t\r\n")
		if !strings.HasPrefix(v, "=") {
			continue
		}
		v = strings.TrimLeft(v[1:], " \t\r\n")
		if v != "" && (v[0] == '"' || v[0] == '\'') {
			if e := strings.IndexByte(v[1:], v[0]); e >= 0 {
				return v[1 : 1+e]
			}
			return v[1:]
		}
		if e := strings.IndexAny(v, " \t\r\n"); e >= 0 {
			return v[:e]
		}
		return v
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' }
