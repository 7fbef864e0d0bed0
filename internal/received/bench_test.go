package received

import (
	"net/netip"
	"path/filepath"
	"testing"
)

// BenchmarkContext measures what runs on every scanned message: parse the
// Received chain of a typical 8-hop Microsoft 365 delivery, walk it, and pick
// the trusted results.
func BenchmarkContext(b *testing.B) {
	h := readHeader(b, filepath.Join("testdata", "chains", "m365.eml"))
	// Make it 8 hops: three more below the front end.
	extra := readHeader(b, filepath.Join("testdata", "chains", "list-postfix.eml"))
	len0 := len(h.Fields)
	for _, f := range extra.Fields {
		if f.Name == "Received" && len(h.Fields) < len0+3 {
			h.Fields = append(h.Fields, f)
		}
	}
	tr := Trust{
		Hosts:        []string{"*.outlook.com", "*.protection.outlook.com", "*.prod.outlook.com", "*.outlook.office365.com"},
		Networks:     []netip.Prefix{netip.MustParsePrefix("2603:1000::/24")},
		NoAuthServID: true,
	}
	if n := len(Chain(h)); n != 8 {
		b.Fatalf("%d hops", n)
	}
	b.Run("chain+context", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hops := Chain(h)
			tr.Context(hops)
		}
	})
	hops := Chain(h)
	b.Run("context", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tr.Context(hops)
		}
	})
	b.Run("chain+context+results", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hops := Chain(h)
			ctx := tr.Context(hops)
			tr.Results(h, hops, ctx)
		}
	})
}
