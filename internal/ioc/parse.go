package ioc

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// MaxValueLen bounds any indicator value (URLs being the longest).
const MaxValueLen = 4096

var errEmpty = errors.New("empty value")

// Parse checks value as an indicator of kind k and returns its normalised
// spelling, the one stored and matched:
//
//	ip      address or CIDR; host bits masked, IPv4-mapped IPv6 unmapped,
//	        a full-length prefix written as a plain address
//	domain  lower-case A-labels (IDNA), no trailing dot; "*.x" and ".x" mean x
//	host    as domain, but no wildcard
//	url     see NormalizeURL
//	email   lower-cased, "mailto:" and angle brackets removed, IDNA domain
//	sha256  64 lower-case hex digits ("sha256:" prefix accepted)
//	fuzzy   trimmed, otherwise opaque (no spaces)
//
// Defanged spellings common in reports ("hxxp://", "evil[.]example",
// "user[@]example") are accepted.
func Parse(k Kind, value string) (string, error) {
	return parse(k, value, refang(strings.TrimSpace(value)))
}

// parse is Parse of value once trimmed and refanged into v.
func parse(k Kind, value, v string) (string, error) {
	if v == "" {
		return "", fmt.Errorf("ioc: %s: %w", k, errEmpty)
	}
	if len(v) > MaxValueLen {
		return "", fmt.Errorf("ioc: %s value longer than %d bytes", k, MaxValueLen)
	}
	var out string
	var err error
	switch k {
	case KindIP:
		out, err = normalizeIP(v)
	case KindDomain:
		out, err = normalizeDomain(strings.TrimPrefix(strings.TrimPrefix(v, "*"), "."))
	case KindHost:
		out, err = normalizeDomain(v)
	case KindURL:
		out, err = NormalizeURL(v)
	case KindEmail:
		out, err = normalizeEmail(v)
	case KindSHA256:
		out, err = normalizeSHA256(v)
	case KindFuzzy:
		out, err = normalizeFuzzy(v)
	default:
		return "", fmt.Errorf("ioc: unknown kind %q", k)
	}
	if err != nil {
		return "", fmt.Errorf("ioc: %s %q: %w", k, clip(value), err)
	}
	return out, nil
}

// Guess detects the kind of value and returns it with the normalised
// value. A bare name is taken as a domain (it and its subdomains), which is
// what blocklists of names mean; use Parse(KindHost, …) for one host.
func Guess(value string) (Kind, string, error) {
	t := strings.TrimSpace(value)
	v := refang(t)
	k, err := guessKind(v)
	if err != nil {
		return "", "", fmt.Errorf("ioc: %q: %w", clip(value), err)
	}
	if v != t {
		// Defanged: Parse refangs it once more, as it always did
		// ("[[.].]" gives "[.]", then ".").
		out, err := Parse(k, v)
		return k, out, err
	}
	// Nothing to refang: Parse(k, v) would trim and refang v to itself.
	out, err := parse(k, v, v)
	return k, out, err
}

func guessKind(v string) (Kind, error) {
	switch {
	case v == "":
		return "", errEmpty
	case strings.Contains(v, "://"):
		return KindURL, nil
	case hasPrefixFold(v, "sha256:") || isHex(v, 64):
		return KindSHA256, nil
	case hasPrefixFold(v, "fuzzy:") || looksFuzzy(v):
		return KindFuzzy, nil
	case strings.ContainsRune(v, '@'):
		return KindEmail, nil
	}
	if mayBeAddr(v) {
		if _, err := netip.ParsePrefix(v); err == nil {
			return KindIP, nil
		}
		if _, err := netip.ParseAddr(v); err == nil {
			return KindIP, nil
		}
	}
	nameLike := strings.ContainsRune(v, '.') && !blankSlashColon(v)
	if nameLike && !digitsAndDots(v) {
		return KindDomain, nil // whether or not it is a public suffix itself
	}
	if lv := strings.ToLower(v); isPublicSuffix(lv, true) {
		return KindDomain, nil // a TLD: the guard refuses it as a public suffix, with that reason
	}
	if nameLike {
		return "", errors.New("not a valid IP address (and not a name)")
	}
	return "", errors.New("cannot tell its kind; give one")
}

// blankSlashColon is strings.ContainsAny(v, " /:\t") without building the
// set at each call.
func blankSlashColon(v string) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ' ', '/', ':', '\t':
			return true
		}
	}
	return false
}

// defanged is false for a value refang leaves as it is: one that neither
// starts with "hxxp" nor holds '[', '(' or '{'. (It was
// strings.ContainsAny(v, "[({xX"), true for any URL with an x.)
func defanged(v string) bool {
	return hasPrefixFold(v, "hxxp") || hasOpening(v)
}

// hasOpening is strings.ContainsAny(v, "[({"), eight bytes at a time: a
// byte b of the word w is '[' or '{' when b|0x20 is '{', and '(' when b is;
// a zero byte of w|0x20…^'{'… or w^'('… is found by the usual borrow test.
func hasOpening(v string) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(v); i += 8 {
		w := uint64(v[i]) | uint64(v[i+1])<<8 | uint64(v[i+2])<<16 | uint64(v[i+3])<<24 |
			uint64(v[i+4])<<32 | uint64(v[i+5])<<40 | uint64(v[i+6])<<48 | uint64(v[i+7])<<56
		a := w | 0x20*lo ^ '{'*lo
		b := w ^ '('*lo
		if (a-lo)&^a&hi|(b-lo)&^b&hi != 0 {
			return true
		}
	}
	for ; i < len(v); i++ {
		switch v[i] {
		case '[', '(', '{':
			return true
		}
	}
	return false
}

// hasPrefixFold is strings.HasPrefix(strings.ToLower(v), p) for a prefix p of
// lower-case ASCII letters, digits and punctuation, without lower-casing v:
// the only other characters that lower-case to ASCII are the Kelvin sign
// and the dotted capital I (to k and i), and no prefix asked for ("sha256:",
// "fuzzy:", "hxxp", "hxxps") has those.
func hasPrefixFold(v, p string) bool {
	if len(v) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := v[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// digitsAndDots is allDigits(strings.ReplaceAll(v, ".", "")) without the copy.
func digitsAndDots(v string) bool {
	digit := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c != '.':
			return false
		}
	}
	return digit
}

// mayBeAddr is false for a value netip cannot parse as an address or a
// prefix, told without parsing it: before a zone ("%eth0"), addresses and
// prefixes hold only hexadecimal digits, dots, colons and one slash. Most
// indicators are names, and a failed netip parse allocates its error.
func mayBeAddr(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F', c == '.', c == ':', c == '/':
		case c == '%':
			return true
		default:
			return false
		}
	}
	return true
}

// refang undoes the usual defanging of indicators in reports.
func refang(v string) string {
	if !defanged(v) {
		return v
	}
	switch {
	case hasPrefixFold(v, "hxxps"):
		v = "https" + v[5:]
	case hasPrefixFold(v, "hxxp"):
		v = "http" + v[4:]
	}
	if strings.IndexByte(v, '[') >= 0 || strings.IndexByte(v, '(') >= 0 || strings.IndexByte(v, '{') >= 0 {
		v = defang.Replace(v)
	}
	return v
}

var defang = strings.NewReplacer("[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "[@]", "@", "[at]", "@",
	"[:]", ":", "[://]", "://", "[/]", "/")

func normalizeIP(v string) (string, error) {
	if strings.ContainsRune(v, '/') {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return "", err
		}
		a, bits := p.Addr(), p.Bits()
		if a.Is4In6() && bits >= 96 {
			a, bits = a.Unmap(), bits-96
		}
		p = netip.PrefixFrom(a, bits).Masked()
		if bits == a.BitLen() {
			return p.Addr().String(), nil
		}
		return p.String(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return "", err
	}
	if a.Zone() != "" {
		return "", errors.New("zoned address")
	}
	return a.Unmap().String(), nil
}

// trimBrackets is strings.Trim(v, "[]") without building its set of bytes
// at each call (once per indicator read).
func trimBrackets(v string) string {
	for len(v) > 0 && (v[0] == '[' || v[0] == ']') {
		v = v[1:]
	}
	for len(v) > 0 && (v[len(v)-1] == '[' || v[len(v)-1] == ']') {
		v = v[:len(v)-1]
	}
	return v
}

// normalizeDomain returns the canonical spelling of a host or domain name.
func normalizeDomain(v string) (string, error) {
	v = strings.TrimSuffix(v, ".")
	if v == "" {
		return "", errEmpty
	}
	if a := trimBrackets(v); mayBeAddr(a) {
		if _, err := netip.ParseAddr(a); err == nil {
			return "", errors.New("an IP address, not a name (use kind ip)")
		}
	}
	ascii, upper := true, false
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			ascii = false
			break
		}
		upper = upper || v[i] >= 'A' && v[i] <= 'Z'
	}
	if !ascii {
		a, err := idna.Lookup.ToASCII(v)
		if err != nil {
			return "", fmt.Errorf("IDNA: %w", err)
		}
		v = a
	}
	if !ascii || upper { // else already lower case: spare strings.ToLower its scan
		v = strings.ToLower(v)
	}
	if len(v) > 253 {
		return "", errors.New("name longer than 253 bytes")
	}
	// A top-level label is never all digits (RFC 3696 §2): "999.1.1.1" is
	// a mistyped address and "1.2.3" a truncated one, not names.
	if last := v[strings.LastIndexByte(v, '.')+1:]; allDigits(last) {
		return "", errors.New("all-numeric top-level label: not a name (a mistyped IP address?)")
	}
	// Labels in one pass; the errors are those of a label-by-label check,
	// the length of a label before its characters.
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		// RFC 1035 letters, digits and hyphen, plus the underscore real
		// names carry (_dmarc, some CDN hosts).
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			continue
		}
		if c == '.' {
			if i == start || i-start > 63 {
				return "", errLabel
			}
			start = i + 1
			continue
		}
		end := strings.IndexByte(v[i:], '.')
		if end < 0 {
			end = len(v) - i
		}
		if i+end-start > 63 {
			return "", errLabel
		}
		return "", fmt.Errorf("character %q not allowed in a name", c)
	}
	if start == len(v) || len(v)-start > 63 {
		return "", errLabel
	}
	return v, nil
}

var errLabel = errors.New("empty or over-long label")

func normalizeEmail(v string) (string, error) {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">"))
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at == len(v)-1 {
		return "", errors.New("not local@domain")
	}
	local, domain := strings.ToLower(v[:at]), v[at+1:]
	if len(local) > 64 || !utf8.ValidString(local) || strings.ContainsAny(local, " \t\r\n<>,;") {
		return "", errors.New("bad local part")
	}
	d, err := normalizeDomain(domain)
	if err != nil {
		return "", err
	}
	// Local parts are case-sensitive in theory (RFC 5321 §2.4) and never in
	// practice; attackers vary the case to slip past exact matches.
	return local + "@" + d, nil
}

func normalizeSHA256(v string) (string, error) {
	if len(v) > 7 && strings.EqualFold(v[:7], "sha256:") {
		v = v[7:]
	}
	if !isHex(v, 64) {
		return "", errors.New("not 64 hex digits")
	}
	return strings.ToLower(v), nil
}

func normalizeFuzzy(v string) (string, error) {
	if len(v) > 6 && strings.EqualFold(v[:6], "fuzzy:") {
		v = v[6:]
	}
	if v == "" {
		return "", errEmpty
	}
	if len(v) > 1024 {
		return "", errors.New("longer than 1024 bytes")
	}
	if strings.ContainsAny(v, " \t\r\n") {
		return "", errors.New("contains white space")
	}
	return v, nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// looksFuzzy recognises ssdeep ("96:abc…:def…") and TLSH ("T1" and 70 hex
// digits) hashes.
func looksFuzzy(v string) bool {
	if len(v) == 72 && (v[0] == 'T' || v[0] == 't') && v[1] == '1' && isHex(v[2:], 70) {
		return true
	}
	if strings.Count(v, ":") != 2 {
		return false // spares splitting every name
	}
	parts := strings.Split(v, ":")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, c := range parts[0] {
		if c < '0' || c > '9' {
			return false
		}
	}
	for _, p := range parts[1:] {
		for _, c := range p {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
				return false
			}
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
