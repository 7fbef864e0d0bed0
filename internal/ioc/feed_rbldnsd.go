package ioc

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// rbldnsdParser reads rbldnsd data files. The dataset type is given on
// rbldnsd's command line, not in the file, so each entry's own syntax
// decides: IPv4 entries follow ip4set (which includes ip4trie's CIDRs),
// IPv6 ones ip6trie, names dnset. Facts from rbldnsd(8):
//
//   - "$SOA", "$NS", "$TTL", "$TIMESTAMP", "$MAXRANGE4", "$DATASET" and
//     "$n" lines are directives (also "#$", ":$"); they carry no entry;
//   - other lines starting with '#' or ';' are comments;
//   - ":127.0.0.2:text" sets the default A value and TXT template for the
//     following entries of the file; the TXT becomes the reason (its '$'
//     kept: the DNSBL substitutes the queried value, as rbldnsd does) and
//     the A value the entry's answer code (127.0.0.3 imports in watch
//     mode);
//   - an entry may be followed by its own value, ":A:TXT" or a bare TXT,
//     or by a '#'/';' comment;
//   - '!' starts an exclusion: imported as an allow entry, which hides the
//     feed entries that cover it, as the exclusion does in rbldnsd;
//   - ip4set entries: "1.2.3.4", prefixes "1.2.3" (/24) and "1.2" (/16),
//     CIDRs "1.2.3.0/24" and "127/8", ranges "1.2.3.4-1.2.3.9",
//     "127.0.0.1-255", "127.16-31" (a one-octet end replaces the last
//     given octet); ranges become the smallest set of CIDRs;
//   - ip6trie entries: "2001:db8::/32"; without "::" trailing zero groups
//     may be omitted and the length defaults to 16 bits per group given;
//   - dnset entries: "example.com" lists exactly that name (kind host);
//     ".example.com" the name and its subdomains (kind domain);
//     "*.example.com" only the subdomains, which we widen to kind domain.
type rbldnsdParser struct {
	fr     *feedReader
	reason string // TXT of the last ':' default line
	code   byte   // A value of the last ':' default line (last octet of 127.0.0.x)
}

func (p *rbldnsdParser) line(line string) error {
	if line == "" {
		return nil
	}
	switch {
	case line[0] == '$', strings.HasPrefix(line, "#$"), strings.HasPrefix(line, ":$"), strings.HasPrefix(line, ";$"):
		return nil // directive
	case line[0] == '#' || line[0] == ';':
		return nil
	case line[0] == ':' && !strings.HasPrefix(line, "::"): // "::1" is an IPv6 entry
		a, txt, err := rbldnsdValue(line)
		if err != nil {
			return err
		}
		if p.code, err = answerCode(a); err != nil {
			return err
		}
		p.reason = txt
		return nil
	}
	exclude := false
	if line[0] == '!' {
		exclude, line = true, strings.TrimSpace(line[1:])
		if line == "" {
			return errors.New("empty exclusion")
		}
	}
	entry, rest := line, ""
	seps := " \t:;#"
	if j := strings.IndexAny(line, " \t"); strings.ContainsRune(line[:max(j, 0)], ':') || j < 0 && strings.ContainsRune(line, ':') {
		seps = " \t" // IPv6 entries contain ':'; their value follows white space
	}
	if i := strings.IndexAny(line, seps); i > 0 {
		entry, rest = line[:i], strings.TrimSpace(line[i:])
	}
	base := Record{Reason: p.reason, Code: p.code}
	if rest != "" && rest[0] != '#' && rest[0] != ';' {
		a, txt, err := rbldnsdValue(rest)
		if err != nil {
			return err
		}
		if txt != "" {
			base.Reason = txt
		}
		if a != "" {
			if base.Code, err = answerCode(a); err != nil {
				return err
			}
		}
	}
	switch {
	case exclude:
		base.Mode, base.Code, base.Reason = Allow, 0, "rbldnsd exclusion"
		p.fr.res.Excluded++
	case base.Code == CodeWatch:
		base.Mode = Watch
	}
	if entry == "" {
		return errors.New("no entry")
	}
	switch {
	case strings.HasPrefix(entry, "*.") || entry[0] == '.':
		if entry[0] == '*' {
			p.fr.res.Widened++
		}
		v, err := Parse(KindDomain, entry)
		if err != nil {
			return err
		}
		base.Kind, base.Value = KindDomain, v
		return p.fr.emit(base)
	case strings.ContainsRune(entry, ':'):
		pfx, err := parseRbldnsdIP6(entry)
		if err != nil {
			return err
		}
		return p.emitPrefix(pfx, base)
	case isIP4Entry(entry):
		pfxs, err := parseIP4Set(entry)
		if err != nil {
			return err
		}
		for _, pfx := range pfxs {
			if err := p.emitPrefix(pfx, base); err != nil {
				return err
			}
		}
		return nil
	}
	v, err := Parse(KindHost, entry)
	if err != nil {
		return err
	}
	base.Kind, base.Value = KindHost, v
	return p.fr.emit(base)
}

func (p *rbldnsdParser) emitPrefix(pfx netip.Prefix, base Record) error {
	v, err := normalizeIP(pfx.String())
	if err != nil {
		return err
	}
	base.Kind, base.Value = KindIP, v
	return p.fr.emit(base)
}

// DNSBL answer codes (the last octet of 127.0.0.x), as package rbl
// answers them and docs/rbl.md documents them.
const (
	CodeBlock = 2 // block
	CodeWatch = 3 // watch: never reject on it
	CodeFeed  = 4 // block imported from a feed
)

// answerCode reads an rbldnsd A value ("127.0.0.3" or its short form
// "3"); "" is no code. Vigie answers within 127.0.0.0/24 only.
func answerCode(a string) (byte, error) {
	if a == "" {
		return 0, nil
	}
	if n, err := strconv.Atoi(a); err == nil {
		if n < 1 || n > 255 {
			return 0, fmt.Errorf("A value %q out of range", clip(a))
		}
		return byte(n), nil
	}
	ip, err := netip.ParseAddr(a)
	if err != nil || !ip.Is4() {
		return 0, fmt.Errorf("bad A value %q", clip(a))
	}
	b := ip.As4()
	if b[0] != 127 || b[1] != 0 || b[2] != 0 || b[3] == 0 {
		return 0, fmt.Errorf("A value %s outside 127.0.0.0/24: not supported", a)
	}
	return b[3], nil
}

// rbldnsdValue parses ":A:TXT" or a bare TXT template.
func rbldnsdValue(s string) (a, txt string, err error) {
	if s == "" || s[0] != ':' {
		return "", strings.TrimSpace(s), nil
	}
	a, txt, _ = strings.Cut(s[1:], ":")
	a = strings.TrimSpace(a)
	if a != "" {
		if ip, err := netip.ParseAddr(a); err != nil || !ip.Is4() {
			if _, nerr := strconv.Atoi(a); nerr != nil { // "2" abbreviates 127.0.0.2
				return "", "", fmt.Errorf("bad A value %q", clip(a))
			}
		}
	}
	return a, strings.TrimSpace(txt), nil
}

func isIP4Entry(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == '/' || c == '-') {
			return false
		}
	}
	return true
}

// parseIP4Set parses an ip4set entry into CIDR prefixes.
func parseIP4Set(s string) ([]netip.Prefix, error) {
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		first, n, err := ip4Octets(lo)
		if err != nil {
			return nil, err
		}
		var last [4]byte
		if !strings.Contains(hi, ".") {
			// A one-octet end replaces the last given octet of the start.
			v, err := strconv.ParseUint(hi, 10, 8)
			if err != nil {
				return nil, fmt.Errorf("bad range end %q", clip(hi))
			}
			last = first
			last[n-1] = byte(v)
			for i := n; i < 4; i++ {
				last[i] = 255
			}
		} else {
			var m int
			if last, m, err = ip4Octets(hi); err != nil {
				return nil, err
			}
			for i := m; i < 4; i++ {
				last[i] = 255
			}
		}
		a, b := netip.AddrFrom4(first), netip.AddrFrom4(last)
		if b.Less(a) {
			return nil, errors.New("range end before start")
		}
		return rangePrefixes(a, b), nil
	}
	addr, bitsStr, hasBits := strings.Cut(s, "/")
	oct, n, err := ip4Octets(addr)
	if err != nil {
		return nil, err
	}
	bits := 8 * n
	if hasBits {
		b, err := strconv.Atoi(bitsStr)
		if err != nil || b < 0 || b > 32 {
			return nil, fmt.Errorf("bad prefix length %q", clip(bitsStr))
		}
		bits = b
	}
	return []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4(oct), bits).Masked()}, nil
}

// ip4Octets parses 1 to 4 dotted decimal octets, zero-filling the rest.
func ip4Octets(s string) ([4]byte, int, error) {
	var o [4]byte
	parts := strings.Split(s, ".")
	if len(parts) > 4 || s == "" {
		return o, 0, fmt.Errorf("bad IPv4 entry %q", clip(s))
	}
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 10, 8)
		if err != nil || p == "" || len(p) > 3 {
			return o, 0, fmt.Errorf("bad IPv4 entry %q", clip(s))
		}
		o[i] = byte(v)
	}
	return o, len(parts), nil
}

// rangePrefixes returns the smallest list of prefixes covering a..b (IPv4).
func rangePrefixes(a, b netip.Addr) []netip.Prefix {
	lo, hi := uint64(v4key(a)), uint64(v4key(b))
	var out []netip.Prefix
	for lo <= hi {
		size := 32
		for size > 0 {
			blk := uint64(1) << (32 - (size - 1))
			if lo%blk != 0 || lo+blk-1 > hi {
				break
			}
			size--
		}
		var o [4]byte
		o[0], o[1], o[2], o[3] = byte(lo>>24), byte(lo>>16), byte(lo>>8), byte(lo)
		out = append(out, netip.PrefixFrom(netip.AddrFrom4(o), size))
		lo += uint64(1) << (32 - size)
		if len(out) > 64 { // a 32-bit range needs at most 62
			break
		}
	}
	return out
}

// parseRbldnsdIP6 parses an ip6trie entry.
func parseRbldnsdIP6(s string) (netip.Prefix, error) {
	addr, bitsStr, hasBits := strings.Cut(s, "/")
	bits := -1
	if hasBits {
		b, err := strconv.Atoi(bitsStr)
		if err != nil || b < 0 || b > 128 {
			return netip.Prefix{}, fmt.Errorf("bad prefix length %q", clip(bitsStr))
		}
		bits = b
	}
	if !strings.Contains(addr, "::") {
		groups := strings.Count(addr, ":") + 1
		if groups < 8 {
			if bits < 0 {
				bits = 16 * groups
			}
			addr += "::"
		}
	}
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("bad IPv6 entry %q", clip(s))
	}
	if bits < 0 {
		bits = 128
	}
	return netip.PrefixFrom(a, bits).Masked(), nil
}
