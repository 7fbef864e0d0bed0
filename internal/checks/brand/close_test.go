package brand

import (
	"math/bits"
	"testing"
)

func TestClose(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"micros0ft", "microsoft", true},
		{"amazom", "amazon", true},
		{"paypa", "paypal", true},
		{"ameli", "ameli", true},
		{"amelia", "ameli", true},
		{"amelie", "amazon", false},
		{"docusgn", "docusign", true},
		{"microsfto", "microsoft", true}, // two edits on a long name
		{"mcrosfot", "microsoft", false},
		{"orange", "oracle", false},
	} {
		if got := close(tc.a, tc.b); got != tc.want {
			t.Errorf("close(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

// The byte sets never refuse a pair close() accepts: the look-alike loop
// tests them first.
func FuzzCloseByteSets(f *testing.F) {
	for _, s := range [][2]string{{"micros0ft", "microsoft"}, {"amazom", "amazon"}, {"ab", "ba"}, {"aaaaa", "bbbbb"}, {"x@?~", "x\x80\xc0"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if !close(a, b) {
			return
		}
		sa, sb, maxD := byteSet(a), byteSet(b), closeDistance(b)
		if bits.OnesCount64(sa&^sb) > maxD || bits.OnesCount64(sb&^sa) > maxD {
			t.Errorf("close(%q, %q) but the byte sets differ by more than %d", a, b, maxD)
		}
	})
}

// The byte sets never refuse a label brandWord() finds a brand in.
func FuzzBrandWordByteSets(f *testing.F) {
	for _, s := range [][2]string{{"secure-paypal", "paypal"}, {"my1paypal", "paypal"}, {"ledgerlive", "ledger"}, {"shagmail", "gmail"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, label, brand string) {
		if brandWord(label, brand) && byteSet(brand)&^byteSet(label) != 0 {
			t.Errorf("brandWord(%q, %q) but a byte of the brand is not in the label's set", label, brand)
		}
	})
}
