package engine

import (
	"os"
	"slices"
	"testing"
)

// Staff-life mail of a public hospital's and a company's employees
// (testdata/social/README.md, each shape with its source): the
// professional elections' vote provider's password, receipt and reminder,
// the HR department's notes on the vote, CGOS notices and the hospital's
// CGOS correspondent, the EFS blood drive, the amicale, the sports
// association, the internal newsletter and intranet alerts, the unions'
// letters, dues reminders and tax certificates, info-retraite.fr, the
// Ircantec and Agirc-Arrco, and the company's CSE vote and CSE platforms
// (Leeto, Meyclub, Kalidea, ProwebCE, ANCV Chèque-Vacances Connect).
// Their words — identifiants, mot de passe, cotisation, remboursement,
// avantages, voter — are phishing's own. The hospital's are accepted
// behind its trusted MX and under the evaluation's trust; the company's
// (entreprise/) behind its MX and under the evaluation's trust.
func TestStaffLifeMailIsAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/social/*.eml", 25)
	acceptedUnderBothTrusts(t, "testdata/social/entreprise/*.eml", 18)
}

// TestStaffLifeTwinsAreFlagged: the phishing of the same kinds
// (testdata/social/twins/README.md) — vote credentials asked on a page of a
// free host, the CGOS "dossier incomplet" asking for a new RIB, an order's
// "cotisation impayée" to pay by card elsewhere, an ANCV refund asking for
// the card, Leeto's account "désactivé" until the IBAN is given, a union
// petition behind an Office 365 sign-in — is flagged
// behind the hospital's MX and under the evaluation's trust.
func TestStaffLifeTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/social/twins/*.eml", 6)
}

// TestRIBUpdateCountsWhereItLeadsElsewhere: the reader asked to update his
// own RIB ("mettez à jour votre RIB", "mise à jour de vos coordonnées
// bancaires": lure theme bank_update) counts as LURE_BANK_DETAILS only in
// a message leading off its sender's domain. The fake CGOS "dossier
// incomplet" on a Gmail address with its form on Weebly is quarantined
// (4.52 tag before, on FROM_FREEMAIL and URL_FREE_HOSTING alone); the
// CGOS's own "vous avez changé de banque ? mettez à jour votre RIB dans
// votre espace agent", linking to cgos.info, raises nothing.
func TestRIBUpdateCountsWhereItLeadsElsewhere(t *testing.T) {
	raw, err := os.ReadFile("testdata/social/twins/faux-cgos-dossier-incomplet-mettre-a-jour-rib.eml")
	if err != nil {
		t.Fatal(err)
	}
	quarantinedUnderBothTrusts(t, raw, "LURE_BANK_DETAILS")
	for _, c := range hospitalAndEvalScanners(t) {
		v := scanLogged(t, c.s, "testdata/social/cgos-changement-banque-mettre-a-jour-rib-espace-agent.eml")
		if slices.Contains(names(v), "LURE_BANK_DETAILS") {
			t.Errorf("%s: the CGOS's own RIB reminder raises LURE_BANK_DETAILS: %s (%.2f) %s", c.name, v.Action, v.Score, weighted(v))
		}
	}
}
