package scan

import (
	"fmt"
	"testing"

	"vigie.dev/vigie/internal/urlx"
)

// Registrable answers as urlx.Registrable, from its memo the second time
// and past its bound.
func TestInputRegistrable(t *testing.T) {
	in := &Input{}
	hosts := []string{"Mail.Example.COM", "a.b.hopital.fr", "192.0.2.1", "", "gouv.fr", "x.blogspot.com"}
	for i := range maxRegistrable + 4 {
		hosts = append(hosts, fmt.Sprintf("h%d.example.org", i))
	}
	for range 2 {
		for _, h := range hosts {
			if got, want := in.Registrable(h), urlx.Registrable(h); got != want {
				t.Errorf("Registrable(%q) = %q, want %q", h, got, want)
			}
		}
	}
	if len(in.registrable) != maxRegistrable {
		t.Errorf("memo holds %d names, want %d", len(in.registrable), maxRegistrable)
	}
}
