package engine

import (
	"path/filepath"
	"slices"
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

// campaignScanner is the hospital's scanner as the lure golden messages
// reach it: their VIP is Claire Dubois, and they were delivered by the
// checks' test MX.
func campaignScanner(t *testing.T) *scan.Scanner {
	t.Helper()
	c := gatewayConfig(t)
	c.Org.VIPs = []string{"Claire Dubois"}
	c.Trust.Relays = append(c.Trust.Relays, checktest.MX)
	c.Trust.AuthServIDs = append(c.Trust.AuthServIDs, checktest.MX)
	s, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The campaigns of the last years, written as they arrive (not taken from
// the evaluation corpus) and kept as golden messages of the check families
// that read them: the French campaign families that
// Cybermalveillance.gouv.fr documented and the Chorus Pro scenario of the
// fiche are held in quarantine or refused, the advance-fee letters from
// free mailboxes at least tagged.
func TestCampaignsAreCaught(t *testing.T) {
	s := campaignScanner(t)
	for _, g := range []struct {
		pattern string
		min     scan.Action
		n       int
	}{
		{"../checks/lure/testdata/*-campaign-*.eml", scan.Quarantine, 21},
		{"../checks/lure/testdata/*-chorus-pro-campaign.eml", scan.Quarantine, 1},
		{"../checks/lure/testdata/*-advancefee-*.eml", scan.Tag, 5},
		// The survey-for-a-gift lure in a shop's name the brand catalogue
		// does not know (152 and 153 name catalogued brands and are
		// campaigns): the mystery box alone, from its own authenticated
		// domain, is tagged.
		{"../checks/lure/testdata/*-survey-gift-*.eml", scan.Tag, 1},
		// The first message of CEO and gift-card fraud in a director's
		// name on a free mailbox, or with replies sent elsewhere. The
		// same opener from a free mailbox in no one's name in particular
		// (*-bec-freemail-only-*) raises LURE_BEC_OPENER but stays under
		// the tag threshold on its own: a friend's "es-tu disponible ?"
		// from Gmail says the same words.
		{"../checks/lure/testdata/*-bec-opener-*.eml", scan.Quarantine, 5},
	} {
		files, _ := filepath.Glob(g.pattern)
		if len(files) != g.n {
			t.Fatalf("%s: %d golden messages, want %d", g.pattern, len(files), g.n)
		}
		for _, f := range files {
			if v := scanLogged(t, s, f); v.Action.Rank() < g.min.Rank() {
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
	acceptedWithout(t, "*-account-notice-genuine-*.eml", 5,
		"LURE_ACCOUNT_SUSPENSION", "LURE_VERIFY_IDENTITY", "LURE_PASSWORD_EXPIRY")
}

// The words of the CEO-fraud opener are everyday mail: a colleague's "tu
// es dispo pour un point ?" from the organisation's authenticated domain,
// a supplier's "are you available for a call next week?" from its own.
// Neither raises LURE_BEC_OPENER, and both are accepted.
func TestGenuineAvailabilityRequestsAreAccepted(t *testing.T) {
	acceptedWithout(t, "*-bec-genuine-*.eml", 2, "LURE_BEC_OPENER")
}

// acceptedWithout scans the n lure golden messages matching pattern (the
// organisation's VIP is Claire Dubois, as for the campaigns) and requires
// each to be accepted without any of the signals named.
func acceptedWithout(t *testing.T, pattern string, n int, forbidden ...string) {
	t.Helper()
	s := campaignScanner(t)
	files, _ := filepath.Glob(filepath.Join("../checks/lure/testdata", pattern))
	if len(files) != n {
		t.Fatalf("%s: %d golden messages, want %d", pattern, len(files), n)
	}
	for _, f := range files {
		v := scanLogged(t, s, f)
		if v.Action != scan.Accept {
			t.Errorf("%s: %s (%.2f) %s", filepath.Base(f), v.Action, v.Score, weighted(v))
		}
		for _, sig := range v.Signals {
			if slices.Contains(forbidden, sig.Name) {
				t.Errorf("%s: %s from the sender's own authenticated domain", filepath.Base(f), sig.Name)
			}
		}
	}
}
