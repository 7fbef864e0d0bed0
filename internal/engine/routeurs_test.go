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
// domain of its own, an unpaid-order notice from a small company's
// routeur account whose link leaves the tracker for a kit on a free host,
// and a retailer's whole newsletter copied on a domain misspelling its
// name (decatthlon-soldes.fr) under a display name without it.
// Each is flagged behind the hospital's MX and under the evaluation's trust.
func TestRouteursTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/routeurs/twins/*.eml", 5)
}

// TestRouteursGapsAreAsKnown: the twins still accepted
// (testdata/routeurs/gaps/README.md).
func TestRouteursGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/routeurs/gaps", []string{
		"compte-routeur-detourne-commande-impayee-kit.eml",
		"compte-routeur-detourne-partage-document-traceur.eml",
	}, false)
}

// TestBrandsOwnLinkSparesNoForgedShare: links.brandsOwnLink spares a
// brand's own authenticated newsletter showing one of its domains over a
// link to another (the regional bank's site over its tracker); a forged,
// unauthenticated "Microsoft 365" share notice showing www.office.com or
// www.microsoft.com over another of Microsoft's domains keeps
// URL_TEXT_HREF_MISMATCH and is quarantined under both trusts: a
// phisher's SharePoint file and Microsoft Form (hosts where the brand's
// customers publish, brands.yaml's published:; Avanan's "PhishPoint",
// 2018, and the Swiss NCSC's alert on SharePoint invitations describe
// the share notice leading to a credential page) and LinkedIn's /slink
// redirect, whose destination the link does not show (Cofense's Smart
// Links campaign against Microsoft accounts, July-August 2023; Microsoft
// Defender for Office 365's blog on Smart Link phish, January 2024).
// Before the narrowing each was accepted at 2.19.
func TestBrandsOwnLinkSparesNoForgedShare(t *testing.T) {
	for _, l := range []struct{ shown, href string }{
		{"www.office.com", "https://fabrikam4-my.sharepoint.com/:b:/g/personal/j_martin_fabrikam4_onmicrosoft_com/EaBcD3fGhIjK9lMn0pQrStUBx7vWq2Yz?e=Xy12Ab"},
		{"www.microsoft.com", "https://forms.office.com/r/Qx7Lm2Np9Z"},
		{"www.office.com", "https://www.linkedin.com/slink?code=eTq4Zb7Kx"},
	} {
		raw := crlf(received+"From: \"Microsoft 365\" <no-reply@microsoft.com>",
			"To: a.bernard@chu-exemple.fr",
			`Subject: Jean Martin vous a partage "Releve_factures_decembre.pdf"`,
			"Date: Mon, 14 Dec 2026 06:31:18 +0000",
			"Message-ID: <partage-20261214@mail.relais-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Bonjour,</p><p>Jean Martin vous a partag&eacute; un fichier : <b>Releve_factures_decembre.pdf</b></p>`,
			`<p><a href="`+l.href+`">`+l.shown+`</a></p>`,
			`<p>Ce message a &eacute;t&eacute; envoy&eacute; par Microsoft 365 pour le compte de Jean Martin.</p>`)
		t.Run(l.href, func(t *testing.T) { quarantinedUnderBothTrusts(t, []byte(raw), "URL_TEXT_HREF_MISMATCH") })
	}
}
