package textmatch

import "unicode/utf8"

// Clip returns s cut to at most n bytes on a character boundary, with an
// ellipsis when it was cut: a signal's detail quotes a sender, a subject or
// a link that the sender chose, and half a character would put invalid
// UTF-8 into the verdict, its header and its log line.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
