package auth

import (
	"errors"
	"fmt"
	"strings"
)

// maxAuthResLen bounds the Authentication-Results value parsed; longer values
// are cut. maxMethods bounds the results kept from one field, and the DKIM
// results Merge keeps.
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

// arToken is a word, a quoted string (unquoted, quoted set) or "=";
// glued when nothing (no space, no comment) separates it from the token
// before it.
type arToken struct {
	text   string
	quoted bool
	glued  bool
}

type resinfo struct {
	toks     []arToken
	comments []string
}

// splitResinfo cuts the value at ";" outside comments and quoted strings and
// tokenizes each part.
//
// The parts' tokens are appended to one slice that each part's toks is a
// window of, capacity clipped: one array for the field instead of one
// grown token by token for each of its four or five methods.
func splitResinfo(v string) []resinfo {
	segs := make([]resinfo, 0, min(strings.Count(v, ";")+1, maxMethods*2+2))
	cur := resinfo{}
	all := make([]arToken, 0, 16)
	start := 0  // where cur's tokens begin in all
	gap := true // before the next token: a space, a comment or the start
	add := func(t arToken) {
		t.glued = !gap
		all = append(all, t)
		gap = false
	}
	flush := func() {
		if len(all) > start {
			cur.toks = all[start:len(all):len(all)]
			start = len(all)
		}
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
			gap = true
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			gap = true
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
			gap = true
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(v) && v[j] != '"'; j++ {
				if v[j] == '\\' && j+1 < len(v) {
					j++
				}
				b.WriteByte(v[j])
			}
			add(arToken{text: b.String(), quoted: true})
			i = j + 1
		case c == '=':
			add(arToken{text: "="})
			i++
		default:
			j := i
			for j < len(v) && !strings.ContainsRune(" \t\r\n;=(\"", rune(v[j])) {
				j++
			}
			add(arToken{text: v[i:j]})
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
			// A local-part may hold "=" (RFC 5322 atext): a VERP or SRS
			// address, "list-bounces+user=example.org@lists.example",
			// is one value (RFC 8601 §2.2 pvalue), not three tokens; so
			// is an unquoted base64 signature ending in "==".
			for i < len(t) && t[i].text == "=" && !t[i].quoted && t[i].glued {
				if i+1 < len(t) && t[i+1].glued && t[i+1].text != "=" {
					val += "=" + t[i+1].text
					i += 2
					continue
				}
				val += "="
				i++
			}
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

// Merge adds the method results of an Authentication-Results field to r,
// fields read newest first: a method r already has is kept, DKIM results
// accumulate (up to maxMethods).
func (r *Results) Merge(mrs []MethodResult) {
	for _, m := range mrs {
		switch m.Method {
		case "spf":
			mailfrom, hasMailfrom := m.Props["smtp.mailfrom"]
			if helo, hasHelo := m.Props["smtp.helo"]; hasHelo && !hasMailfrom {
				if r.HELOSPF == "" {
					r.HELOSPF = Norm(m.Result)
					r.HELODomain = strings.ToLower(strings.Trim(helo, "<>[] "))
				}
				continue
			}
			if r.SPF == "" {
				r.SPF = Norm(m.Result)
				r.SPFDomain = domainOf(mailfrom)
			}
		case "dkim":
			d := DKIMResult{
				Domain:   m.Props["header.d"],
				Selector: m.Props["header.s"],
				Result:   Norm(m.Result),
				Reason:   m.Reason,
			}
			if d.Domain == "" {
				d.Domain = domainOf(m.Props["header.i"])
			}
			if len(r.DKIM) < maxMethods {
				r.DKIM = append(r.DKIM, d)
			}
		case "dmarc":
			if r.DMARC == "" {
				r.DMARC = Norm(m.Result)
				r.DMARCDomain = domainOf(m.Props["header.from"])
				r.DMARCPolicy = dmarcPolicy(m)
			}
		case "arc":
			if r.ARC == "" {
				r.ARC = Norm(m.Result)
			}
		}
	}
}

// dmarcPolicy finds the published policy in what real headers carry:
// "policy.dmarc=reject" (RFC 8601 registry), "policy.published-domain-policy"
// (OpenDMARC), a "(p=reject dis=none)" or "(policy=none)" comment (OpenDMARC,
// rspamd, Google, Microsoft's ARC results), and Microsoft 365's action=
// (none, quarantine, reject, oreject for an overridden reject, pct.quarantine)
// which tells the policy only when DMARC failed.
func dmarcPolicy(m MethodResult) string {
	for _, k := range [...]string{"policy.dmarc", "policy.published-domain-policy", "policy.policy"} {
		if p := normPolicy(m.Props[k]); p != "" {
			return p
		}
	}
	for w := range strings.FieldsSeq(m.Comment) {
		k, v, ok := strings.Cut(w, "=")
		if ok && (strings.EqualFold(k, "p") || strings.EqualFold(k, "policy")) {
			if p := normPolicy(v); p != "" {
				return p
			}
		}
	}
	if a, ok := m.Props["action"]; ok && m.Result == "fail" {
		return normPolicy(a)
	}
	return ""
}

func normPolicy(s string) string {
	s = strings.ToLower(strings.Trim(s, `"'.,;`))
	switch {
	case s == "":
		return ""
	case strings.Contains(s, "reject"):
		return "reject"
	case strings.Contains(s, "quarantine"):
		return "quarantine"
	case s == "none":
		return "none"
	}
	return ""
}

// domainOf returns the domain of "user@domain", "<user@domain>", "@domain"
// or "domain", lower-cased.
func domainOf(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "<>\"")
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	return strings.ToLower(strings.TrimSuffix(s, "."))
}

// ParseReceivedSPF reads a Received-SPF value (RFC 7208 §9.1), "Pass
// (comment) receiver=...; client-ip=...; envelope-from=...; helo=...", into
// an spf result and the envelope-from domain; ok is false when the value
// does not start with an SPF result.
func ParseReceivedSPF(v string) (res MethodResult, envelopeDomain string, ok bool) {
	if len(v) > maxAuthResLen {
		v = v[:maxAuthResLen]
	}
	word, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	r := Norm(word)
	switch r {
	case Pass, Fail, SoftFail, Neutral, None, TempError, PermError:
	default:
		return MethodResult{}, "", false
	}
	for _, s := range splitResinfo(rest) {
		t := s.toks
		for i := 0; i+2 < len(t); i++ {
			if t[i+1].text == "=" && !t[i+1].quoted && !t[i].quoted && strings.EqualFold(t[i].text, "envelope-from") {
				envelopeDomain = domainOf(t[i+2].text)
			}
		}
	}
	return MethodResult{Method: "spf", Result: string(r)}, envelopeDomain, true
}
