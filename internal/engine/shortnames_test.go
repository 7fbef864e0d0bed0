package engine

import (
	"strings"
	"testing"
)

// Short brand names that are also the first words of other companies'
// names (brands.yaml): a carrier and a car detailer called PPF are not
// the e-invoicing portal. Each is accepted behind the company's MX and
// under the evaluation's trust, and the portal's name alone above an
// invoice notice from another domain, the twin a phisher who reads the
// catalogue would write, is still the portal's and is flagged.
func TestShortNamesOfOtherCompanies(t *testing.T) {
	tests := []sourceCase{{
		name:   "un transporteur nommé PPF annonce un enlèvement",
		file:   "testdata/shortnames/ppf-logistique-enlevement-palettes.eml",
		accept: true,
		absent: []string{"BRAND_DISPLAY_NAME"},
	}, {
		name:   "un poseur de film de protection (PPF) envoie un devis",
		file:   "testdata/shortnames/ppf-detailing-devis-film-protection.eml",
		accept: true,
		absent: []string{"BRAND_DISPLAY_NAME"},
	}, {
		name: "PPF seul au-dessus d'une facture en attente, depuis un autre domaine",
		raw: crlf("Return-Path: <notification@ppf-espace-factures.com>",
			received+"From: PPF <notification@ppf-espace-factures.com>",
			"To: compta@atelier-exemple.fr",
			"Subject: Nouvelle facture en attente de validation",
			"Date: Fri, 18 Sep 2026 05:10:33 +0200",
			"Message-ID: <s1@ppf-espace-factures.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Bonjour,",
			"",
			"Votre facture de 4 380,00 EUR TTC est en attente dans votre espace. Sans validation sous 72 heures, elle sera rejetée.",
			"",
			"Consulter la facture : https://ppf-espace-factures.com/attente"),
		present: []string{"BRAND_DISPLAY_NAME"},
		flag:    true,
	}, {
		name: "PPF avec un mot du portail, sans facture",
		raw: crlf("Return-Path: <support@ppf-aide-entreprises.com>",
			received+"From: Support PPF <support@ppf-aide-entreprises.com>",
			"To: compta@atelier-exemple.fr",
			"Subject: Votre inscription est incomplete",
			"Date: Fri, 18 Sep 2026 05:10:33 +0200",
			"Message-ID: <s2@ppf-aide-entreprises.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Bonjour,",
			"",
			"Votre compte sera désactivé sous 48 heures. Complétez votre inscription : https://ppf-aide-entreprises.com/inscription"),
		present: []string{"BRAND_DISPLAY_NAME"},
		flag:    true,
	}}
	runShapesUnderBothTrusts(t, tests)
}

// An approved e-invoicing platform named as the way invoices go, in the
// subject of an accountant's or a supplier's mail from its own
// authenticated domain, is no sender the subject puts forward
// (brands.yaml, channel): no BRAND_SUBJECT_OTHER_SENDER. The platform's
// name at the head of the subject, from another domain, still is.
func TestEInvoicingPlatformAsAChannel(t *testing.T) {
	mail := func(from, subject, body string) string {
		return crlf("Return-Path: <"+from+">",
			"Authentication-Results: mx1.atelier-exemple.fr; spf=pass smtp.mailfrom="+from[strings.IndexByte(from, '@')+1:]+"; dkim=none; dmarc=none",
			"Received: from mail.exemple.net (mail.exemple.net [198.51.100.80])",
			"\tby mx1.atelier-exemple.fr (Postfix) with ESMTPS id 4ZQ1; Tue, 6 Oct 2026 09:12:00 +0200",
			"From: "+from,
			"To: compta@atelier-exemple.fr",
			"Subject: "+subject,
			"Date: Tue, 6 Oct 2026 09:11:58 +0200",
			"Message-ID: <ch1@exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"Content-Transfer-Encoding: 8bit",
			"",
			body)
	}
	tests := []sourceCase{{
		name:   "un cabinet comptable : vos factures passent par Pennylane",
		raw:    mail("c.morel@cabinet-morel-exemple.fr", "Vos factures fournisseurs passent par Pennylane", "Bonjour,\n\nÀ partir du 1er septembre, vos factures fournisseurs arriveront dans Pennylane, notre plateforme agréée. Vous recevrez une invitation pour créer votre accès.\n\nBien à vous,\nClaire Morel\nExpert-comptable"),
		accept: true,
		absent: []string{"BRAND_SUBJECT_OTHER_SENDER"},
	}, {
		name:   "un fournisseur : facture transmise via Qonto",
		raw:    mail("contact@menuiserie-leroux-exemple.fr", "Facture F-2026-118 transmise via Qonto", "Bonjour,\n\nNotre facture F-2026-118 pour la pose des étagères (1 260 € TTC) vous est transmise via Qonto, notre plateforme agréée. Le règlement se fait sur notre compte Qonto comme d'habitude.\n\nCordialement,\nPaul Leroux"),
		accept: true,
		absent: []string{"BRAND_SUBJECT_OTHER_SENDER"},
	}, {
		name:    "le nom de la plateforme en tête du sujet, depuis un autre domaine",
		raw:     mail("notification@factures-recues-exemple.com", "Pennylane : une nouvelle facture vous attend", "Bonjour,\n\nUne nouvelle facture de 2 480,00 EUR vous attend. Connectez-vous pour la consulter : https://factures-recues-exemple.com/connexion"),
		present: []string{"BRAND_SUBJECT_OTHER_SENDER"},
	}, {
		// The phisher who reads this writes the platform as a channel:
		// the sign-in page of his own that the notice sends to is what
		// tells it.
		name: "« via Pennylane » au-dessus d'une page de connexion d'un autre domaine",
		raw:  mail("notification@factures-recues-exemple.com", "Une facture vous attend via Pennylane", "Bonjour,\n\nUne nouvelle facture de 2 480,00 EUR vous attend. Sans validation sous 48 heures, votre compte sera suspendu. Connectez-vous pour la consulter : https://factures-recues-exemple.com/connexion"),
		flag: true,
	}}
	s := newScanner(t, atelierConfig(t))
	runShapes(t, s, tests)
}
