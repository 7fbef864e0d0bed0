package engine

import "testing"

// Genuine mail carrying SVG files as real software writes them
// (testdata/svg/README.md): signature logos with and without a link to
// the company's site, draw.io, Inkscape, Illustrator, Figma and Visio
// exports attached by a colleague or a designer, charts from LibreOffice
// Calc, Datawrapper and Grafana, a QR code badge from qrencode, an
// OpenStreetMap access map, a CI badge from shields.io. Each is accepted
// behind the company's trusted MX and under the evaluation's trust.
func TestGenuineSVGAttachmentsAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/svg/*.eml", 15)
}

// TestSVGLinkLureTwinsAreFlagged: the SVG phishing of the 2025 write-ups
// whose picture only links (testdata/svg/README.md): a voicemail to play,
// an invoice to view, a document to review and sign, each flagged under
// both trusts.
func TestSVGLinkLureTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/svg/twins/*.eml", 15)
}

// TestSVGLinkLureGapsAreAsKnown: the link-only SVG lures still accepted
// (testdata/svg/README.md, "gaps/"): a button that carries no words, and
// a compromised supplier's button to a page on its own site.
func TestSVGLinkLureGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/svg/gaps", []string{
		"facture-fournisseur-compromis-svg-lien-sur-son-propre-site.eml",
		"messagerie-vocale-svg-bouton-sans-mots-domaine-jeune.eml",
	}, false)
}
