package auth

import (
	"strings"
)

// FormatAuthResults returns the value of an Authentication-Results field
// (RFC 8601 §2.2) stating r on behalf of authservID, on one line, for the
// gateway to prepend:
//
//	mx.example.net; spf=pass smtp.mailfrom=example.org;
//	 dkim=pass header.d=example.org header.s=sel1;
//	 dmarc=pass (p=reject) header.from=example.org; arc=none
//
// (shown folded). Methods that did not run are left out; with none at all
// the value is "authserv-id; none" (§2.2).
//
// go-msgauth/authres is not used here: its formatter writes a trailing
// blank after results without properties and has no header.s for DKIM.
func FormatAuthResults(authservID string, r Results) string {
	var parts []string
	if r.SPF != "" {
		parts = append(parts, method("spf", r.SPF, "", "smtp.mailfrom", r.SPFDomain))
	}
	if r.HELOSPF != "" {
		parts = append(parts, method("spf", r.HELOSPF, "", "smtp.helo", r.HELODomain))
	}
	for _, d := range r.DKIM {
		reason := ""
		if d.Result != Pass {
			reason = d.Reason
		}
		parts = append(parts, method("dkim", d.Result, reason, "header.d", d.Domain, "header.s", d.Selector))
	}
	if r.DMARC != "" {
		s := "dmarc=" + token(string(r.DMARC))
		if r.DMARCPolicy != "" {
			s += " (p=" + commentText(r.DMARCPolicy) + ")"
		}
		if r.DMARCDomain != "" {
			s += " header.from=" + pvalue(r.DMARCDomain)
		}
		parts = append(parts, s)
	}
	if r.ARC != "" {
		parts = append(parts, method("arc", r.ARC, ""))
	}
	id := pvalue(strings.TrimSpace(authservID))
	if len(parts) == 0 {
		return id + "; none"
	}
	return id + "; " + strings.Join(parts, "; ")
}

// method formats "name=result [reason=...] ptype.prop=value..." skipping
// empty properties.
func method(name string, res Result, reason string, props ...string) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(token(string(res)))
	if reason != "" {
		b.WriteString(" reason=")
		b.WriteString(quoted(reason))
	}
	for i := 0; i+1 < len(props); i += 2 {
		if props[i+1] == "" {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(props[i])
		b.WriteByte('=')
		b.WriteString(pvalue(props[i+1]))
	}
	return b.String()
}

// token keeps a result keyword to its allowed characters.
func token(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, s)
}

// pvalue writes a property value (RFC 8601 §2.2 "pvalue"): as is when it is
// a dot-atom-like domain or address, quoted otherwise.
func pvalue(s string) string {
	if s == "" {
		return `""`
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte(".-_@+", c) >= 0) {
			return quoted(s)
		}
	}
	return s
}

// quoted returns an RFC 5322 quoted-string with control characters dropped.
func quoted(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < ' ' || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// commentText keeps text safe inside "( )".
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '(' || r == ')' || r == '\\' || r < ' ' {
			return -1
		}
		return r
	}, s)
}
