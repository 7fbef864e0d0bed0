package auth

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// CheckSPFRecord validates an SPF record's syntax (RFC 7208 §12), for audits
// of a domain's own record.
func CheckSPFRecord(rec string) error { return checkSPFRecord(rec) }

// checkSPFRecord validates an SPF record against the ABNF of RFC 7208 §12.
// The library evaluates records left to right and stops at the first match,
// but §4.6 requires a syntax error anywhere in a record to give permerror,
// so every record fetched during an evaluation goes through this check.
func checkSPFRecord(rec string) error {
	if len(rec) > 4096 {
		return errors.New("record too long")
	}
	for i := 0; i < len(rec); i++ {
		if c := rec[i]; c != ' ' && (c < 0x21 || c > 0x7e) {
			// §3.1/§4.6.1: 7-bit ASCII, terms separated by spaces only.
			return fmt.Errorf("byte 0x%02x at %d", c, i)
		}
	}
	terms := strings.Fields(rec)
	if len(terms) == 0 || !strings.EqualFold(terms[0], "v=spf1") {
		return errors.New("no v=spf1")
	}
	seen := map[string]bool{}
	for _, term := range terms[1:] {
		if err := checkSPFTerm(term, seen); err != nil {
			return fmt.Errorf("term %q: %w", term, err)
		}
	}
	return nil
}

func checkSPFTerm(term string, seen map[string]bool) error {
	// A modifier is name "=" with the name before any ':' or '/' (§4.6.1).
	if i := strings.IndexByte(term, '='); i > 0 && !strings.ContainsAny(term[:i], ":/") {
		name, val := strings.ToLower(term[:i]), term[i+1:]
		if !validModifierName(name) {
			return errors.New("invalid modifier name")
		}
		switch name {
		case "redirect", "exp":
			// §6: redirect and exp appear at most once each.
			if seen[name] {
				return errors.New("repeated modifier")
			}
			seen[name] = true
			return checkDomainSpec(val)
		}
		return checkMacroString(val, false)
	}
	if term != "" && strings.IndexByte("+-~?", term[0]) >= 0 {
		term = term[1:]
	}
	name, arg, hasArg := term, "", false
	if i := strings.IndexAny(term, ":/"); i >= 0 {
		name, arg, hasArg = term[:i], term[i:], true
	}
	switch strings.ToLower(name) {
	case "all":
		if hasArg {
			return errors.New("all takes no argument")
		}
		return nil
	case "include", "exists":
		if !strings.HasPrefix(arg, ":") {
			return errors.New("domain required")
		}
		return checkDomainSpec(arg[1:])
	case "a", "mx":
		return checkDomainAndCIDR(arg)
	case "ptr":
		if !hasArg {
			return nil
		}
		if !strings.HasPrefix(arg, ":") {
			return errors.New("ptr takes no CIDR")
		}
		return checkDomainSpec(arg[1:])
	case "ip4", "ip6":
		if !strings.HasPrefix(arg, ":") {
			return errors.New("address required")
		}
		return checkIPNetwork(strings.ToLower(name), arg[1:])
	}
	return errors.New("unknown mechanism")
}

// validModifierName: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ).
func validModifierName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigitByte(c) && strings.IndexByte("-_.", c) < 0 {
			return false
		}
	}
	return true
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// checkDomainAndCIDR checks [ ":" domain-spec ] [ dual-cidr-length ]. The
// domain-spec may itself contain '/' (a literal), so the CIDR suffix is
// taken from the end.
func checkDomainAndCIDR(arg string) error {
	domain, cidr := "", arg
	if strings.HasPrefix(arg, ":") {
		domain, cidr = arg[1:], ""
		// Split off a trailing "/n" or "/n//m" or "//m".
		if i := strings.Index(domain, "//"); i >= 0 {
			domain, cidr = domain[:i], domain[i:]
			if j := strings.LastIndexByte(domain, '/'); j >= 0 && allDigits(domain[j+1:]) {
				domain, cidr = domain[:j], domain[j:]+cidr
			}
		} else if j := strings.LastIndexByte(domain, '/'); j >= 0 && allDigits(domain[j+1:]) {
			domain, cidr = domain[:j], domain[j:]
		}
		if err := checkDomainSpec(domain); err != nil {
			return err
		}
	}
	if cidr == "" {
		return nil
	}
	v4, v6, dual := strings.Cut(cidr, "//")
	if dual {
		if v4 != "" {
			if err := checkCIDR(v4[1:], 32); err != nil || v4[0] != '/' {
				return errors.New("invalid ip4-cidr-length")
			}
		}
		return checkCIDR(v6, 128)
	}
	if cidr[0] != '/' {
		return errors.New("invalid cidr")
	}
	return checkCIDR(cidr[1:], 32)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigitByte(s[i]) {
			return false
		}
	}
	return true
}

// checkCIDR: "0" / %x31-39 0*2DIGIT, at most max.
func checkCIDR(s string, max int) error {
	if !allDigits(s) || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return fmt.Errorf("invalid cidr length %q", s)
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	if n > max {
		return fmt.Errorf("cidr length %d over %d", n, max)
	}
	return nil
}

func checkIPNetwork(kind, s string) error {
	addr, cidr, hasCIDR := strings.Cut(s, "/")
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Zone() != "" {
		return fmt.Errorf("invalid address %q", addr)
	}
	max := 32
	if kind == "ip4" {
		if !ip.Is4() {
			return fmt.Errorf("not an IPv4 address %q", addr)
		}
	} else {
		if !ip.Is6() || ip.Is4In6() && !strings.Contains(addr, ":") {
			return fmt.Errorf("not an IPv6 address %q", addr)
		}
		max = 128
	}
	if hasCIDR {
		return checkCIDR(cidr, max)
	}
	return nil
}

// checkDomainSpec: domain-spec = macro-string domain-end, domain-end =
// ( "." toplabel [ "." ] ) / macro-expand.
func checkDomainSpec(s string) error {
	if s == "" {
		return errors.New("empty domain-spec")
	}
	if err := checkMacroString(s, false); err != nil {
		return err
	}
	if strings.HasSuffix(s, "}") || strings.HasSuffix(s, "%%") ||
		strings.HasSuffix(s, "%_") || strings.HasSuffix(s, "%-") {
		// Ends with a macro-expand (a "%%" could be the end of
		// "%%%%"; the macro-string check already vetted escapes).
		return nil
	}
	s = strings.TrimSuffix(s, ".")
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return errors.New("domain-spec without a top label")
	}
	if !validTopLabel(s[i+1:]) {
		return fmt.Errorf("invalid top label %q", s[i+1:])
	}
	return nil
}

// validTopLabel: ( *alphanum ALPHA *alphanum ) /
// ( 1*alphanum "-" *( alphanum / "-" ) alphanum ).
func validTopLabel(l string) bool {
	if l == "" || len(l) > 63 {
		return false
	}
	hasAlpha := false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case isAlpha(c):
			hasAlpha = true
		case isDigitByte(c):
		case c == '-':
			if i == 0 || i == len(l)-1 {
				return false
			}
			hasAlpha = true // the second form needs no letter
		default:
			return false
		}
	}
	return hasAlpha
}

// checkMacroString checks *( macro-expand / macro-literal ). The letters
// c, r and t are only allowed in explanation strings (§7.2).
func checkMacroString(s string, exp bool) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			if c < 0x21 || c > 0x7e {
				return fmt.Errorf("invalid character 0x%02x", c)
			}
			continue
		}
		if i+1 >= len(s) {
			return errors.New("lone %")
		}
		switch s[i+1] {
		case '%', '_', '-':
			i++
			continue
		case '{':
		default:
			return fmt.Errorf("invalid macro %%%c", s[i+1])
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return errors.New("unterminated macro")
		}
		body := s[i+2 : i+end]
		if err := checkMacroBody(body, exp); err != nil {
			return err
		}
		i += end
	}
	return nil
}

// checkMacroBody: macro-letter transformers *delimiter.
func checkMacroBody(b string, exp bool) error {
	if b == "" {
		return errors.New("empty macro")
	}
	switch strings.ToLower(b[:1]) {
	case "s", "l", "o", "d", "i", "p", "h", "v":
	case "c", "r", "t":
		if !exp {
			return fmt.Errorf("macro letter %q only allowed in exp", b[:1])
		}
	default:
		return fmt.Errorf("invalid macro letter %q", b[:1])
	}
	rest := b[1:]
	for rest != "" && isDigitByte(rest[0]) {
		rest = rest[1:]
	}
	rest = strings.TrimPrefix(strings.TrimPrefix(rest, "r"), "R")
	for i := 0; i < len(rest); i++ {
		if strings.IndexByte(".-+,/_=", rest[i]) < 0 {
			return fmt.Errorf("invalid macro delimiter %q", rest[i])
		}
	}
	return nil
}
