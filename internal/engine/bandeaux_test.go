package engine

import "testing"

// What other organisations' gateways and mail clients add to the mail a
// French organisation receives in replies and forwards
// (testdata/bandeaux/README.md): external-sender banners and subject tags
// quoted in the chain, Microsoft's first-contact safety tip, security
// footers ("ne vous demandera jamais votre mot de passe"), confidentiality
// disclaimers, and links rewritten by the sender's link protection (Safe
// Links, Proofpoint URL Defense v2 and v3, Mimecast, Barracuda, Sophos,
// Trend Micro, Cisco). Each is accepted behind the company's trusted MX
// and under the evaluation's trust.
func TestGatewayBannersAndWrappedLinksAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/bandeaux/*.eml", 9)
}

// TestGatewayBannersAndWrappedLinksTwinsAreFlagged: phishing that hides
// its page behind each vendor's wrapper, that pastes a fake "scanned, safe"
// banner, or that asks for a password beside a quoted security footer
// (testdata/bandeaux/README.md) is flagged under both trusts.
func TestGatewayBannersAndWrappedLinksTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/bandeaux/twins/*.eml", 9)
}
