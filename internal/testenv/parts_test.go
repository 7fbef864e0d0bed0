package testenv

import "testing"

// Outside CI a missing peer skips the test; present files let it run.
func TestRequireFiles(t *testing.T) {
	t.Setenv("CI", "")
	var ran bool
	t.Run("missing", func(t *testing.T) {
		RequireFiles(t, "test", "", "/nonexistent/vigie-peer")
		ran = true
	})
	if ran {
		t.Error("the test went on without its peer")
	}
	t.Run("present", func(t *testing.T) {
		RequireFiles(t, "test", "", "/")
		ran = true
	})
	if !ran {
		t.Error("the test was stopped although its peer is there")
	}
}
