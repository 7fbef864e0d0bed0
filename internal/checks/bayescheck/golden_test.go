package bayescheck_test

import (
	"testing"

	"vigie.dev/vigie/internal/checks/bayescheck"
	"vigie.dev/vigie/internal/checks/checktest"
)

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them), with a model that
// learned a small site's mail (model).
func TestGolden(t *testing.T) {
	checktest.Golden(t, &bayescheck.Check{Model: model(t, 10, 20)})
}
