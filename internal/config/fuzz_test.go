package config

import (
	"os"
	"testing"
)

// FuzzParse: a configuration file of any bytes (a truncated copy, a
// wrong indentation, an anchor bomb, a value of the wrong type) is
// refused with an error or read, never a panic. The seeds are the
// example and the evaluation configuration.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"../../vigie.example.yaml", "../../configs/eval-corpus.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("policy:\n  weights: {AUTH_DMARC_FAIL: x}\n  tag_at: [1]\n"))
	f.Add([]byte("a: &a [*a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"))
	f.Add([]byte("trust:\n  relays: ['10.0.0.0/33', '*.']\nlimits: {max_size: -1}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := Default()
		Parse(b, &c)
	})
}
