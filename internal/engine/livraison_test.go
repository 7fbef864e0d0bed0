package engine

import "testing"

// TestParcelAndMarketplaceNoticesAreAccepted: the genuine parcel and
// marketplace mail fake parcel fees imitate, France's most common phishing
// (testdata/livraison/README.md): La Poste's and Colissimo's delivery and
// collection notices, registered e-mail (La Poste's LRE, AR24), Chronopost
// Predict, Mondial Relay, Relais Colis, DPD, GLS, UPS, DHL, FedEx and TNT,
// import duties that genuinely ask to be paid, Amazon, Cdiscount, Fnac
// Darty, leboncoin and Vinted on both sides of a sale, online shops, the
// customs' EORI number, and an organisation's own suppliers' delivery
// slips and backorders. Each is accepted behind the company's trusted MX
// and under the evaluation's trust, where nothing of its authentication is
// believed.
func TestParcelAndMarketplaceNoticesAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/livraison/*.eml", 47)
}

// TestParcelAndMarketplaceTwinsAreFlagged: the phishing copies of the same
// kinds (testdata/livraison/README.md) — a redelivery or customs fee of a
// euro or two on a look-alike, "colis en attente" from a free mailbox,
// Vinted's "payment received, confirm your card", DHL's duties on a free
// host, leboncoin's fake payment protection page, a paid Chronopost or DPD
// slot, UPS's import fees on a look-alike, an AR24 notice leading to a
// mailbox sign-in form, Amazon's refund "waiting" for a card, the customs'
// "fine" from a free mailbox, a medical supplier's backorder with new bank
// details — are flagged under both trusts. The customs' copies ("Douane
// française" from a free mailbox and from douane-gouv.net) were tagged by
// their free host alone, and accepted under three of the four fits made
// without one legitimate source: brands.yaml now catalogues the customs by
// their own names, never by the bare word "douane" a carrier's customs
// team and a broker's domain use (both accepted here).
func TestParcelAndMarketplaceTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/livraison/twins/*.eml", 13)
}
