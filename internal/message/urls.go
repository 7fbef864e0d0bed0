package message

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
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

// urlScheme returns the lower-cased scheme of an absolute URL (RFC 3986
// §3.1), or "". One-letter schemes are Windows drive letters, not schemes.
func urlScheme(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 1:
			return strings.ToLower(s[:i])
		default:
			return ""
		}
	}
	return ""
}

// specialScheme reports the WHATWG "special" schemes, whose URLs a browser
// reads with any number of slashes or backslashes before the host.
func specialScheme(s string) bool {
	switch s {
	case "http", "https", "ftp", "ws", "wss", "file":
		return true
	}
	return false
}

// urlHost returns the host a browser would connect to for raw: lower case,
// no userinfo (the "https://bank.example@evil.example" trick), no port,
// percent-escapes decoded, IDNA A-label form, numeric IPv4 forms written
// dotted-decimal. raw without a scheme is read as a "www." text link or a
// scheme-relative "//host" reference. Schemes without a host (data:,
// javascript:, mailto:) give "".
func urlHost(raw string) string {
	a, ok := urlAuthority(raw)
	if !ok {
		return ""
	}
	return authorityHost(a)
}

// urlAuthority returns the authority of raw as written (userinfo and port
// included), false for a URL that has none.
func urlAuthority(raw string) (string, bool) {
	rest := raw
	if scheme := urlScheme(raw); scheme != "" {
		rest = raw[len(scheme)+1:]
		if specialScheme(scheme) {
			for rest != "" && (rest[0] == '/' || rest[0] == '\\') {
				rest = rest[1:]
			}
		} else if strings.HasPrefix(rest, "//") {
			rest = rest[2:]
		} else {
			return "", false
		}
	} else if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
	} else if len(rest) < 4 || !strings.EqualFold(rest[:4], "www.") {
		return "", false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c == '/' || c == '?' || c == '#' || c == '\\' {
			return rest[:i], true
		}
	}
	return rest, true
}

// authorityHost is urlHost's host of an authority.
func authorityHost(rest string) string {
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	host := rest
	if strings.HasPrefix(host, "[") {
		if end := strings.IndexByte(host, ']'); end >= 0 {
			return strings.ToLower(host[:end+1])
		}
		return strings.ToLower(host)
	}
	if colon := strings.LastIndexByte(host, ':'); colon >= 0 {
		host = host[:colon]
	}
	if strings.IndexByte(host, '%') >= 0 {
		host = string(appendPercentDecoded(nil, host))
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return ""
	}
	if !isASCII(host) {
		if a, err := idna.Lookup.ToASCII(host); err == nil && a != "" {
			host = a
		} else if !utf8.ValidString(host) {
			host = strings.ToValidUTF8(host, "\uFFFD")
		}
	}
	if ip, ok := parseIPv4Host(host); ok {
		return ip
	}
	return host
}

// parseIPv4Host reads the numeric host forms browsers accept (WHATWG URL
// §3.5 IPv4 parser): "3232235777", "0xc0.0xa8.1.1", "0300.0250.1.1",
// "192.168.257". Attackers use them to hide an address from plain matching.
func parseIPv4Host(h string) (string, bool) {
	if h == "" {
		return "", false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || c == 'x' || c == '.' || 'A' <= c && c <= 'F' || c == 'X') {
			return "", false
		}
	}
	parts := strings.Split(h, ".")
	if len(parts) > 4 {
		return "", false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		base := 10
		switch {
		case len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X"):
			base, p = 16, p[2:]
		case p == "0x" || p == "0X":
			p = "0"
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		n, err := strconv.ParseUint(p, base, 64)
		if err != nil || p == "" {
			return "", false
		}
		nums[i] = n
	}
	var v uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 255 {
			return "", false
		}
		v |= n << (8 * (3 - i))
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return "", false
	}
	v |= last
	return strconv.Itoa(int(v>>24)) + "." + strconv.Itoa(int(v>>16&255)) + "." +
		strconv.Itoa(int(v>>8&255)) + "." + strconv.Itoa(int(v&255)), true
}

// scanTextURLs calls fn for each link in plain text: http://, https:// and
// ftp:// URLs (any case), and "www." names as mail readers link them.
// Trailing punctuation and closing quotes or brackets that are not part of
// the URL are left out.
func scanTextURLs(s string, fn func(string)) {
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
	for i := start; i < limit; {
		c := s[i]
		if c < 0x80 {
			if c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`' || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
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
