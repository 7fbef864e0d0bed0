package logs

import (
	"sync"
	"testing"
)

// TestNewSignInConcurrent: goroutines carving sign-ins at once each get
// their own, zeroed.
func TestNewSignInConcurrent(t *testing.T) {
	const workers, each = 8, 5000
	got := make([][]*SignIn, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range each {
				s := NewSignIn()
				if s.User != "" || !s.Time.IsZero() {
					t.Error("not zeroed")
				}
				s.User = "taken"
				got[w] = append(got[w], s)
			}
		})
	}
	wg.Wait()
	seen := map[*SignIn]bool{}
	for _, l := range got {
		for _, s := range l {
			if seen[s] {
				t.Fatal("one sign-in handed out twice")
			}
			seen[s] = true
		}
	}
}

// TestInterner: interned strings are Str's, escapes decoded, repeats shared.
func TestInterner(t *testing.T) {
	var in Interner
	for _, raw := range []string{`"Office 365"`, `"Office 365"`, `"Off\u00efce"`, `"Off\u00efce"`, `""`, `null`, `42`, `{"a":1}`, `"a"b"`, "\"\xff\"", "\"\xff\"", `"` + string(make([]byte, 70)) + `"`} {
		if got, want := in.Str([]byte(raw)), Str([]byte(raw)); got != want {
			t.Errorf("Str(%q) = %q, want %q", raw, got, want)
		}
	}
}
