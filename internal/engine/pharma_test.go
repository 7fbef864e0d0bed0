package engine

import "testing"

// The medical side of the hospital's inbox (testdata/pharma/README.md,
// each shape with its public source): the laboratories' medical
// representatives' mail sent through Veeva CRM Approved Email from the
// laboratory's own domain, with its legal mentions and consent-centre
// link, and a Veeva Engage remote-meeting invitation; medical-information answers and sample requests; publishers'
// table-of-contents and search alerts (NEJM, The Lancet, JAMA, Wiley,
// ScienceDirect, EM-consulte); the medical press; safety letters (DHPC)
// from a laboratory and their relay by the hospital pharmacy; congress
// registrations, abstract decisions, badges and invoices; DPC and
// continuing-education organisers. Each is accepted behind the hospital's
// trusted MX with hospitalMargin to spare, and under the evaluation's
// trust (TestMustAcceptFixturesUnderEvalTrust).
func TestMedicalSideMailIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/pharma/*.eml", 31)
}

// TestMedicalSideTwinsAreFlagged: the phishing of the same themes
// (testdata/pharma/twins/README.md) — the predatory congress's "abstract
// accepted, pay the fee", fake Elsevier and Springer Nature reviewer and
// author accounts, fake ANSM safety notes behind an HTML form or a kit
// link, Veeva-looking mail and a Veeva Engage meeting invitation from
// look-alikes of a laboratory asking the mailbox's password, the
// representative's documents behind a sign-in on a domain misspelling the
// laboratory's name, the PfizerPro notice from a look-alike of its domain
// asking the mailbox's password, a congress organiser's mailbox taken
// over asking the invoice be paid to a new IBAN — is flagged behind the hospital's trusted
// MX and under the evaluation's trust.
func TestMedicalSideTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/pharma/twins/*.eml", 10)
}

// TestMedicalSideGapsAreAsKnown: the five twins no signal tells apart yet
// (a look-alike of a congress outside the brand catalogue asking for the
// card, an Elsevier look-alike, Elsevier being uncatalogued, a laboratory
// outside the catalogue imitated with Veeva's footer, a ScholarOne
// invitation to review from a look-alike of a journal, the PfizerPro
// notice copied whole on a look-alike of its domain) are accepted
// under both trusts, and the genuine PfizerPro notice, accepted under both
// trusts with the embedded model but above the margin and quarantined by
// the fits without one source, stays accepted; testdata/pharma/gaps/README.md
// says why each is left.
func TestMedicalSideGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/pharma/gaps", []string{
		"faux-elsevier-compte-relecteur-domaine-sosie.eml",
		"faux-jfr-badge-paiement-carte-domaine-sosie.eml",
		"faux-pfizerpro-sosie-trait-union-suivi-demande.eml",
		"faux-scholarone-invitation-relecture-domaine-sosie.eml",
		"faux-veeva-laboratoire-hors-catalogue-documents-compte-m365.eml",
		"pfizer-pro-commande-echantillons-enregistree.eml",
	}, true)
}
