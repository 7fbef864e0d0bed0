package engine

import (
	"os"
	"testing"
)

// Genuine mail that links to a dotted IPv4 address (testdata/ipliens/
// README.md): a hosting provider's "your server is ready" with its new
// server's address and panel port (Plesk's 8443, cPanel's 2083), a
// monitoring alert naming the public address of the site it watches, a
// NAS's notice linking its DSM page on the office network, a colleague's
// test server on a private address. Each is accepted behind the
// company's trusted MX and under the evaluation's trust: a public address
// is URL_IP_ASKS only where the words ask (a sign-in, a payment, a check,
// a document to open), and none of these asks.
func TestIPLinksGenuineAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/ipliens/*.eml", 5)
}

// TestIPLinksTwinsAreFlagged: the same looks with the phisher's intent —
// the hosting provider's welcome turned into "your panel is suspended,
// sign in to keep your sites", a NAS notice asking to sign in at a
// public address, a colleague's "test server" that is a sign-in page out
// on the Internet — are flagged under both trusts, URL_IP_ASKS with
// URL_IP_LITERAL and the lure's own signal.
func TestIPLinksTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/ipliens/twins/*.eml", 3)
	for _, f := range fixtures(t, "testdata/ipliens/twins/*.eml", 3) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		quarantinedUnderBothTrusts(t, raw, "URL_IP_ASKS")
	}
}
