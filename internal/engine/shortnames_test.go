package engine

import "testing"

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
	for _, c := range trustSettings(t) {
		t.Run(c.name, func(t *testing.T) { runShapes(t, newScanner(t, c.cfg), tests) })
	}
}
