package message

import (
	"sort"
	"strconv"
	"strings"
)

// maxParams bounds the parameters read from one Content-Type or
// Content-Disposition field, and the sections of one RFC 2231 value.
const maxParams = 64

// parseMediaType parses a Content-Type or Content-Disposition value (RFC 2045
// §5.1, RFC 2183) without giving up on the mistakes mime.ParseMediaType
// refuses: duplicate parameters (the first wins), unquoted values with
// specials, missing semicolons before the end, blanks around "=", comments.
// RFC 2231 continuations and charsets are joined and decoded, and take
// precedence over a plain parameter of the same name. RFC 2047 encoded-words
// in values (not allowed, written by common mailers) are decoded too.
// The media type is lower-cased and has its blanks removed.
func parseMediaType(v string) (mt string, params map[string]string) {
	semi := strings.IndexByte(v, ';')
	if semi < 0 {
		semi = len(v)
	}
	mt = v[:semi]
	if strings.ContainsAny(mt, "( \t\r\n") {
		mt, _ = stripComments(mt)
		mt = strings.Join(strings.Fields(mt), "")
	}
	mt = strings.ToLower(mt)
	rest := v[semi:]
	if rest == "" {
		return mt, nil
	}
	params = make(map[string]string, 2)
	type section struct {
		n        int
		extended bool
		value    string
	}
	var sections map[string][]section
	for count := 0; rest != "" && count < maxParams; count++ {
		rest = strings.TrimLeft(rest, "; \t\r\n")
		eq := strings.IndexByte(rest, '=')
		semi := strings.IndexByte(rest, ';')
		if eq < 0 || (semi >= 0 && semi < eq) {
			// An attribute without a value: skip it.
			if semi < 0 {
				break
			}
			rest = rest[semi:]
			continue
		}
		name := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimLeft(rest[eq+1:], " \t\r\n")
		var value string
		if strings.HasPrefix(rest, "\"") {
			value, rest = cutQuoted(rest[1:])
		} else {
			end := strings.IndexByte(rest, ';')
			if end < 0 {
				end = len(rest)
			}
			value = strings.TrimSpace(rest[:end])
			rest = rest[end:]
		}
		if name == "" {
			continue
		}
		// RFC 2231 §3 and §4: name*=, name*0=, name*1*=.
		if star := strings.IndexByte(name, '*'); star >= 0 {
			base, suffix := name[:star], name[star+1:]
			sec := section{value: value}
			if strings.HasSuffix(suffix, "*") {
				sec.extended = true
				suffix = suffix[:len(suffix)-1]
			} else if suffix == "" {
				sec.extended = true
			}
			if suffix != "" {
				n, err := strconv.Atoi(suffix)
				if err != nil || n < 0 || n >= maxParams {
					continue
				}
				sec.n = n
			}
			if sections == nil {
				sections = map[string][]section{}
			}
			sections[base] = append(sections[base], sec)
			continue
		}
		if _, dup := params[name]; !dup {
			params[name] = value
		}
	}
	for base, secs := range sections {
		sort.SliceStable(secs, func(i, j int) bool { return secs[i].n < secs[j].n })
		charset := ""
		var raw []byte
		for i, s := range secs {
			val := s.value
			if s.extended {
				if i == 0 {
					// charset'language'value
					if q1 := strings.IndexByte(val, '\''); q1 >= 0 {
						if q2 := strings.IndexByte(val[q1+1:], '\''); q2 >= 0 {
							charset = val[:q1]
							val = val[q1+1+q2+1:]
						}
					}
				}
				raw = appendPercentDecoded(raw, val)
			} else {
				raw = append(raw, val...)
			}
		}
		if charset == "" {
			charset = "utf-8"
		}
		params[base], _ = decodeCharset(raw, charset)
	}
	for k, val := range params {
		if strings.Contains(val, "=?") {
			params[k], _ = decodeHeader(val)
		}
	}
	return mt, params
}

// cutQuoted reads an RFC 5322 quoted string whose opening quote has been
// consumed; an unterminated one runs to the end.
func cutQuoted(s string) (value, rest string) {
	if q := strings.IndexByte(s, '"'); q >= 0 && !strings.ContainsAny(s[:q], "\\\r\n") {
		return s[:q], s[q+1:]
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:]
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '\r', '\n':
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// appendPercentDecoded appends the RFC 2231 §4 (RFC 3986 §2.1) decoding of
// s; a "%" that starts no valid escape is kept.
func appendPercentDecoded(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				dst = append(dst, hi<<4|lo)
				i += 2
				continue
			}
		}
		dst = append(dst, s[i])
	}
	return dst
}
