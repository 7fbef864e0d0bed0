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
