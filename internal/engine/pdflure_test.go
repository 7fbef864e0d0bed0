package engine

import "testing"

// Genuine PDFs that lead elsewhere (testdata/pdflure/README.md): supplier
// invoices whose "Payer en ligne" button goes to their payment provider
// (GoCardless, PayPlug, Stripe), a bank's statement, a Chorus Pro deposit
// receipt, a conference ticket with its QR code, a DocuSign certificate
// of completion, an association's newsletter, a hospital's internal memo
// and the tax office's notice. Each is accepted behind the hospital's MX
// and under the evaluation's trust: their PDFs say a sum, a due date, a
// ticket to show, or a sign-in to the sender's own site, not a hand-over.
func TestPDFLureGenuineAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/pdflure/*.eml", 10)
}

// The same PDFs turned into the lure's carrier: a "document protégé" to
// open behind a button to a free host, a shortener or a look-alike, a
// code to scan to sign in (LURE_PDF_HANDOVER).
func TestPDFLureTwinsFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/pdflure/twins/*.eml", 6)
}

// The twin whose button goes through a shortener the hosting list does
// not know, from the supplier's authenticated mailbox: LURE_PDF_HANDOVER
// and the body's invoice word alone (README).
func TestPDFLureGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/pdflure/gaps", []string{"facture-traiteur-document-securise-raccourci-inconnu.eml"}, true)
}
