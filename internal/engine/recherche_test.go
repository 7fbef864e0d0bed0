package engine

import "testing"

// The research and university mail a university hospital's doctors,
// researchers and students receive (testdata/recherche/README.md, each
// shape with its source): journal submission systems (Editorial Manager,
// ScholarOne, Springer Nature's submission system, OJS) from submission to
// proofs and the APC invoice, EasyChair, HotCRP and ConfTool, HAL, ORCID,
// Zenodo, Google Scholar, PubMed, ResearchGate and Academia.edu, the ANR's
// and DGOS's calls, CTIS, the ANSM and the CNIL, the university's ENT,
// Moodle, grades, Partage quota, eduroam and HR notices, a thesis defence
// on a Sympa list, learned societies' congress mailings. Each is accepted
// behind the hospital's trusted MX with hospitalMargin to spare, and under
// the evaluation's trust (TestMustAcceptFixturesUnderEvalTrust).
func TestResearchAndUniversityMailIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/recherche/*.eml", 41)
}

// TestResearchAndUniversityTwinsAreFlagged: the phishing that copies the
// same kinds (testdata/recherche/README.md) — a submission system's
// look-alike "log in to view the decision", a predatory journal's
// invitation leading to a credential page, the university mailbox quota
// or Zimbra upgrade phish CERT RENATER and universities warn of, a fake
// ORCID or ResearchGate verification, an APC invoice with new bank
// details — is flagged behind the hospital's MX and under the
// evaluation's trust.
func TestResearchAndUniversityTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/recherche/twins/*.eml", 8)
}
