package rbl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
)

// This file reads the rbldnsd data formats Vigie needs to serve an existing
// blocklist unchanged (see rbldnsd(8), "DATASET TYPES AND FORMATS"): ip4set,
// ip4trie and ip6trie for the IP zone, dnset for the domain zone. It is a
// minimal reader: "$" special lines ($SOA, $NS, $TTL, $n variables) are
// skipped because the server builds its own SOA and NS, and A values must lie
// in 127.0.0.0/24. The full importer lives with the indicator store.

// maxZoneLine bounds one line of a zone file; longer lines are skipped.
const maxZoneLine = 4096

// LineError is a malformed zone-file line; readers report it and go on.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// defaultEntry is what rbldnsd returns for an entry without any value.
var defaultEntry = Entry{Code: CodeBlock}

// ReadIPZone adds the entries of an rbldnsd ip4set, ip4trie or ip6trie file
// to b and returns how many it added. Malformed lines are passed to bad (which
// may be nil) and skipped; the error is for I/O failures only.
func ReadIPZone(b *MemBuilder, r io.Reader, file string, bad func(*LineError)) (int, error) {
	var buf []netip.Prefix // reused: a million lines, no garbage per line
	return readZone(r, file, bad, func(tok []byte, e Entry, exclude bool) error {
		ps, err := parseIPEntry(buf[:0], tok)
		if err != nil {
			return err
		}
		buf = ps
		for _, p := range ps {
			if exclude {
				b.ExcludePrefix(p)
			} else {
				b.AddPrefix(p, e)
			}
		}
		return nil
	})
}

// ReadDomainZone adds the entries of an rbldnsd dnset file to b:
// "example.com" lists the name only, "*.example.com" its subdomains only and
// ".example.com" both; a leading "!" excludes.
func ReadDomainZone(b *MemBuilder, r io.Reader, file string, bad func(*LineError)) (int, error) {
	return readZone(r, file, bad, func(tok []byte, e Entry, exclude bool) error {
		self, sub := true, false
		switch {
		case bytes.HasPrefix(tok, []byte("*.")):
			tok, self, sub = tok[2:], false, true
		case bytes.HasPrefix(tok, []byte(".")):
			tok, sub = tok[1:], true
		}
		name := string(bytes.TrimSuffix(tok, []byte(".")))
		if err := checkDomain(name); err != nil {
			return err
		}
		switch {
		case exclude && self:
			b.ExcludeDomain(name, sub)
		case exclude:
			b.dom.add(name, noValue, excluded)
		case self && sub:
			b.AddDomain(name, e)
		case self:
			b.AddHost(name, e)
		default:
			b.AddSubdomains(name, e)
		}
		return nil
	})
}

// ReadURLZone adds hashed URLs, one lower- or upper-case hex SHA-256 per line
// with an optional rbldnsd-style value, to b.
func ReadURLZone(b *MemBuilder, r io.Reader, file string, bad func(*LineError)) (int, error) {
	return readZone(r, file, bad, func(tok []byte, e Entry, exclude bool) error {
		if exclude {
			return errors.New("exclusions are not supported for URL hashes")
		}
		return b.AddURLHash(strings.ToLower(string(tok)), e)
	})
}

// checkDomain accepts host names as they appear in blocklists (RFC 1035
// §2.3.1 letters, digits and hyphens, plus the underscore found in practice).
func checkDomain(name string) error {
	if name == "" || len(name) > 253 {
		return errors.New("bad domain length")
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("bad label in %q", name)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return fmt.Errorf("bad character %q in %q", c, name)
			}
		}
	}
	return nil
}

// readZone splits lines, handles comments, default-value lines and per-entry
// values, and hands each entry's first token to add.
func readZone(r io.Reader, file string, bad func(*LineError), add func(tok []byte, e Entry, exclude bool) error) (int, error) {
	br := bufio.NewReaderSize(r, maxZoneLine)
	def := defaultEntry
	n, lineNo := 0, 0
	report := func(err error) {
		if bad != nil {
			bad(&LineError{File: file, Line: lineNo, Err: err})
		}
	}
	for {
		line, err := br.ReadSlice('\n')
		lineNo++
		if errors.Is(err, bufio.ErrBufferFull) {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			report(fmt.Errorf("line longer than %d bytes", maxZoneLine))
			if err == nil {
				continue
			}
		}
		if err != nil && err != io.EOF {
			return n, fmt.Errorf("rbl: read %s: %w", file, err)
		}
		if err == io.EOF && len(line) == 0 {
			return n, nil
		}
		line = bytes.TrimSpace(line)
		switch {
		case len(line) == 0, line[0] == '#' || line[0] == ';':
		case line[0] == '$':
			// $SOA, $NS, $TTL…: the server makes its own.
		case line[0] == ':':
			e, perr := parseValue(string(line), defaultEntry)
			if perr != nil {
				report(perr)
				break
			}
			def = e
		default:
			exclude := line[0] == '!'
			if exclude {
				line = line[1:]
			}
			tok, rest := line, []byte(nil)
			if i := bytes.IndexAny(line, " \t"); i >= 0 {
				tok, rest = line[:i], bytes.TrimSpace(line[i:])
			}
			e := def
			if len(rest) > 0 && rest[0] != '#' && rest[0] != ';' && !exclude {
				var perr error
				if e, perr = parseValue(string(rest), def); perr != nil {
					report(perr)
					break
				}
			}
			if aerr := add(tok, e, exclude); aerr != nil {
				report(aerr)
				break
			}
			n++
		}
		if err == io.EOF {
			return n, nil
		}
	}
}

// parseValue reads ":A:TXT", ":A:", ":A" (default TXT) or "TXT" (default A).
func parseValue(s string, def Entry) (Entry, error) {
	if s[0] != ':' {
		return Entry{Code: def.Code, Reason: strings.TrimSpace(s)}, nil
	}
	a, txt, hasTXT := strings.Cut(s[1:], ":")
	e := Entry{Code: def.Code, Reason: def.Reason}
	if hasTXT {
		e.Reason = strings.TrimSpace(txt)
	}
	if a = strings.TrimSpace(a); a != "" {
		if !strings.Contains(a, ".") {
			a = "127.0.0." + a // rbldnsd: the 127.0.0 prefix may be omitted
		}
		ip, err := netip.ParseAddr(a)
		if err != nil || !ip.Is4() || ip.As4()[0] != 127 || ip.As4()[1] != 0 || ip.As4()[2] != 0 {
			return Entry{}, fmt.Errorf("A value %q: want 127.0.0.x", a)
		}
		e.Code = ip.As4()[3]
	}
	return e, nil
}

// parseIPEntry reads an ip4set/ip4trie/ip6trie address: a full or partial
// IPv4 address ("127.0.0" is 127.0.0.0/24), optionally "/len", an inclusive
// range "first-last", or an IPv6 address or prefix whose trailing zero groups
// may be omitted ("2001:db8:1:2" is 2001:db8:1:2::/64).
func parseIPEntry(dst []netip.Prefix, tok []byte) ([]netip.Prefix, error) {
	if bytes.IndexByte(tok, ':') >= 0 {
		p, err := parseIP6(string(tok))
		if err != nil {
			return nil, err
		}
		return append(dst, p), nil
	}
	spec, bitsStr, hasBits := bytes.Cut(tok, []byte("/"))
	first, last, isRange := bytes.Cut(spec, []byte("-"))
	lo, n, err := parseIP4Partial(first)
	if err != nil {
		return nil, err
	}
	switch {
	case hasBits && isRange:
		return nil, fmt.Errorf("%q: range with prefix length", tok)
	case hasBits:
		b, err := strconv.Atoi(string(bitsStr))
		if err != nil || b < 0 || b > 32 {
			return nil, fmt.Errorf("%q: bad prefix length", tok)
		}
		return append(dst, netip.PrefixFrom(addr4(lo), b).Masked()), nil
	case isRange:
		hi, m, err := parseIP4Partial(last)
		if err != nil {
			return nil, err
		}
		if m == 1 && n > 1 {
			// "127.16-31": the last octet given replaces the first's last octet.
			shift := uint(32 - 8*n)
			hi = lo&^(0xff<<shift) | hi>>24<<shift | (1<<shift - 1)
		} else {
			hi |= 1<<uint(32-8*m) - 1
		}
		if hi < lo {
			return nil, fmt.Errorf("%q: empty range", tok)
		}
		return rangePrefixes(dst, lo, hi), nil
	}
	return append(dst, netip.PrefixFrom(addr4(lo), 8*n)), nil
}

// parseIP4Partial reads one to four dotted decimal octets, left-aligned.
func parseIP4Partial(b []byte) (v uint32, n int, err error) {
	octet, digits := 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || n == 4 {
				return 0, 0, fmt.Errorf("bad IPv4 address %q", b)
			}
			v = v<<8 | uint32(octet)
			n, octet, digits = n+1, 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || digits == 3 {
			return 0, 0, fmt.Errorf("bad IPv4 address %q", b)
		}
		octet = octet*10 + int(c-'0')
		digits++
		if octet > 255 {
			return 0, 0, fmt.Errorf("bad IPv4 address %q", b)
		}
	}
	return v << uint(32-8*n), n, nil
}

func addr4(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// rangePrefixes covers [lo, hi] with the fewest CIDR blocks.
func rangePrefixes(ps []netip.Prefix, lo, hi uint32) []netip.Prefix {
	for {
		size := 32 // largest block aligned at lo that stays within hi
		if lo != 0 {
			size = bits.TrailingZeros32(lo)
		}
		for size > 0 && uint64(lo)+(1<<uint(size))-1 > uint64(hi) {
			size--
		}
		ps = append(ps, netip.PrefixFrom(addr4(lo), 32-size))
		end := uint64(lo) + 1<<uint(size) - 1
		if end >= uint64(hi) {
			return ps
		}
		lo = uint32(end + 1)
	}
}

func parseIP6(s string) (netip.Prefix, error) {
	addr, bitsStr, hasBits := strings.Cut(s, "/")
	groups := strings.Count(addr, ":") + 1
	implicit := 128
	if !strings.Contains(addr, "::") && groups < 8 {
		implicit = 16 * groups
		addr += "::"
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil || !ip.Is6() || ip.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("bad IPv6 address %q", s)
	}
	b := implicit
	if hasBits {
		if b, err = strconv.Atoi(bitsStr); err != nil || b < 0 || b > 128 {
			return netip.Prefix{}, fmt.Errorf("%q: bad prefix length", s)
		}
	}
	return netip.PrefixFrom(ip, b).Masked(), nil
}
