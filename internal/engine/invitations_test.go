package engine

import (
	"encoding/base64"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// invitation builds a calendar invitation as it reaches the hospital's MX
// (mx.chu-exemple.fr, trusted): an HTML card beside an RFC 6047 iMIP
// text/calendar part, base64 as Outlook and Google Calendar send it. ics
// lines are joined with CRLF.
func invitation(authres, headers, html string, ics ...string) []byte {
	cal := base64.StdEncoding.EncodeToString([]byte(strings.Join(ics, "\r\n") + "\r\n"))
	var wrapped strings.Builder
	for len(cal) > 76 {
		wrapped.WriteString(cal[:76] + "\n")
		cal = cal[76:]
	}
	wrapped.WriteString(cal + "\n")
	h := "Authentication-Results: mx.chu-exemple.fr; " + authres + "\n" +
		"Received: from mail.example.net (mail.example.net [198.51.100.40])\n" +
		"\tby mx.chu-exemple.fr (Postfix) with ESMTPS id 4W9kLm; Tue, 08 Dec 2026 09:12:03 +0100 (CET)\n" +
		"To: benoit.lemaire@chu-exemple.fr\nDate: Tue, 08 Dec 2026 09:12:00 +0100\n" +
		strings.TrimSpace(headers) + "\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"inv\""
	body := "--inv\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + html + "\n" +
		"--inv\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\nContent-Transfer-Encoding: base64\n\n" +
		wrapped.String() + "--inv--\n"
	return msg(h, body)
}

// Invitation phishing (Check Point's report on Google Calendar abuse,
// Kaspersky's and Microsoft's on Outlook and booking-service invites)
// writes the lure and the link into the event: the card's description,
// location and URL, which the parser now reads as text and links. Each
// family's copy, written here, must be flagged; the genuine invitations
// that share its form — a partner's Zoom meeting, a colleague's Google
// Meet through Google Calendar, a Doctolib appointment — accepted.
func TestInvitationPhishingIsCaught(t *testing.T) {
	s := modernConfig(t)
	for _, c := range []struct {
		name string
		raw  []byte
		min  scan.Action
		// signal is one the invitation part alone raises: the lure or
		// the link is nowhere else in the message.
		signal string
	}{
		{
			// Credential phishing: a password-expiry notice in
			// Microsoft's name whose link leaves for another domain,
			// organised by a free mailbox and sent through a booking
			// service that authenticates its own domain.
			name: "credential invite from a booking service",
			raw: invitation("spf=pass smtp.mailfrom=mg.rdv-express.example; dkim=pass header.d=rdv-express.example; dmarc=pass header.from=rdv-express.example",
				"From: Microsoft 365 <rappels@rdv-express.example>\nReply-To: m365.support.securite@outlook.com\nMessage-ID: <a1@rdv-express.example>\nSubject: Action requise : votre mot de passe expire aujourd'hui",
				"<p>Vous avez été invité à un événement.</p>",
				"BEGIN:VCALENDAR", "METHOD:REQUEST", "BEGIN:VEVENT",
				"ORGANIZER;CN=Microsoft 365:mailto:m365.support.securite@outlook.com",
				"SUMMARY:Action requise : votre mot de passe expire aujourd'hui",
				"DESCRIPTION:Votre mot de passe Microsoft 365 expire aujourd'hui. Pour conserver l'accès à votre messagerie\\, confirmez vos identifiants : https://m365-verification.example-portail.top/login",
				"URL:https://m365-verification.example-portail.top/login",
				"END:VEVENT", "END:VCALENDAR"),
			min:    scan.Quarantine,
			signal: "URL_ABUSED_TLD",
		},
		{
			// Callback phishing: an invoice for a subscription never
			// taken, "call to cancel", from a Gmail account's Google
			// Calendar.
			name: "callback invite from a free mailbox",
			raw: invitation("spf=pass smtp.mailfrom=calendar-server.bounces.google.com; dkim=pass header.d=google.com; dmarc=pass header.from=gmail.com",
				"From: PayPal Facturation <facturation.paypal.service@gmail.com>\nSender: Google Agenda <calendar-notification@google.com>\nMessage-ID: <b2@google.com>\nSubject: Invitation: Facture n° 88412 - Renouvellement Norton 360 - 399,99 EUR",
				"<p>Facture n° 88412</p>",
				"BEGIN:VCALENDAR", "METHOD:REQUEST", "BEGIN:VEVENT",
				"ORGANIZER;CN=PayPal Facturation:mailto:facturation.paypal.service@gmail.com",
				"SUMMARY:Facture n° 88412 - Renouvellement Norton 360 - 399\\,99 EUR",
				"DESCRIPTION:Votre abonnement Norton 360 a été renouvelé pour 399\\,99 EUR. Si vous n'êtes pas à l'origine de ce paiement\\, appelez notre service client au +1 (888) 555-0143 pour annuler et être remboursé.",
				"END:VEVENT", "END:VCALENDAR"),
			min:    scan.Quarantine,
			signal: "LURE_CALLBACK",
		},
		{
			name: "partner's Zoom meeting",
			raw: invitation("spf=pass smtp.mailfrom=example-partenaire.com; dkim=pass header.d=example-partenaire.com; dmarc=pass header.from=example-partenaire.com",
				"From: Sophie Bernard <sophie.bernard@example-partenaire.com>\nMessage-ID: <c3@example-partenaire.com>\nSubject: Invitation : revue trimestrielle du marché",
				"<p>Sophie Bernard vous invite à une réunion Zoom planifiée.</p>",
				"BEGIN:VCALENDAR", "METHOD:REQUEST", "BEGIN:VEVENT",
				"ORGANIZER;CN=Sophie Bernard:mailto:sophie.bernard@example-partenaire.com",
				"SUMMARY:Revue trimestrielle du marché",
				"DESCRIPTION:Sophie Bernard vous invite à une réunion Zoom planifiée.\\nParticiper à la réunion Zoom\\nhttps://us02web.zoom.us/j/81234567890?pwd=UXlWb3hKS2dvT0pKZz09\\nID de réunion : 812 3456 7890\\nCode secret : 482913",
				"LOCATION:https://us02web.zoom.us/j/81234567890?pwd=UXlWb3hKS2dvT0pKZz09",
				"END:VEVENT", "END:VCALENDAR"),
			min: scan.Accept,
		},
		{
			name: "colleague's Google Meet",
			raw: invitation("spf=pass smtp.mailfrom=calendar-server.bounces.google.com; dkim=pass header.d=ch-exemple-sud.fr; dmarc=pass header.from=ch-exemple-sud.fr",
				"From: Sandrine Perez <sandrine.perez@ch-exemple-sud.fr>\nSender: Google Calendar <calendar-notification@google.com>\nReply-To: Sandrine Perez <sandrine.perez@ch-exemple-sud.fr>\nMessage-ID: <d4@google.com>\nSubject: Invitation: Comité GHT @ jeu. 10 déc. 2026 14:00 - 15:00 (CET) (benoit.lemaire@chu-exemple.fr)",
				"<p>Rejoindre avec Google Meet</p>",
				"BEGIN:VCALENDAR", "METHOD:REQUEST", "BEGIN:VEVENT",
				"ORGANIZER;CN=Sandrine Perez:mailto:sandrine.perez@ch-exemple-sud.fr",
				"SUMMARY:Comité GHT",
				"DESCRIPTION:-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\\nRejoignez la réunion Google Meet : https://meet.google.com/xyz-abcd-efg\\nOu appelez le : (FR) +33 1 87 40 00 00 PIN : 123456789#",
				"LOCATION:",
				"END:VEVENT", "END:VCALENDAR"),
			min: scan.Accept,
		},
		{
			name: "Doctolib appointment",
			raw: invitation("spf=pass smtp.mailfrom=doctolib.fr; dkim=pass header.d=doctolib.fr; dmarc=pass header.from=doctolib.fr",
				"From: Doctolib <no-reply@doctolib.fr>\nMessage-ID: <e5@doctolib.fr>\nSubject: Votre rendez-vous du 15 décembre est confirmé",
				"<p>Votre rendez-vous avec le Dr Lefèvre est confirmé.</p>",
				"BEGIN:VCALENDAR", "METHOD:PUBLISH", "BEGIN:VEVENT",
				"ORGANIZER;CN=Doctolib:mailto:no-reply@doctolib.fr",
				"SUMMARY:Rendez-vous avec Dr Lefèvre",
				"LOCATION:12 rue de la République\\, 69002 Lyon",
				"DESCRIPTION:Pensez à apporter votre carte Vitale. Pour déplacer ou annuler : https://www.doctolib.fr/account/appointments",
				"END:VEVENT", "END:VCALENDAR"),
			min: scan.Accept,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := s.Scan(t.Context(), c.raw, scan.Envelope{})
			t.Logf("%5.2f %-10s %s", v.Score, v.Action, weighted(v))
			if c.min == scan.Accept {
				if v.Action != scan.Accept {
					t.Errorf("genuine invitation %s (%.2f)", v.Action, v.Score)
				}
				return
			}
			if v.Action.Rank() < c.min.Rank() {
				t.Errorf("%s (%.2f), want at least %s", v.Action, v.Score, c.min)
			}
			if !v.Has(c.signal) {
				t.Errorf("%s not raised: the invitation's fields were not read", c.signal)
			}
		})
	}
}
