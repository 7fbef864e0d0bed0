package engine

import "testing"

// Account-security and sign-up mail (testdata/securite/README.md): the
// one-time codes and magic links of Slack, Notion, Canva, Zoom, Okta,
// DocuSign, Google and Microsoft Entra, e-CPS and Pro Santé Connect,
// impots.gouv and ameli; the address confirmations of Doctolib Pro,
// LinkedIn, GitHub and a supplier portal; password resets the reader asked
// for and password-changed notices; two-step verification turned on or
// off; new-device sign-ins (LinkedIn, Dropbox, GitHub, Atlassian, Apple,
// Orange, Free, a bank, Qonto, password managers); the company's own IT
// (password expiring, account locked, MFA roll-out); API tokens, SSH keys
// and Dependabot alerts. Their words are the credential-phishing family's
// own ("connectez-vous", "code", "vérifiez", "nouvel appareil"); each is
// accepted behind the company's trusted MX and under the evaluation's
// trust, where nothing of its authentication is believed.
func TestAccountSecurityNoticesAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/securite/*.eml", 48)
}

// TestAccountSecurityTwinsAreFlagged: the phishing copies of the same kinds
// (testdata/securite/README.md) — a look-alike domain, a free mailbox, the
// company's own domain forged without authentication, a link to a free
// host, a site builder or an IP address, a sign-in form attached as HTML,
// a code "about to expire" with the mailbox password asked for, the
// MFA-fatigue "approve the request" — are flagged behind the company's MX
// and under the evaluation's trust.
func TestAccountSecurityTwinsAreFlagged(t *testing.T) {
	flaggedUnderTrustSettings(t, "testdata/securite/twins/*.eml", 17)
}
