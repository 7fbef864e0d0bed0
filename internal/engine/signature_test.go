package engine

import "testing"

// Electronic-signature and meeting mail (testdata/signature/README.md),
// two of the families phishing imitates most: DocuSign, Yousign, Adobe
// Acrobat Sign, Universign, Docage, Oodrive Sign, Lex Persona and Dropbox
// Sign requests, reminders, completed and voided envelopes, a notary's
// clerk announcing the signature; Teams and Outlook invitations with
// their iMIP part (REQUEST, CANCEL, COUNTER), Google Calendar, Zoom,
// Webex, GoTo, Livestorm, RENATER's Rendez-vous and Evento, Doodle,
// Framadate, Calendly. Each is accepted behind the company's trusted MX
// and under the evaluation's trust, where nothing of its authentication
// is believed.
func TestSignatureAndMeetingMailIsAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/signature/*.eml", 37)
}

// TestHospitalParapheurIsAccepted: the hospital's own electronic
// signature book (i-Parapheur, iXBus) writes from its own server, with
// no DKIM and no SPF record for the host, behind the hospital's MX; it is
// accepted there and under the evaluation's trust.
func TestHospitalParapheurIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/signature/hopital/*.eml", 3)
}

// TestSignatureAndMeetingTwinsAreFlagged: the phishing copies of the same
// kinds (testdata/signature/README.md) — a signature request from a
// look-alike Yousign domain or a free mailbox leading to a sign-in form on
// a site builder, a Teams invitation or "missed messages" whose link is a
// credential page, an invitation whose event URL and attachment are the
// phishing page, a request that asks for the mailbox password, a "signed
// copy" that is an HTML sign-in form — are flagged behind the company's
// MX and under the evaluation's trust.
func TestSignatureAndMeetingTwinsAreFlagged(t *testing.T) {
	flaggedUnderTrustSettings(t, "testdata/signature/twins/*.eml", 10)
}
