package forward

import (
	"testing"

	"vigie.dev/vigie/internal/checks/brand"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/layout"
	"vigie.dev/vigie/internal/checks/links"
	"vigie.dev/vigie/internal/checks/lure"
	"vigie.dev/vigie/internal/checks/sender"
	"vigie.dev/vigie/internal/scan"
)

// innerScanner judges the rebuilt original as engine does: the sender,
// brand, link, lure and layout families with their embedded data, at the
// catalogue's expert weights.
func innerScanner(t *testing.T) *scan.Scanner {
	t.Helper()
	bc, err := brand.New(brand.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lc, err := links.New(links.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lu, err := lure.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	families := []scan.Family{sender.New(nil), bc, lc, lu, layout.Check{}}
	s := &scan.Scanner{Policy: InnerPolicy(), Catalogue: scan.MustCatalogue(families...)}
	for _, f := range families {
		s.Checks = append(s.Checks, f.Checks()...)
	}
	return s
}

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them).
func TestGolden(t *testing.T) {
	checktest.Golden(t, &Check{Inner: innerScanner(t).Scan})
}
