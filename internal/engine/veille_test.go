package engine

import "testing"

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
// the mailbox password, a fake DGS-Urgent behind a sign-in page — are
// flagged behind the hospital's trusted MX and under the evaluation's
// trust. The fake webinar registration and the fake CERT-FR alert still
// accepted are in testdata/veille/gaps/, with why.
func TestProfessionalWatchTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/veille/twins/*.eml", 3)
}
