package dnsx

import (
	"strings"
	"testing"
)

// FuzzCanonicalName checks the name checks and IDNA conversion applied to
// every name before it is sent.
func FuzzCanonicalName(f *testing.F) {
	for _, s := range []string{"example.com", "café.example", "_dmarc.example.org.", "a..b", "macro%percent  space.example", strings.Repeat("a.", 130)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fqdn, err := canonicalName(s)
		if err == nil && (!strings.HasSuffix(fqdn, ".") || len(fqdn) > 1024) {
			t.Fatalf("canonicalName(%q) = %q", s, fqdn)
		}
	})
}

// FuzzUnescapeTXT checks the undoing of miekg/dns TXT escaping.
func FuzzUnescapeTXT(f *testing.F) {
	for _, s := range []string{`plain`, `\"q\"`, `\128\255`, `\`, `\99`, `\\\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if out := unescapeTXT(s); len(out) > len(s) {
			t.Fatalf("unescapeTXT(%q) grew to %q", s, out)
		}
	})
}
