package anomaly

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them).
func TestGolden(t *testing.T) {
	checktest.Golden(t, New())
}
