package urlx

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// A link is followed by a browser, so every check must judge the host a
// browser connects to, not the string the sender wrote: the WHATWG URL
// Standard (https://url.spec.whatwg.org/) reads http(s) URLs with any
// mix of slashes and backslashes after the scheme and in the path,
// userinfo before an "@" (RFC 3986 §3.2.1), percent-decodes the host,
// maps it through UTS 46 (case folded; U+3002, U+FF0E and U+FF61 become
// '.', zero-width characters are dropped) and reads numeric IPv4 forms
// (one decimal number, hexadecimal and octal parts). Phishers write
// links each of these ways so that plain string matching misses the
// host (the "@" trick; Avanan's Z-WASP, 2019; vendors on obfuscated IP
// links). Host and Canonical read URLs so; net/url does not (it refuses
// percent-encoded letters in a host, keeps a final dot, reads
// "https:\\host" as having none), so URLs are parsed with it only once
// Canonical has written them as a browser would.

// Scheme returns the lower-cased scheme of an absolute URL (RFC 3986
// §3.1), or "". One-letter schemes are Windows drive letters, not schemes.
func Scheme(s string) string {
	upper := false // most links write their scheme in lower case: no copy
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
		case 'A' <= c && c <= 'Z':
			upper = true
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 1:
			if !upper {
				return s[:i]
			}
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

// Host returns the host a browser connects to for raw: lower case, no
// userinfo ("https://bank.example@evil.example"), no port, no final dot,
// percent-escapes decoded, IDNA A-label form (UTS 46 mapping), numeric
// IPv4 forms written dotted-decimal. raw without a scheme is read as a
// "www." text link or a scheme-relative "//host" reference. Schemes
// without a host (data:, javascript:, mailto:) give "".
func Host(raw string) string {
	a, ok := Authority(strings.TrimSpace(raw))
	if !ok {
		return ""
	}
	return AuthorityHost(a)
}

// Authority returns the authority of raw as written (userinfo and port
// included), false for a URL that has none.
func Authority(raw string) (string, bool) {
	rest := raw
	if scheme := Scheme(raw); scheme != "" {
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

// AuthorityHost is Host's host of an authority as written.
func AuthorityHost(rest string) string {
	host := authorityName(rest)
	if ip, ok := parseIPv4Host(host); ok {
		return ip
	}
	return host
}

// HiddenIPv4 reports a URL whose host a browser reads as an IPv4 address
// written otherwise than as four dotted decimal numbers without leading
// zeros: one decimal number ("http://3325256727/"), hexadecimal
// ("0xC6336417", "0xc6.0x33.100.23"), octal or leading zeros
// ("0306.063.0144.027"), fewer than four parts ("198.51.25623"), or an
// IPv6 literal that maps an IPv4 address ("[::ffff:c633:6417]"). The
// WHATWG URL Standard's IPv4 parser (§3.5) reads all of them as the same
// address, and reports each as a validation error: no honest software
// writes them. Spammers and phishers do, to hide the address from
// filters and readers (Symantec, "Dotted decimal URL obfuscation", 2011;
// PhishTank, "The case of the mysterious hostname", 2007). A final dot
// and percent-escapes are read first, as Host reads them.
func HiddenIPv4(raw string) bool {
	a, ok := Authority(strings.TrimSpace(raw))
	if !ok {
		return false
	}
	host := authorityName(a)
	if strings.HasPrefix(host, "[") {
		addr, err := netip.ParseAddr(strings.TrimSuffix(host[1:], "]"))
		return err == nil && addr.Is4In6()
	}
	ip, ok := parseIPv4Host(host)
	return ok && ip != host
}

// authorityName is AuthorityHost's host before numeric IPv4 forms are read.
func authorityName(rest string) string {
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
		// Decoded once, a host holding a delimiter or a '%' ("%2f",
		// "%2500", a malformed escape) fails WHATWG host parsing.
		if host = percentDecode(host); strings.ContainsFunc(host, forbiddenInDomain) {
			return ""
		}
	}
	if strings.ContainsFunc(host, forbiddenInHost) {
		return "" // a browser does not follow it (WHATWG: host parsing fails)
	}
	// A final dot names the same host (RFC 1034 §3.1); more than one,
	// which no browser follows, are read as one. Taken off before IDNA,
	// which refuses the empty label after it, and again after, for a
	// full stop UTS 46 maps to a dot.
	host = strings.TrimRight(strings.ToLower(host), ".")
	if !isASCII(host) {
		if a, err := browserIDNA.ToASCII(host); err == nil && a != "" {
			if strings.ContainsFunc(a, forbiddenInDomain) {
				return "" // mapped to one (U+3000 a space, U+FF0F a slash): WHATWG fails it
			}
			host = a
		} else if !utf8.ValidString(host) {
			host = strings.ToValidUTF8(host, "\uFFFD")
		}
	}
	return strings.TrimRight(host, ".")
}

// browserIDNA maps a host as the WHATWG URL Standard's "domain to ASCII"
// does (UTS 46 with UseSTD3ASCIIRules, CheckHyphens and
// Transitional_Processing false, CheckBidi and CheckJoiners true).
// idna.Lookup is stricter (RFC 5891: STD3 rules, hyphens checked): it
// refuses a non-ASCII label with an underscore or a leading, trailing or
// doubled hyphen ("pаypal_login.example", "-pаypal.example"), which a
// browser follows as its A-label (xn--pypal_login-yij.example); the host
// then stayed in Unicode, a form no feed or IoC list writes.
var browserIDNA = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false),
	idna.StrictDomainName(false), idna.CheckHyphens(false))

// forbiddenInHost reports the WHATWG URL Standard's forbidden host code
// points (controls, space, and < > ^ |, the others ending the authority
// before Host reads it) and the other controls.
func forbiddenInHost(r rune) bool {
	return r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == '^' || r == '|'
}

// forbiddenInDomain reports the WHATWG forbidden domain code points a
// host may hold once UTS 46 has mapped it (U+FF0F FULLWIDTH SOLIDUS
// becomes '/', U+3000 a space, '%' passes): forbiddenInHost's and the
// delimiters, which end an authority as written but not one mapped.
func forbiddenInDomain(r rune) bool {
	return forbiddenInHost(r) || strings.ContainsRune("#%/:?@[\\]", r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// percentDecode decodes %XX escapes, leaving a malformed one as written.
func percentDecode(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if h, ok1 := unhex(s[i+1]); ok1 {
				if l, ok2 := unhex(s[i+2]); ok2 {
					b = append(b, h<<4|l)
					i += 2
					continue
				}
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
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

// Canonical returns an http(s) or ftp URL as a browser writes it before
// following it: the scheme in lower case, "//" after it, the host as Host
// reads it (userinfo and port kept as written), backslashes in the path
// as slashes; query and fragment as written. Any other URL, a URL
// without a host, and a URL already so written come back as they are,
// without a copy. Checks parse Canonical's result, never the raw link.
func Canonical(raw string) string {
	scheme := Scheme(raw)
	if scheme != "http" && scheme != "https" && scheme != "ftp" {
		return raw
	}
	rest := raw[len(scheme)+1:]
	slashes := 0
	for slashes < len(rest) && (rest[slashes] == '/' || rest[slashes] == '\\') {
		slashes++
	}
	after := rest[slashes:]
	// Canonical runs on every link of every message, nearly all of them
	// written canonically already: the authority is read byte by byte
	// (strings.IndexAny builds its byte set anew at every call), and the
	// rest is only looked at for a backslash before it is split.
	end := len(after)
	for i := 0; i < len(after); i++ {
		if c := after[i]; c == '/' || c == '?' || c == '#' || c == '\\' {
			end = i
			break
		}
	}
	authority, tail := after[:end], after[end:]
	if slashes == 2 && rest[0] == '/' && rest[1] == '/' && raw[:len(scheme)] == scheme &&
		!pathBackslash(tail) && canonicalAuthority(authority) {
		return raw
	}
	pathEnd := queryOrFragment(tail)
	path := tail[:pathEnd]
	host := AuthorityHost(authority)
	if host == "" {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw) + 8)
	b.WriteString(scheme)
	b.WriteString("://")
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		b.WriteString(authority[:at+1])
		authority = authority[at+1:]
	}
	b.WriteString(host)
	if !strings.HasPrefix(authority, "[") || strings.Contains(authority, "]:") {
		if c := strings.LastIndexByte(authority, ':'); c >= 0 {
			b.WriteString(authority[c:])
		}
	}
	b.WriteString(strings.ReplaceAll(path, "\\", "/"))
	b.WriteString(tail[pathEnd:])
	return b.String()
}

// pathBackslash reports a backslash in the path of tail, a URL after its
// authority: before its query or fragment.
func pathBackslash(tail string) bool {
	k := strings.IndexByte(tail, '\\')
	return k >= 0 && queryOrFragment(tail[:k]) == k
}

// queryOrFragment returns where the query or the fragment of the path and
// the rest s starts, len(s) for none.
func queryOrFragment(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '?' || s[i] == '#' {
			return i
		}
	}
	return len(s)
}

// canonicalAuthority reports an authority Canonical would write as it is:
// a lower-case ASCII name or dotted address without a final dot, a port
// or not, no userinfo.
func canonicalAuthority(a string) bool {
	host := a
	if c := strings.LastIndexByte(a, ':'); c >= 0 {
		host = a[:c]
		for i := c + 1; i < len(a); i++ {
			if a[i] < '0' || a[i] > '9' {
				return false
			}
		}
	}
	if host == "" || host[len(host)-1] == '.' {
		return false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	if ip, ok := parseIPv4Host(host); ok && ip != host {
		return false
	}
	return true
}
