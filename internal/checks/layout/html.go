package layout

import "strings"

// htmlFeatures are what the layout checks need from a body's HTML.
type htmlFeatures struct {
	img, form, password bool
	hidden              string // text drawn in a zero font size, if any
	offset              string // content pushed out of sight, if any
}

// scanHTML reads the HTML once: tags by name (<img>, <form> and the
// fields it asks to fill in, <input type=password>) and style values that hide text from the reader — text
// pushed off-screen by huge offsets (in pixels or screen heights), or text
// drawn in a zero font size (zeroFontText). Hidden preheaders
// (display:none) are too common in newsletters to count.
func scanHTML(html string) htmlFeatures {
	var f htmlFeatures
	// Fields to type in of the form being read; -1 outside a form. A
	// form with exactly one is the search box, quote lookup or "subscribe
	// with your address" box of a newsletter (Mailchimp's and Brevo's
	// embedded sign-up forms ask for the address alone) and is not
	// counted. The form phishing puts in a message asks for more (an
	// address and a password, card details: the Anti-Phishing Working
	// Group's and Cybermalveillance.gouv.fr's descriptions of credential
	// forms), or for nothing: a button posing as a link, so that the
	// address it posts to escapes link scanners.
	fields := -1
	closeForm := func() {
		if fields >= 0 && fields != 1 {
			f.form = true
		}
		fields = -1
	}
	// Each pass jumps between occurrences with the vectorised Index functions
	// instead of looking at every byte.
	for rest := html; ; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
		if strings.HasPrefix(rest, "/") {
			if tagName(rest[1:]) == "form" {
				closeForm()
			}
			continue
		}
		switch tagName(rest) {
		case "img":
			f.img = true
		case "form":
			closeForm()
			fields = 0
		case "textarea":
			if fields >= 0 {
				fields++
			}
		case "input":
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				end = len(rest)
			}
			tag := strings.ToLower(rest[:min(end, 400)])
			if strings.Contains(tag, "password") {
				f.password = true
			}
			if fields >= 0 && freeText(tag) {
				fields++
			}
		}
	}
	closeForm()
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

// tagName returns the lower-cased name of a tag starting at s (after "<"),
// "" for a name longer than textarea's eight letters.
func tagName(s string) string {
	n := 0
	for n < len(s) && n < 9 && isASCIILetter(s[n]) {
		n++
	}
	if n == 0 || n == 9 {
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

// freeText reports an <input> tag (lower-cased, from after "<") whose
// field the reader types in: no type, or a text-like type. Hidden fields,
// buttons, choices and images are not typed in.
func freeText(tag string) bool {
	switch typeAttr(tag) {
	case "hidden", "submit", "button", "image", "reset", "checkbox", "radio", "file", "color", "range":
		return false
	}
	return true
}

// typeAttr returns the value of a lower-cased tag's type attribute, ""
// for none: the first "type" that opens an attribute (after a blank or a
// "/") and is followed by "=" — not data-type, datatype, nor a value
// such as name="type".
func typeAttr(tag string) string {
	for from := 0; ; {
		i := strings.Index(tag[from:], "type")
		if i < 0 {
			return ""
		}
		i += from
		from = i + len("type")
		if i == 0 || !strings.ContainsRune(" \t\r\n/", rune(tag[i-1])) {
			continue
		}
		v := strings.TrimLeft(tag[from:], " \t\r\n")
		if !strings.HasPrefix(v, "=") {
			continue
		}
		v = strings.Trim(strings.TrimLeft(v[1:], " \t\r\n"), "\"'")
		if end := strings.IndexAny(v, "\"' >/\t\r\n"); end >= 0 {
			v = v[:end]
		}
		return v
	}
}
