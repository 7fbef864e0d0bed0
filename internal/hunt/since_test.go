package hunt

import (
	"context"
	"reflect"
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
	summed := 0
	for _, p := range h.people {
		if p.base != nil {
			summed += p.base.n
		}
	}
	// Sign-ins are kept as they come, or folded into the last one, or summed.
	kept := int(h.signins.kept) + len(h.anon)
	for _, a := range h.accts {
		if a.hasOpen {
			kept++
		}
	}
	var early int
	h.signins.each(func(s *signIn) {
		if s.t < since.Add(-keepWindow).UnixMilli() {
			early++
		}
	})
	if early > 0 {
		t.Fatalf("%d sign-ins before %s kept", early, since.Add(-keepWindow))
	}
	if summed == 0 || kept == 0 || kept > summed/2 { // the last five days of 21 are kept
		t.Errorf("%d sign-ins kept, %d summed", kept, summed)
	}
	// The store was read: hunt again for the findings.
	h = New(Config{Since: since}, set, gen.Geo(), nil)
	if _, err := ingest.Read(context.Background(), []string{dir}, ingest.Config{Options: logs.Options{Year: 2025}}, h.Observe); err != nil {
		t.Fatal(err)
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

// TestSpillSameFindings: sign-ins written out to temporary runs and merged
// back give the findings kept in memory give, out-of-order files included.
func TestSpillSameFindings(t *testing.T) {
	dir := t.TempDir()
	plan, err := gen.Write(dir, gen.Config{Seed: 7, Attack: true})
	if err != nil {
		t.Fatal(err)
	}
	hunt := func() ([]Finding, *Hunter) {
		set := NewSet()
		set.Add(plan.AttackerIP.String())
		h := New(Config{}, set, gen.Geo(), nil)
		// The directory twice, the second time after the first: every sign-in
		// comes again, weeks out of order.
		if _, err := ingest.Read(context.Background(), []string{dir, dir}, ingest.Config{Options: logs.Options{Year: 2025}}, h.Observe); err != nil {
			t.Fatal(err)
		}
		return h.Findings(), h
	}
	want, h := hunt()
	if h.signins.spills != 0 || len(want) == 0 {
		t.Fatalf("%d runs, %d findings", h.signins.spills, len(want))
	}
	defer func(n int) { spillAt = n }(spillAt)
	spillAt = 100
	got, h := hunt()
	if h.signins.spills < 10 {
		t.Fatalf("only %d runs written", h.signins.spills)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spilled: %d findings, in memory: %d", len(got), len(want))
	}
}
