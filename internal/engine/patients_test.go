package engine

import "testing"

// TestPatientsAndPublicMailIsAccepted: the mail a French hospital receives
// from patients, their families and the public (testdata/patients/README.md),
// written from personal mailboxes (Gmail, Orange and Wanadoo, Free, La
// Poste, SFR, Outlook.com, Yahoo, iCloud), often from a phone — "Envoyé de
// mon iPhone", Yahoo Mail for Android's signature link, no subject or an
// all-caps one with emojis, typos, photographed papers in JPEG or HEIC,
// scanned PDFs, a long quoted thread with the secretariat — asking for an
// appointment or cancelling it, for the medical record under the right of
// access, for news of a relative and the visiting hours, complaining to the
// users' relations, thanking a ward, asking about a bill, the forfait
// journalier or the mutuelle's prise en charge, in English, Spanish or
// Portuguese; and a lawyer, a journalist, a candidate, a student and a
// donor writing from their own domains or mailboxes. Each is accepted
// behind the hospital's trusted MX and under the evaluation's trust.
func TestPatientsAndPublicMailIsAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/patients/*.eml", 31)
}

// TestPatientsAndPublicMailTwinsAreFlagged: the phishing copies of the same
// kinds (testdata/patients/README.md) — a "patient" whose dossier is a link
// to a throw-away host, an HTML page asking to sign in or a disk image, a
// "candidate" whose CV is a password-protected archive or a shortcut in a
// zip (the fake-CV campaigns against HR departments), a "daughter" or a
// "son" asking the refund to be paid on a new account (one from a
// Bouygues Telecom subscriber's bbox.fr mailbox), a complaint whose photos are on
// a free host, the Assurance Maladie's name asking to update the carte
// Vitale on a free host, and a bill "from the hospital" to a patient's family on its
// name beside a payment word (chu-exemple-paiement.fr,
// FROM_OWN_DOMAIN_COMBOSQUAT) — are flagged under both trusts.
func TestPatientsAndPublicMailTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/patients/twins/*.eml", 13)
}
