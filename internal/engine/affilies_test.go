package engine

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// townConfig is a town's own mail behind its MX, mx.exemple.fr, the
// town's name being its domain's (exemple.fr, as paris.fr or nantes.fr):
// the mutual, the water board and the metropolitan authority named after
// the town carry it as a word of theirs (testdata/affilies/README.md).
func townConfig(t *testing.T) *config.Config {
	t.Helper()
	c := gatewayConfig(t)
	c.Trust.Relays = []string{"mx.exemple.fr"}
	c.Trust.AuthServIDs = []string{"mx.exemple.fr"}
	c.Org.Domains = []string{"exemple.fr"}
	return c
}

// townAndEvalScanners are the town's scanner behind its MX and the
// evaluation's, where the recipient's exemple.fr stands for ours.
func townAndEvalScanners(t *testing.T) []namedScanner {
	t.Helper()
	return []namedScanner{{"town", newScanner(t, townConfig(t))}, {"eval-corpus trust", newScanner(t, evalTrustConfig(t))}}
}

// TestAffiliatesAndTenantsAreAccepted: genuine mail whose domains or links
// carry the hospital's name legitimately (testdata/affilies/README.md) —
// its foundation (a receipt, a payment confirmation from its paiement.
// subdomain), its nursing school, the GHT's IT department, the hospital's
// tenants on SharePoint (chuexemple.sharepoint.com), Salesforce, Zendesk
// (chuexemple-support.zendesk.com), Qualtrics, Softy and Welcome to the
// Jungle career sites, and the hospital's own bill paid on PayFiP — is
// accepted behind the hospital's MX and under the evaluation's trust.
func TestAffiliatesAndTenantsAreAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/affilies/*.eml", 11)
}

// TestTownInstitutionsAreAccepted: for a town whose domain is its name
// (exemple.fr), the mutual, the water board and the metropolitan
// authority named after it — a newsletter linking to
// paiement.mutuelle-exemple.fr, a schedule sent from that subdomain, an
// account at compte.eau-exemple.fr and compte.exemple-metropole.fr — are
// accepted behind the town's MX and under the evaluation's trust.
func TestTownInstitutionsAreAccepted(t *testing.T) {
	eachBehind(t, townAndEvalScanners(t), "testdata/affilies/ville/*.eml", 4, func(a scan.Action) bool { return a == scan.Accept })
}

// TestOwnCombosquatTwinsAreFlagged: the phishing shapes of the same
// senders (testdata/affilies/README.md) — our name glued to a payment
// word (chuexemple-paiement.fr, chu-exemplepaiement.fr), in the subdomains
// of a payment domain (chu-exemple.paiement-securise.fr,
// chu-exemple.fr.reglement-facture.com), linked from a message naming us
// (chu-exemple-paiement.fr, chuexemple-support.com,
// chu-exemple.compte-securise.net), the fund's name beside a payment word
// in one label, our name and another word with a payment subdomain under
// our name only (paiement.chu-exemple-sante.fr) — are flagged under both trusts and raise
// FROM_OWN_DOMAIN_COMBOSQUAT or URL_OWN_DOMAIN_COMBOSQUAT; the town's
// twins likewise behind the town's MX.
func TestOwnCombosquatTwinsAreFlagged(t *testing.T) {
	ownCombosquatFlagged(t, hospitalAndEvalScanners(t), "testdata/affilies/twins/*.eml", 9)
	ownCombosquatFlagged(t, townAndEvalScanners(t), "testdata/affilies/twins/ville/*.eml", 2)
}

// ownCombosquatFlagged requires each fixture matching pattern (at least
// atLeast) to be flagged by each of scanners with one of the own-name
// combosquat signals among its signals.
func ownCombosquatFlagged(t *testing.T, scanners []namedScanner, pattern string, atLeast int) {
	t.Helper()
	files := fixtures(t, pattern, atLeast)
	for _, c := range scanners {
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			v := c.s.Scan(t.Context(), raw, scan.Envelope{})
			n := names(v)
			t.Logf("%s: %5.2f %-10s %s %s", c.name, v.Score, v.Action, filepath.Base(f), weighted(v))
			if v.Action == scan.Accept || !slices.Contains(n, "FROM_OWN_DOMAIN_COMBOSQUAT") && !slices.Contains(n, "URL_OWN_DOMAIN_COMBOSQUAT") {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}
