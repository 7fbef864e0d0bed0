package engine

import (
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// Mail that mail systems send themselves, which every inbox holds
// (testdata/secmail/README.md): delivery status notifications (RFC 3464)
// from Postfix, Exim, Sendmail, qmail, Domino, Zimbra, Exchange Online
// and Gmail, with the original returned whole, as headers or not at all
// (the company's own invoice among them), delay warnings; automatic
// replies (RFC 3834) from Outlook, Zimbra, BlueMind, Gmail and Sieve;
// read receipts (RFC 8098) from Outlook and Thunderbird; quarantine
// notices and digests from Microsoft 365, Proofpoint Essentials, Vade,
// Altospam, Sophos, Mailinblack (its daily report quoting a lottery spam
// it held) and Vigie itself, Mailinblack's request to a sender to
// validate his message; a Postfix log summary mailed by cron; and a
// remote server's bounce of a phish forged in the company's name
// (backscatter). Each is accepted behind atelier-exemple.fr's trusted MX
// and under the evaluation's trust, where nothing of its authentication
// is believed.
func TestMailSystemsOwnMailIsAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/secmail/*.eml", 44)
}

// The phishing families that copy these notices (testdata/secmail/README.md):
// a fake Microsoft 365 quarantine digest asking to sign in to release
// held messages, a fake non-delivery report "click to retrieve" from a
// MAILER-DAEMON name, fake "mailbox full" notices, a fake Mailinblack
// report whose list of held messages dangles prizes (the list's rows are
// not read for lures, withoutListedMessages), a made-up mail service's
// "messages en attente" asking for the mailbox's password, a fake
// quarantine digest (French and English) from the phisher's own domain
// whose release links lead there, no password asked. Each is flagged
// behind the company's MX and under the evaluation's trust.
func TestMailSystemsNoticeTwinsAreFlagged(t *testing.T) {
	flaggedUnderTrustSettings(t, "testdata/secmail/twins/*.eml", 13)
}

// TestPlainBounceFromItsHost: a bounce without a report (qmail's "failure
// notice", Yahoo's "Failure Notice") is sent with the null path From
// MAILER-DAEMON at the host that connects; behind the company's MX, which
// reads that host's HELO, it is not ENVELOPE_NULL_SENDER's mass mailing.
// The same notice From a MAILER-DAEMON at another domain than the
// connecting host's, and the fake non-delivery report of twins/, keep the
// signal there. Under the evaluation's trust no HELO is read and the From
// is all there is: the fake report is then told by what it asks (6.00,
// quarantined).
func TestPlainBounceFromItsHost(t *testing.T) {
	s := newScanner(t, atelierConfig(t))
	raw, err := os.ReadFile("testdata/secmail/qmail-failure-notice-copie-message.eml")
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := strings.Replace(string(raw), "From: MAILER-DAEMON@mail.hebergeur-exemple.net", "From: MAILER-DAEMON@notifications-exemple.com", 1)
	twin, err := os.ReadFile("testdata/secmail/twins/faux-ndr-messages-non-remis-recuperer.eml")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(raw), "\r\n\r\n")
	if i < 0 {
		i = strings.Index(string(raw), "\n\n")
	}
	if i < 0 {
		t.Fatal("qmail bounce: no body")
	}
	restore, err := os.ReadFile("testdata/secmail/twins/faux-rebond-quota-lien-dans-la-copie-en.eml")
	if err != nil {
		t.Fatal(err)
	}
	linked := string(raw[:i]) + "\n\n3 messages addressed to you are held in the queue. Review them before they expire:\nhttps://mail.hebergeur-exemple.net/queue/?u=m.durand\n" + string(raw[i:])
	for _, c := range []struct {
		name string
		raw  []byte
		want bool
	}{
		{"qmail bounce from its host", raw, false},
		{"the same From another domain", []byte(elsewhere), true},
		{"the same from its host, with a link to follow", []byte(linked), true},
		{"fake non-delivery report", twin, true},
		// The mail system's own words asking the reader to restore his
		// held messages, the link moved below a made-up copy: no bounce
		// asks it (mailboxAsk).
		{"a bounce asking to restore the reader's messages", restore, true},
	} {
		v := s.Scan(t.Context(), c.raw, scan.Envelope{})
		t.Logf("%5.2f %-10s %s %s", v.Score, v.Action, c.name, weighted(v))
		if v.Has("ENVELOPE_NULL_SENDER") != c.want {
			t.Errorf("%s: ENVELOPE_NULL_SENDER %v, want %v: %s", c.name, !c.want, c.want, weighted(v))
		}
	}
}

// TestMicrosoftOutlookReportsFromTheTenantsPostmaster: Exchange Online
// writes a company's delivery reports (non-delivery, delivery receipt,
// recall result) "Microsoft Outlook <postmaster@company>", the company's
// own domain, not onmicrosoft.com. As a delivery report (the null path, a
// multipart/report) from the postmaster, the name is the platform's, not
// a claim: the delivery receipt is accepted. The same name on anything
// else from a postmaster is still BRAND_DISPLAY_NAME, and the fake report
// of twins/ (a report from a postmaster asking to sign in to release
// pending messages) is flagged by what it asks. A report that asks nothing
// the lure catalogue knows but leads to a page ("Review messages"),
// elsewhere or on the postmaster's own domain, or an address to reply
// to, is no platform's: the name is a claim again
// and the report is quarantined, as before the postmaster spared it.
func TestMicrosoftOutlookReportsFromTheTenantsPostmaster(t *testing.T) {
	raw, err := os.ReadFile("testdata/secmail/exchange-accuse-remise-remis.eml")
	if err != nil {
		t.Fatal(err)
	}
	notReport := strings.Replace(string(raw), "Content-Type: multipart/report; report-type=delivery-status;", "Content-Type: multipart/mixed;", 1)
	twin, err := os.ReadFile("testdata/secmail/twins/faux-ndr-microsoft-outlook-postmaster-rapport.eml")
	if err != nil {
		t.Fatal(err)
	}
	i, j := strings.Index(string(twin), `<p style="color:#c00000">`), strings.Index(string(twin), "</body></html>")
	if i < 0 || j < i {
		t.Fatal("twin's lure paragraph not found")
	}
	quietTo := func(host string) []byte {
		return []byte(strings.Replace(string(twin[:i]), "messages are pending for", "messages for", 1) +
			"<p>Delivery has been delayed by the recipient policy. Review the held messages and choose which ones to deliver:</p>\r\n" +
			`<p><a href="https://` + host + `/?u=m.durand">Review messages</a></p>` + "\r\n" + string(twin[j:]))
	}
	for _, ts := range trustSettings(t) {
		s := newScanner(t, ts.cfg)
		for _, c := range []struct {
			name       string
			raw        []byte
			brand      bool
			quarantine bool
		}{
			{"delivery receipt", raw, false, false},
			// Exchange writes the original's header under the report's
			// text: its relays' addresses and its build number
			// ("15.20.8207.7") are no number to call (reportCalls).
			{"delivery receipt with the original's header", []byte(strings.Replace(string(raw), "Objet : Question sur le lot 4 - menuiseries intérieures",
				"Objet : Question sur le lot 4 - menuiseries intérieures\r\n\r\nEn-têtes du message d'origine :\r\nReceived: from PA4PR02MB6721.eurprd02.prod.outlook.com ([40.107.24.80])\r\n by PA4PR02MB6721.eurprd02.prod.outlook.com with mapi id 15.20.8207.7; Thu, 3 Dec 2026 10:20:05 +0000", 1)), false, false},
			// The legal footer a company's mail system adds to all it
			// sends: its SIRET and RCS numbers read as numbers in groups.
			{"delivery receipt with the company's legal footer", []byte(strings.Replace(string(raw), "Objet : Question sur le lot 4 - menuiseries intérieures",
				"Objet : Question sur le lot 4 - menuiseries intérieures\r\n\r\n--\r\nAgglomération Exemple - SIRET 200 046 977 00019 - RCS Lyon B 200 046 977", 1)), false, false},
			{"the same from a postmaster, not a report", []byte(notReport), true, false},
			{"a report leading to a page elsewhere", quietTo("outlook-ndr-release.web-exemple.app"), true, true},
			// The phisher owns the postmaster's domain: his page there
			// is no more the platform's than a page elsewhere.
			{"a report leading to the sender's own domain", quietTo("release.relais-notif-exemple.com"), true, true},
			// Or no link at all, an address to reply to.
			{"a report asking for a reply", []byte(strings.Replace(string(quietTo("x.example")),
				`<a href="https://x.example/?u=m.durand">Review messages</a>`,
				`Reply to <a href="mailto:release@relais-notif-exemple.com?subject=release">release@relais-notif-exemple.com</a> with your mailbox address.`, 1)), true, true},
			// Or a number to call (TOAD): no report gives one, and a
			// number in the returned original (the sender's signature,
			// testdata/secmail/m365-non-remis-groupe-restreint-facture.eml)
			// is the original's.
			{"a report asking for a call", []byte(strings.Replace(string(quietTo("x.example")),
				`<a href="https://x.example/?u=m.durand">Review messages</a>`,
				`To have them delivered, call the messaging desk on +1 (888) 555 0147.`, 1)), true, true},
			// Or a number without a verb to call it.
			{"a report giving a desk's number", []byte(strings.Replace(string(quietTo("x.example")),
				`<a href="https://x.example/?u=m.durand">Review messages</a>`,
				`Service messagerie : 01 86 65 43 21, de 8h à 20h.`, 1)), true, true},
		} {
			v := s.Scan(t.Context(), c.raw, scan.Envelope{})
			t.Logf("%5.2f %-10s %s, %s %s", v.Score, v.Action, ts.name, c.name, weighted(v))
			if v.Has("BRAND_DISPLAY_NAME") != c.brand {
				t.Errorf("%s, %s: BRAND_DISPLAY_NAME %v, want %v", ts.name, c.name, !c.brand, c.brand)
			}
			if c.quarantine && v.Action != scan.Quarantine && v.Action != scan.Reject {
				t.Errorf("%s, %s: %s (%.2f) %s", ts.name, c.name, v.Action, v.Score, weighted(v))
			}
		}
	}
}

// TestOtherStorageLimitsAreNoMailboxNotice: the English quota lure's words
// are the mailbox's ("your mailbox has exceeded its storage"); a hosted
// wiki's, a file share's or a workspace's genuine notice that the site
// "has exceeded its storage limit" of its plan is no mailbox notice. It
// was tagged (4.50: LURE_PASSWORD_EXPIRY and LURE_MAILBOX_OUTSIDER) under
// both trusts while the phrase was "exceeded its storage limit" alone.
func TestOtherStorageLimitsAreNoMailboxNotice(t *testing.T) {
	raw := []byte(crlf(
		"Return-Path: <bounces+2231@mail.wiki-exemple.com>",
		"Authentication-Results: mx.chu-exemple.fr; dkim=pass header.d=wiki-exemple.com header.s=s1",
		"Authentication-Results: mx.chu-exemple.fr; spf=pass smtp.mailfrom=mail.wiki-exemple.com",
		"Authentication-Results: mx.chu-exemple.fr; dmarc=pass (p=reject dis=none) header.from=wiki-exemple.com",
		"Received: from mail.wiki-exemple.com (mail.wiki-exemple.com [198.51.100.50])",
		"\tby mx.chu-exemple.fr (Postfix) with ESMTPS id 45A536BF1801",
		"\tfor <c.lemaire@chu-exemple.fr>; Mon, 14 Dec 2026 07:20:04 +0100 (CET)",
		`From: "Wiki Cloud" <noreply@wiki-exemple.com>`,
		"To: c.lemaire@chu-exemple.fr",
		"Subject: Your site chu-exemple has exceeded its storage limit",
		"Date: Mon, 14 Dec 2026 07:20:00 +0100",
		"Message-ID: <a1b2c3d4.9912@wiki-exemple.com>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"",
		"Hi Claire,",
		"",
		"Your site chu-exemple.wiki-exemple.net has exceeded its storage limit of 2 GB on the Free plan.",
		"New attachments can't be uploaded until you delete files or upgrade to the Standard plan.",
		"",
		"Manage storage: https://admin.wiki-exemple.com/s/chu-exemple/storage",
		"",
		"Thanks,",
		"The Wiki Cloud team"))
	for _, c := range hospitalAndEvalScanners(t) {
		if v := c.s.Scan(t.Context(), raw, scan.Envelope{}); v.Action != scan.Accept {
			t.Errorf("%s: %s (%.2f) %s", c.name, v.Action, v.Score, weighted(v))
		}
	}
}

// TestNullPathLureFromItsOwnMailerDaemon: the phisher owns his domain, its
// HELO and its MAILER-DAEMON. A null-path parcel-fee or survey lure From
// MAILER-DAEMON@ or postmaster@ his own domain, sent by his own host,
// returns no message: it is no bounce, and keeps ENVELOPE_NULL_SENDER and
// the verdict it had From any other mailbox, behind the company's MX (the
// HELO his) and under the evaluation's trust (no HELO read).
func TestNullPathLureFromItsOwnMailerDaemon(t *testing.T) {
	const head = "Return-Path: <>\n" +
		"Authentication-Results: mx1.atelier-exemple.fr;\n\tspf=pass (helo) smtp.helo=mail.colis-suivi-exemple.com;\n\tdkim=none;\n\tdmarc=none header.from=colis-suivi-exemple.com\n" +
		"Received: from mail.colis-suivi-exemple.com (mail.colis-suivi-exemple.com [203.0.113.45])\n\tby mx1.atelier-exemple.fr (Postfix) with ESMTPS id 4Zd1ZVbJq6z9\n\tfor <m.durand@atelier-exemple.fr>; Thu, 3 Dec 2026 19:40:11 +0100 (CET)\n" +
		"Date: Thu, 3 Dec 2026 18:40:10 +0000\nTo: m.durand@atelier-exemple.fr\nMessage-ID: <1764787210.7731@mail.colis-suivi-exemple.com>\nMIME-Version: 1.0\n"
	lures := map[string]string{
		"parcel fee": "Subject: Votre colis est en attente de livraison\nContent-Type: text/plain; charset=utf-8\n\n" +
			"Bonjour,\n\nVotre colis n'a pas pu être livré car les frais de port (1,99 EUR) n'ont pas été réglés.\n" +
			"Réglez les frais pour reprogrammer la livraison :\nhttps://colis-suivi-exemple.com/frais?c=FR88213\n\n" +
			"Sans paiement sous 48 heures, le colis sera retourné à l'expéditeur.\n",
		"survey prize": "Subject: Félicitations ! Vous avez été sélectionné\nContent-Type: text/html; charset=utf-8\n\n" +
			"<html><body><p>Bonjour,</p><p>Vous avez été sélectionné pour participer à notre enquête de satisfaction. " +
			"Répondez à 3 questions et recevez votre récompense : un smartphone à 1 €.</p>\n" +
			"<p><a href=\"https://colis-suivi-exemple.com/enquete?id=88213\">Commencer l'enquête</a></p><p>Offre valable 24 heures.</p></body></html>\n",
	}
	for _, ts := range trustSettings(t) {
		s := newScanner(t, ts.cfg)
		for name, lure := range lures {
			before := s.Scan(t.Context(), []byte(head+"From: Service Client <service@colis-suivi-exemple.com>\n"+lure), scan.Envelope{})
			for _, from := range []string{"MAILER-DAEMON@colis-suivi-exemple.com", "Mail Delivery System <MAILER-DAEMON@colis-suivi-exemple.com>", "postmaster@colis-suivi-exemple.com"} {
				v := s.Scan(t.Context(), []byte(head+"From: "+from+"\n"+lure), scan.Envelope{})
				t.Logf("%5.2f %-10s %s, %s From %s %s", v.Score, v.Action, ts.name, name, from, weighted(v))
				if !v.Has("ENVELOPE_NULL_SENDER") || v.Action != before.Action {
					t.Errorf("%s, %s From %s: %s (%.2f) %s; From a service mailbox %s (%.2f)", ts.name, name, from, v.Action, v.Score, weighted(v), before.Action, before.Score)
				}
			}
		}
	}
}
