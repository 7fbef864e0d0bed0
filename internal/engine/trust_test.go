package engine

import (
	"testing"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/weights"
)

// Only the reviewed trust signals may lower a score, in the catalogue as in
// the learned model; a learned weight never changes a signal's sign.
func TestOnlyReviewedSignalsLowerTheScore(t *testing.T) {
	trust := map[string]bool{}
	for _, n := range weights.DefaultTrust {
		trust[n] = true
	}
	m, err := weights.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range scan.Signals.All() {
		if d.Weight < 0 && !trust[d.Name] {
			t.Errorf("%s weighs %g but is not on weights.DefaultTrust", d.Name, d.Weight)
		}
		if w, ok := m.Weights[d.Name]; ok && (w < 0 && !trust[d.Name] || w > 0 && d.Weight <= 0) {
			t.Errorf("%s: learned weight %g against expert weight %g", d.Name, w, d.Weight)
		}
	}
}

// A stored message's "Return-Path: <>" is the null reverse path, not an
// unknown envelope: the sender family judges it.
func TestNullReturnPathIsTheNullSender(t *testing.T) {
	s, err := New(gatewayConfig(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw := msg("Return-Path: <>\nFrom: \"Total AV\" <reply@antivirus-exemple.com>\nTo: agent@example-hopital.fr\nSubject: Votre appareil est infecte\nDate: Sat, 08 Mar 2025 11:11:27 +0000\nMessage-ID: <n1@antivirus-exemple.com>\nContent-Type: text/html",
		"<p>Renouvelez votre protection.</p>")
	v := s.Scan(t.Context(), raw, scan.Envelope{})
	if v.Envelope.MailFrom != scan.NullSender || !v.Has("ENVELOPE_NULL_SENDER") {
		t.Errorf("mail from %q, signals %v", v.Envelope.MailFrom, names(v))
	}
}
