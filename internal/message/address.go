package message

import (
	"strings"
)

// parseAddressList parses the undecoded value of an address field (RFC 5322
// §3.4) the tolerant way: display names quoted or not, RFC 2047 encoded or
// raw 8-bit, bare addresses, "addr (Name)" comments, groups, missing angle
// brackets and unquoted commas in names. What cannot be read as a mailbox is
// kept as a name without an address rather than dropped. Parsing the raw
// value, not the decoded one, means an encoded-word cannot smuggle in
// brackets or commas. At most max addresses are returned.
func parseAddressList(raw string, max int) []Address {
	if max <= 0 {
		return nil
	}
	var out []Address
	carry := -1 // start of name fragments cut off by an unquoted comma
	for _, r := range splitAddressList(raw) {
		if len(out) >= max {
			break
		}
		e := raw[r[0]:r[1]]
		if strings.TrimSpace(e) == "" {
			continue
		}
		// Only the new element is tested: the carried ones hold neither
		// '@' nor '<', and testing them again would be quadratic.
		if topLevelIndex(e, '<') < 0 && !strings.Contains(e, "@") {
			if carry < 0 {
				carry = r[0]
			}
			continue
		}
		if carry >= 0 {
			e = raw[carry:r[1]]
			carry = -1
		}
		out = append(out, parseMailbox(strings.TrimSpace(e)))
	}
	if carry >= 0 && len(out) < max {
		if a := parseMailbox(strings.TrimSpace(raw[carry:])); a.Name != "" || a.Addr != "" {
			out = append(out, a)
		}
	}
	return out
}

// splitAddressList cuts a list at the commas outside quoted strings, angle
// brackets and comments. Group syntax ("team: a, b;") is flattened: the
// display name before the colon is dropped and the semicolon ends an element.
func splitAddressList(s string) [][2]int {
	var parts [][2]int
	start := 0
	depthAngle, depthComment := 0, 0
	inQuote := false
	sawAt := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && (inQuote || depthComment > 0):
			i++
		case inQuote:
			if c == '"' {
				inQuote = false
			}
		case depthComment > 0:
			switch c {
			case '(':
				depthComment++
			case ')':
				depthComment--
			}
		case c == '"':
			inQuote = true
		case c == '(':
			depthComment++
		case c == '<':
			depthAngle++
		case c == '>':
			if depthAngle > 0 {
				depthAngle--
			}
		case depthAngle > 0:
		case c == '@':
			sawAt = true
		case c == ':' && !sawAt:
			// A group's display name ends here (RFC 5322 §3.4).
			start = i + 1
		case c == ',' || c == ';':
			parts = append(parts, [2]int{start, i})
			start = i + 1
			sawAt = false
		}
	}
	return append(parts, [2]int{start, len(s)})
}

// topLevelIndex returns the index of the first c in s outside quoted
// strings and comments, or -1.
func topLevelIndex(s string, c byte) int {
	inQuote := false
	depth := 0
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == '\\' && (inQuote || depth > 0):
			i++
		case inQuote:
			inQuote = b != '"'
		case depth > 0:
			if b == '(' {
				depth++
			} else if b == ')' {
				depth--
			}
		case b == '"':
			inQuote = true
		case b == '(':
			depth++
		case b == c:
			return i
		}
	}
	return -1
}

// parseMailbox reads one element of an address list.
func parseMailbox(e string) Address {
	if lt := topLevelIndex(e, '<'); lt >= 0 {
		addr := e[lt+1:]
		if gt := strings.IndexByte(addr, '>'); gt >= 0 {
			addr = addr[:gt]
		}
		return Address{Name: displayName(e[:lt]), Addr: cleanAddr(addr)}
	}
	// No angle brackets: "addr", "addr (Name)", or "Name addr".
	text, comment := stripComments(e)
	fields := strings.Fields(text)
	var addr string
	var name []string
	for _, f := range fields {
		if addr == "" && strings.Contains(f, "@") {
			addr = f
			continue
		}
		name = append(name, f)
	}
	if addr == "" && len(fields) == 1 {
		return Address{Addr: cleanAddr(fields[0]), Name: displayName(comment)}
	}
	n := strings.Join(name, " ")
	if addr == "" && strings.Contains(comment, "@") {
		// "Name, (<addr>)": the only address hides in a comment.
		for _, f := range strings.Fields(comment) {
			if strings.Contains(f, "@") {
				addr = strings.Trim(f, "<>()")
				comment = ""
				break
			}
		}
	}
	if n == "" {
		n = comment
	}
	return Address{Name: displayName(strings.TrimRight(n, ", \t")), Addr: cleanAddr(addr)}
}

// stripComments removes RFC 5322 §3.2.2 comments from s, returning the rest
// and the text of the comments.
func stripComments(s string) (rest, comments string) {
	if !strings.Contains(s, "(") {
		return s, ""
	}
	var r, c strings.Builder
	depth := 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case depth == 0 && b == '"':
			inQuote = !inQuote
			r.WriteByte(b)
		case inQuote:
			r.WriteByte(b)
			if b == '\\' && i+1 < len(s) {
				i++
				r.WriteByte(s[i])
			}
		case b == '(':
			if depth > 0 {
				c.WriteByte(b)
			}
			depth++
		case b == ')' && depth > 0:
			depth--
			if depth > 0 {
				c.WriteByte(b)
			} else {
				c.WriteByte(' ')
			}
		case depth > 0:
			if b == '\\' && i+1 < len(s) {
				i++
				b = s[i]
			}
			c.WriteByte(b)
		default:
			r.WriteByte(b)
		}
	}
	return r.String(), strings.TrimSpace(c.String())
}

// cleanAddr trims an addr-spec as written: blanks, comments, quotes around
// the whole of it, a source route (RFC 5322 §4.4 obs-route) and a "mailto:".
func cleanAddr(a string) string {
	a, _ = stripComments(a)
	a = strings.TrimSpace(a)
	if strings.ContainsAny(a, " \t\r\n") && !strings.Contains(a, "\"") {
		a = strings.Join(strings.Fields(a), "")
	}
	if strings.HasPrefix(a, "@") {
		if i := strings.IndexByte(a, ':'); i >= 0 {
			a = a[i+1:]
		}
	}
	if len(a) > 7 && strings.EqualFold(a[:7], "mailto:") {
		a = a[7:]
	}
	if len(a) >= 2 && a[0] == '\'' && a[len(a)-1] == '\'' {
		a = a[1 : len(a)-1]
	}
	if len(a) >= 2 && a[0] == '"' && a[len(a)-1] == '"' && strings.Count(a, "\"") == 2 {
		a = a[1 : len(a)-1]
	}
	return strings.TrimSpace(a)
}

// displayName unquotes and decodes a display name: quoted strings lose
// their quotes and escapes, encoded-words are decoded even inside quotes
// (non-conformant, common), blanks are folded.
func displayName(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, "\"\\") {
		var b strings.Builder
		b.Grow(len(s))
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case '"':
			case '\\':
				if i+1 < len(s) {
					i++
					b.WriteByte(s[i])
				}
			default:
				b.WriteByte(c)
			}
		}
		s = b.String()
	}
	if strings.Contains(s, "=?") || !isASCII(s) {
		s, _ = decodeHeader(s)
	}
	return singleSpaced(s)
}

// ParseAddressList parses the undecoded value of an address field, as the
// message's own From, Reply-To and Cc are (parseAddressList): for fields
// the parser does not keep, such as a list's X-Original-From. At most
// max addresses are returned.
func ParseAddressList(raw string, max int) []Address {
	return parseAddressList(raw, max)
}
