package forward

import (
	"testing"

	"vigie.dev/vigie/internal/checks/brand"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/layout"
	"vigie.dev/vigie/internal/checks/links"
	"vigie.dev/vigie/internal/checks/lure"
	"vigie.dev/vigie/internal/checks/sender"
	"vigie.dev/vigie/internal/scan"
)

// innerScanner judges the rebuilt original as engine does: the sender,
// brand, link, lure and layout families with their embedded data, at the
// catalogue's expert weights.
func innerScanner(t testing.TB) *scan.Scanner {
	t.Helper()
	families := contentFamilies(t)
	s := &scan.Scanner{Policy: InnerPolicy(), Catalogue: scan.MustCatalogue(families...), Timeout: checktest.ScanTimeout}
	for _, f := range families {
		s.Checks = append(s.Checks, f.Checks()...)
	}
	return s
}

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them). The sender and
// link families run first, as in the engine: whether a forward vouches
// for its original reads the sender's FROM_FREEMAIL, and what an original
// adds to its forward leaves out the links the forward's own link checks
// judged.
func TestGolden(t *testing.T) {
	lc, err := links.New(links.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checktest.Golden(t, &Check{Inner: innerScanner(t).Scan}, sender.New(nil), lc)
}

// A rebuilt original has no authentication to judge: the checks that fire
// on a sender's lack of it (a public body or brand claimed in a
// signature, an account
// notice counted only from a sender posing as someone, a message sent to
// its own sender) stay silent for it, and judge the same message when it
// is simply unauthenticated (the gateway read its results: neither SPF
// nor DMARC).
func TestRebuiltOriginalHasNoAuthenticationToJudge(t *testing.T) {
	raw := []byte("Authentication-Results: " + checktest.MX + "; spf=none smtp.mailfrom=service-exemple.fr; dkim=none; dmarc=none header.from=service-exemple.fr\r\n" +
		"Received: from mail.service-exemple.fr (mail.service-exemple.fr [198.51.100.40])\r\n\tby " + checktest.MX + " (Postfix) with ESMTP id 4Xf1; Tue, 12 Mar 2024 10:00:02 +0100 (CET)\r\n" +
		"From: Service <notices@service-exemple.fr>\r\nTo: notices@service-exemple.fr\r\nSubject: Activité inhabituelle\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nNous avons détecté une activité inhabituelle sur votre compte ; " +
		"nous vous demanderons de vérifier votre identité. Munissez-vous de votre carte Vitale.\r\n\r\nVotre caisse d'Assurance Maladie\r\n")
	s := innerScanner(t)
	silent := []string{"BRAND_MENTION_UNOFFICIAL", "INSTITUTION_UNAUTHENTICATED", "LURE_ACCOUNT_SUSPENSION", "LURE_VERIFY_IDENTITY", "FROM_EQUALS_TO"}
	read := innerScanner(t)
	read.Auth = checktest.Auth
	plain := read.Scan(t.Context(), raw, scan.Envelope{})
	rebuilt := s.Scan(t.Context(), raw, scan.Envelope{Rebuilt: true})
	for _, name := range silent {
		if !plain.Has(name) {
			t.Errorf("%s: not raised for the unauthenticated message", name)
		}
		if rebuilt.Has(name) {
			t.Errorf("%s: raised for the rebuilt original", name)
		}
	}
}

// contentFamilies are the families a forward's original is judged by:
// sender, brand, link, lure and layout, with their embedded data.
func contentFamilies(t testing.TB) []scan.Family {
	t.Helper()
	bc, err := brand.New(brand.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lc, err := links.New(links.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lu, err := lure.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return []scan.Family{sender.New(nil), bc, lc, lu, layout.Check{}}
}
