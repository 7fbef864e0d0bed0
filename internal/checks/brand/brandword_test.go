package brand

import "testing"

func TestBrandWord(t *testing.T) {
	for _, tc := range []struct {
		label, brand string
		want         bool
	}{
		{"paypalsecure", "paypal", true},
		{"secure-paypal", "paypal", true},
		{"ledgerlive", "ledger", true},
		{"my1paypal", "paypal", true},
		{"shagmail", "gmail", false},
		{"pineapple", "apple", false},
		{"outlook-apple-id", "apple", true},
	} {
		if got := brandWord(tc.label, tc.brand); got != tc.want {
			t.Errorf("%s ~ %s: got %v", tc.label, tc.brand, got)
		}
	}
}
