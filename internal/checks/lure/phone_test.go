package lure

import (
	"strings"
	"testing"
)

func TestPhoneNumber(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Please call us at +1 818 492 9813 if you do not believe you ordered this item.", "+1 818 492 9813"},
		{"Helpline: (888) 555-0142, 24/7.", "(888) 555-0142"},
		{"Appelez le 01 23 45 67 89 avant vendredi.", "01 23 45 67 89"},
		{"Toll free 1-800-555-0199.", "1-800-555-0199"},
		{"Order #113-093551-28451 is on its way.", ""},
		{"Protocolo 1837601888772635536377773", ""},
		{"Renewal date 2025-05-14, amount $299.99", ""},
		{"Confirmation ID: 422WVZ-302DRQ-11395151", ""},
		{"Commande n° 2024-03-4471 : si besoin, appelez le 01 84 60 12 34.", "01 84 60 12 34"},
		{"", ""},
	} {
		if got := PhoneNumber(tc.text); got != tc.want {
			t.Errorf("PhoneNumber(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func FuzzPhoneNumber(f *testing.F) {
	f.Add("call +1 818 492 9813 now")
	f.Add("(888) 555-0142")
	f.Add("1-800-555-0199-")
	f.Fuzz(func(t *testing.T, s string) {
		if n := PhoneNumber(s); n != "" && !strings.Contains(s, n) {
			t.Fatalf("PhoneNumber(%q) = %q, not in the text", s, n)
		}
	})
}
