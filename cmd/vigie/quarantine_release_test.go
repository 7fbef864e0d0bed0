package main

import (
	"errors"
	"testing"

	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/quarantine"
)

// What vigie quarantine release prints for a release that did not happen.
func TestReleaseFailure(t *testing.T) {
	de := func(err error) error { return &quarantine.DeliveryError{ID: "q1", Err: err} }
	tests := []struct {
		lang string
		err  error
		want string
	}{
		{"fr", de(&release.RequarantinedError{IDs: []string{"q2"}}), "q1 : NON libéré — revenu en quarantaine sous q2 (la réinjection est repassée par un filtre qui ne reconnaît pas la libération : vérifiez serve.quarantine.release_to et que tous les nœuds partagent la base)"},
		{"en", de(release.ErrPostfixCopyGone), "q1: NOT released — Postfix's copy left its hold queue (released with postsuper -H, or deleted); to deliver Vigie's copy anyway: --force"},
		{"fr", de(release.ErrPostfixCopyGone), "q1 : NON libéré — la copie de Postfix a quitté sa file hold (libérée par postsuper -H ou supprimée) ; pour remettre quand même la copie de Vigie : --force"},
		{"fr", de(release.ErrTruncated), "q1 : NON libéré — Vigie n'a gardé que la partie analysée de ce message trop grand ; libérez la copie de Postfix (postsuper -H)"},
		{"en", &quarantine.BusyError{By: "alice"}, "q1: NOT released — being released by alice (another console or node); still held until that succeeds"},
		{"fr", de(errors.New("451 4.3.0 try later")), "q1 : NON libéré — échec de la remise, toujours retenu : 451 4.3.0 try later"},
	}
	for _, tt := range tests {
		if got := releaseFailure(tt.lang, "q1", tt.err); got != tt.want {
			t.Errorf("%v:\n got %s\nwant %s", tt.err, got, tt.want)
		}
	}
}
