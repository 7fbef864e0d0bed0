package brand

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// Another organisation's full name holding a brand's (other_names) names
// that organisation; the brand's own name beside it, or on a domain spelling
// the brand, stays a claim. A brand's subsidiary on its own domain (Amundi,
// Kobo, Audible) is the brand. Each sender passes DMARC for its domain.
func TestOtherOrganisationsNames(t *testing.T) {
	c, err := New(goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	checkClaims(t, c, "Nos nouveautés de novembre", "Bonjour,\n\nDécouvrez nos nouveautés du mois.\n", func(name string) bool {
		return name == "BRAND_DISPLAY_NAME" || strings.HasSuffix(name, "_BRAND_IN_DOMAIN")
	}, []claimCase{
		{`"MSA Safety France" <ventes@msasafety.com>`, "msasafety.com", false},
		{`"L'Orange Bleue - Mon club" <club@lorangebleue.fr>`, "lorangebleue.fr", false},
		{`"Société Française de Rhumatologie (SFR)" <secretariat@larhumatologie.fr>`, "larhumatologie.fr", false},
		{`"OECD Economic Outlook" <news@oecd.org>`, "oecd.org", false},
		{`"Exodus Travels" <brochures@exodus.co.uk>`, "exodus.co.uk", false},
		{`"Visa pour l'Image - Perpignan" <presse@visapourlimage.com>`, "visapourlimage.com", false},
		{`"Canal-U" <contact@canal-u.tv>`, "canal-u.tv", false},
		{`"Canal Académie" <lettre@canalacademie.com>`, "canalacademie.com", false},
		{`"Amundi - Crédit Agricole" <epargne.salariale@amundi.com>`, "amundi.com", false},
		{`"Indosuez Wealth Management - Crédit Agricole" <info@ca-indosuez.com>`, "ca-indosuez.com", false},
		{`"Rakuten Kobo" <newsletter@kobo.com>`, "kobo.com", false},
		{`"Audible, an Amazon company" <newsletter@audible.fr>`, "audible.fr", false},
		{`"Crédit Agricole - Épargne salariale" <epargne@amundi-epargne.fr>`, "amundi-epargne.fr", true},
		{`"Amazon" <commande@audible-abonnement.fr>`, "audible-abonnement.fr", true},
		{`"La Poste Suisse" <noreply@post.ch>`, "post.ch", false},
		{`"La Poste Suisse" <suivi@poste-suisse-colis.com>`, "poste-suisse-colis.com", true},
		{`"La Poste - Suivi de colis" <suivi@laposte-suivi-colis.com>`, "laposte-suivi-colis.com", true},
		{`"Outlook Web App" <admin@owa-mise-a-jour.fr>`, "owa-mise-a-jour.fr", true},
		{`"Visa Secure" <verification@visa-secure-paiement.fr>`, "visa-secure-paiement.fr", true},
		{`"Canal+" <abonnement@canal-abonnement.fr>`, "canal-abonnement.fr", true},
		{`"MSA - Service cotisations" <cotisations@msa-paiement.fr>`, "msa-paiement.fr", true},
		{`"Orange - Espace client" <service@orange-espace-client.fr>`, "orange-espace-client.fr", true},
		{`"SFR" <service@sfr-facture-client.fr>`, "sfr-facture-client.fr", true},
		// The other organisation's name and the initials it goes by are
		// its own; the brand's name written beside them, the copy of a
		// phisher who reads the catalogue, is still the brand's.
		{`"SFR - Société Française de Radiologie" <jfr@radiologie.fr>`, "radiologie.fr", false},
		{`"L'Orange Bleue - Orange Espace client" <service@compte-client-exemple.com>`, "compte-client-exemple.com", true},
		{`"Visa pour l'Image - Visa Secure" <verification@securite-paiement-exemple.com>`, "securite-paiement-exemple.com", true},
		{`"La Poste Suisse - La Poste Colissimo" <suivi@colis-exemple.com>`, "colis-exemple.com", true},
		{`"Hôtel de la Poste" <reception@hoteldelaposte-exemple.fr>`, "hoteldelaposte-exemple.fr", false},
		{`"Le Relais de la Poste" <contact@relais-exemple.fr>`, "relais-exemple.fr", false},
		{`"Hôtel de la Poste - Colissimo" <suivi@colis-exemple.com>`, "colis-exemple.com", true},
		{`"Hôtel de la Poste" <suivi@laposte-reservation.com>`, "laposte-reservation.com", true},
		{`"Centre d'investigation clinique (CIC) de Rivage" <cic@chu-exemple.fr>`, "chu-exemple.fr", false},
		{`"CIC - Centre d'investigation clinique" <cic@chu-exemple.fr>`, "chu-exemple.fr", false},
		{`"Centre d'investigation clinique - CIC Banque en ligne" <alerte@securite-exemple.com>`, "securite-exemple.com", true},
		{`"SFR Santé - Structure fédérative de recherche" <sfr@univ-exemple.fr>`, "univ-exemple.fr", false},
		{`"Structure fédérative de recherche - SFR Espace client" <facture@client-exemple.com>`, "client-exemple.com", true},
		{`"Société Française de Radiologie - SFR Espace client" <facture@client-exemple.com>`, "client-exemple.com", true},
		{`"Société du Canal de Provence" <facturation@canal-provence-exemple.fr>`, "canal-provence-exemple.fr", false},
		{`"Société du Canal de Provence - Canal+" <abonnement@client-exemple.com>`, "client-exemple.com", true},
		{`"Norton Rose Fulbright" <knowledge@cabinet-exemple.com>`, "cabinet-exemple.com", false},
		{`"Norton Rose Fulbright - Norton 360" <renouvellement@client-exemple.com>`, "client-exemple.com", true},
		{`"Norton Rose Fulbright" <knowledge@nortonrosefulbright.com>`, "nortonrosefulbright.com", false},
		{`"Norton Rose Fulbright" <facture@norton-rose-fulbright-secure.com>`, "norton-rose-fulbright-secure.com", true},
		{`"Norton Rose Fulbright" <renouvellement@norton-abonnement.com>`, "norton-abonnement.com", true},
	})
}

// The Assurance retraite's regional caisses sign its name from their own
// domains; the name on a domain of another's stays a claim.
func TestRegionalPensionFundsNames(t *testing.T) {
	c, err := New(goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	checkClaims(t, c, "Employeurs : votre taux AT/MP 2026", "Madame, Monsieur,\n\nVotre notification de taux est disponible dans votre compte AT/MP.\n", func(name string) bool {
		return name == "BRAND_DISPLAY_NAME"
	}, []claimCase{
		{`"Carsat Bretagne - L'Assurance retraite" <tarification@carsat-bretagne.fr>`, "carsat-bretagne.fr", false},
		{`"Caisse d'assurance retraite et de la santé au travail Rhône-Alpes" <employeurs@carsat-ra.fr>`, "carsat-ra.fr", false},
		{`"L'Assurance retraite" <info@cnav.fr>`, "cnav.fr", false},
		{`"L'Assurance retraite" <versement@retraite-versement.fr>`, "retraite-versement.fr", true},
		{`"Carsat Bretagne - L'Assurance retraite" <service@carsat-bretagne-paiement.fr>`, "carsat-bretagne-paiement.fr", true},
	})
}

// claimCase is a sender, its domain (DMARC pass) and whether its display
// name claims a brand.
type claimCase struct {
	from, domain string
	claim        bool
}

// checkClaims scans each sender's message with the subject and body given
// and checks whether a signal counts reports a claim (counts) as the case
// says.
func checkClaims(t *testing.T, c *Check, subject, body string, counts func(string) bool, cases []claimCase) {
	t.Helper()
	for _, tc := range cases {
		raw := checktest.Message(`Authentication-Results: mx.vigie.test; spf=pass smtp.mailfrom=`+tc.domain+`; dkim=pass header.d=`+tc.domain+`; dmarc=pass header.from=`+tc.domain+`
Received: from mail.`+tc.domain+` (mail.`+tc.domain+` [198.51.100.80])
	by mx.vigie.test (Postfix) with ESMTP id 1Ab2; Wed, 22 Oct 2025 11:05:31 +0200 (CEST)
From: `+tc.from+`
To: achats@example-hopital.fr
Subject: `+subject+`
Date: Wed, 22 Oct 2025 11:05:29 +0200
Message-ID: <n1@`+tc.domain+`>`, body)
		claimed := false
		for _, s := range checktest.Emitted(raw, c) {
			if counts(s.Name) {
				claimed = true
			}
		}
		if claimed != tc.claim {
			t.Errorf("%s: claim %v, want %v", tc.from, claimed, tc.claim)
		}
	}
}
