package engine

import (
	"path/filepath"
	"slices"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

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

// TestInvitationsOwnHostsSpareTheRecipientInSubject: Google Calendar
// writes the guest's address in the subject. Where the sender's
// authentication is not read (the evaluation's trust), the invitation is
// still its own when its iCalendar part invites that address from the
// From's address and every link leads to the From's or the Sender
// field's domain (google.com for calendar-notification@google.com):
// RECIPIENT_IN_SUBJECT is not raised (3.19 -> 0.97). The phisher's copy
// of the format, its link and event URL on web.app, keeps it and stays
// flagged. So does the callback copy with no link at all (a Norton
// "renewal" and a number to call, sent as a Google invitation from a
// Gmail address by a server not Google's), under the evaluation's trust
// (accepted at 4.15 when "no link" passed for "every link goes home") and
// behind the MX, where its failed authentication was read: there only
// authentication spares an invitation.
func TestInvitationsOwnHostsSpareTheRecipientInSubject(t *testing.T) {
	const callback = "testdata/signature/twins/sosie-google-agenda-invitation-rappel-norton-sans-lien-gmail.eml"
	for _, trust := range []struct {
		name string
		s    *scan.Scanner
	}{{"eval-corpus trust", newScanner(t, evalTrustConfig(t))}, {"behind the company's MX", newScanner(t, atelierConfig(t))}} {
		for _, c := range []struct {
			file string
			want bool
		}{
			{"testdata/signature/google-agenda-invitation-meet-artisan.eml", false},
			{"testdata/signature/google-agenda-invitation-modifiee.eml", false},
			{"testdata/signature/twins/sosie-google-agenda-invitation-destinataire-objet-lien-web-app.eml", trust.name == "eval-corpus trust"},
			{callback, true},
			// The same renewal really sent through Google Calendar
			// (DKIM google.com, DMARC pass for gmail.com, its RSVP links):
			// the invitation carries the callback scam (LURE_CALLBACK).
			{"testdata/signature/twins/sosie-google-agenda-invitation-rappel-norton-envoyee-par-google.eml", true},
		} {
			v := scanLogged(t, trust.s, c.file)
			if got := slices.Contains(names(v), "RECIPIENT_IN_SUBJECT"); got != c.want {
				t.Errorf("%s, %s: RECIPIENT_IN_SUBJECT %v, want %v: %s (%.2f) %s", trust.name, filepath.Base(c.file), got, c.want, v.Action, v.Score, weighted(v))
			}
			if c.want && v.Action == scan.Accept {
				t.Errorf("%s, %s: %s (%.2f) %s", trust.name, filepath.Base(c.file), v.Action, v.Score, weighted(v))
			}
		}
	}
}
