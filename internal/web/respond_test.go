package web

import (
	"errors"
	"net/http"
	"testing"

	"vigie.dev/vigie/internal/quarantine"
)

// A release the deliverer refused or that came back into the quarantine
// is explained as the command line explains it; a next hop's failure
// still says to try again.
func TestExplainRelease(t *testing.T) {
	de := func(err error) error { return &quarantine.DeliveryError{ID: "q1", Err: err} }
	tests := []struct {
		err    error
		lang   string
		status int
		want   string
	}{
		{de(&quarantine.RequarantinedError{IDs: []string{"q2"}}), "fr", http.StatusConflict,
			"Message non libéré : revenu en quarantaine sous q2 (la réinjection est repassée par un filtre qui ne reconnaît pas la libération : vérifiez serve.quarantine.release_to et que tous les nœuds partagent la base)."},
		{de(quarantine.ErrTruncated), "en", http.StatusConflict,
			"Message not released: Vigie kept only the scanned part of this oversize message; release Postfix's copy (postsuper -H)."},
		{de(errors.New("connection refused")), "fr", http.StatusBadGateway,
			"Le serveur de messagerie suivant n'a pas accepté le message (connection refused). Le message reste en quarantaine : réessayez quand ce serveur répondra."},
	}
	for _, tt := range tests {
		if status, msg := explain(tt.err, tt.lang); status != tt.status || msg != tt.want {
			t.Errorf("%v: %d %q, want %d %q", tt.err, status, msg, tt.status, tt.want)
		}
	}
}
