package logs

import (
	"net/netip"
	"testing"
)

// parseIPv4Reference is parseIPv4 as it was before it read octet by octet
// (3116ab3).
func parseIPv4Reference(s string) (netip.Addr, bool) {
	var a [4]byte
	part, n, digits := 0, 0, 0
	if len(s) < 7 || len(s) > 15 {
		return netip.Addr{}, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if digits == 0 || part == 3 {
				return netip.Addr{}, false
			}
			a[part] = byte(n)
			part, n, digits = part+1, 0, 0
		case c >= '0' && c <= '9':
			if digits > 0 && n == 0 {
				return netip.Addr{}, false
			}
			n = n*10 + int(c-'0')
			digits++
			if n > 255 {
				return netip.Addr{}, false
			}
		default:
			return netip.Addr{}, false
		}
	}
	if part != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	a[3] = byte(n)
	return netip.AddrFrom4(a), true
}

// FuzzParseIPv4 holds parseIPv4 to the code it replaced, for strings and
// bytes, and to netip where it accepts.
func FuzzParseIPv4(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3.04", "0.0.0.0", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3", "1.2.3.1000", "1.2.3.4a", "10.20.30.400", "192.168.100.10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wok := parseIPv4Reference(s)
		got, ok := parseIPv4(s)
		gotb, okb := parseIPv4([]byte(s))
		if got != want || ok != wok || gotb != want || okb != wok {
			t.Fatalf("parseIPv4(%q) = %v %v (bytes %v %v), want %v %v", s, got, ok, gotb, okb, want, wok)
		}
		if ok {
			if a, err := netip.ParseAddr(s); err != nil || a != got {
				t.Fatalf("parseIPv4(%q) = %v, netip %v %v", s, got, a, err)
			}
		}
	})
}
