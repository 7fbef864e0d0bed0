package engine

import (
	"os"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// A phishing message forwarded from a free mailbox carries its forwarder's
// genuine authentication; the original, rebuilt from the forward's header
// block, is what gets judged (internal/checks/forward).
func TestForwardedPhishingIsJudged(t *testing.T) {
	s, err := New(gatewayConfig(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw := campaign("mail-oi1-f171.google.com", "spf=pass smtp.mailfrom=gmail.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com",
		`From: Paul Girard <paul.girard.1962@gmail.com>
Subject: TR: Votre mot de passe expire aujourd'hui`,
		`<p>Regarde ce que j'ai reçu, c'est sérieux ?</p>
<p>De : Microsoft 365 &lt;it-support@m365-securite-exemple.com&gt;<br>
Envoyé : mardi 19 mars 2024 08:02<br>
À : Paul Girard &lt;paul.girard.1962@gmail.com&gt;<br>
Objet : Votre mot de passe expire aujourd'hui</p>
<p>Le mot de passe de votre compte expire aujourd'hui. <a href="https://login-m365-portail.firebaseapp.com/">Conserver le même mot de passe</a></p>`)
	v := s.Scan(t.Context(), raw, scan.Envelope{})
	if !v.Has("FORWARDED_PHISH") || v.Action.Rank() < scan.Tag.Rank() {
		t.Errorf("%s (%.1f) %v", v.Action, v.Score, names(v))
	}
}

// A phisher on a free mailbox can type a forward's header block naming any
// sender ("De : Doctolib <no-reply@doctolib.fr>") under "TR:": the outer
// message's lure checks then read only the words above the block, and
// the original must be judged on its own — its links lead away from the
// sender it names, so its account notice counts — and hold the forward.
// A relative's forward of the genuine notice, whose link is Doctolib's
// own, is accepted.
func TestFakeForwardIsJudgedByItsOriginal(t *testing.T) {
	s := campaignScanner(t)
	for f, held := range map[string]bool{
		"18-fake-forward-of-a-credential-phish-from-a-free-mailbox.eml": true,
		"19-relative-forward-of-a-genuine-doctolib-notice.eml":          false,
	} {
		raw, err := os.ReadFile("../checks/forward/testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(t.Context(), raw, scan.Envelope{})
		t.Logf("%s: %s (%.2f) %v", f, v.Action, v.Score, names(v))
		if got := v.Has("FORWARDED_PHISH") && v.Action.Rank() >= scan.Quarantine.Rank(); got != held {
			t.Errorf("%s: %s (%.2f) %v, want held %v", f, v.Action, v.Score, names(v), held)
		}
		if !held && v.Action != scan.Accept {
			t.Errorf("%s: %s (%.2f) %v", f, v.Action, v.Score, names(v))
		}
	}
}

// A phishing message sent inside an attached .eml, and one a partner
// forwards as attachment, are judged as messages of their own: the
// carrier is at least tagged, whatever its sender's authentication.
func TestAttachedPhishingIsJudged(t *testing.T) {
	s := campaignScanner(t)
	for _, f := range []string{"13-phishing-in-an-attached-eml.eml", "17-outlook-forward-as-attachment-of-a-phish.eml"} {
		raw, err := os.ReadFile("../checks/forward/testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(t.Context(), raw, scan.Envelope{})
		if !v.Has("ATTACHED_MESSAGE_PHISH") || v.Action.Rank() < scan.Tag.Rank() {
			t.Errorf("%s: %s (%.1f) %v", f, v.Action, v.Score, names(v))
		}
		t.Logf("%s: %s (%.1f) %v", f, v.Action, v.Score, names(v))
	}
}
