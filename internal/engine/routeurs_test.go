package engine

import "testing"

// Commercial newsletters sent through the French and European e-mailing
// platforms ("routeurs") a French company's inbox receives
// (testdata/routeurs/README.md): retailers', banks', insurers', mutuelles',
// energy suppliers', travel companies', newspapers' and training bodies'
// marketing in the shapes of Adobe Campaign, Selligent (Marigold Engage),
// Emarsys, Oracle Responsys, Splio, Dolist, Actito, Cabestan, Sarbacane
// (Mailify), Message Business, NP6, Mapp and Campaign Commander: tracking
// redirects under the brand's delegated subdomain, one-click unsubscribe,
// mirror page, open pixel, RGPD footer, promotion words ("-50 %",
// "dernière chance", "code promo", "gagnez"). Each is accepted behind the
// company's trusted MX and under the evaluation's trust.
func TestRouteursNewslettersAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/routeurs/*.eml", 30)
}

// TestRouteursTwinsAreFlagged: the same platforms' shapes abused
// (testdata/routeurs/README.md): a retailer's look-alike domain with a
// "carte cadeau" won and fees to pay, a supermarket's "gagnez un iPhone"
// survey on a free host, a bank's newsletter look with a sign-in link to a
// domain of its own, and an unpaid-order notice from a small company's
// routeur account whose link leaves the tracker for a kit on a free host.
// Each is flagged behind the hospital's MX and under the evaluation's trust.
func TestRouteursTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/routeurs/twins/*.eml", 4)
}

// TestRouteursGapsAreAsKnown: the twins still accepted
// (testdata/routeurs/gaps/README.md).
func TestRouteursGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/routeurs/gaps", []string{
		"compte-routeur-detourne-commande-impayee-kit.eml",
	}, false)
}
