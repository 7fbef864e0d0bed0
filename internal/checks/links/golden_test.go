package links

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them). testdata/nrd.txt
// stands for a feed of newly registered domains.
func TestGolden(t *testing.T) {
	c, err := New(Options{NRDFile: "testdata/nrd.txt"})
	if err != nil {
		t.Fatal(err)
	}
	checktest.Golden(t, c)
}
