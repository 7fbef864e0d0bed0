package engine

import (
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// Bank and payment mail, personal and professional
// (testdata/banque/README.md): statements and e-relevés, cards sent, a
// strong-authentication device turned on, transfers received and sent, a
// SEPA mandate registered, a beneficiary added, a card limit raised, a new
// RIB after an account moved to another branch, a loan schedule, payouts
// of Stripe and SumUp, a lease invoice, the DGFiP's payment notice of a
// public hospital's accountant, a Banque de France rating. Banks are the
// most imitated senders, and these notices use the phishing copies' own
// words ("bénéficiaire", "RIB", "carte", "connectez-vous"); each is accepted
// behind the company's trusted MX and under the evaluation's trust, where
// nothing of its authentication is believed.
func TestBankNoticesAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/banque/*.eml", 40)
}

// TestBankTwinsAreFlagged: the phishing copies of the same kinds
// (testdata/banque/README.md) — a look-alike domain, a free mailbox, the
// bank's domain forged without authentication, "activez votre Pass
// Sécurité" on a free host, "bénéficiaire ajouté, appelez le …", a blocked
// card with a card-number form, a new RIB from a look-alike — are flagged
// behind the hospital's MX and under the evaluation's trust.
func TestBankTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/banque/twins/*.eml", 12)
}

// TestStripeAsAStorageWord: "stripe" is a word of storage (a RAID stripe,
// an interleave set's stripe) before it is Stripe's name. A storage
// list's patch whose subject, body and author's name spell it names no
// brand, while the payment processor's name above a sign-in lure on a
// look-alike is Stripe's (testdata/banque/twins).
func TestStripeAsAStorageWord(t *testing.T) {
	s := newScanner(t, evalTrustConfig(t))
	raw := []byte("Received: from mail.liste-exemple.org (mail.liste-exemple.org [203.0.113.80])\r\n" +
		"\tby mx1.atelier-exemple.fr (Postfix) with ESMTP id 4Zq1Lm0Qv8z9\r\n" +
		"\tfor <dev@atelier-exemple.fr>; Thu, 03 Dec 2026 10:02:11 +0100 (CET)\r\n" +
		"From: Stripe Cache Maintainer <raid@liste-exemple.org>\r\n" +
		"To: dev@atelier-exemple.fr\r\n" +
		"Subject: [PATCH v2] md/raid5: grow the stripe cache when the stripe size changes\r\n" +
		"Date: Thu, 03 Dec 2026 10:02:09 +0100\r\n" +
		"Message-ID: <patch-2@liste-exemple.org>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
		"When a stripe is reshaped, the stripe cache keeps the old size.\r\n" +
		"This grows it with the new stripe width.\r\n")
	v := s.Scan(t.Context(), raw, scan.Envelope{})
	for _, sig := range v.Signals {
		if strings.Contains(sig.Name, "BRAND") {
			t.Errorf("storage patch: %s %s", sig.Name, sig.Detail)
		}
	}
	twin := scanLogged(t, s, "testdata/banque/twins/faux-stripe-virements-suspendus-domaine-sosie.eml")
	if !hasSignal(twin, "BRAND_DISPLAY_NAME") {
		t.Errorf("Stripe's name above a sign-in lure on a look-alike: %s", weighted(twin))
	}
}

// TestHospitalTreasuryMailIsAccepted: the public hospital's side of its
// money (testdata/banque/README.md, "hopital/"): the DGFiP's Hélios
// acknowledgement of a PES V2 flow, the public accountant's suspension of
// three mandates, the SGC's provisional compte de gestion, a bank's
// credit-line drawing notice. Accepted behind the hospital's MX with a
// point to spare, and under the evaluation's trust
// (TestMustAcceptFixturesUnderEvalTrust).
func TestHospitalTreasuryMailIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/banque/hopital/*.eml", 4)
}

// TestHospitalTreasuryTwinsAreFlagged: "revalidate your Hélios
// authorisations" on a free host, and the public accountant's name on a
// Gmail address asking for suppliers' new IBANs (the supplier bank-detail
// fraud public hospitals are warned of).
func TestHospitalTreasuryTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/banque/hopital/twins/*.eml", 2)
}

// TestFundsReleasedAgainstTheCard: the Wise look-alike's "to release the
// funds to your account, confirm your card details" is the fake-payment
// page's ask (lure theme sale_payment, counted only from a sender posing
// as someone). Under the evaluation's trust, where nothing of its
// authentication is believed, it is quarantined with LURE_SALE_PAYMENT
// (tag 4.67 before, on its free host and "within 24 hours" alone). Behind
// the company's MX its look-alike domain authenticates itself and "Wise"
// is catalogued by no brand entry (an everyday word): it stays tagged
// there (banque/README.md).
func TestFundsReleasedAgainstTheCard(t *testing.T) {
	f := "testdata/banque/twins/faux-wise-fonds-recus-confirmez-carte-en.eml"
	v := scanLogged(t, newScanner(t, evalTrustConfig(t)), f)
	if v.Action != scan.Quarantine && v.Action != scan.Reject || !slices.Contains(names(v), "LURE_SALE_PAYMENT") {
		t.Errorf("eval-corpus trust: %s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
	if v := scanLogged(t, newScanner(t, atelierConfig(t)), f); v.Action == scan.Accept {
		t.Errorf("behind the MX: %s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
}
