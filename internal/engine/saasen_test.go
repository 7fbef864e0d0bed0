package engine

import "testing"

// The English-language business SaaS notices a small company, or a
// hospital's foreign partners, receive (testdata/saasen/README.md): an
// invoice sent through QuickBooks Online, FreshBooks, Xero, Wave or BILL
// and the payment it brings; Gusto, ADP, Workday, BambooHR, Rippling and
// Deel payroll and HR notices; Greenhouse and Lever candidate mail;
// Zendesk and Freshdesk ticket replies, Intercom, HubSpot and Salesforce
// notifications; AWS, Google Cloud, Azure and DigitalOcean billing,
// Namecheap and GoDaddy renewal reminders, Cloudflare, Squarespace and
// Shopify store orders, a Stripe payout; Venmo, a bank's Zelle alert, a
// PayPal business invoice, a Square receipt; Jira, Confluence, Asana,
// Trello, monday.com, Notion, Miro, Figma and Loom notifications. Each is
// accepted behind the company's trusted MX and under the evaluation's
// trust, where nothing of its authentication is believed.
func TestEnglishSaaSNoticesAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/saasen/*.eml", 45)
}

// TestEnglishSaaSNoticesTwinsAreFlagged: the phishing copies of the same
// kinds (testdata/saasen/README.md) — a registrar's "final notice" on a
// look-alike, AWS "suspended" with a sign-in page in a bucket, a
// QuickBooks invoice behind a sign-in on a look-alike, a payroll direct
// deposit to verify from a free mailbox, a helpdesk ticket linking to a
// free host, a Shopify store "suspended", a GoDaddy domain "expired" —
// are flagged behind the company's trusted MX, behind the hospital's, and
// under the evaluation's trust.
func TestEnglishSaaSNoticesTwinsAreFlagged(t *testing.T) {
	flaggedUnderTrustSettings(t, "testdata/saasen/twins/*.eml", 8)
	flaggedUnderBothTrusts(t, "testdata/saasen/twins/*.eml", 8)
}
