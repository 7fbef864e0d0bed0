package engine

import (
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// A catalogued brand's own domain is never a randomly generated one
// (issue 12, point 4): SNCF Connect's newsletter from mail.sncfconnect.com,
// a domain SNCF Connect lists in its own warnings (brands.yaml), raised
// FROM_RANDOM_DOMAIN ("sncf" glued to a word reads as consonants), 2.78.
// The catalogue now vouches for the name as the MISP top-site lists do.
// The same newsletter from a throw-away name of the shape the heuristic
// is for still raises it, under both trusts.
func TestCataloguedBrandDomainIsNotRandom(t *testing.T) {
	raw, err := os.ReadFile("testdata/abonnements/sncf-connect-newsletter-voyages-pro.eml")
	if err != nil {
		t.Fatal(err)
	}
	twin := []byte(strings.ReplaceAll(string(raw), "sncfconnect.com", "xkqzvbtrnw.com"))
	for _, c := range trustSettings(t) {
		s := newScanner(t, c.cfg)
		if v := s.Scan(t.Context(), raw, scan.Envelope{}); hasSignal(v, "FROM_RANDOM_DOMAIN") {
			t.Errorf("%s: SNCF Connect's own domain raised FROM_RANDOM_DOMAIN: %s", c.name, weighted(v))
		}
		if v := s.Scan(t.Context(), twin, scan.Envelope{}); !hasSignal(v, "FROM_RANDOM_DOMAIN") {
			t.Errorf("%s: a generated domain did not raise FROM_RANDOM_DOMAIN: %s", c.name, weighted(v))
		}
	}
}
