package links

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/lure"
)

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them). testdata/nrd.txt
// stands for a feed of newly registered domains; the lure family's
// reading says which messages ask something of the reader (Options.Asks),
// as in the engine.
func TestGolden(t *testing.T) {
	lu, err := lure.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{NRDFile: "testdata/nrd.txt", Asks: lu.Asks})
	if err != nil {
		t.Fatal(err)
	}
	checktest.Golden(t, c)
}
