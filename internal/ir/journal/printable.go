package journal

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable returns s as it may be shown on a terminal or in a text
// export without letting it forge anything: a line break becomes the
// two characters \n, a tab \t, every other control character (C0, DEL, C1,
// which carry terminal escape sequences), the Unicode line and paragraph
// separators and the bidirectional overrides become \u{…} escapes, and an
// invalid byte \x…. The stored text is never changed: this is for display.
func Printable(s string) string {
	if !needsScan(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u{%04x}`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func needsScan(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || unsafeRune(r) {
			return true
		}
	}
	return !utf8.ValidString(s)
}

// unsafeRune reports the characters that move the cursor, start an escape
// sequence or reorder the text around them.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidirectional embeddings, overrides, isolates and marks
	}
	return false
}
