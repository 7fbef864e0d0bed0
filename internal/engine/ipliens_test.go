package engine

import (
	"os"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/scan"
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
	acceptedUnderBothTrusts(t, "testdata/ipliens/*.eml", 9)
}

// TestIPLinksTwinsAreFlagged: the same looks with the phisher's intent —
// the hosting provider's welcome turned into "your panel is suspended,
// sign in to keep your sites", a NAS notice asking to sign in at a
// public address, a colleague's "test server" that is a sign-in page out
// on the Internet — are flagged under both trusts, URL_IP_ASKS with
// URL_IP_LITERAL and the lure's own signal.
func TestIPLinksTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/ipliens/twins/*.eml", 5)
	for _, f := range fixtures(t, "testdata/ipliens/twins/*.eml", 5) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		quarantinedUnderBothTrusts(t, raw, "URL_IP_ASKS")
	}
}

// TestIPLinksOpenFalsePositives: genuine notices that link to their own
// public address and say "connectez-vous" / "log in to" of it, or show
// their panel's port, still flagged (ouverts/, README "Still flagged"):
// a firewall's, GLPI's, a maintenance vendor's, a VPS or dedicated
// server's delivery, an NVR's, a Sophos or FortiGate appliance's. Each is
// flagged under at least one trust; a change that accepts one under both
// fails here until it moves up to the must-accept set.
func TestIPLinksOpenFalsePositives(t *testing.T) {
	var scanners []*scan.Scanner
	for _, c := range trustSettings(t) {
		scanners = append(scanners, newScanner(t, c.cfg))
	}
	for _, f := range fixtures(t, "testdata/ipliens/ouverts/*.eml", 8) {
		accepted := 0
		for _, s := range scanners {
			if v := scanLogged(t, s, f); v.Action == scan.Accept {
				accepted++
			}
		}
		if accepted == 2 {
			t.Errorf("%s: now accepted under both trusts: move it to testdata/ipliens", filepath.Base(f))
		}
	}
}
