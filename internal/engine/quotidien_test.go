package engine

import "testing"

// The everyday bodies whose mail a hospital's staff read at work and an
// organisation's inbox receives, and which payment fraud imitates
// (testdata/quotidien/README.md, each shape with its source): HelloAsso
// and AssoConnect receipts and fee calls, a club's officers writing from
// Gmail, a syndic's fund calls, convocations and extranet notices, a
// notary's warnings, appointments and statements of funds, a letting
// agency's rent notices, PRONOTE, ÉduConnect and a school's letters, a
// town hall's civil-status, school-catering and passport notices,
// leboncoin's and Vinted's transaction notices, Mondial Relay, La Poste
// and Chronopost delivery notices. Each is accepted behind the hospital's
// trusted MX with hospitalMargin to spare, and under the evaluation's
// trust (TestMustAcceptFixturesUnderEvalTrust).
func TestEverydayBodiesMailIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/quotidien/*.eml", 35)
}

// TestEverydayBodiesTwinsAreFlagged: the frauds the bodies and
// Cybermalveillance.gouv.fr describe (a fake syndic's or notary's new
// IBAN, leboncoin's and Vinted's "recevez votre paiement", delivery and
// customs fees, a fake HelloAsso card update or refund, a fake agency's
// rent account; testdata/quotidien/twins/README.md) are flagged behind
// the hospital's trusted MX and under the evaluation's trust.
func TestEverydayBodiesTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/quotidien/twins/*.eml", 19)
}
