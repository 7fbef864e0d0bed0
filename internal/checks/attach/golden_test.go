package attach

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them).
func TestGolden(t *testing.T) {
	checktest.GoldenExcept(t, map[string]string{
		// The test file would sit in the repository for any anti-virus
		// to find; eicar_test.go builds it in memory.
		"ATTACH_EICAR_TEST": "the EICAR file is not stored in the tree",
	}, Check{})
}
