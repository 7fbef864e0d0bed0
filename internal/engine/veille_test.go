package engine

import (
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// The professional press, official alerts and sector newsletters a
// hospital's or public body's staff subscribe to (testdata/veille/README.md,
// each shape with its source): the health and local-government press, the
// official journal's and the registries' alerts, the health agencies'
// newsletters and safety alerts, the CERT-FR's advisories and the
// Cybermalveillance letter, which quote phishing lures and say "mettez à
// jour", the public-sector software vendors' maintenance notices, webinar
// invitations and the training bodies' mail. Each is accepted behind the
// hospital's trusted MX with hospitalMargin to spare, and under the
// evaluation's trust (TestMustAcceptFixturesUnderEvalTrust).
func TestProfessionalWatchMailIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/veille/*.eml", 30)
}

// TestProfessionalWatchTwinsAreFlagged: the phishing copies of the kind
// (testdata/veille/README.md) — a fake CNIL "mise en conformité RGPD
// obligatoire" charging a fee, a fake ANSSI NIS 2 registration asking for
// the mailbox password, a fake DGS-Urgent behind a sign-in page, the IT
// service's spoofed "alerte hameçonnage" quoting a lure before its own
// call — are flagged behind the hospital's trusted MX and under the
// evaluation's trust. The fake webinar registration, the fake CERT-FR
// alert and the fake victims' refund still accepted are in
// testdata/veille/gaps/, with why.
func TestProfessionalWatchTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/veille/twins/*.eml", 5)
}

// The words a warning about fraud quotes are reported speech
// (internal/checks/lure/reported.go): the CERT-FR's bulletin describing a
// campaign's « votre boîte aux lettres a atteint sa limite de stockage »
// and the CERT Santé's plain-text bulletin quoting "Votre boîte de
// réception est pleine" raise no lure of their own under the evaluation's
// trust, while the phishing that quotes the same kind of lure inside its
// own "alerte hameçonnage" and then asks to sign in through its link keeps
// every phrase and stays quarantined.
func TestReportedLuresAreNotTheSendersOwn(t *testing.T) {
	s := newScanner(t, evalTrustConfig(t))
	for _, f := range []string{"certfr-actualite-hameconnage-messagerie.eml", "cert-sante-bulletin-hebdo-campagne-hameconnage-guillemets-droits.eml"} {
		warning := scanLogged(t, s, "testdata/veille/"+f)
		for _, n := range names(warning) {
			if strings.HasPrefix(n, "LURE_") {
				t.Errorf("%s: %s (%.2f) %s", f, n, warning.Score, weighted(warning))
			}
		}
	}
	for _, f := range []string{"faux-service-informatique-alerte-hameconnage-cite-le-leurre.eml", "faux-cert-sante-alerte-cite-le-leurre-guillemets-droits-lien.eml"} {
		twin := scanLogged(t, s, "testdata/veille/twins/"+f)
		if twin.Action != scan.Quarantine && twin.Action != scan.Reject || !slices.Contains(names(twin), "LURE_PASSWORD_EXPIRY") {
			t.Errorf("%s: %s (%.2f) %s", f, twin.Action, twin.Score, weighted(twin))
		}
	}
}
