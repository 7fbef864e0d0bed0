package lure

import (
	"fmt"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// noticeMail writes a message as the border MX received it: envelope
// sender, authentication results, extra header lines, subject and HTML body.
func noticeMail(mailFrom, auth, from, extra, subject, body string) []byte {
	return []byte(fmt.Sprintf(`Return-Path: <%s>
Authentication-Results: mx.vigie.test; %s
Received: from mail-sor-f41.google.com (mail-sor-f41.google.com [209.85.220.41])
	by mx.vigie.test (Postfix) with ESMTPS id 4Zq1; Tue, 04 Mar 2025 09:12:03 +0100 (CET)
To: agent@example-hopital.fr
Date: Tue, 04 Mar 2025 09:12:01 +0100
Message-ID: <n-%d@notice.example>
From: %s
%sSubject: %s
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

%s`, mailFrom, auth, len(body), from, extra, subject, body))
}

// The services' own notices as they are laid out (each service's help
// pages describe the user-written part: a form's title and description, an
// event's description, an invoice's note, an envelope's message); the
// genuine ones must raise nothing, the abused ones the payload the
// attacker wrote.
func TestServiceNotice(t *testing.T) {
	const (
		googleAuth  = "spf=pass smtp.mailfrom=calendar-server.bounces.google.com; dkim=pass header.d=google.com; dmarc=pass header.from=gmail.com"
		formsAuth   = "spf=pass smtp.mailfrom=trix.bounces.google.com; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com"
		chimeAuth   = "spf=pass smtp.mailfrom=chime-notifications.bounces.google.com; dkim=pass header.d=google.com; dmarc=pass header.from=google.com"
		paypalAuth  = "spf=pass smtp.mailfrom=paypal.com; dkim=pass header.d=paypal.com; dmarc=pass header.from=paypal.com"
		docuAuth    = "spf=pass smtp.mailfrom=docusign.net; dkim=pass header.d=docusign.net; dmarc=pass header.from=docusign.net"
		formsHeader = "X-GoogleForms-FormId: e/1FAIpQLSexampleform\n"
	)
	for _, tc := range []struct {
		name string
		raw  []byte
		want string // the detail, "" for no signal
	}{
		{"genuine Calendar invitation with its Meet dial-in numbers",
			noticeMail("calendar-server.bounces.google.com", googleAuth, "Claire Martin <claire.martin.chu@gmail.com>", "Sender: Google Agenda <calendar-notification@google.com>\n",
				"Invitation: Réunion de service @ jeu. 6 mars 2025 14:00",
				`<p>Réunion de service — ordre du jour : planning des gardes, commandes de consommables.</p><p>Rejoindre avec Google Meet : <a href="https://meet.google.com/abc-defg-hij">meet.google.com/abc-defg-hij</a></p><p>Participer par téléphone : (FR) +33 1 87 40 41 57 code : 123 456 789#</p><p>Invitation de Google Agenda</p>`),
			""},
		{"genuine Calendar invitation, Meet address written bare in plain text",
			noticeMail("calendar-server.bounces.google.com", googleAuth, "Claire Martin <claire.martin.chu@gmail.com>", "Sender: Google Agenda <calendar-notification@google.com>\n",
				"Invitation: Staff de pharmacie",
				`<p>Participer avec Google Meet<br>meet.google.com/kdw-qpzr-tmx</p><p>Ou appeler le<br>(FR) +33 1 87 40 00 00<br>PIN : 412 387 559#</p>`),
			""},
		{"abused Calendar invitation: a number to call in the description",
			noticeMail("calendar-server.bounces.google.com", googleAuth, "Billing Dept <geeksq.billing77@gmail.com>", "Sender: Google Calendar <calendar-notification@google.com>\n",
				"Invitation: Subscription renewal confirmation @ Thu 6 Mar 2025",
				`<p>Your annual protection plan was renewed for 399.99 USD. If you did not authorise this charge call our billing desk at +1 (808) 555-0142 within 24 hours.</p><p>Invitation from Google Calendar</p>`),
			"Google: sum 399.99 USD"},
		{"genuine Forms confirmation of a staff survey",
			noticeMail("trix.bounces.google.com", formsAuth, "qualite.chu.exemple@gmail.com", formsHeader+"Feedback-ID: MailTypeResponseReceipt:GoogleForms\n",
				"Enquête de satisfaction des agents",
				`<p>Google Forms</p><p>Merci d'avoir répondu à l'enquête de satisfaction des agents. Vos réponses ont été enregistrées.</p><p><a href="https://docs.google.com/forms/d/e/1FAIpQLSexampleform/viewform">Modifier votre réponse</a></p>`),
			""},
		{"abused Forms score release: a sum to claim in the form's title",
			noticeMail("trix.bounces.google.com", formsAuth, "wallet.payout.desk@gmail.com", formsHeader+"Feedback-ID: MailTypeReleaseScore:GoogleForms\n",
				"Score released: 💸 +$740 transfer pending",
				`<p>Google Forms</p><p>Your score has been released for 💸 +$740 transfer pending. Your balance will be zeroed unless you withdraw it today.</p><p><a href="https://docs.google.com/forms/d/e/1FAIpQLSexampleform/viewscore">View</a></p>`),
			"Google: sum +$740"},
		{"abused collection share pointing to a form to fill",
			noticeMail("chime-notifications.bounces.google.com", chimeAuth, "Google Notifications <notify-noreply@google.com>", "",
				"qxv tr invited you to view a collection",
				`<p>qxv tr invited you to view a collection</p><p>Claim your reward: fill the form https://docs.google.com/forms/d/e/1FAIpQLSotherform/viewform</p><p>View collection</p>`),
			"Google: form docs.google.com"},
		{"a Google engineer's own mail is no notice",
			noticeMail("flex--jdoe.bounces.google.com", "spf=pass smtp.mailfrom=flex--jdoe.bounces.google.com; dkim=pass header.d=google.com; dmarc=pass header.from=google.com", "Jane Doe <jdoe@google.com>", "",
				"[PATCH] nvdimm: fix a leak",
				`<p>The region costs $0 at probe; call me on +1 650 555 0199 if unclear.</p>`),
			""},
		{"genuine PayPal invoice",
			noticeMail("paypal.com", paypalAuth, `"Fournitures Médicales Durand via PayPal" <service@paypal.com>`, "",
				"Facture de Fournitures Médicales Durand (n° 0042)",
				`<p>Fournitures Médicales Durand vous a envoyé une facture de 184,20 € EUR.</p><p>Note du vendeur : Merci pour votre commande de gants nitrile.</p><p><a href="https://www.paypal.com/invoice/p/#INV2-ABCD">Afficher et payer la facture</a></p>`),
			""},
		{"abused PayPal invoice: the note gives a number to call",
			noticeMail("paypal.com", paypalAuth, `"Norton Renewal Team via PayPal" <service@paypal.com>`, "",
				"Invoice from Norton Renewal Team (#1190)",
				`<p>Norton Renewal Team sent you an invoice for $499.99 USD.</p><p>Seller note: Your Norton 360 plan auto-renewed. If you did not authorize this, call +1 (888) 555-0173 to cancel and get a refund.</p><p><a href="https://www.paypal.com/invoice/p/#INV2-WXYZ">View and Pay Invoice</a></p>`),
			"PayPal: phone +1 (888) 555-0173"},
		{"genuine DocuSign envelope",
			noticeMail("docusign.net", docuAuth, `"Direction des achats via DocuSign" <dse@docusign.net>`, "",
				"Veuillez signer : avenant au marché de blanchisserie",
				`<p>Direction des achats vous a envoyé un document à examiner et signer.</p><p>Message : Bonjour, merci de signer l'avenant avant vendredi.</p><p><a href="https://eu.docusign.net/Signing/EmailStart.aspx?a=1">Examiner le document</a></p>`),
			""},
		{"abused DocuSign envelope: a fake invoice with a callback number",
			noticeMail("docusign.net", docuAuth, `"McAfee Billing via DocuSign" <dse@docusign.net>`, "",
				"Please DocuSign: Invoice MC-88121",
				`<p>McAfee Billing sent you a document to review and sign.</p><p>Message: Your subscription of $349.00 was charged today. For cancellation call 1-888-555-0118.</p><p><a href="https://na3.docusign.net/Signing/EmailStart.aspx?a=2">Review document</a></p>`),
			"DocuSign: phone 1-888-555-0118"},
		{"a look-alike not sent by the service raises nothing here",
			noticeMail("billing.example", "spf=pass smtp.mailfrom=billing.example; dkim=none; dmarc=none header.from=billing.example", `"PayPal" <service@billing.example>`, "",
				"Invoice", `<p>Call +1 (888) 555-0173 now.</p>`),
			""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := checktest.Emitted(tc.raw, NewNotice())
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("raised %s %q", got[0].Name, got[0].Detail)
			case tc.want != "" && (len(got) != 1 || got[0].Name != "SERVICE_NOTICE_PAYLOAD" || got[0].Detail != tc.want):
				t.Errorf("got %v, want SERVICE_NOTICE_PAYLOAD %q", got, tc.want)
			}
		})
	}
}

func TestAnySum(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Score released: 💳 +$83 date 2024.01.15", "+$83"},
		{"renewed for 399.99 USD today", "399.99 USD"},
		{"un solde de 1 200,00 € pour vous", "1 200,00 €"},
		{"EUR 250 à régler", "250"}, // the code before the amount is not kept
		{"Order NP11395138351 placed", ""},
		{"réunion le 12/03 à 14:00, salle 204", ""},
	} {
		if got := anySum(tc.text); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestParseNoticeServices(t *testing.T) {
	if _, err := ParseNoticeServices(noticeServicesData); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"- service: X\n  domains: [x.example]\n  notifiers: [noreply]\n  payloads: [phone]\n",             // no source
		"- service: X\n  domains: [x.example]\n  notifiers: [noreply]\n  payloads: [gift]\n  source: s\n", // unknown payload
		"- service: X\n  domains: [x.example]\n  notifiers: [noreply]\n  payloads: [form]\n  source: s\n", // form without links
		"- service: X\n  notifiers: [noreply]\n  payloads: [phone]\n  source: s\n",                        // no domains
		"{",
	} {
		if _, err := ParseNoticeServices([]byte(bad)); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

// Any text: no panic, and a sum found is made of the text's words.
func FuzzAnySum(f *testing.F) {
	for _, s := range []string{"+$83", "1 200,00 €", "EUR 250", "$", "9,", "€€€ 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range strings.Fields(anySum(s)) {
			if !strings.Contains(s, w) {
				t.Errorf("%q: %q is not in the text", s, w)
			}
		}
	})
}
