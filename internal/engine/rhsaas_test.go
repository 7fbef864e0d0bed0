package engine

import "testing"

// The HR, payroll, benefits, expenses and domain-hosting services' notices
// a French organisation's staff receive (testdata/rhsaas/README.md): a
// payslip dropped in the employee's vault, leave approved, an expense
// report to approve, the annual review campaign, a badge anomaly from the
// company's own time-clock server, meal-voucher cards topped up, the
// complementary health insurer's refund and third-party-payment
// certificate, Mon Compte Formation's official notices, the OPCO's funding
// agreement, job boards' applications and alerts, registrars' renewal
// reminders and invoices, a certificate-expiry notice. Each is accepted
// behind the company's trusted MX and under the evaluation's trust, where
// nothing of its authentication is believed. PayFit's own payfit.com is
// no look-alike of PayFiP's label (brands.yaml catalogues PayFit).
func TestHRAndHostingNoticesAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/rhsaas/*.eml", 49)
}

// TestHRAndHostingNoticesTwinsAreFlagged: the phishing copies of the same
// kinds (testdata/rhsaas/README.md) — the CPF "vos droits expirent" scam
// in Mon Compte Formation's name, from a look-alike or a free mailbox, a
// "payslip" that is an HTML sign-in form, PayFit's name on a look-alike
// asking to sign in again, a Swile or Edenred card "blocked" until the
// card or bank details are given, OVHcloud's failed renewal asking for a
// card, a mutuelle's refund "waiting" for new bank details, a corrected
// payslip on the company's own name with a word glued on — are flagged
// under both trusts. Those still accepted are in testdata/rhsaas/gaps/.
func TestHRAndHostingNoticesTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/rhsaas/twins/*.eml", 9)
}

// TestOVHcloudFromARentedHost: every VPS OVHcloud rents is named under
// ovh.net (vps-….vps.ovh.net), OVHcloud's own domain too. A renter who
// writes "OVHcloud" <facturation@vps-….vps.ovh.net> about a failed domain
// renewal, without SPF, DKIM or DMARC, was accepted (3.62 behind the MX,
// 1.62 under the evaluation's trust) as OVHcloud's own notice; ovh.net is
// now shared (brands.yaml), only the domain itself and OVHcloud's relays
// and telephony being the brand's, and he is quarantined under both.
func TestOVHcloudFromARentedHost(t *testing.T) {
	raw := []byte(crlf(
		"Return-Path: <facturation@vps-4f2a9c1e.vps.ovh.net>",
		"Authentication-Results: mx.chu-exemple.fr; dkim=none (message not signed)",
		"Authentication-Results: mx.chu-exemple.fr; spf=none smtp.mailfrom=vps-4f2a9c1e.vps.ovh.net",
		"Authentication-Results: mx.chu-exemple.fr; dmarc=none (p=none dis=none) header.from=vps-4f2a9c1e.vps.ovh.net",
		"Received: from vps-4f2a9c1e.vps.ovh.net (vps-4f2a9c1e.vps.ovh.net [203.0.113.190])",
		"\tby mx.chu-exemple.fr (Postfix) with ESMTPS id 45A536BF1799",
		"\tfor <c.lemaire@chu-exemple.fr>; Mon, 14 Dec 2026 07:20:04 +0100 (CET)",
		`From: "OVHcloud" <facturation@vps-4f2a9c1e.vps.ovh.net>`,
		"To: c.lemaire@chu-exemple.fr",
		"Subject: Echec du renouvellement de votre nom de domaine chu-exemple.fr",
		"Date: Mon, 14 Dec 2026 07:20:00 +0100",
		"Message-ID: <a1b2c3d4.9911@vps-4f2a9c1e.vps.ovh.net>",
		"MIME-Version: 1.0",
		"Content-Type: text/html; charset=utf-8",
		"Content-Transfer-Encoding: 8bit",
		"",
		"<html><body><p>Bonjour,</p><p>Le renouvellement automatique de votre nom de domaine chu-exemple.fr a échoué : le paiement par carte a été refusé. Sans mise à jour de votre moyen de paiement sous 48 heures, votre domaine et vos adresses e-mail seront suspendus.</p>",
		`<p><a href="https://vps-4f2a9c1e.vps.ovh.net/manager/paiement">Mettre à jour mon moyen de paiement</a></p><p>L'équipe OVHcloud</p></body></html>`))
	quarantinedUnderBothTrusts(t, raw, "BRAND_DISPLAY_NAME")
}
