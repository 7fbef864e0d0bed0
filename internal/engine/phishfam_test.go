package engine

import "testing"

// The phishing families of the shared corpus's honeypot (mostly English,
// 2022-2025) that no other must-flag set and no training row of the corpus
// holds (testdata/phishfam/README.md cites each family's public write-up):
// callback invoices with only a number to call, wallet seed-phrase theft,
// exchange withdrawal alerts, Meta and Instagram copyright appeals, webmail
// quota, held-mail and password notices, e-fax and voicemail HTML
// attachments, e-signature and share copies sent from compromised
// mailboxes, payroll diversion and payslip lures, carriers' fees, billing
// failures, US banks and telecoms, a fake-check job offer and sextortion.
// Each is flagged behind the hospital's trusted MX and under the
// evaluation's trust settings; how many are quarantined is logged (the
// README keeps the count).
func TestPhishFamiliesAreFlagged(t *testing.T) {
	flaggedCountingQuarantined(t, "testdata/phishfam/*.eml", 40)
}

// phishfamGaps are the families still accepted under both trusts; the
// README's "still missed" table says why for each. A gap that becomes
// flagged fails here until it moves to the flagged set.
var phishfamGaps = []string{
	"offre-emploi-frais-visa-avance.eml",
	"rh-avantages-inscription-ouverte.eml",
	"rh-reglement-interieur-signature-lien.eml",
	"zoom-reunion-manquee-lien-kit.eml",
}

func TestPhishFamilyGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/phishfam/gaps", phishfamGaps, true)
}
