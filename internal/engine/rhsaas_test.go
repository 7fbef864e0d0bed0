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
