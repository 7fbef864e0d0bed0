package logs

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// stringEndByByte is the byte-at-a-time scan stringEnd replaced: the
// reference it must agree with.
func stringEndByByte(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

func FuzzStringEnd(f *testing.F) {
	for _, s := range []string{`"a"`, `"a\"b"`, `"a\\"b`, `"\\\"\\"x`, `"\`, `"abc`, `""`, `"x\\\\\"y"z`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for i := range b {
			if b[i] != '"' {
				continue
			}
			if got, want := stringEnd(b, i), stringEndByByte(b, i); got != want {
				t.Fatalf("stringEnd(%q, %d) = %d, want %d", b, i, got, want)
			}
		}
	})
}

// FuzzPlainString holds plainString to its two-search definition.
func FuzzPlainString(f *testing.F) {
	for _, s := range []string{"", "user0001@corp.example", `a\b`, "Off\u00efce", "Offïce", "\xff\xfe", "12345678\\", "1234567\x80"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := plainString(b), bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b); got != want {
			t.Fatalf("plainString(%q) = %v, want %v", b, got, want)
		}
	})
}

func TestEachElement(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		err  bool
	}{
		{`[]`, nil, false},
		{` [ 1 , "a,b" ,{"x":[1,2]}, [3], null ] `, []string{`1`, `"a,b"`, `{"x":[1,2]}`, `[3]`, `null`}, false},
		{`["a\"]b"]`, []string{`"a\"]b"`}, false},
		{`{"a":1}`, nil, true},
		{`[1,`, []string{`1`}, true},
		{`[1 2]`, []string{`1`}, true},
		{`["open]`, nil, true},
	} {
		var got []string
		err := EachElement([]byte(c.in), func(v []byte) bool { got = append(got, string(v)); return true })
		if (err != nil) != c.err || strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("EachElement(%s) = %q, %v; want %q, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

func FuzzEachElement(f *testing.F) {
	for _, s := range []string{`[]`, `[1,"a",{"b":[2]}]`, `[1,`, `["\"]`, `[[[[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		EachElement(b, func(v []byte) bool {
			if len(v) == 0 || len(v) > len(b) {
				t.Fatalf("element %q of %q", v, b)
			}
			return true
		})
	})
}
