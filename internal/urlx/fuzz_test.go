package urlx

import (
	"net/netip"
	"strings"
	"testing"
)

// Links in mail are the sender's to write: unwrapping a rewriter's URL and
// reading a domain's labels must neither panic nor loop, and a URL that is
// not a rewritten one comes back as it was.
func FuzzUnwrap(f *testing.F) {
	for _, s := range []string{
		"https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2F&data=x",
		"https://urldefense.proofpoint.com/v2/url?u=http-3A__evil.example_path&d=x",
		"https://urldefense.com/v3/__https://evil.example/p__;!!abc",
		"https://URLDEFENSE.COM/v3/__https://evil.example/p__;!!abc",
		"https://urldefense%2Ecom/v3/__https://evil.example/p__;!!abc",
		"https://www.google.com/url?q=https://evil.example/",
		"https://protect-eu.mimecast.com/s/abc?domain=evil.example",
		"https://example.org/plain",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		target, rewriter := Unwrap(raw)
		if rewriter == "" && target != raw {
			t.Fatalf("Unwrap(%q) = %q without a rewriter", raw, target)
		}
		if rewriter != "" && len(target) > 4*len(raw)+64 {
			t.Fatalf("Unwrap(%q) grew to %d bytes", raw, len(target))
		}
		host := Host(raw)
		if host != strings.ToLower(host) {
			t.Fatalf("Host(%q) = %q, not lower-cased", raw, host)
		}
		reg := Registrable(host)
		RandomLabel(reg)
		MaybeWrapped(host)
		InDomain(host, reg)
	})
}

// FuzzIsIP: IsIP answers as netip.ParseAddr does, its shortcut for names
// included.
func FuzzIsIP(f *testing.F) {
	for _, s := range []string{"", "192.0.2.1", "[2001:db8::1]", "fe80::1%eth0", "::ffff:192.0.2.1",
		"cdn.example.fr", "deadbeef", "1.2.3", "%", "[::1", "ABCD::EF01", "mx.example-hopital.fr"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
		if got := IsIP(s); got != (err == nil) {
			t.Errorf("IsIP(%q) = %v, netip.ParseAddr says %v", s, got, err == nil)
		}
	})
}
