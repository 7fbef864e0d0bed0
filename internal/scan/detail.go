package scan

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxDetail bounds a signal's detail, in characters: it names what
// triggered the signal (a domain, a file name, the phrases read) for a
// person, in the CLI, the console, the mails Vigie sends and the
// X-Vigie-Banner field, and must not flood any of them.
const MaxDetail = 160

// CleanDetail makes a signal's detail safe to show anywhere: each run of
// control characters (a line break that would start a new header field or
// a new line of a notice, a terminal's escape, a Unicode line or paragraph
// separator: lineControl) becomes one space, invalid UTF-8
// goes, the bidirectional formatting characters that reverse how the
// text around them reads (Unicode TR #9; CVE-2021-42574) are written out
// as "[U+202E]" — "facture[U+202E]gpj.exe" shows the trick where the
// character itself would hide it — and the result is cut to MaxDetail
// characters with "…". Spaces are kept as they are: a name padded with
// spaces to push its real extension out of sight is the evidence. HTML
// is escaped where it is shown (the console's templates): a detail is
// plain text. Emitter.Emit applies it to every detail, so that no check
// has to remember to.
func CleanDetail(s string) string {
	if plainDetail(s) {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), MaxDetail+8))
	n, control := 0, false
	for _, r := range s {
		var text string
		switch {
		case r == utf8.RuneError:
			continue
		case lineControl(r):
			if control {
				continue // "\r\n" is one break, one space
			}
			control, text = true, " "
		case bidiControl(r):
			text = fmt.Sprintf("[U+%04X]", r)
		}
		width := 1 // characters written: "[U+202E]" is eight
		if text != "" {
			width = len(text)
		}
		if n+width > MaxDetail {
			b.WriteString("…")
			return b.String()
		}
		n += width
		if text != " " {
			control = false
		}
		if text != "" {
			b.WriteString(text)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plainDetail reports a detail that CleanDetail leaves as it is, kept
// without a copy: valid UTF-8 short enough, without a control or
// bidirectional character — the domains, addresses, numbers and phrases
// most details are.
func plainDetail(s string) bool {
	if len(s) <= MaxDetail {
		ascii := true
		for i := 0; i < len(s); i++ {
			if c := s[i]; c < 0x20 || c == 0x7f {
				return false
			} else if c >= 0x80 {
				ascii = false
			}
		}
		if ascii {
			return true
		}
	}
	n := 0
	for _, r := range s {
		if n++; n > MaxDetail || lineControl(r) || r == utf8.RuneError || bidiControl(r) {
			return false
		}
	}
	return true
}

// lineControl reports the characters a detail shows as a space: the C0
// and C1 controls and DEL, and the Unicode line and paragraph separators
// (U+2028, U+2029), which text viewers and terminals may break a line at
// as they do at a line feed.
func lineControl(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0x2028 || r == 0x2029
}

// bidiControl reports the characters that change the direction text is
// shown in: the embeddings, overrides and isolates and the marks.
func bidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
