package lure

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/sender"
)

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them). The sender family
// runs first, as in the pipeline: MONEY_FROM_FREEMAIL reads its verdict on
// free mailboxes.
func TestGolden(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	checktest.Golden(t, c, sender.New(nil))
}
