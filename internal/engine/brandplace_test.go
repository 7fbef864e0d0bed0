package engine

import (
	"os"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// Genuine senders whose names hold a word of the brand catalogue
// (testdata/brandplace/README.md): the commune of Orange's bodies, a care
// home on a canal and a clinic on a lido, research structures and
// clinical investigation centres going by SFR and CIC, a data protection
// officer signing DPD, hotels and cafés "de la Poste", people whose
// family or given name is a brand, a regional bank's own domain. Each is
// accepted behind the company's trusted MX and under the evaluation's
// trust, where nothing of its authentication is believed.
func TestBrandWordsInGenuineSendersAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/brandplace/*.eml", 23)
}

// The phishing copies of the same brands (testdata/brandplace/twins/): the
// operator's bill on a look-alike domain, "Service client d'Orange" and a
// town hall's name over the operator's mailbox lure, a parcel held by La
// Poste and DPD, the CIC's and Chase's card and account alerts, SFR's
// rejected direct debit, Lido's staking rewards, Canal+'s failed payment,
// a regional bank's name on a look-alike. Each is flagged under both trusts.
func TestBrandWordsTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/brandplace/twins/*.eml", 19)
}

// A regional Crédit Agricole bank's domain (ca-alpesprovence.fr, in MISP's
// bank-website list, with the group's initials) is the bank's own where no
// authentication result is read, as the catalogue's declared domains are;
// behind the company's MX, which reads the results, a forgery of it that
// fails DMARC is still the bank's name on someone else's mail.
func TestRegionalBankDomainForgedBehindTheMX(t *testing.T) {
	raw, err := os.ReadFile("testdata/brandplace/credit-agricole-alpes-provence-releve.eml")
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.NewReplacer("dkim=pass", "dkim=none", "spf=pass", "spf=fail", "dmarc=pass (p=none dis=none)", "dmarc=fail (p=reject dis=none)").Replace(string(raw))
	if forged == string(raw) {
		t.Fatal("fixture's Authentication-Results not rewritten")
	}
	v := newScanner(t, atelierConfig(t)).Scan(t.Context(), []byte(forged), scan.Envelope{})
	if v.Action == scan.Accept || !slices.Contains(names(v), "BRAND_DISPLAY_NAME") {
		t.Errorf("forged regional bank domain: %s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
}
