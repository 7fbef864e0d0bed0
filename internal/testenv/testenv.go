// Package testenv tells tests about the conditions they run under, so that
// a test measuring speed can step aside where its figure would mean nothing
// (under the race detector every memory access is instrumented, and code
// runs five to ten times slower), and a test talking to a real peer that
// cannot run here is skipped on a developer's machine but fails under
// CI=true (Unavailable, RequireFiles).
//
// scripts/test.sh runs the whole suite with -race, then runs the timing
// tests (names ending in AtScale or Budget) again without it; run them by
// hand with:
//
//	go test -count=1 -run 'AtScale|Budget' ./...
package testenv

import "testing"

// SkipTimingUnderRace skips a test whose assertions are wall-clock or CPU
// budgets when the binary was built with -race.
func SkipTimingUnderRace(t testing.TB) {
	t.Helper()
	if RaceEnabled {
		t.Skip("timing budget: meaningless under -race; scripts/test.sh runs it without -race")
	}
}
