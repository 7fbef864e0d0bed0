package gworkspace

import (
	"slices"
	"strings"
	"testing"
)

// FuzzConsoleFields: the shortcuts that run emailRE from the first "@"'s
// local part and gmtOffset on the date's last bytes find what the
// expressions find over the whole value.
func FuzzConsoleFields(f *testing.F) {
	for _, s := range []string{"alice@cabinet.example logged in", "Mar 14, 2025, 9:11:11 AM GMT+1", "x@y a.b@c.de", "GMT+123", "Jan 1, 2025 \t UTC-5:30",
		"GMT GMT+1", "@@a@b.cd", "a'b@c-d.ef", "1:00 PM GMT+05:30", "   GMT-7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := emailIn(s), strings.ToLower(emailRE.FindString(s)); got != want {
			t.Fatalf("emailIn(%q) = %q, want %q", s, got, want)
		}
		if got, want := gmtOffset.FindStringSubmatch(s[offsetFrom(s):]), gmtOffset.FindStringSubmatch(s); !slices.Equal(got, want) {
			t.Fatalf("offset of %q: %q, want %q", s, got, want)
		}
	})
}
