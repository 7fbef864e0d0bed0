package logs

import (
	"strings"
	"testing"
)

func TestCase(t *testing.T) {
	for _, s := range []string{"", "user0001@corp.example", "Alice@Cabinet.Example", "ÉLODIE@exemple.fr", "fr", "FR", "a\xffB", "İstanbul", "fR", "zz", "Z@", "[a", "{a", "`a", "a1", "é"} {
		if got, want := LowerString([]byte(s)), strings.ToLower(s); got != want {
			t.Errorf("LowerString(%q) = %q, want %q", s, got, want)
		}
		if got, want := UpperString([]byte(s)), strings.ToUpper(s); got != want {
			t.Errorf("UpperString(%q) = %q, want %q", s, got, want)
		}
		if got, want := CountryString([]byte(s)), strings.ToUpper(s); got != want {
			t.Errorf("CountryString(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzCase: LowerString and UpperString are strings.ToLower and ToUpper.
func FuzzCase(f *testing.F) {
	f.Add("Alice@Cabinet.Example")
	f.Fuzz(func(t *testing.T, s string) {
		if LowerString([]byte(s)) != strings.ToLower(s) || UpperString([]byte(s)) != strings.ToUpper(s) || CountryString([]byte(s)) != strings.ToUpper(s) {
			t.Fatalf("%q", s)
		}
	})
}
