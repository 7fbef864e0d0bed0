package engine

import (
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// legalScanners: the set's mail reaches a hospital (mx.chu-exemple.fr)
// and a company (mx1.atelier-exemple.fr); each message is scanned behind
// both MXs — behind the other one nothing of its authentication is
// believed — and under the evaluation's trust.
func legalScanners(t *testing.T) []namedScanner {
	t.Helper()
	return []namedScanner{
		{"hospital", hospitalConfig(t)},
		{"company", newScanner(t, atelierConfig(t))},
		{"eval-corpus trust", newScanner(t, evalTrustConfig(t))},
	}
}

// TestLegalMailIsAccepted: the legal, judicial and registry mail a
// hospital and a company receive, a kind phishing imitates with fake
// summonses, fake bailiffs' seizures and fake registry invoices
// (testdata/juridique/README.md): the commissaires de justice's electronic
// service on SECURACT and their offices' mail, a law firm's letters, fee
// note and RPVA notice, Télérecours and Télérecours citoyens, the justice.fr
// portal and the courts' clerks, Infogreffe, the Guichet unique (INPI), a
// notary's authentic deed, the CNIL, the Défenseur des droits, the CADA,
// the Médiateur des entreprises, a conciliateur de justice, the liability
// and legal-protection insurers, the CCI of the ONIAM, a court-appointed
// expert, a mandataire judiciaire, a gendarmerie unit's réquisition and
// the hospital's own legal affairs. Each is accepted behind the MXs and
// under the evaluation's trust, where nothing of its authentication is
// believed.
func TestLegalMailIsAccepted(t *testing.T) {
	eachBehind(t, legalScanners(t), "testdata/juridique/*.eml", 35, func(a scan.Action) bool { return a == scan.Accept })
}

// TestLegalTwinsAreFlagged: the phishing copies of the same kinds
// (testdata/juridique/README.md) — the fake gendarmerie or police
// "convocation" with a PDF or a link, the fake commissaire de justice's
// "saisie imminente" to pay, a fake SECURACT asking for the mailbox's
// password, the registry "inscription" invoice, the fake Infogreffe Kbis
// update, the INPI trademark "publication" invoice, the fake court fine, a
// fake Télérecours notice, a law firm's "mise en demeure" behind a login
// a fake CNIL fine and the registry invoice signed INPI from a gouv.fr
// mailbox taken over or forged — are flagged behind both MXs and under the
// evaluation's trust.
func TestLegalTwinsAreFlagged(t *testing.T) {
	eachBehind(t, legalScanners(t), "testdata/juridique/twins/*.eml", 14, func(a scan.Action) bool { return a != scan.Accept })
}
