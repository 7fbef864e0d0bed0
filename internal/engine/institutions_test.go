package engine

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// Mail posing as a French public body from a sender that is not the body
// (testdata/institutions/README.md): the campaign families
// Cybermalveillance.gouv.fr's alerts describe — fausses amendes ANTAI,
// faux remboursements des impôts, fausses cartes Vitale, faux URSSAF, faux
// CAF and France Travail, and the fiche's faux Chorus Pro — written without
// a lure phrase, each asking the reader to act through someone else's
// site, are held (phish-*: at least quarantined, the copy that pads its
// footer with ameli.fr links too). Their twins are accepted (ham-*): the
// body's own notice from its domain, a supplier's invoice lodged on Chorus
// Pro, a subcontractor's URSSAF attestation on its own site, an
// accountant's reminder of URSSAF deadlines, a hospital's newsletter that
// mentions the Assurance Maladie — behind the company's MX and under the
// evaluation's trust settings. A copy that names the body only in its
// text, beside a link elsewhere (abuse-*), keeps INSTITUTION_UNAUTHENTICATED.
func TestInstitutionClaimsLeadingElsewhere(t *testing.T) {
	files, err := filepath.Glob("testdata/institutions/*.eml")
	if err != nil || len(files) < 17 {
		t.Fatalf("fixtures missing: %d, %v", len(files), err)
	}
	behind := newScanner(t, atelierConfig(t))
	eval := newScanner(t, evalTrustConfig(t))
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "abuse-") {
			// The body named only in the text, beside a link elsewhere:
			// the mention spare (no claim in subject or signature) does
			// not take INSTITUTION_UNAUTHENTICATED off it.
			if v := scanLogged(t, behind, f); !slices.Contains(names(v), "INSTITUTION_UNAUTHENTICATED") {
				t.Errorf("%s: %s (%.2f), want INSTITUTION_UNAUTHENTICATED; %s", base, v.Action, v.Score, weighted(v))
			}
			continue
		}
		if strings.HasPrefix(base, "phish-") {
			v := scanLogged(t, behind, f)
			if v.Action.Rank() < scan.Quarantine.Rank() || !slices.Contains(names(v), "INSTITUTION_ACTION_ELSEWHERE") {
				t.Errorf("%s: %s (%.2f), want quarantine with INSTITUTION_ACTION_ELSEWHERE; %s", base, v.Action, v.Score, weighted(v))
			}
			continue
		}
		for _, s := range []*scan.Scanner{behind, eval} {
			if v := scanLogged(t, s, f); v.Action != scan.Accept || slices.Contains(names(v), "INSTITUTION_ACTION_ELSEWHERE") {
				t.Errorf("%s: %s (%.2f), want accepted without INSTITUTION_ACTION_ELSEWHERE; %s", base, v.Action, v.Score, weighted(v))
			}
		}
	}
}
