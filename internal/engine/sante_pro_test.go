package engine

import "testing"

// The health professional's own identity and professional-body mail
// (testdata/sante-pro/README.md, each shape with its source): the CPS card
// and e-CPS notices of the Agence du Numérique en Santé, Pro Santé Connect,
// the RPPS, the professional orders' fee calls, receipts, certificates and
// newsletters, the ANDPC's DPC notices, amelipro, Mailiz, the doctors'
// pension fund, the URPS elections and the CNIL. Each is accepted behind
// the hospital's trusted MX with hospitalMargin to spare, and under the
// evaluation's trust (TestMustAcceptFixturesUnderEvalTrust).
func TestHealthProfessionalMailIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/sante-pro/*.eml", 30)
}

// TestHealthProfessionalTwinsAreFlagged: the phishing modelled on the
// bodies' and CERT Santé's published alerts (fake e-CPS renewal, fake
// order fee with a card payment page, fake amelipro bank-details update,
// fake DPC certification office; testdata/sante-pro/twins/README.md) is
// flagged behind the hospital's trusted MX and under the evaluation's
// trust.
func TestHealthProfessionalTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/sante-pro/twins/*.eml", 16)
}
