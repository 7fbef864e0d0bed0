package textmatch

import "testing"

// Letters past the fold table are folded as fold does, and a text of
// them is read without an allocation per letter once they were met.
func TestFoldPastTheTable(t *testing.T) {
	for _, c := range []struct {
		r    rune
		want string
	}{
		{'Ａ', "a"},       // full-width, decomposed to its base
		{'𝕀', "i"},       // mathematical double-struck
		{'請', "請"},       // CJK: itself
		{'ア', "ア"},       // katakana: itself
		{'ﬁ', "f"},       // ligature: its first base letter
		{'Ω', fold('Ω')}, // below the table: unchanged path
	} {
		for range 2 { // computed, then cached
			if got := Fold(c.r); got != c.want {
				t.Errorf("Fold(%q) = %q, want %q", c.r, got, c.want)
			}
		}
	}
	d := New[int]()
	d.Add("請求書", 1)
	text := "【重要】請求書のご確認 ＵＲＧＥＮＴ"
	d.Find(text, 0, func(int) bool { return true })
	if n := testing.AllocsPerRun(50, func() { d.Find(text, 0, func(int) bool { return true }) }); n != 0 {
		t.Errorf("Find on CJK and full-width letters: %.0f allocations, want 0", n)
	}
}

// Scans run in parallel: the cache is read and filled from many
// goroutines (go test -race).
func TestFoldCacheConcurrent(t *testing.T) {
	done := make(chan bool)
	for g := range 4 {
		go func() {
			for r := rune(0x4E00 + g*100); r < rune(0x4E00+g*100+300); r++ {
				if got := Fold(r); got != fold(r) {
					t.Errorf("Fold(%q) = %q, want %q", r, got, fold(r))
				}
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
}
