package brand

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// goldenOptions are the organisation of the golden messages: a hospital
// whose director's name is abused in CEO fraud.
var goldenOptions = Options{OrgDomains: []string{"example-hopital.fr"}, VIPs: []string{"Claire Dubois"}}

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them).
func TestGolden(t *testing.T) {
	c, err := New(goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	checktest.Golden(t, c)
}
