package links

import (
	"net/netip"
	"testing"
)

// TestPublicIPv4: URL_IP_ASKS is about an address out on the Internet; the
// site's own network (RFC 1918, RFC 6598, loopback, link-local) and the
// organisation's configured networks are where its printers, NAS and test
// servers live.
func TestPublicIPv4(t *testing.T) {
	c := &Check{o: Options{OwnNets: []netip.Prefix{netip.MustParsePrefix("198.51.100.0/28")}}}
	for host, want := range map[string]bool{
		"203.0.113.77":      true,
		"8.8.8.8":           true,
		"198.51.100.200":    true,
		"198.51.100.5":      false, // the organisation's own
		"10.12.0.34":        false,
		"172.16.4.1":        false,
		"192.168.10.20":     false,
		"100.64.1.2":        false,
		"127.0.0.1":         false,
		"169.254.1.1":       false,
		"0.0.0.0":           false,
		"224.0.0.1":         false,
		"255.255.255.255":   false,
		"2001:db8::45":      true,
		"[2001:db8::45]":    true,
		"[::ffff:8.8.8.8]":  true,
		"[::1]":             false,
		"[fe80::1]":         false,
		"[fd12:3456::1]":    false,
		"[ff02::1]":         false,
		"[::]":              false,
		"[::ffff:10.0.0.1]": false,
		"example.org":       false,
	} {
		if got := c.publicIP(host); got != want {
			t.Errorf("publicIP(%q) = %v, want %v", host, got, want)
		}
	}
}
