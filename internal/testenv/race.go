//go:build race

package testenv

// RaceEnabled is true when the race detector is compiled in.
const RaceEnabled = true
