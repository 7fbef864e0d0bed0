package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// modernConfig is a hospital behind its own MX, mx.chu-exemple.fr, whose
// Authentication-Results are trusted, as gatewayConfig is for
// example-hopital.fr.
func modernConfig(t *testing.T) *scan.Scanner {
	t.Helper()
	return chuScanner(t)
}

// chuScanner is the scanner of chu-exemple.fr behind its own MX, trusting
// the ARC seals of arcSealers.
func chuScanner(t *testing.T, arcSealers ...string) *scan.Scanner {
	t.Helper()
	return newScanner(t, chuConfig(t, arcSealers...))
}

// chuConfig is chuScanner's configuration.
func chuConfig(t *testing.T, arcSealers ...string) *config.Config {
	t.Helper()
	c := gatewayConfig(t)
	c.Trust.Relays = []string{"mx.chu-exemple.fr"}
	c.Trust.AuthServIDs = []string{"mx.chu-exemple.fr"}
	c.Trust.Networks = []string{"10.0.0.0/8"}
	c.Trust.ARCSealers = arcSealers
	c.Org.Domains = []string{"chu-exemple.fr"}
	return c
}

// newScanner builds the scanner of a validated configuration.
func newScanner(t *testing.T, c *config.Config) *scan.Scanner {
	t.Helper()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Modern legitimate mail, of the shapes the shared corpus lacks (its
// legitimate part is plain-text lists and 2002 mail): newsletters built by
// ESPs (MJML layouts, hidden preheaders, click-tracking redirects, bounce
// addresses at the ESP, emoji subjects), SaaS and brand notifications from
// the brands' own domains, genuine security notices, mail from Outlook,
// Gmail, Apple Mail and Thunderbird, an out-of-office reply, a read
// receipt, an internal mass mail in Bcc, a calendar invitation; and the
// English (German, Spanish, Dutch) account and business mail that uses the
// words phishing copies from it: receipts and failed payments, "new
// sign-in" alerts, "action required", "your package is on its way",
// "limited time", "urgent" from IT or a colleague. Each must be
// accepted under the default policy with the learned weights; the log shows
// every file's score and signals, so the margin below the tag threshold is
// visible (go test -v -run TestModernLegitimateMailIsAccepted).
func TestModernLegitimateMailIsAccepted(t *testing.T) {
	s := modernConfig(t)
	files, err := filepath.Glob("testdata/modern/*.eml")
	if err != nil || len(files) < 20 {
		t.Fatalf("modern fixtures missing: %d, %v", len(files), err)
	}
	for _, f := range files {
		if v := scanLogged(t, s, f); v.Action != scan.Accept {
			t.Errorf("%s: %s (%.2f) %s", filepath.Base(f), v.Action, v.Score, weighted(v))
		}
	}
}

// scanLogged scans the message in the file at path as it arrived, and
// logs its score, action and weighted signals.
func scanLogged(t *testing.T, s *scan.Scanner, path string) *scan.Verdict {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Scan(t.Context(), raw, scan.Envelope{})
	t.Logf("%5.2f %-10s %s %s", v.Score, v.Action, filepath.Base(path), weighted(v))
	return v
}

// weighted lists a verdict's signals with their weights and details.
func weighted(v *scan.Verdict) string {
	var b strings.Builder
	for i, sig := range v.Signals {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s=%.2f", sig.Name, sig.Weight)
		if sig.Detail != "" {
			fmt.Fprintf(&b, "(%s)", sig.Detail)
		}
	}
	return b.String()
}
