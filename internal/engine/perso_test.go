package engine

import "testing"

// A person's own inbox, English and French (testdata/perso/README.md): the
// genuine account and security mail of the platforms phishing imitates
// most — sign-in alerts, one-time and verification codes, password resets,
// 2-Step Verification turned on, "confirm your e-mail address", a failed
// payment, renewals and receipts — from Google, Apple, Microsoft,
// Facebook, Instagram, WhatsApp, LinkedIn, X, Netflix, Spotify, Disney+,
// CANAL+, Deezer, YouTube, PayPal, Lydia, Amazon, eBay, Vinted, leboncoin,
// Doctolib, La Banque Postale, BoursoBank, Revolut, N26, ameli,
// impots.gouv.fr and FranceConnect; a shared Google Photos album, an Airbnb host's message, a
// school's PRONOTE notice, a club's HelloAsso receipt, and mail from
// friends and family. Their words ("sign in", "verify", "your password",
// "unusual activity") are the phishing copies' own. Each is accepted
// behind the company's trusted MX and under the evaluation's trust, where
// nothing of its authentication is believed.
func TestPersoAccountMailIsAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/perso/*.eml", 62)
}

// TestPersoAccountTwinsAreFlagged: the documented families that copy them
// (testdata/perso/README.md) — the fake Netflix payment failure, the fake
// locked Apple ID, the fake PayPal limitation, the fake Amazon order with
// a number to call, the fake Instagram copyright strike, the fake Meta
// "your page will be disabled", the fake Google and Microsoft sign-in
// alerts, the fake ameli card renewal, the fake leboncoin "your buyer
// paid", the fake BoursoBank trusted device and the fake Disneyland Paris
// ticket win — are flagged behind the hospital's MX and under the
// evaluation's trust.
func TestPersoAccountTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/perso/twins/*.eml", 12)
}
