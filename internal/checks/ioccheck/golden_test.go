package ioccheck

import (
	"testing"
	"time"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/ioc"
)

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them), against an
// indicator store holding a blocked domain, a watched host and a blocked
// address.
func TestGolden(t *testing.T) {
	now := time.Date(2024, 3, 12, 12, 0, 0, 0, time.UTC)
	m := ioc.NewMatcher(ioc.MatcherOptions{Now: func() time.Time { return now }})
	m.Replace([]ioc.Indicator{
		{ID: 1, Kind: ioc.KindDomain, Value: "weebly.example", Mode: ioc.Block},
		{ID: 2, Kind: ioc.KindDomain, Value: "campagne-suivie.example", Mode: ioc.Watch},
		{ID: 3, Kind: ioc.KindIP, Value: "192.0.2.99", Mode: ioc.Block},
	})
	checktest.Golden(t, &Check{M: m})
}
