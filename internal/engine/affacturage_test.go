package engine

import (
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// Factoring notices an accounts-payable department really receives
// (testdata/affacturage/README.md cites each shape): the factor's own
// notification de subrogation (BNP Paribas Factor, Bpifrance's notice of
// a public contract's assigned receivable), the supplier's letter
// announcing its factor with the letter as PDF, an invoice carrying the
// subrogation clause and the factor's IBAN, a reverse-factoring
// platform's monthly summary. Accepted behind the hospital's trusted MX
// and under the evaluation's trust.
func TestFactoringNoticesAreAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/affacturage/*.eml", 6)
}

// Genuine notices from factors factoring.yaml does not list (Factofrance,
// HSBC Factoring, the fintech Defacto, a regional bank's Dailly
// notification saying "nous a cédé sa créance"), each authenticated from
// its own domain: FACTORING_NOTICE_UNKNOWN_FACTOR tags them (its floor,
// with the banner asking to confirm the factor with the supplier at a
// known number), never more. The README says why the floor stays.
func TestUnlistedFactorsNoticesAreAtMostTagged(t *testing.T) {
	eachBehind(t, hospitalAndEvalScanners(t), "testdata/affacturage/autres-factors/*.eml", 4,
		func(a scan.Action) bool { return a == scan.Accept || a == scan.Tag })
}

// The fake factor's notices (fraude à l'affacturage): a "factor" on a
// free mailbox or a look-alike of a factor's domain says a supplier
// assigned it its receivables and gives a new account. Flagged under both
// trusts (FACTORING_NOTICE_UNKNOWN_FACTOR).
func TestFakeFactoringNoticesAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/affacturage/twins/*.eml", 6)
}

// affacturageGaps are the lures still accepted under at least one trust
// (a real factor's domain forged, under the eval trust; the supplier's
// side copied from a look-alike, with no supplier register); the
// README's table says why.
var affacturageGaps = []string{
	"faux-factor-usurpe-bnpparibas-dmarc-echoue.eml",
	"faux-fournisseur-nouveau-factor-sosie.eml",
	"faux-factor-passif-domaine-propre.eml",
	"boite-interne-compromise-transfert.eml",
	"interne-forge-depuis-vps.eml",
}

func TestFakeFactoringGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/affacturage/gaps", affacturageGaps, false)
}
