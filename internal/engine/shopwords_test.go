package engine

import "testing"

// Words of the prize lure that shops use for what they sell: a manga
// shop's and a brewery's mystery box of the month, in their newsletters,
// are accepted behind the company's MX and under the evaluation's trust
// without LURE_PRIZE; the survey lure that congratulates the reader on
// the same box, for a shipping fee, from a domain of its own, raises it
// and is flagged.
func TestShopWordsOfThePrizeLure(t *testing.T) {
	tests := []sourceCase{{
		name:   "la boîte mystère du mois d'une boutique de mangas",
		file:   "testdata/shopwords/boutique-manga-boite-mystere-du-mois.eml",
		accept: true,
		absent: []string{"LURE_PRIZE"},
	}, {
		name:   "a brewery's mystery box is back",
		file:   "testdata/shopwords/brewery-mystery-box-is-back-en.eml",
		accept: true,
		absent: []string{"LURE_PRIZE"},
	}, {
		name: "félicitations et boîte mystère contre des frais d'envoi",
		raw: crlf("Return-Path: <offre@club-avantages-exemple.com>",
			received+"From: Club Avantages <offre@club-avantages-exemple.com>",
			"To: compta@atelier-exemple.fr",
			"Subject: Votre avis compte",
			"Date: Wed, 20 Mar 2024 10:02:09 +0100",
			"Message-ID: <m1@club-avantages-exemple.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"Content-Transfer-Encoding: 8bit",
			"",
			"<p>Félicitations, vous recevez notre boîte mystère : une perceuse sans fil ou un coffret d'outillage !</p>",
			"<p>Seuls les frais d'expédition (1,95 €) restent à votre charge. Offre valable aujourd'hui seulement.</p>",
			`<p><a href="https://avis-clients-recompense.click/start?id=88412">Recevoir ma boîte</a></p>`),
		present: []string{"LURE_PRIZE"},
		flag:    true,
	}}
	runShapesUnderBothTrusts(t, tests)
}

// A newsletter's sign-up confirmation asks its new subscriber to
// "validate your mailbox": no mailbox notice (LURE_PASSWORD_EXPIRY), which
// the Exchange-era quota lure's "re-validate your mailbox" still raises
// (TestCorp2001MailboxTwin, lure golden 156).
func TestSubscriptionConfirmationIsNoMailboxNotice(t *testing.T) {
	tests := []sourceCase{{
		name:   "a garden newsletter's double opt-in",
		file:   "testdata/shopwords/garden-newsletter-confirm-subscription-en.eml",
		accept: true,
		absent: []string{"LURE_PASSWORD_EXPIRY", "LURE_MAILBOX_OUTSIDER"},
	}, {
		name: "the quota lure's re-validation from a domain of its own",
		raw: crlf("Return-Path: <admin@mailbox-quota-exemple.net>",
			received+"From: Mail Administrator <admin@mailbox-quota-exemple.net>",
			"To: compta@atelier-exemple.fr",
			"Subject: Your mailbox has exceeded its limit",
			"Date: Wed, 20 Mar 2024 10:02:09 +0100",
			"Message-ID: <q1@mailbox-quota-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=us-ascii",
			"",
			"Your mailbox has exceeded its limit. Please re-validate your mailbox within 24 hours or it will be closed:",
			"http://mailbox-quota-exemple.net/owa/revalidate"),
		present: []string{"LURE_PASSWORD_EXPIRY"},
		flag:    true,
	}}
	runShapesUnderBothTrusts(t, tests)
}
