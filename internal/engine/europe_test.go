package engine

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// TestEuropeMailIsAccepted: the mail a French company receives in the
// other languages of its European suppliers and partners — German,
// Spanish, Italian, Portuguese (Portugal and Brazil) and Dutch
// (testdata/europe/README.md): invoices and payment reminders, carriers'
// shipping notices, banks' statement notices, trade-fair invitations,
// distributors' newsletters with a contest and a discount code, webinar
// invitations, a colleague's reply, software vendors' licence renewals, a
// university's and a hospital's mail — is accepted under the default
// policy behind the company's trusted MX and under the evaluation's trust
// settings alike. The log gives every score and its signals.
func TestEuropeMailIsAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/europe/*.eml", 45)
}

// TestEuropeSparesKeepTheirTwins: what testdata/europe led to, and the
// phisher's copy of each. Italian Outlook's reply prefix "R:" is a reply,
// whose quoted original is not a forward's (fwdblock): the reply is
// accepted, and the phisher who writes "R:" gains nothing "Re:" did not
// give him: his message scores as its "Re:" copy
// (TestItalianReplyPrefixIsRe; testdata/gaps/README.md says what that
// copy lacks). German's paired salutation
// "Liebe Kundin, lieber Kunde" is no anonymous greeting (lure
// pairedGreeting): the distributor's newsletter is accepted without
// LURE_GENERIC_GREETING, and the spam that copies the pair is still
// flagged by what it asks.
func TestEuropeSparesKeepTheirTwins(t *testing.T) {
	s := newScanner(t, evalTrustConfig(t))
	runShapes(t, s, []sourceCase{{
		name:   "risposta di un fornitore, prefisso R: di Outlook",
		file:   "testdata/europe/collega-risposta-campioni-it.eml",
		accept: true,
		absent: []string{"FORWARDED_PHISH", "LURE_GENERIC_GREETING"},
	}, {
		name:   "Newsletter eines Händlers, „Liebe Kundin, lieber Kunde“",
		file:   "testdata/europe/haendler-newsletter-gewinnspiel-gutschein-de.eml",
		accept: true,
		absent: []string{"LURE_GENERIC_GREETING"},
	}, {
		name: "Spam mit der Paarform, Diät-Gummies und Gewinnspiel",
		raw: crlf("Return-Path: <info@envoi-exemple.net>",
			received+"From: Gesundheit Aktuell <info@envoi-exemple.net>",
			"To: contact@atelier-exemple.fr",
			"Subject: Herzlichen Glückwunsch! Sie haben gewonnen",
			"Date: Fri, 6 Nov 2026 07:45:00 +0100",
			"Message-ID: <de-1@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Liebe Kundin, lieber Kunde,",
			"herzlichen Glückwunsch! Sie haben beim Gewinnspiel ein iPhone 15 Pro gewonnen.",
			"Bestätigen Sie Ihre Daten jetzt, sonst verfällt Ihr Gewinn:",
			"http://gewinn-bestaetigen.example-xyz.top/iphone",
			"Hier klicken, um sich abzumelden."),
		absent: []string{"LURE_GENERIC_GREETING"},
		flag:   true,
	}, {
		// The same newsletter's draw, announced without a congratulation,
		// is no prize lure (lure prizeWords: "gewinnspiel" counts after
		// one); the honeypot's draw opens with it, as here.
		name:   "Newsletter eines Händlers, Gewinnspiel ohne Glückwunsch",
		file:   "testdata/europe/haendler-newsletter-gewinnspiel-gutschein-de.eml",
		accept: true,
		absent: []string{"LURE_PRIZE"},
	}, {
		name: "Gewinnspiel-Köder: wir gratulieren Ihnen, Sie gehören zu den Auserwählten",
		raw: crlf("Return-Path: <info@envoi-exemple.net>",
			received+"From: Tierbedarf Gewinnspiel <info@envoi-exemple.net>",
			"To: contact@atelier-exemple.fr",
			"Subject: Wir gratulieren Ihnen recht herzlich",
			"Date: Fri, 6 Nov 2026 07:45:00 +0100",
			"Message-ID: <de-2@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Guten Tag,</p>`,
			`<p>wir gratulieren Ihnen recht herzlich. Sie gehören zu den Auserwählten für das Tierbedarf Gewinnspiel.`,
			`Nehmen Sie sich eine Minute Zeit und machen Sie mit: alle Teilnehmer haben die Chance auf ein 500 € Paket.</p>`,
			`<p><a href="http://umfrage-tierbedarf.example-xyz.top/start">Jetzt teilnehmen</a></p>`),
		present: []string{"LURE_PRIZE"},
		flag:    true,
	}})
}

// TestItalianReplyPrefixIsRe: a phisher's reply under Outlook's Italian
// "R:" is judged as the same message under "Re:", behind the company's
// MX and under the evaluation's trust settings.
func TestItalianReplyPrefixIsRe(t *testing.T) {
	twin := func(prefix string) string {
		return crlf("Return-Path: <amministrazione@envoi-exemple.net>",
			received+"From: Ufficio Amministrazione <amministrazione@envoi-exemple.net>",
			"To: compta@atelier-exemple.fr",
			"Subject: "+prefix+" fattura n. 2026/1184",
			"Date: Thu, 12 Nov 2026 12:20:10 +0100",
			"Message-ID: <r-it-1@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Buongiorno,",
			"la fattura è disponibile sul nostro portale. Per visualizzarla confermate la password della vostra casella:",
			"http://203.0.113.45/webmail/login.php",
			"",
			"-----Messaggio originale-----",
			"Da: compta@atelier-exemple.fr",
			"Inviato: mercoledì 11 novembre 2026 17:48",
			"A: amministrazione@envoi-exemple.net",
			"Oggetto: fattura n. 2026/1184")
	}
	for _, c := range trustSettings(t) {
		s := newScanner(t, c.cfg)
		r := s.Scan(t.Context(), []byte(twin("R:")), scan.Envelope{})
		re := s.Scan(t.Context(), []byte(twin("Re:")), scan.Envelope{})
		t.Logf("%s: R: %.2f %s, Re: %.2f %s", c.name, r.Score, r.Action, re.Score, re.Action)
		if r.Action != re.Action || r.Score != re.Score || strings.Contains(weighted(r), "FORWARDED") {
			t.Errorf("%s: R: %s (%.2f) %s; Re: %s (%.2f) %s", c.name, r.Action, r.Score, weighted(r), re.Action, re.Score, weighted(re))
		}
	}
}
