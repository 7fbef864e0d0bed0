package ioc

import "testing"

// Len counts indicators added one call at a time, and those replaced or removed.
func TestLenAcrossApplies(t *testing.T) {
	m := NewMatcher(MatcherOptions{})
	m.Replace([]Indicator{{ID: 1, Kind: KindDomain, Value: "a.example", Mode: Block}})
	m.Apply([]Indicator{{ID: 2, Kind: KindDomain, Value: "b.example", Mode: Block}})
	m.Apply([]Indicator{{ID: 3, Kind: KindDomain, Value: "c.example", Mode: Block}})
	if m.Len() != 3 {
		t.Fatalf("Len = %d after three adds, want 3", m.Len())
	}
	m.Apply([]Indicator{{ID: 1, Kind: KindDomain, Value: "a.example", Mode: Watch}})
	if m.Len() != 3 {
		t.Errorf("Len = %d after an update, want 3", m.Len())
	}
	removed := Indicator{ID: 2, Kind: KindDomain, Value: "b.example", Mode: Block}
	removed.RemovedAt = removed.CreatedAt.AddDate(2000, 0, 0)
	m.Apply([]Indicator{removed})
	if m.Len() != 2 {
		t.Errorf("Len = %d after a removal, want 2", m.Len())
	}
}
