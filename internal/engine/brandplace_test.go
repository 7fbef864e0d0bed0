package engine

import "testing"

// Genuine senders whose names hold a word of the brand catalogue
// (testdata/brandplace/README.md): the commune of Orange's bodies, a care
// home on a canal and a clinic on a lido, research structures and
// clinical investigation centres going by SFR and CIC, a data protection
// officer signing DPD, hotels and cafés "de la Poste", people whose
// family or given name is a brand, a regional bank's own domain. Each is
// accepted behind the company's trusted MX and under the evaluation's
// trust, where nothing of its authentication is believed.
func TestBrandWordsInGenuineSendersAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/brandplace/*.eml", 10)
}

// The phishing copies of the same brands (testdata/brandplace/twins/): the
// operator's bill on a look-alike domain, "Service client d'Orange" and a
// town hall's name over the operator's mailbox lure, a parcel held by La
// Poste and DPD, the CIC's and Chase's card and account alerts, SFR's
// rejected direct debit, Lido's staking rewards, Canal+'s failed payment,
// a regional bank's name on a look-alike. Each is flagged under both trusts.
func TestBrandWordsTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/brandplace/twins/*.eml", 12)
}
