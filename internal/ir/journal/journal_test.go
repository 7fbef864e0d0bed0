package journal

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func chain(t *testing.T, id int64, n int) []Entry {
	t.Helper()
	base := time.Date(2024, 3, 12, 8, 30, 0, 0, time.UTC)
	var out []Entry
	var prev *Entry
	for i := range n {
		e, err := Seal(id, prev, Draft{
			Author: "alice", Kind: Kinds[i%len(Kinds)], Text: "entrée " + string(rune('A'+i)),
			Accounts: []string{"compta@example-hopital.fr"},
		}, base.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
		prev = &out[len(out)-1]
	}
	return out
}

func TestVerify(t *testing.T) {
	const id = 7
	tests := []struct {
		name    string
		mutate  func(es []Entry, h *Head) []Entry
		wantSeq int64 // 0: valid
	}{
		{"intact", func(es []Entry, _ *Head) []Entry { return es }, 0},
		{"edited text", func(es []Entry, _ *Head) []Entry { es[2].Text = "rien vu"; return es }, 3},
		{"edited author", func(es []Entry, _ *Head) []Entry { es[0].Author = "mallory"; return es }, 1},
		{"edited account", func(es []Entry, _ *Head) []Entry { es[1].Accounts = nil; return es }, 2},
		{"edited time", func(es []Entry, _ *Head) []Entry { es[3].At = es[3].At.Add(time.Second); return es }, 4},
		{"edited and rehashed", func(es []Entry, _ *Head) []Entry {
			es[1].Text = "autre chose"
			es[1].Hash = es[1].Sum()
			return es
		}, 3},
		{"middle deleted", func(es []Entry, _ *Head) []Entry { return append(es[:2], es[3:]...) }, 3},
		{"last deleted", func(es []Entry, _ *Head) []Entry { return es[:4] }, 5},
		{"last deleted, head rewritten without rehash", func(es []Entry, h *Head) []Entry { h.Seq = 4; return es[:4] }, 4},
		{"swapped", func(es []Entry, _ *Head) []Entry { es[1], es[2] = es[2], es[1]; return es }, 2},
		{"inserted", func(es []Entry, _ *Head) []Entry {
			fake := es[1]
			fake.Text = "ajout"
			fake.Hash = fake.Sum()
			return append(es[:2], append([]Entry{fake}, es[2:]...)...)
		}, 3},
		{"from another incident", func(es []Entry, _ *Head) []Entry { return chain(t, 8, 5) }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := chain(t, id, 5)
			h := es[len(es)-1].Head()
			es = tt.mutate(es, &h)
			err := Verify(id, es, Check{Head: h})
			if tt.wantSeq == 0 {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			var ce *ChainError
			if !errors.As(err, &ce) {
				t.Fatalf("Verify = %v, want a ChainError", err)
			}
			if ce.Seq != tt.wantSeq {
				t.Errorf("Verify names entry %d, want %d (%v)", ce.Seq, tt.wantSeq, err)
			}
		})
	}
}

func TestVerifyEmpty(t *testing.T) {
	if err := Verify(1, nil, Check{}); err != nil {
		t.Fatal(err)
	}
	if err := Verify(1, nil, Check{Head: Head{Seq: 2, Hash: "x"}}); err == nil {
		t.Fatal("empty journal with a head of 2 verified")
	}
}

func TestSeal(t *testing.T) {
	now := time.Date(2024, 3, 12, 8, 30, 0, 123456789, time.UTC)
	first, err := Seal(3, nil, Draft{Author: "bob", Text: "ouverture", Machines: []string{" pc-12 ", ""}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if first.Seq != 1 || first.Prev != Genesis(3) || first.Kind != Action || first.At.Nanosecond() != 123000000 {
		t.Errorf("first = %+v", first)
	}
	if len(first.Machines) != 1 || first.Machines[0] != "pc-12" {
		t.Errorf("machines = %q", first.Machines)
	}
	// An event dated an hour ago keeps its own time; the record time is
	// the clock's, and the text is left as written.
	back, err := Seal(3, &first, Draft{Author: "bob", Text: "antidaté", EventAt: now.Add(-time.Hour)}, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !back.EventAt.Equal(now.Add(-time.Hour).Truncate(time.Millisecond)) || !back.At.After(first.At) || back.Text != "antidaté" {
		t.Errorf("back-dated entry = %+v", back)
	}
	// A clock that steps back does not break the order.
	stepped, err := Seal(3, &back, Draft{Author: "bob", Text: "horloge"}, now)
	if err != nil || !stepped.At.Equal(back.At) {
		t.Errorf("clock step back: %+v, %v", stepped, err)
	}
	// A typo in the year is refused, a small skew is not.
	if _, err := Seal(3, &first, Draft{Author: "bob", Text: "futur", EventAt: now.AddDate(1, 0, 0)}, now); err == nil {
		t.Error("an event a year ahead was accepted")
	} else if fe := (*FutureError)(nil); !errors.As(err, &fe) || !strings.Contains(fe.FR(), "futur") {
		t.Errorf("future error = %v", err)
	}
	if _, err := Seal(3, &first, Draft{Author: "bob", Text: "décalage", EventAt: now.Add(time.Minute)}, now); err != nil {
		t.Errorf("a one-minute clock skew was refused: %v", err)
	}
	for _, d := range []Draft{{Author: "bob"}, {Text: "x"}, {Author: "a", Text: "x", Kind: "rumour"}} {
		if _, err := Seal(3, nil, d, now); err == nil {
			t.Errorf("Seal(%+v) succeeded", d)
		}
	}
}

func TestCanonicalUnambiguous(t *testing.T) {
	a := Entry{IncidentID: 1, Seq: 1, Author: "ab", Text: "c"}
	b := Entry{IncidentID: 1, Seq: 1, Author: "a", Text: "bc"}
	c := Entry{IncidentID: 1, Seq: 1, Accounts: []string{"x", "y"}}
	d := Entry{IncidentID: 1, Seq: 1, Accounts: []string{"x"}, Machines: []string{"y"}}
	if a.Sum() == b.Sum() || c.Sum() == d.Sum() {
		t.Fatal("two different entries share a canonical encoding")
	}
}

func TestFormatTime(t *testing.T) {
	got := FormatTime(time.Date(2024, 3, 12, 8, 14, 2, 0, time.UTC))
	if got != "2024-03-12 08:14:02Z (09:14 CET)" {
		t.Errorf("FormatTime = %q", got)
	}
	got = FormatTime(time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC))
	if got != "2024-07-01 08:00:00Z (10:00 CEST)" {
		t.Errorf("FormatTime (summer) = %q", got)
	}
}
