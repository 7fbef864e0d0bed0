package logs

import (
	"bytes"
	"encoding/json"
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
	if a, ok := parseIPv4(s); ok { // the common case, without netip's generality
		return a
	}
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

// HasKey reports whether a JSON record has a field named one of keys
// (exactly: callers list the spellings exports use, such as
// "createdDateTime" and "createddatetime"). It looks for the quoted name
// followed by a colon, without decoding.
func HasKey(rec []byte, keys ...string) bool {
	for _, k := range keys {
		for off := 0; ; {
			i := bytes.Index(rec[off:], []byte(k))
			if i < 0 {
				break
			}
			i += off
			end := i + len(k)
			if i > 0 && rec[i-1] == '"' && end < len(rec) && rec[end] == '"' {
				if j := skipWS(rec, end+1); j < len(rec) && rec[j] == ':' {
					return true
				}
			}
			off = end
		}
	}
	return false
}

// ContainsFold reports whether b contains s, ASCII case-insensitively.
func ContainsFold(b []byte, s string) bool {
	n := len(s)
	if n == 0 {
		return true
	}
	first := lowerASCII(s[0])
	for i := 0; i+n <= len(b); i++ {
		if lowerASCII(b[i]) != first {
			continue
		}
		j := 1
		for j < n && lowerASCII(b[i+j]) == lowerASCII(s[j]) {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

// UnmarshalMaybeString decodes raw into v, or the JSON held in raw when raw is
// a string (Sentinel and PowerShell exports serialise nested objects so). A
// malformed optional detail just leaves v as it was.
func UnmarshalMaybeString(raw json.RawMessage, v any) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil || len(s) > MaxRecord {
			return
		}
		raw = []byte(s)
	}
	_ = json.Unmarshal(raw, v)
}

// FirstNonEmpty returns the first non-empty string.
func FirstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// ParseIPv4 parses a plain dotted quad ("192.0.2.7": four numbers of one
// to three digits up to 255, without leading zeros) and nothing else: no
// brackets, port or IPv6, for callers that have told those apart.
func ParseIPv4[T string | []byte](s T) (netip.Addr, bool) { return parseIPv4(s) }

// ParseIPBytes is ParseIP for a byte slice, without a copy for IPv4.
func ParseIPBytes(b []byte) netip.Addr {
	if a, ok := parseIPv4(b); ok {
		return a
	}
	return ParseIP(string(b))
}

// parseIPv4 parses a plain dotted-quad address: four numbers of one to
// three digits up to 255, without leading zeros (left to netip), read octet
// by octet rather than byte by byte through a switch.
func parseIPv4[T string | []byte](s T) (netip.Addr, bool) {
	if len(s) < 7 || len(s) > 15 {
		return netip.Addr{}, false
	}
	var a [4]byte
	i := 0
	for part := range 4 {
		if part > 0 {
			if s[i] != '.' {
				return netip.Addr{}, false
			}
			i++
		}
		if i >= len(s) || s[i]-'0' > 9 {
			return netip.Addr{}, false
		}
		n := uint(s[i] - '0')
		i++
		if i < len(s) && s[i]-'0' <= 9 {
			if n == 0 { // leading zero: let netip decide
				return netip.Addr{}, false
			}
			n = n*10 + uint(s[i]-'0')
			i++
			if i < len(s) && s[i]-'0' <= 9 {
				if n = n*10 + uint(s[i]-'0'); n > 255 {
					return netip.Addr{}, false
				}
				i++
			}
		}
		a[part] = byte(n)
		if i >= len(s) && part < 3 {
			return netip.Addr{}, false
		}
	}
	if i != len(s) {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(a), true
}
