package pdfstr

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func TestLiteral(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
		n    int
	}{
		{"https://example.org/a) /Type", 0, "https://example.org/a", 22},
		{`a (nested) b) rest`, 0, "a (nested) b", 13},
		{`tab\there\)\\ \101\0601) x`, 0, "tab\there)\\ A01", 24},
		{"line\\\r\ncontinued)", 0, "linecontinued", 17},
		{`unterminated \`, 0, "unterminated ", 14},
		{"abcdefgh)", 4, "abcd", 4},       // bounded: four bytes decoded
		{"(((((((((((((((((", 2, "((", 2}, // balanced parentheses belong to the string
	}
	for _, tt := range tests {
		got, n := Literal([]byte(tt.in), tt.max)
		if string(got) != tt.want || n != tt.n {
			t.Errorf("Literal(%q, %d) = %q, %d; want %q, %d", tt.in, tt.max, got, n, tt.want, tt.n)
		}
	}
}

func TestHex(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"68747470733A2F2F> rest", 0, "https://"},
		{"68 74 74\n70>", 0, "http"},
		{"6", 0, "`"}, // an odd last digit is followed by 0
		{"6868686868>", 2, "hh"},
		{"zz41>", 0, "A"},
	}
	for _, tt := range tests {
		if got := Hex([]byte(tt.in), tt.max); string(got) != tt.want {
			t.Errorf("Hex(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestUTF16(t *testing.T) {
	if s, ok := UTF16([]byte("\xfe\xff\x00F\x00a\x00c\x00t\x00u\x00r\x00e\x00 \x00n\x00\xb0\x00 \x004")); !ok || s != "Facture n° 4" {
		t.Errorf("UTF16 with a byte-order mark: %q %v", s, ok)
	}
	if _, ok := UTF16([]byte("facture.xml")); ok {
		t.Error("a string without a byte-order mark read as UTF-16")
	}
}

// Hostile strings: never a panic, never more than asked for, and the
// count of bytes read stays within the input.
func FuzzStrings(f *testing.F) {
	f.Add([]byte(`a\(b\)c) x`), 8)
	f.Add([]byte("4142 43>"), 0)
	f.Add([]byte("\xfe\xff\xd8\x00"), 3)
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		max %= 1 << 12
		out, n := Literal(b, max)
		if n < 0 || n > len(b) || max > 0 && len(out) > max {
			t.Fatalf("Literal(%q, %d) = %q, %d", b, max, out, n)
		}
		if h := Hex(b, max); max > 0 && len(h) > max || len(h) > len(b)/2+1 {
			t.Fatalf("Hex(%q, %d) = %q", b, max, h)
		}
		if s, ok := UTF16(b); ok && !utf8.ValidString(s) || !ok && bytes.HasPrefix(b, []byte{0xfe, 0xff}) {
			t.Fatalf("UTF16(%q) = %q %v", b, s, ok)
		}
	})
}
