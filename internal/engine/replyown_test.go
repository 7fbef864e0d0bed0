package engine

import (
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// chuWithOtherDomainsScanners are the hospital behind its trusted MX with
// its other domains listed in org.domains — its .com, its foundation's —
// and the evaluation's trust, where no organisation is configured.
func chuWithOtherDomainsScanners(t *testing.T) []namedScanner {
	t.Helper()
	c := chuConfig(t, "microsoft.com", "google.com")
	c.Org.Domains = []string{"chu-exemple.fr", "chu-exemple.com", "fondation-chu-exemple.fr"}
	return []namedScanner{{"hospital with its other domains", newScanner(t, c)}, {"eval-corpus trust", newScanner(t, evalTrustConfig(t))}}
}

// Business e-mail compromise (testdata/replyown/README.md): a colleague's
// or a supplier's mail whose answers go to a look-alike of the reader's
// own organisation's domain — chu-exempIe.fr, chu-exemple.com,
// chu-exemple-fr.com for chu-exemple.fr — from a free mailbox or a
// supplier's hijacked one is flagged behind the hospital's MX (its own
// domain configured) and under the evaluation's trust (the recipient's
// domain read as its own).
func TestReplyToOwnLookalikeTwinsAreFlagged(t *testing.T) {
	for _, c := range hospitalAndEvalScanners(t) {
		for _, f := range fixtures(t, "testdata/replyown/twins/*.eml", 3) {
			if v := scanLogged(t, c.s, f); v.Action == scan.Accept || !hasSignal(v, "REPLYTO_LOOKALIKE_OWN_DOMAIN") {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}

// The genuine side: Reply-To at the organisation's other domain or its
// foundation's (listed in org.domains), a supplier's Reply-To at a
// manufacturer whose domain shares a word with the hospital's, a list's
// Reply-To at the list — accepted behind the hospital's MX (its other
// domains listed) and under the evaluation's trust, where the From at
// the recipient's own domain leaves its Reply-To unjudged
// (recipientDomains); the supplier's and the list's under the hospital's
// plain configuration too.
func TestReplyToOwnOtherDomainsAreAccepted(t *testing.T) {
	eachBehind(t, chuWithOtherDomainsScanners(t), "testdata/replyown/*.eml", 4, func(a scan.Action) bool { return a == scan.Accept })
	acceptedBehindHospitalAndEval(t, "testdata/replyown/[fl]*.eml", 2)
}
