package engine

import "testing"

// The genuine mail of the big consumer and business brands phishing
// imitates most, as it reaches a company and its staff
// (testdata/abonnements/README.md): energy and water bills and meter
// notices (EDF, ENGIE, TotalEnergies, Veolia, Eau de Paris, SUEZ, Enedis,
// GRDF), business telecom bills and appointments (Orange Business, Orange
// Pro, SFR Business, Bouygues Telecom Entreprises, Free Pro), insurers'
// premium notices, certificates and claims (MAIF, MACSF, MMA, Groupama,
// Allianz, AXA, Relyens), business travel (SNCF Connect, Air France,
// Booking.com, Accor, Uber for Business, G7), office and trade suppliers'
// orders and invoices (Lyreco, Manutan, Bruneau, Amazon Business, LDLC,
// Würth, Rexel, Legallais) and carriers' delivery notices. Each is
// accepted behind the company's trusted MX and under the evaluation's
// trust, where nothing of its authentication is believed.
func TestBrandSubscriptionMailIsAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/abonnements/*.eml", 50)
}

// TestBrandSubscriptionTwinsAreFlagged: the documented families that copy
// them (testdata/abonnements/README.md) — the energy suppliers' fake
// refund and unpaid-bill mail, the fake SNCF compensation, the insurer's
// fake "mettez à jour votre RIB", the fake Cybermalveillance.gouv.fr
// alert, the fake telecom unpaid bill and the carrier's re-delivery fee —
// are flagged behind the hospital's MX and under the evaluation's trust.
func TestBrandSubscriptionTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/abonnements/twins/*.eml", 10)
}
