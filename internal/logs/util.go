package logs

import (
	"net/netip"
	"strings"
)

// URLHost returns the lower-case host of an absolute URL or of a CONNECT target
// ("host:443"), without port or brackets.
func URLHost(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexAny(u, "/?#"); j >= 0 {
			u = u[:j]
		}
		if j := strings.LastIndexByte(u, '@'); j >= 0 {
			u = u[j+1:]
		}
	} else if strings.HasPrefix(u, "/") {
		return ""
	}
	if strings.HasPrefix(u, "[") {
		if j := strings.IndexByte(u, ']'); j > 0 {
			return strings.ToLower(u[1:j])
		}
	}
	if j := strings.LastIndexByte(u, ':'); j >= 0 && strings.Count(u, ":") == 1 {
		u = u[:j]
	}
	return strings.ToLower(strings.TrimSuffix(u, "."))
}

// ParseIP parses an address as logs write it: bare, bracketed, with a port, or an
// IPv4-mapped IPv6 address (which is unmapped). It returns the zero Addr if none.
func ParseIP(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap()
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	s = strings.Trim(s, "[]")
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap()
	}
	return netip.Addr{}
}

// Field returns the value of key=value in a "k=v, k2=v2" or "k=v; k2=v2" list, with
// <> around the value removed ("user=<bob>").
func Field(s, key string) string {
	for i := 0; ; {
		j := strings.Index(s[i:], key+"=")
		if j < 0 {
			return ""
		}
		j += i
		if j == 0 || strings.ContainsRune(" ,;[(\t", rune(s[j-1])) {
			v := s[j+len(key)+1:]
			if strings.HasPrefix(v, "<") {
				if k := strings.IndexByte(v, '>'); k >= 0 {
					return v[1:k]
				}
			}
			if k := strings.IndexAny(v, " ,;\t)]"); k >= 0 {
				v = v[:k]
			}
			return v
		}
		i = j + len(key) + 1
	}
}
