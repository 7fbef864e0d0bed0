package engine

import "testing"

// TestMobilityMailIsAccepted: the transport and mobility mail a hospital's
// fleet and its staff on mission receive, a kind phishing imitates heavily
// (testdata/mobilite/README.md): free-flow toll receipts (Sanef's A13/A14,
// Aliae's A79), télépéage statements (Bip&Go, Ulys, Fulli), parking
// receipts and subscriptions, charging receipts, rentals and fleet
// leasing, fuel cards, trains and flights, Navigo and Vélib', the ANTS's
// and the ANTAI's notices, the Crit'Air order and the employer's forfait
// mobilités durables. Each is accepted behind the hospital's trusted MX
// and under the evaluation's trust, where nothing of its authentication
// is believed.
func TestMobilityMailIsAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/mobilite/*.eml", 43)
}

// TestMobilityTwinsAreFlagged: the phishing copies of the same kinds
// (testdata/mobilite/README.md) — an unpaid free-flow toll on a look-alike
// or from a free mailbox, a deactivated Ulys or Bip&Go badge, a fake ANTAI
// fine, a Crit'Air sticker "missing", unpaid parking on "poybyphone", the
// ANTS's "dossier incomplet", a renter's damage excess — are flagged under
// both trusts. The Sanef, Ulys, PayByPhone and Europcar copies on
// look-alike domains were accepted until brands.yaml catalogued these
// operators with their own domains (goldens 122-126).
func TestMobilityTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/mobilite/twins/*.eml", 10)
}
