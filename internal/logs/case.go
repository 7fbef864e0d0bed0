package logs

import (
	"strings"
	"unicode/utf8"
)

// LowerString is strings.ToLower(string(b)) with one copy: the parsers'
// user names are mostly ASCII, most already in lower case.
func LowerString(b []byte) string {
	return mapCase(b, 'A', 'Z', 'a'-'A')
}

// UpperString is strings.ToUpper(string(b)) with one copy.
func UpperString(b []byte) string {
	return mapCase(b, 'a', 'z', -('a' - 'A'))
}

// mapCase moves the ASCII letters from lo to hi by delta; values with other
// bytes than ASCII go through strings.ToLower or ToUpper, whose Unicode
// rules are theirs.
func mapCase(b []byte, lo, hi byte, delta int) string {
	n := -1 // the first byte to change
	for i, c := range b {
		if c >= utf8.RuneSelf {
			if delta > 0 {
				return strings.ToLower(string(b))
			}
			return strings.ToUpper(string(b))
		}
		if n < 0 && c >= lo && c <= hi {
			n = i
		}
	}
	if n < 0 {
		return string(b)
	}
	var out strings.Builder // one allocation, handed over as the string
	out.Grow(len(b))
	out.Write(b[:n])
	for _, c := range b[n:] {
		if c >= lo && c <= hi {
			c = byte(int(c) + delta)
		}
		out.WriteByte(c)
	}
	return out.String()
}

// countries holds the strings of the 676 two-letter codes, so that the
// country of each sign-in is not a new copy of "FR".
var countries = func() (t [26 * 26]string) {
	for i := range t {
		t[i] = string([]byte{'A' + byte(i/26), 'A' + byte(i%26)})
	}
	return t
}()

// CountryString is UpperString(b), without a copy for two ASCII letters
// (ISO 3166 alpha-2 codes).
func CountryString(b []byte) string {
	if len(b) == 2 {
		c0, c1 := b[0]&^0x20, b[1]&^0x20 // upper case, for letters
		if c0 >= 'A' && c0 <= 'Z' && c1 >= 'A' && c1 <= 'Z' {
			return countries[int(c0-'A')*26+int(c1-'A')]
		}
	}
	return UpperString(b)
}
