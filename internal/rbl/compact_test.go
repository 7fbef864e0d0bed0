package rbl

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// A large (bucketed) level keeps rbldnsd's semantics: the last of
// duplicate additions wins, exclusions unlist inside a listed network, and
// values keep their identity whatever their storage width.
func TestCompactLevels(t *testing.T) {
	for _, distinct := range []int{3, 300, 70000} { // 1-, 2- and 4-byte values
		t.Run(fmt.Sprint(distinct), func(t *testing.T) {
			b := NewMemBuilder()
			n := 2 * minIndexed
			for i := range n {
				a := netip.AddrFrom4([4]byte{198, byte(i >> 16), byte(i >> 8), byte(i)})
				b.AddPrefix(netip.PrefixFrom(a, 32), Entry{Code: 2, Reason: fmt.Sprint("r", i%distinct)})
			}
			// Duplicates in one bucket: the last wins.
			dup := netip.MustParsePrefix("198.0.1.7/32")
			b.AddPrefix(dup, Entry{Code: 9, Reason: "first"})
			b.AddPrefix(dup, Entry{Code: 10, Reason: "last"})
			b.AddPrefix(netip.MustParsePrefix("203.0.113.0/24"), Entry{Code: 4})
			b.ExcludePrefix(netip.MustParsePrefix("203.0.113.9/32"))
			b.ExcludePrefix(netip.MustParsePrefix("198.0.2.3/32"))
			src := b.Build()
			if src.v4.levels[0].first == nil {
				t.Fatal("the /32 level is not bucketed")
			}
			check := func(addr string, code byte, reason string, ok bool) {
				t.Helper()
				e, found := src.LookupIP(netip.MustParseAddr(addr))
				if found != ok || ok && (e.Code != code || reason != "" && e.Reason != reason) {
					t.Errorf("%s: %+v %v, want code %d %q listed=%v", addr, e, found, code, reason, ok)
				}
			}
			check("198.0.1.7", 10, "last", true)
			check("198.0.0.5", 2, fmt.Sprint("r", 5%distinct), true)
			check("198.0.2.3", 0, "", false)
			check("203.0.113.8", 4, "", true)
			check("203.0.113.9", 0, "", false)
			check("198.9.0.0", 0, "", false)
			if p, _, _ := src.Len(); p != n+2 { // the /32s, 203.0.113.9, the /24
				t.Errorf("Len = %d prefixes, want %d", p, n+2)
			}
		})
	}
}

// Two passes over the same data give the same table as one; a second pass
// that sees more than the first fails instead of serving wrong data.
func TestTwoPassLoad(t *testing.T) {
	var zone strings.Builder
	zone.WriteString(":127.0.0.2:listed $\n")
	for i := range 3 * minIndexed {
		fmt.Fprintf(&zone, "%d.%d.%d.%d\n", 10+i%7, (i>>16)&0xff, (i>>8)&0xff, i&0xff)
	}
	zone.WriteString("192.0.2.0/24 :127.0.0.3:net\n!192.0.2.9\n10.0.0.5 :127.0.0.4:again\n")
	one := NewMemBuilder()
	if _, err := ReadIPZone(one, strings.NewReader(zone.String()), "z", nil); err != nil {
		t.Fatal(err)
	}
	want := one.Build()
	two := NewMemBuilder()
	two.CountIPv4()
	ReadIPZone(two, strings.NewReader(zone.String()), "z", nil)
	two.PlaceIPv4()
	ReadIPZone(two, strings.NewReader(zone.String()), "z", nil)
	got, err := two.BuildChecked()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"10.0.0.5", "11.0.0.1", "16.2.128.7", "192.0.2.8", "192.0.2.9", "198.51.100.1", "10.3.0.0"} {
		ip := netip.MustParseAddr(a)
		e1, ok1 := want.LookupIP(ip)
		e2, ok2 := got.LookupIP(ip)
		if e1 != e2 || ok1 != ok2 {
			t.Errorf("%s: one pass %+v %v, two passes %+v %v", a, e1, ok1, e2, ok2)
		}
	}
	if n1, _, _ := want.Len(); func() int { n, _, _ := got.Len(); return n }() != n1 {
		t.Errorf("lengths differ")
	}
	// The data grew between the passes.
	b := NewMemBuilder()
	b.CountIPv4()
	ReadIPZone(b, strings.NewReader(zone.String()), "z", nil)
	b.PlaceIPv4()
	ReadIPZone(b, strings.NewReader(zone.String()+"10.9.9.9\n"), "z", nil)
	if _, err := b.BuildChecked(); !errors.Is(err, ErrChanged) {
		t.Errorf("changed data: %v", err)
	}
}

// Domain values widen from one byte as distinct entries grow.
func TestDomainValuesWiden(t *testing.T) {
	b := NewMemBuilder()
	for i := range 70000 {
		b.AddDomain(fmt.Sprintf("d%d.example", i), Entry{Code: 2, Reason: fmt.Sprint("r", i)})
	}
	b.ExcludeDomain("x.d5.example", true)
	src := b.Build()
	for _, i := range []int{0, 254, 255, 300, 65534, 65535, 69999} {
		e, ok := src.LookupDomain(fmt.Sprintf("www.d%d.example", i))
		if !ok || e.Reason != fmt.Sprint("r", i) {
			t.Errorf("d%d: %+v %v", i, e, ok)
		}
	}
	if _, ok := src.LookupDomain("a.x.d5.example"); ok {
		t.Error("exclusion lost")
	}
}
