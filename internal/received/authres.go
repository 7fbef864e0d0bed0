package received

import (
	"errors"
	"fmt"
	"strings"
)

// maxAuthResLen bounds the Authentication-Results value parsed; longer values
// are cut. maxMethods bounds the results kept from one field.
const (
	maxAuthResLen = 16 << 10
	maxMethods    = 64
)

// MethodResult is one resinfo of an Authentication-Results field (RFC 8601
// §2.2): "dkim=pass (comment) reason=... header.d=example.com".
type MethodResult struct {
	Method  string            // lower-cased, version removed: "spf", "dkim", "dmarc", "arc", "compauth"...
	Result  string            // lower-cased: "pass", "fail", "bestguesspass"...
	Reason  string            // reason= value, unquoted
	Props   map[string]string // "header.d", "smtp.mailfrom", "policy.dmarc", "action"...: key lower-cased, value as written
	Comment string            // the comments of the resinfo, joined by a space: "p=reject dis=none"
}

// ErrNoResults is returned when a value holds neither a result nor the
// RFC 8601 "none" marker.
var ErrNoResults = errors.New("authentication-results: no method result")

// ParseAuthResults parses an unfolded Authentication-Results value (RFC 8601
// §2.2). It is tolerant: comments are skipped wherever CFWS may appear
// (nested ones too), quoted strings are unquoted, unknown methods and
// properties are kept, and a value without authserv-id (Microsoft 365 writes
// "spf=pass (...) smtp.mailfrom=x; dkim=...") yields authservID "". A
// malformed resinfo is skipped; err is set only when nothing was understood.
func ParseAuthResults(v string) (authservID string, res []MethodResult, err error) {
	if len(v) > maxAuthResLen {
		v = v[:maxAuthResLen]
	}
	segs := splitResinfo(v)
	if len(segs) == 0 {
		return "", nil, ErrNoResults
	}
	none := false
	first := segs[0]
	if !(len(first.toks) >= 2 && first.toks[1].text == "=" && !first.toks[1].quoted) {
		// authserv-id [CFWS authres-version]
		if len(first.toks) > 0 {
			authservID = first.toks[0].text
		}
		segs = segs[1:]
	}
	for _, s := range segs {
		if len(s.toks) == 1 && strings.EqualFold(s.toks[0].text, "none") {
			none = true // RFC 8601 §2.2 no-result
			continue
		}
		if r, ok := s.result(); ok && len(res) < maxMethods {
			res = append(res, r)
		}
	}
	if len(res) == 0 && (!none || authservID == "") {
		// "none" says a named relay found nothing to report; without an
		// authserv-id there is nobody saying it.
		if authservID == "" {
			return "", nil, ErrNoResults
		}
		return authservID, nil, fmt.Errorf("%w (authserv-id %q)", ErrNoResults, authservID)
	}
	return authservID, res, nil
}

// arToken is a word, a quoted string (unquoted, quoted set) or "=".
type arToken struct {
	text   string
	quoted bool
}

type resinfo struct {
	toks     []arToken
	comments []string
}

// splitResinfo cuts the value at ";" outside comments and quoted strings and
// tokenizes each part.
func splitResinfo(v string) []resinfo {
	var segs []resinfo
	cur := resinfo{}
	flush := func() {
		if len(cur.toks) > 0 || len(cur.comments) > 0 {
			segs = append(segs, cur)
		}
		cur = resinfo{}
	}
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == ';':
			flush()
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '(':
			depth, j := 0, i
			for ; j < len(v); j++ {
				if v[j] == '\\' {
					j++
					continue
				}
				if v[j] == '(' {
					depth++
				} else if v[j] == ')' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			end := min(j, len(v))
			if len(cur.comments) < 8 {
				cur.comments = append(cur.comments, strings.TrimSpace(v[i+1:end]))
			}
			i = end + 1
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(v) && v[j] != '"'; j++ {
				if v[j] == '\\' && j+1 < len(v) {
					j++
				}
				b.WriteByte(v[j])
			}
			cur.toks = append(cur.toks, arToken{text: b.String(), quoted: true})
			i = j + 1
		case c == '=':
			cur.toks = append(cur.toks, arToken{text: "="})
			i++
		default:
			j := i
			for j < len(v) && !strings.ContainsRune(" \t\r\n;=(\"", rune(v[j])) {
				j++
			}
			cur.toks = append(cur.toks, arToken{text: v[i:j]})
			i = j
		}
		if len(segs) > maxMethods*2 {
			break
		}
	}
	flush()
	return segs
}

// result reads "method = result *(key = value)"; ptype "." property keys
// arrive as one word ("header.from") since "." is part of words here.
func (s resinfo) result() (MethodResult, bool) {
	t := s.toks
	if len(t) < 3 || t[1].text != "=" || t[1].quoted || t[0].quoted || t[2].text == "=" {
		return MethodResult{}, false
	}
	method, _, _ := strings.Cut(t[0].text, "/") // RFC 8601 §2.2 methodspec version
	r := MethodResult{
		Method:  strings.ToLower(method),
		Result:  strings.ToLower(t[2].text),
		Comment: strings.Join(s.comments, " "),
	}
	for i := 3; i+2 < len(t); {
		if t[i+1].text != "=" || t[i+1].quoted {
			i++ // stray word: skip it
			continue
		}
		key, val := strings.ToLower(t[i].text), t[i+2].text
		if t[i+2].text == "=" && !t[i+2].quoted {
			val = ""
			i += 2
		} else {
			i += 3
		}
		if key == "reason" {
			r.Reason = val
			continue
		}
		if r.Props == nil {
			r.Props = make(map[string]string, 4)
		}
		if _, dup := r.Props[key]; !dup && len(r.Props) < 32 {
			r.Props[key] = val
		}
	}
	return r, true
}
