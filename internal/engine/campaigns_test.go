package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/scan"
)

// campaign builds a message as it reaches the hospital's MX: one hop from
// an outside host, with the MX's Authentication-Results.
func campaign(client, authres, headers, body string) []byte {
	h := "Return-Path: <bounce@" + client + ">\n" +
		"Authentication-Results: mx.example-hopital.fr; " + authres + "\n" +
		"Received: from " + client + " (" + client + " [198.51.100.23])\n" +
		"\tby mx.example-hopital.fr (Postfix) with ESMTP id 4Xc9; Wed, 20 Mar 2024 10:02:11 +0100 (CET)\n" +
		"To: agent@example-hopital.fr\nDate: Wed, 20 Mar 2024 10:02:09 +0100\nMessage-ID: <c1@" + client + ">\n" +
		strings.TrimSpace(headers) + "\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8"
	return msg(h, body)
}

// The campaigns of the last years, written as they arrive (not taken from
// the evaluation corpus) and kept as golden messages of the check families
// that read them: the French campaign families that
// Cybermalveillance.gouv.fr documented and the Chorus Pro scenario of the
// fiche are held in quarantine or refused, the advance-fee letters from
// free mailboxes at least tagged.
func TestCampaignsAreCaught(t *testing.T) {
	c := gatewayConfig(t)
	c.Org.VIPs = []string{"Claire Dubois"}
	// The golden messages were delivered by the checks' test MX.
	c.Trust.Relays = append(c.Trust.Relays, checktest.MX)
	c.Trust.AuthServIDs = append(c.Trust.AuthServIDs, checktest.MX)
	s, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		pattern string
		min     scan.Action
		n       int
	}{
		{"../checks/lure/testdata/*-campaign-*.eml", scan.Quarantine, 14},
		{"../checks/lure/testdata/*-chorus-pro-campaign.eml", scan.Quarantine, 1},
		{"../checks/lure/testdata/*-advancefee-*.eml", scan.Tag, 4},
	} {
		files, _ := filepath.Glob(g.pattern)
		if len(files) != g.n {
			t.Fatalf("%s: %d golden messages, want %d", g.pattern, len(files), g.n)
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			v := s.Scan(t.Context(), raw, scan.Envelope{})
			if v.Action.Rank() < g.min.Rank() {
				t.Errorf("%s: %s (%.1f), want at least %s; signals %v", filepath.Base(f), v.Action, v.Score, g.min, names(v))
			}
		}
	}
}

// The genuine account notice says what its phishing copy says ("unusual
// sign-in activity", "confirm your identity", "votre mot de passe a
// expiré", "quota de messagerie"): the brand's own notice from its
// authenticated domain and the IT department's from the organisation's
// are accepted without any account-notice lure, while the copies in a
// brand's name from another domain, or from a free mailbox, are held
// (TestCampaignsAreCaught: lure testdata 92, 93, 96, 97).
func TestGenuineAccountNoticesAreAccepted(t *testing.T) {
	c := gatewayConfig(t)
	c.Trust.Relays = append(c.Trust.Relays, checktest.MX)
	c.Trust.AuthServIDs = append(c.Trust.AuthServIDs, checktest.MX)
	s, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../checks/lure/testdata/*-account-notice-genuine-*.eml")
	if len(files) != 2 {
		t.Fatalf("%d genuine account notices, want 2", len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(t.Context(), raw, scan.Envelope{})
		t.Logf("%5.2f %-7s %s %s", v.Score, v.Action, filepath.Base(f), weighted(v))
		if v.Action != scan.Accept {
			t.Errorf("%s: %s (%.2f) %s", filepath.Base(f), v.Action, v.Score, weighted(v))
		}
		for _, sig := range v.Signals {
			switch sig.Name {
			case "LURE_ACCOUNT_SUSPENSION", "LURE_VERIFY_IDENTITY", "LURE_PASSWORD_EXPIRY":
				t.Errorf("%s: %s from the sender's own authenticated domain", filepath.Base(f), sig.Name)
			}
		}
	}
}
