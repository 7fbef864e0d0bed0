package ioc

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
)

// NormalizeURL returns the one spelling of a URL that URL indicators store
// and match, following RFC 3986 §6.2.2 (syntax-based normalisation) plus
// two choices of ours:
//
//   - the scheme and host are lower-cased (§6.2.2.1); an IDN host becomes
//     its A-label form; a trailing dot on the host is removed;
//   - the port is removed when it is the scheme's default (§6.2.3);
//   - the user information is dropped: "https://bank.example@evil.example/"
//     leads to evil.example whatever precedes the '@', and attackers vary it;
//   - percent-encoding is normalised (§6.2.2.1, §6.2.2.2): escapes of
//     unreserved characters are decoded, other escapes use upper-case hex,
//     and bytes not allowed in a URL (spaces, controls, non-ASCII, quotes…)
//     are escaped;
//   - "." and ".." path segments are removed (§6.2.2.3, §5.2.4);
//   - an empty path becomes "/" (§6.2.3); otherwise a trailing slash is
//     kept: "/a" and "/a/" are different resources and different
//     indicators, to block both give the host or a domain instead;
//   - an empty query ("?") and the fragment are dropped: the fragment never
//     reaches the server.
func NormalizeURL(s string) (string, error) {
	var buf [512]byte
	b, err := appendURL(buf[:0], s)
	if err != nil {
		return "", err
	}
	if string(b) == s {
		return s, nil
	}
	return string(b), nil
}

var defaultPorts = map[string]string{"http": "80", "https": "443", "ftp": "21", "ws": "80", "wss": "443"}

// appendURL appends the normalised form of s to b. It allocates nothing
// for the usual ASCII URL when b has room, so the matcher can normalise an
// observed URL into a stack buffer and look it up without garbage.
func appendURL(b []byte, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxValueLen {
		return b, errors.New("URL too long")
	}
	i := strings.Index(s, "://")
	if i <= 0 || i > 16 {
		return b, errors.New("no scheme://")
	}
	scheme := s[:i]
	start := len(b)
	for j := 0; j < len(scheme); j++ {
		c := lower(scheme[j])
		ok := c >= 'a' && c <= 'z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')
		if !ok {
			return b, fmt.Errorf("bad scheme %q", clip(scheme))
		}
		b = append(b, c)
	}
	schemeLow := b[start:]
	b = append(b, "://"...)
	rest := s[i+3:]
	end := strings.IndexAny(rest, "/?#\\")
	if end < 0 {
		end = len(rest)
	}
	auth := rest[:end]
	rest = rest[end:]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = auth[at+1:]
	}
	var host, port string
	if strings.HasPrefix(auth, "[") {
		c := strings.IndexByte(auth, ']')
		if c < 0 {
			return b, errors.New("unclosed [ in host")
		}
		host = auth[:c+1]
		if after := auth[c+1:]; after != "" {
			if after[0] != ':' {
				return b, errors.New("junk after IPv6 host")
			}
			port = after[1:]
		}
	} else if c := strings.LastIndexByte(auth, ':'); c >= 0 {
		host, port = auth[:c], auth[c+1:]
	} else {
		host = auth
	}
	var err error
	if b, err = appendHost(b, host); err != nil {
		return b, err
	}
	if port != "" {
		p := strings.TrimLeft(port, "0")
		if len(port) > 5 || !allDigits(port) || p == "" || len(p) == 5 && p > "65535" {
			return b, fmt.Errorf("bad port %q", clip(port))
		}
		if def, ok := defaultPorts[string(schemeLow)]; !ok || def != p {
			b = append(b, ':')
			b = append(b, p...)
		}
	}
	if h := strings.IndexByte(rest, '#'); h >= 0 {
		rest = rest[:h]
	}
	path, query, hasQuery := strings.Cut(rest, "?")
	pstart := len(b)
	if path == "" {
		b = append(b, '/')
	} else {
		if path[0] != '/' { // "http://h\x": the authority ended at a backslash
			b = append(b, '/')
		}
		b = appendEscaped(b, path, true)
		if bytes.Contains(b[pstart:], dotSegment) {
			p := removeDotSegments(b[pstart:])
			b = b[:pstart+len(p)]
		}
	}
	if hasQuery && query != "" {
		b = append(b, '?')
		b = appendEscaped(b, query, false)
	}
	return b, nil
}

func appendHost(b []byte, host string) ([]byte, error) {
	if strings.HasPrefix(host, "[") {
		a, err := netip.ParseAddr(host[1 : len(host)-1])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return b, fmt.Errorf("bad IPv6 host %q", clip(host))
		}
		if a.Is4In6() {
			return append(b, a.Unmap().String()...), nil
		}
		b = append(b, '[')
		b = append(b, a.String()...)
		return append(b, ']'), nil
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" || host[0] == '.' || strings.HasSuffix(host, ".") || strings.Contains(host, "..") {
		return b, errors.New("empty host or label")
	}
	if len(host) > 253 {
		return b, errors.New("host longer than 253 bytes")
	}
	start := len(b)
	for j := 0; j < len(host); j++ {
		c := host[j]
		switch {
		case c >= 0x80:
			return appendIDNHost(b[:start], host)
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return b, fmt.Errorf("character %q not allowed in host", c)
		}
		b = append(b, c)
	}
	return b, nil
}

func appendIDNHost(b []byte, host string) ([]byte, error) {
	a, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return b, fmt.Errorf("IDNA host: %w", err)
	}
	return append(b, strings.ToLower(a)...), nil
}

// appendEscaped appends a path or query with normalised percent-encoding.
func appendEscaped(b []byte, s string, isPath bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
				v := unhex(s[i+1])<<4 | unhex(s[i+2])
				if unreserved(v) {
					b = append(b, v)
				} else {
					b = append(b, '%', upper(s[i+1]), upper(s[i+2]))
				}
				i += 2
			} else {
				b = append(b, "%25"...)
			}
		case c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`{|}", c) >= 0:
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return b
}

// removeDotSegments applies RFC 3986 §5.2.4 in place to an absolute path.
func removeDotSegments(p []byte) []byte {
	out := p[:0] // writes never overtake reads
	for i := 0; i < len(p); {
		j := i + 1
		for j < len(p) && p[j] != '/' {
			j++
		}
		seg, last := p[i+1:j], j == len(p)
		switch string(seg) {
		case ".":
			if last {
				out = append(out, '/')
			}
		case "..":
			k := len(out) - 1
			for k >= 0 && out[k] != '/' {
				k--
			}
			out = out[:max(k, 0)]
			if last {
				out = append(out, '/')
			}
		default:
			out = append(out, p[i:j]...)
		}
		i = j
	}
	if len(out) == 0 {
		out = append(out, '/')
	}
	return out
}

const hexDigits = "0123456789ABCDEF"

var dotSegment = []byte("/.")

func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
