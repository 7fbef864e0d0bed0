package logs

import (
	"encoding/binary"
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
	if plainASCII(b, lo, hi) {
		return string(b)
	}
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

// plainASCII: b is ASCII without a letter from lo to hi, told eight bytes
// at a time (a byte x < 0x80 is in [lo, hi] when x+0x80-lo has its high bit
// set and x+0x7f-hi has not; neither sum carries into the next byte).
func plainASCII(b []byte, lo, hi byte) bool {
	const ones = 0x0101010101010101
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		if w&(0x80*ones) != 0 {
			return false
		}
		if (w+(0x80-uint64(lo))*ones)&^(w+(0x7f-uint64(hi))*ones)&(0x80*ones) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf || c >= lo && c <= hi {
			return false
		}
	}
	return true
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
