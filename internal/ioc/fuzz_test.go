package ioc

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "2001:db8::/32", "*.evil.example", "hxxp://evil[.]example/a",
		"a@b.example", "sha256:" + strings.Repeat("a", 64), "3:abc:def", "bücher.example", "::ffff:1.2.3.4/120", "fe80::1%eth0", "co.uk", "[::1]", "SHA256:x", "\u212Auzzy:1:a:b", "1.2.3", "...", "co.uk", "1.ck", "com", "fr", "a b.fr", "HXXPS://evil[.]example/x", "hXxp://a(.)b", "[[.].]example.com", "evil[.]example.com.  ", "box.example", "xn--bcher-kva.example", "hxxp:/(x)", "a{.}b{.}c.example", "a..b", "a.b.", "a.b..", ".a", "a!b.c", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.fr", "a.yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy!.fr", "ab!zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.fr", "_dmarc.Example.FR"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// The shortcut that skips parsing names as addresses never skips
		// an address or a prefix.
		if !mayBeAddr(s) {
			if _, err := netip.ParseAddr(s); err == nil {
				t.Fatalf("mayBeAddr(%q) = false for an address", s)
			}
			if _, err := netip.ParsePrefix(s); err == nil {
				t.Fatalf("mayBeAddr(%q) = false for a prefix", s)
			}
		}
		// The shortcuts of guessKind and refang say what the copies they
		// replace said.
		if refang(s) != refangReference(s) {
			t.Fatalf("refang(%q) = %q, the reference says %q", s, refang(s), refangReference(s))
		}
		for _, p := range []string{"sha256:", "fuzzy:", "hxxp", "hxxps"} {
			if hasPrefixFold(s, p) != strings.HasPrefix(strings.ToLower(s), p) {
				t.Fatalf("hasPrefixFold(%q, %q)", s, p)
			}
		}
		if digitsAndDots(s) != allDigits(strings.ReplaceAll(s, ".", "")) || hasOpening(s) != strings.ContainsAny(s, "[({") ||
			blankSlashColon(s) != strings.ContainsAny(s, " /:\t") {
			t.Fatalf("digitsAndDots, hasOpening or blankSlashColon(%q)", s)
		}
		if trimBrackets(s) != strings.Trim(s, "[]") {
			t.Fatalf("trimBrackets(%q) = %q", s, trimBrackets(s))
		}
		// The one-pass label check answers as the label-by-label one did.
		if v, err := normalizeDomain(s); true {
			rv, rerr := normalizeDomainReference(s)
			if v != rv || (err == nil) != (rerr == nil) || err != nil && err.Error() != rerr.Error() {
				t.Fatalf("normalizeDomain(%q) = %q %v; the reference says %q %v", s, v, err, rv, rerr)
			}
		}
		// Guess, which refangs once when there is nothing to refang,
		// answers as it did when it always refanged twice.
		if k, v, err := Guess(s); true {
			rk, rv, rerr := guessReference(s)
			if k != rk || v != rv || (err == nil) != (rerr == nil) || err != nil && err.Error() != rerr.Error() {
				t.Fatalf("Guess(%q) = %s %q %v; the reference says %s %q %v", s, k, v, err, rk, rv, rerr)
			}
		}
		if k, err := guessKind(s); true {
			rk, rerr := guessKindReference(s)
			if k != rk || (err == nil) != (rerr == nil) || err != nil && err.Error() != rerr.Error() {
				t.Fatalf("guessKind(%q) = %s, %v; the reference says %s, %v", s, k, err, rk, rerr)
			}
		}
		k, v, err := Guess(s)
		if err != nil {
			return
		}
		// A normalised value parses to itself: one indicator, one spelling.
		again, err := Parse(k, v)
		if err != nil || again != v {
			t.Fatalf("Guess(%q) = %s %q, but Parse of it = %q, %v", s, k, v, again, err)
		}
		for _, kind := range Kinds {
			Parse(kind, s)
		}
	})
}

func FuzzNormalizeURL(f *testing.F) {
	for _, s := range []string{"http://example.com", "HTTPS://a.example:443/./b/../c?%7e#x", "http://[::1]:80/",
		"http://u@h.example/%zz", "ftp://h.example:021/a b", "http://bücher.example/é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeURL(s)
		if err != nil {
			return
		}
		again, err := NormalizeURL(n)
		if err != nil || again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, n, again, err)
		}
		if !utf8.ValidString(n) || strings.ContainsAny(n, " \t\r\n#") {
			t.Fatalf("normalised URL %q has forbidden bytes", n)
		}
	})
}

// FuzzReadFeed feeds arbitrary bytes to every format: no panic, every
// record a valid normalised indicator, line numbers within the input.
func FuzzReadFeed(f *testing.F) {
	for _, name := range []string{"plain.txt", "drop.txt", "ip4set.zone", "ip6trie.zone", "dnset.zone", "feed.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		for i := range Formats {
			f.Add(b, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, fi uint8) {
		format := Formats[int(fi)%len(Formats)]
		lines := bytes.Count(data, []byte("\n")) + 1
		res, err := ReadFeed(bytes.NewReader(data), format, FeedOptions{Name: "fuzz"}, func(r Record) error {
			if again, err := Parse(r.Kind, r.Value); err != nil || again != r.Value {
				t.Fatalf("%s: record %s %q does not re-parse: %q %v", format, r.Kind, r.Value, again, err)
			}
			if r.Line < 1 || r.Line > lines+1 {
				t.Fatalf("%s: record line %d of %d", format, r.Line, lines)
			}
			return nil
		})
		if errors.Is(err, ErrBinary) || errors.Is(err, ErrBadDocument) {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		for _, e := range res.Errors {
			if e.Line < 1 || e.Line > lines+1 {
				t.Fatalf("%s: error line %d of %d", format, e.Line, lines)
			}
		}
	})
}

// FuzzMatch checks that arbitrary observed values never panic the matcher
// and that a value added as an indicator is found again.
func FuzzMatch(f *testing.F) {
	f.Add("evil.example", "http://evil.example/a", "x@evil.example")
	f.Fuzz(func(t *testing.T, host, url, email string) {
		m := NewMatcher(MatcherOptions{})
		var list []Indicator
		if v, err := Parse(KindDomain, host); err == nil {
			list = append(list, Indicator{ID: 1, Kind: KindDomain, Value: v, Mode: Block})
		}
		if v, err := Parse(KindURL, url); err == nil {
			list = append(list, Indicator{ID: 2, Kind: KindURL, Value: v, Mode: Block})
		}
		m.Replace(list)
		o := &Observables{Hosts: []string{host}, URLs: []string{url}, Emails: []string{email}, SHA256: []string{email},
			Fuzzy: []string{host}, IPs: []netip.Addr{{}}}
		hits := m.Match(o)
		if len(hits) < len(list) && !strings.ContainsAny(host, "*[({") && !strings.HasPrefix(host, ".") &&
			!strings.HasPrefix(strings.ToLower(url), "hxxp") && !strings.ContainsAny(url, "[({") &&
			strings.TrimSpace(host) == host {
			t.Fatalf("added %d indicators, matched %d: %+v", len(list), len(hits), hits)
		}
		m.LookupDomain(host)
		m.LookupURLHash(email)
	})
}

// guessKindReference is guessKind as written before its shortcuts (no
// lower-casing or splitting of every value, the public suffix list asked
// only when the name's shape does not settle it): they must not change a
// verdict.
func guessKindReference(v string) (Kind, error) {
	switch {
	case v == "":
		return "", errEmpty
	case strings.Contains(v, "://"):
		return KindURL, nil
	case strings.HasPrefix(strings.ToLower(v), "sha256:") || isHex(v, 64):
		return KindSHA256, nil
	case strings.HasPrefix(strings.ToLower(v), "fuzzy:") || looksFuzzy(v):
		return KindFuzzy, nil
	case strings.ContainsRune(v, '@'):
		return KindEmail, nil
	}
	if _, err := netip.ParsePrefix(v); err == nil {
		return KindIP, nil
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return KindIP, nil
	}
	if ps, icann := publicsuffix.PublicSuffix(strings.ToLower(v)); icann && ps == strings.ToLower(v) {
		return KindDomain, nil
	}
	if strings.ContainsRune(v, '.') && !strings.ContainsAny(v, " /:\t") {
		if allDigits(strings.ReplaceAll(v, ".", "")) {
			return "", errors.New("not a valid IP address (and not a name)")
		}
		return KindDomain, nil
	}
	return "", errors.New("cannot tell its kind; give one")
}

// normalizeDomainReference is normalizeDomain before it checked the labels
// in one pass.
func normalizeDomainReference(v string) (string, error) {
	v = strings.TrimSuffix(v, ".")
	if v == "" {
		return "", errEmpty
	}
	if a := strings.Trim(v, "[]"); mayBeAddr(a) {
		if _, err := netip.ParseAddr(a); err == nil {
			return "", errors.New("an IP address, not a name (use kind ip)")
		}
	}
	ascii := true
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		a, err := idna.Lookup.ToASCII(v)
		if err != nil {
			return "", fmt.Errorf("IDNA: %w", err)
		}
		v = a
	}
	v = strings.ToLower(v)
	if len(v) > 253 {
		return "", errors.New("name longer than 253 bytes")
	}
	if last := v[strings.LastIndexByte(v, '.')+1:]; allDigits(last) {
		return "", errors.New("all-numeric top-level label: not a name (a mistyped IP address?)")
	}
	for label := range strings.SplitSeq(v, ".") {
		if label == "" || len(label) > 63 {
			return "", errors.New("empty or over-long label")
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("character %q not allowed in a name", c)
			}
		}
	}
	return v, nil
}

// guessReference is Guess before it skipped Parse's second refang.
func guessReference(value string) (Kind, string, error) {
	v := refang(strings.TrimSpace(value))
	k, err := guessKind(v)
	if err != nil {
		return "", "", fmt.Errorf("ioc: %q: %w", clip(value), err)
	}
	out, err := Parse(k, v)
	return k, out, err
}

// refangReference is refang before its shortcuts.
func refangReference(v string) string {
	if !strings.ContainsAny(v, "[({xX") {
		return v
	}
	lower := strings.ToLower(v)
	switch {
	case strings.HasPrefix(lower, "hxxps"):
		v = "https" + v[5:]
	case strings.HasPrefix(lower, "hxxp"):
		v = "http" + v[4:]
	}
	if strings.ContainsAny(v, "[({") {
		v = defang.Replace(v)
	}
	return v
}
