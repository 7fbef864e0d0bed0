package engine

import (
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// French public procurement mail (testdata/marches/README.md), which looks
// like phishing to a filter — platforms' no-reply senders, "consultation",
// deadlines, documents to download, a secure mailbox to open — and which
// public bodies, hospitals and their suppliers receive every day. The
// buyer's side (testdata/marches/*.eml) is chu-exemple.fr behind its own
// MX: the platforms' notices to the agent (a question asked, the bids'
// deadline reached, a notice published, the register of downloads), the
// purchasing groups' letters (UGAP, Resah, UniHA, the GHT's support
// hospital), the DAJ's letter, suppliers' quotes and answers with their
// ZIP or PDF. The supplier's side (testdata/marches/fournisseur/*.eml) is
// atelier-exemple.fr behind its MX: alerts (BOAMP, TED, AWS-achat,
// e-marchespublics, Klekoon, Marchés Online), the DCE download
// confirmation, an answer published, a deadline postponed, the bid's
// receipt, a rejection letter, a negotiation request, the award's
// notification, a town hall's request for a quote from its Orange mailbox.
// Each is accepted behind its recipient's trusted MX with a point to spare
// (hospitalMargin) and under the evaluation's trust, where nothing of its
// authentication is believed.
func TestProcurementMailIsAccepted(t *testing.T) {
	for _, side := range []struct {
		name, pattern string
		atLeast       int
		mx            *scan.Scanner
	}{
		{"buyer behind mx.chu-exemple.fr", "testdata/marches/*.eml", 15, hospitalConfig(t)},
		{"supplier behind mx1.atelier-exemple.fr", "testdata/marches/fournisseur/*.eml", 20, newScanner(t, atelierConfig(t))},
	} {
		evalTrust := newScanner(t, evalTrustConfig(t))
		for _, f := range fixtures(t, side.pattern, side.atLeast) {
			if v := scanLogged(t, side.mx, f); v.Action != scan.Accept || v.Score > hospitalMargin {
				t.Errorf("%s, %s: %s (%.2f) %s", side.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
			if v := scanLogged(t, evalTrust, f); v.Action != scan.Accept {
				t.Errorf("eval-corpus trust, %s: %s (%.2f) %s", filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}

// TestProcurementLuresAreFlagged: the phisher's copies of procurement
// mail (testdata/marches/README.md, "Phishing twins") — the fake tender
// whose DCE sits on a free host behind a mail sign-in, PLACE's name on a
// look-alike domain, an English RFQ whose HTML attachment is a sign-in
// form, an "invitation à soumissionner" with a shared document on a free
// host, a hospital's purchasing department on Gmail — are flagged behind
// the hospital's MX. Under the evaluation's trust, where a compromised or
// unauthenticated sender's missing DKIM and DMARC are not read, the two
// whose only other sign is the free host score URL_FREE_HOSTING alone
// (3.55, accepted): a gap the README describes.
func TestProcurementLuresAreFlagged(t *testing.T) {
	onlyBehindMX := map[string]bool{
		"faux-appel-offres-dce-hebergeur-gratuit.eml":         true,
		"faux-invitation-soumissionner-partage-documents.eml": true,
	}
	evalTrust := newScanner(t, evalTrustConfig(t))
	mx := hospitalConfig(t)
	for _, f := range fixtures(t, "testdata/marches/twins/*.eml", 5) {
		if v := scanLogged(t, mx, f); v.Action == scan.Accept {
			t.Errorf("hospital, %s: %s (%.2f) %s", filepath.Base(f), v.Action, v.Score, weighted(v))
		}
		if v := scanLogged(t, evalTrust, f); v.Action == scan.Accept && !onlyBehindMX[filepath.Base(f)] {
			t.Errorf("eval-corpus trust, %s: %s (%.2f) %s", filepath.Base(f), v.Action, v.Score, weighted(v))
		}
	}
}
