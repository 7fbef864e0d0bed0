package engine

import (
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// Genuine notices of the brands and services phishing imitates most
// (testdata/brands/README.md, each sender's published domains cited
// there): account-security codes and sign-in alerts the user asked for,
// receipts, share notifications, invitations, bills, parcel tracking and
// the administrations' "un nouveau document est disponible dans votre
// espace", and the same brands' newsletters with their urgency ("dernière
// chance", "offre limitée"). Each is accepted behind the company's trusted MX, where its
// DKIM, SPF and DMARC pass are believed, and under the evaluation's trust
// settings, where nothing of its authentication is — except a regional
// bank's, whose domain only MISP's bank-website list names: that list
// holds two thousand banks worldwide, and such a domain is the brand's own
// only when the sender answers for the message (brand/established.go);
// unauthenticated, a From on it may be forged (../gaps/README.md).
func TestGenuineBrandNoticesAreAccepted(t *testing.T) {
	authOnly := map[string]bool{"banque-releve-compte-disponible.eml": true}
	files, err := filepath.Glob("testdata/brands/*.eml")
	if err != nil || len(files) < 50 {
		t.Fatalf("fixtures missing: %d, %v", len(files), err)
	}
	for _, c := range trustSettings(t) {
		s := newScanner(t, c.cfg)
		for _, f := range files {
			v := scanLogged(t, s, f)
			if v.Action != scan.Accept && !(!c.believed && authOnly[filepath.Base(f)]) {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}

// TestBrandNoticeTwinsAreFlagged: the phisher's copy of those notices —
// the same text from a look-alike domain its owner authenticates, from a
// free mailbox, or from the brand's own domain whose DKIM, SPF and DMARC
// fail, each leading to a host the brand does not own — is flagged under
// both trust settings — except the copies forged on the brand's own
// domain: only their failing DKIM, SPF and DMARC tell them apart, which
// the evaluation's trust settings do not believe (../gaps/README.md).
func TestBrandNoticeTwinsAreFlagged(t *testing.T) {
	forged := map[string]bool{
		"sosie-amazon-expedie-usurpe-dkim-echec.eml": true,
		"sosie-docusign-usurpe-dkim-echec.eml":       true,
		"sosie-paypal-recu-usurpe-dkim-echec.eml":    true,
	}
	files, err := filepath.Glob("testdata/brands/twins/*.eml")
	if err != nil || len(files) < 14 {
		t.Fatalf("fixtures missing: %d, %v", len(files), err)
	}
	for _, c := range trustSettings(t) {
		s := newScanner(t, c.cfg)
		for _, f := range files {
			if v := scanLogged(t, s, f); v.Action == scan.Accept && (c.believed || !forged[filepath.Base(f)]) {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}

// trustSetting is one way the company receives its mail: behind its own
// MX, whose Authentication-Results are believed, or under the
// evaluation's trust settings, where none is.
type trustSetting struct {
	name     string
	cfg      *config.Config
	believed bool // the receiving MX's Authentication-Results
}

// trustSettings are both trustSetting cases the brand notices are read
// under.
func trustSettings(t *testing.T) []trustSetting {
	t.Helper()
	return []trustSetting{
		{"behind the company's MX", atelierConfig(t), true},
		{"eval-corpus trust", evalTrustConfig(t), false},
	}
}
