package quarantine_test

import (
	"errors"
	"fmt"
	"testing"

	"vigie.dev/vigie/internal/quarantine"
)

// The deliverer's refusals are explained in both languages, also when the
// quarantine wraps them; any other error is not one.
func TestReleaseRefusal(t *testing.T) {
	wrap := func(err error) error {
		return &quarantine.DeliveryError{ID: "q1", Err: fmt.Errorf("next hop: %w", err)}
	}
	tests := []struct {
		err    error
		lang   string
		want   string
		refuse bool
	}{
		{wrap(&quarantine.RequarantinedError{IDs: []string{"q2", "q3"}}), "fr", "revenu en quarantaine sous q2, q3 (la réinjection est repassée par un filtre qui ne reconnaît pas la libération : vérifiez serve.quarantine.release_to et que tous les nœuds partagent la base)", true},
		{wrap(&quarantine.RequarantinedError{IDs: []string{"q2"}}), "en", "it came back into the quarantine as q2 (the re-injection went through a filter that did not honour the release: check serve.quarantine.release_to and that every node shares the database)", true},
		{wrap(quarantine.ErrPostfixCopyGone), "fr", "la copie de Postfix a quitté sa file hold (libérée par postsuper -H ou supprimée)", true},
		{quarantine.ErrTruncated, "en", "Vigie kept only the scanned part of this oversize message; release Postfix's copy (postsuper -H)", true},
		{wrap(errors.New("dial tcp 127.0.0.1:25: connection refused")), "fr", "", false},
		{quarantine.ErrNotHeld, "fr", "", false},
	}
	for _, tt := range tests {
		got, ok := quarantine.ReleaseRefusal(tt.lang, tt.err)
		if ok != tt.refuse || got != tt.want {
			t.Errorf("%v (%s): %q %v, want %q %v", tt.err, tt.lang, got, ok, tt.want, tt.refuse)
		}
	}
}
