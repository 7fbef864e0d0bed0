package message

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie.dev/vigie/internal/urlx"
)

// maxURLLen bounds URL.Raw; longer values (mostly data: URIs) are cut.
const maxURLLen = 16 << 10

// urlSet collects a message's URLs in order of discovery, without
// duplicates of the same Raw and Source, at most max of them.
type urlSet struct {
	list []URL
	seen map[string]uint8 // Raw -> bit set of sourceBit
	max  int
	// The last authorities read and their hosts: a message's links mostly
	// share a few hosts (its site, its images, its tracker).
	hosts    [4]struct{ authority, host string }
	hostNext int
}

// host returns urlHost's host of an authority, from the cache when it was
// read lately.
func (s *urlSet) host(authority string) string {
	for i := range s.hosts {
		if c := &s.hosts[i]; c.authority == authority && c.host != "" {
			return c.host
		}
	}
	h := authorityHost(authority)
	s.hosts[s.hostNext] = struct{ authority, host string }{authority, h}
	s.hostNext = (s.hostNext + 1) % len(s.hosts)
	return h
}

func sourceBit(s URLSource) uint8 {
	switch s {
	case URLFromText:
		return 1
	case URLFromHref:
		return 2
	case URLFromSrc:
		return 4
	case URLFromForm:
		return 8
	case URLFromMeta:
		return 16
	case URLFromCSS:
		return 32
	case URLFromAttachment:
		return 64
	}
	return 128
}

func (s *urlSet) full() bool { return len(s.list) >= s.max }

// add cleans u.Raw, computes u.Host and keeps u if it is new.
func (s *urlSet) add(u URL) {
	if len(s.list) >= s.max {
		return
	}
	u.Raw = cleanURL(u.Raw)
	if u.Raw == "" {
		return
	}
	if s.seen == nil {
		s.seen = make(map[string]uint8, 64)
	}
	if s.list == nil {
		s.list = make([]URL, 0, 32)
	}
	bit := sourceBit(u.Source)
	seen := s.seen[u.Raw]
	if seen&bit != 0 {
		return
	}
	s.seen[u.Raw] = seen | bit
	if a, ok := urlAuthority(u.Raw); ok {
		u.Host = s.host(a)
	}
	s.list = append(s.list, u)
}

// cleanURL does what a browser does to an attribute value before reading
// it as a URL: trim C0 controls and spaces, drop tabs and newlines inside.
// It also cuts overlong values at a character boundary.
func cleanURL(s string) string {
	if !hasControlOrSpace(s) {
		// Most URLs: nothing to trim or drop.
		return truncUTF8(s, maxURLLen)
	}
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	if hasTabOrNewline(s) {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, s)
	}
	if len(s) > maxURLLen {
		s = truncUTF8(s, maxURLLen)
	}
	return s
}

// hasControlOrSpace reports whether s has a byte <= ' ': a C0 control or
// a space (every other byte is, or is part of, a character above ' ').
func hasControlOrSpace(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// Eight bytes at a time: the word has a byte below 0x21 if and
		// only if this is not zero ("haszero" for bytes < n, n <= 128).
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if (x-0x2121212121212121)&^x&0x8080808080808080 != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if s[i] <= ' ' {
			return true
		}
	}
	return false
}

func hasTabOrNewline(s string) bool {
	return strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0 || strings.IndexByte(s, '\t') >= 0
}

// truncUTF8 cuts s to at most n bytes without splitting a character.
func truncUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// urlScheme returns the lower-cased scheme of an absolute URL, or "".
func urlScheme(s string) string { return urlx.Scheme(s) }

// urlHost returns the host a browser would connect to for raw
// (urlx.Host, the one reading of a link's host every check shares).
func urlHost(raw string) string { return urlx.Host(raw) }

// urlAuthority returns the authority of raw as written (urlx.Authority).
func urlAuthority(raw string) (string, bool) { return urlx.Authority(raw) }

// authorityHost is urlHost's host of an authority.
func authorityHost(a string) string { return urlx.AuthorityHost(a) }

// scanTextURLs calls fn for each link in plain text: http://, https:// and
// ftp:// URLs (any case), and "www." names as mail readers link them.
// Trailing punctuation and closing quotes or brackets that are not part of
// the URL are left out.
func scanTextURLs(s string, fn func(string)) {
	if strings.Contains(s, ":\\") {
		scanBackslashURLs(s, fn)
	}
	// Next "://" and "www." at or after i; each is searched again only
	// once passed, so the scan stays linear however the two interleave.
	nextC, nextW := -2, -2
	i := 0
	for i < len(s) {
		if nextC != -1 && nextC < i {
			if k := strings.Index(s[i:], "://"); k >= 0 {
				nextC = i + k
			} else {
				nextC = -1
			}
		}
		if nextW != -1 && nextW < i {
			if k := indexWWW(s[i:]); k >= 0 {
				nextW = i + k
			} else {
				nextW = -1
			}
		}
		if nextC < 0 && nextW < 0 {
			return
		}
		if nextC >= 0 && (nextW < 0 || nextC < nextW) {
			at := nextC
			start := at
			for start > max(i, at-5) && isSchemeByte(s[start-1]) {
				start--
			}
			// "hxxps" and friends are defanged, not links.
			switch scheme := s[start:at]; {
			case hasSuffixFold(scheme, "https"):
				start = at - 5
			case hasSuffixFold(scheme, "http"):
				start = at - 4
			case hasSuffixFold(scheme, "ftp"):
				start = at - 3
			default:
				i = at + 3
				continue
			}
			end := urlEnd(s, at+3)
			if u := trimURLTail(s[start:end]); len(u) > at+3-start {
				fn(u)
			}
			i = max(end, at+3)
			continue
		}
		at := nextW
		end := urlEnd(s, at)
		if u := trimURLTail(s[at:end]); strings.IndexByte(u[min(4, len(u)):], '.') > 0 {
			fn(u)
		}
		i = max(end, at+4)
	}
}

// scanBackslashURLs calls fn for each http, https or ftp address written
// with backslashes after its scheme ("https:\\evil.example\login"),
// which a browser follows as written with slashes (WHATWG URL Standard,
// special schemes): a phisher writes it so that a filter looking for
// "://" reads no link.
func scanBackslashURLs(s string, fn func(string)) {
	for off := 0; ; {
		k := strings.Index(s[off:], ":\\")
		if k < 0 {
			return
		}
		at := off + k
		off = at + 2
		start := -1
		for _, scheme := range [...]string{"https", "http", "ftp"} {
			if hasSuffixFold(s[max(0, at-len(scheme)-1):at], scheme) {
				if b := at - len(scheme); b == 0 || !isSchemeByte(s[b-1]) {
					start = b
				}
				break
			}
		}
		if start < 0 {
			continue
		}
		end := at + 1
		for end < len(s) && end-start < maxURLLen {
			c := s[end]
			if c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`' || c == '{' || c == '}' || c == '|' || c == '^' || c >= 0x80 {
				break
			}
			end++
		}
		if u := trimURLTail(s[start:end]); urlHost(u) != "" {
			fn(u)
		}
		off = max(off, end)
	}
}

// isLabelByte reports an ASCII letter, digit or hyphen.
func isLabelByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

func isSchemeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// indexWWW finds "www." (any case) at the start of a word.
func indexWWW(s string) int {
	off := 0
	for {
		k := strings.IndexByte(s[off:], '.')
		if k < 0 {
			return -1
		}
		at := off + k - 3
		off += k + 1
		if at < 0 || !strings.EqualFold(s[at:at+3], "www") {
			continue
		}
		if at > 0 {
			if p := s[at-1]; p == '.' || p == '/' || p == '@' || p == '-' || p == '_' || isSchemeByte(p) || '0' <= p && p <= '9' {
				continue
			}
		}
		if off < len(s) && s[off] > ' ' && s[off] != '.' {
			return at
		}
	}
}

// urlEnd returns where a URL starting at s[start:] ends in text: at a
// blank, a control, one of < > " ` or a character that cannot be in a
// URL written in text (Unicode spaces and typographic quotes).
func urlEnd(s string, start int) int {
	limit := min(len(s), start+maxURLLen)
	inHost := true
	for i := start; i < limit; {
		c := s[i]
		if c < 0x80 {
			if c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`' || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' {
				return i
			}
			if c == '/' || c == '?' || c == '#' {
				inHost = false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		// In a host, an ideographic full stop (U+3002, U+FF61) between
		// two ASCII labels is a dot to a browser (UTS 46), not the end
		// of a Japanese sentence: https://evil。example/.
		if inHost && (r == 0x3002 || r == 0xff61) && i > start && isLabelByte(s[i-1]) && i+n < len(s) && isLabelByte(s[i+n]) {
			i += n
			continue
		}
		if r == utf8.RuneError || unicode.IsSpace(r) || strings.ContainsRune("«»“”„‘’‚「」『』〈〉《》【】（）。、，", r) || r == 0x200b || r == 0xfeff {
			return i
		}
		i += n
	}
	return limit
}

// trimURLTail drops the punctuation that ends a sentence rather than a URL,
// and a closing bracket that has no opening one inside the URL.
func trimURLTail(u string) string {
	open := strings.Count(u, "(") - strings.Count(u, ")")
	openSq := strings.Count(u, "[") - strings.Count(u, "]")
	for len(u) > 0 {
		switch u[len(u)-1] {
		case '.', ',', ';', ':', '!', '?', '\'', '*':
		case ')':
			if open >= 0 {
				return u
			}
			open++
		case ']':
			if openSq >= 0 {
				return u
			}
			openSq++
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}
