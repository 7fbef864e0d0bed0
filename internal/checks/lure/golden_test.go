package lure

import (
	"testing"

	"vigie.dev/vigie/internal/checks/brand"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/sender"
)

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them). The sender and
// brand families run first, as in the pipeline: MONEY_FROM_FREEMAIL reads
// sender's verdict on free mailboxes, and the account-notice themes and
// LURE_CALLBACK count only from a sender posing as someone (a free
// mailbox, a brand's name on another domain), which both say. The brand
// family, and this one for the notices about the reader's mailbox, see
// the organisation of the golden messages, example-hopital.fr.
func TestGolden(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetOrgDomains([]string{"example-hopital.fr"})
	b, err := brand.New(brand.Options{OrgDomains: []string{"example-hopital.fr"}, VIPs: []string{"Claire Dubois"}})
	if err != nil {
		t.Fatal(err)
	}
	checktest.Golden(t, c, sender.New(nil), b)
}
