package logs

import "testing"

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
