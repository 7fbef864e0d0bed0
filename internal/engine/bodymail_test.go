package engine

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// Genuine mail that gives a free mailbox to write to
// (testdata/bodymail/README.md): a list member's address for off-list
// replies, a colleague's personal address in her own message, a quoted
// correspondent's Gmail, an association's treasurer, a classified-ad
// reply, a list post naming a secretary's Gmail. Each is accepted under
// both trusts: BODY_FREEMAIL_CONTACT alone never tags.
func TestFreemailContactsInGenuineMailAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/bodymail/*.eml", 6)
}

// The letters that ask to write to a free mailbox typed in the text
// (advance-fee, recovery, romance, lottery; and a forged sender whose
// name is in the free address) are flagged under both trusts, and say
// why. The French recovery letter (mx/), with no lure phrase the lure
// family knows, is flagged only where its failed authentication is read:
// under the evaluation's trust it scores 2.0, a gap left as measured.
func TestFreemailContactLettersAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/bodymail/twins/*.eml", 4)
	s := hospitalConfig(t)
	for _, f := range fixtures(t, "testdata/bodymail/*/*.eml", 5) {
		v := scanLogged(t, s, f)
		if !slices.Contains(names(v), "BODY_FREEMAIL_CONTACT") {
			t.Errorf("%s: no BODY_FREEMAIL_CONTACT in %v", f, names(v))
		}
		if v.Action == scan.Accept {
			t.Errorf("%s: accepted behind the MX (%.2f) %s", f, v.Score, weighted(v))
		}
	}
}
