package hunt

import (
	"context"
	"testing"
	"time"

	"vigie.dev/vigie/internal/hunt/gen"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
)

// TestSinceKeepsOnlyTheHunt: with --since, sign-ins well before it are summed
// into the baseline instead of kept, and the compromise is found the same.
func TestSinceKeepsOnlyTheHunt(t *testing.T) {
	dir := t.TempDir()
	plan, err := gen.Write(dir, gen.Config{Seed: 42, Attack: true})
	if err != nil {
		t.Fatal(err)
	}
	since := plan.AttackTime.Add(-36 * time.Hour)
	set := NewSet()
	set.Add(plan.AttackerIP.String())
	h := New(Config{Since: since}, set, gen.Geo(), nil)
	if _, err := ingest.Read(context.Background(), []string{dir}, ingest.Config{Options: logs.Options{Year: 2025}}, h.Observe); err != nil {
		t.Fatal(err)
	}
	kept, summed := 0, 0
	for _, p := range h.principals {
		for _, s := range p.list {
			if s.t < since.Add(-keepWindow).UnixMilli() {
				t.Fatalf("%s: sign-in of %s kept", p.name, s.time())
			}
			kept++
		}
		if p.base != nil {
			summed += p.base.n
		}
	}
	if summed == 0 || kept == 0 || kept > summed/2 { // the last five days of 21 are kept
		t.Errorf("%d sign-ins kept, %d summed", kept, summed)
	}
	got := map[string]bool{}
	for _, f := range h.Findings() {
		got[f.ID] = true
	}
	for _, id := range []string{NewCountry, NewASN, ImpossibleTravel, UnusualHour, SignInIOCIP, InboxRuleForward} {
		if !got[id] {
			t.Errorf("missing %s in %v", id, got)
		}
	}
}
