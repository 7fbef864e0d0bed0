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
	for _, d := range defaultScanner(t).Catalogue.All() {
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

// At the gateway the recipients are the envelope's: a newsletter that
// writes its own address in To and sends in blind copy is not "from the
// recipient", and a bulk sender writing the real recipient into the
// subject under "undisclosed recipients" is seen.
func TestRecipientsAreTheEnvelopes(t *testing.T) {
	s, err := New(gatewayConfig(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	letter := msg("From: Lettre <lettre@fournisseur-exemple.fr>\nTo: lettre@fournisseur-exemple.fr\nSubject: Nouveautés de mars\nDate: Tue, 12 Mar 2024 09:14:01 +0100\nMessage-ID: <n2@fournisseur-exemple.fr>\nContent-Type: text/plain", "Bonjour.")
	if v := s.Scan(t.Context(), letter, scan.Envelope{RcptTo: []string{"agent@example-hopital.fr"}}); v.Has("FROM_EQUALS_TO") {
		t.Errorf("newsletter in blind copy: %v", names(v))
	}
	self := msg("From: agent@example-hopital.fr\nTo: agent@example-hopital.fr\nSubject: Facture\nDate: Tue, 12 Mar 2024 09:14:01 +0100\nMessage-ID: <n3@x.example>\nContent-Type: text/plain", "Voir la facture.")
	if v := s.Scan(t.Context(), self, scan.Envelope{RcptTo: []string{"agent@example-hopital.fr"}}); !v.Has("FROM_EQUALS_TO") {
		t.Errorf("self-addressed: %v", names(v))
	}
	bcc := msg("From: Score <QTYbV@score-exemple.com>\nTo: Undisclosed recipients:;\nSubject: agent@example-hopital.fr, your credit score is updated\nDate: Mon, 03 Mar 2025 15:23:44 +0100\nMessage-ID: <n4@score-exemple.com>\nContent-Type: text/plain", "Welcome.")
	if v := s.Scan(t.Context(), bcc, scan.Envelope{RcptTo: []string{"<agent@example-hopital.fr>"}}); !v.Has("RECIPIENT_IN_SUBJECT") {
		t.Errorf("recipient in subject: %v", names(v))
	}
}
