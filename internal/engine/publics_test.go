package engine

import "testing"

// TestPublicBodiesCrossMailIsAccepted: one public body writing about
// another (testdata/publics/README.md) — a prefecture's notice on vehicle
// registration sending to the ANTS's site, a DDFiP's letter to the
// hospital linking impots.gouv.fr, the ARS writing from ars.sante.fr and
// linking sante.gouv.fr, a ministry's instruction on invoices lodged on
// Chorus Pro, a collège asking parents to activate ÉduConnect, a
// prefecture's "Bureau des permis de conduire" under its own name, and
// State mail linking forms, survey and video hosts, LinkedIn, Google
// Docs and Maps, and communes' sites on site builders — is
// accepted behind the hospital's trusted MX and under the evaluation's
// trust.
func TestPublicBodiesCrossMailIsAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/publics/*.eml", 12)
}

// TestPublicBodyMailboxTwinsAreFlagged: a mailbox of one public body
// under gouv.fr, taken over (DMARC passes for its domain) or forged where
// no authentication is read, posing as another — the DGFiP's refund with a
// card form on a free host, the ANTAI's unpaid fine on a look-alike, the
// ANTS's "dossier incomplet, payez", the Assurance Maladie's carte Vitale,
// Chorus Pro's rejected invoice behind a sign-in off chorus-pro.gouv.fr,
// and abroad a UK council's mailbox signed HMRC and a Brazilian city's
// signed Receita Federal, and a prefecture's or a DDETS's mailbox that
// names itself beside the body above a look-alike or a free host, or
// (forged where nothing is read, or taken over) above a number to call, a
// Reply-To on a free mailbox, a redirect off the prefecture's site or a
// file on static.data.gouv.fr — is flagged under both trusts. Each body's catalogue entry named all of
// gouv.fr (gov.uk, gov.br) among its domains, which made any State
// mailbox the body's own (brands.yaml).
func TestPublicBodyMailboxTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/publics/twins/*.eml", 17)
}
