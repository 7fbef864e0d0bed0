package engine

import "testing"

// TestWordEndingSpareTwins: brandWord's spare for a brand's label closed
// by a word ending before a hyphen (amelie-sophrologie.fr, Amélie a first
// name: the brand in the domain only when the message speaks of it) is
// not a door for the phisher who adds a vowel to the brand and names it
// otherwise: the lure words, the brand's other names, the pay page.
func TestWordEndingSpareTwins(t *testing.T) {
	runShapesUnderBothTrusts(t, wordEndingTwins())
}

// wordEndingTwins are the spare's reason and its phishing twins.
func wordEndingTwins() []sourceCase {
	return []sourceCase{{
		// The spare's reason: a practice named after its owner's first
		// name, writing of its sessions and linking to its own site.
		name: "cabinet de sophrologie amelie-sophrologie.fr, rappel de seance",
		raw: wordEndingLure("w0", "Amelie Martin Sophrologie <contact@amelie-sophrologie.fr>", "Votre seance de mardi",
			`<p>Bonjour, je vous rappelle notre s&eacute;ance de mardi &agrave; 14 h au cabinet. Les s&eacute;ances sont &agrave; r&eacute;gler sur place.</p>`+
				`<p>Pour la d&eacute;placer : <a href="https://www.amelie-sophrologie.fr/rendez-vous">mes disponibilit&eacute;s</a>. Amelie Martin</p>`),
		accept: true,
		absent: []string{"FROM_BRAND_IN_DOMAIN", "URL_BRAND_IN_DOMAIN"},
	}, {
		name: "remboursement CPAM sur amelie-, sans ameli ni Assurance Maladie",
		raw: wordEndingLure("w1", "CPAM - Service remboursements <service@amelie-remboursement.fr>", "Remboursement en attente",
			`<p>Un remboursement de 148,30 EUR li&eacute; &agrave; votre carte Vitale est en attente.</p>`+
				`<p>Confirmez vos coordonn&eacute;es bancaires sous 48 heures : <a href="https://amelie-remboursement.fr/connexion">Recevoir mon remboursement</a></p>`),
		flag: true,
	}, {
		name: "colis en attente sur amazone-livraison.fr",
		raw: wordEndingLure("w2", "Service Livraison <suivi@amazone-livraison.fr>", "Votre colis est en attente",
			`<p>Votre colis n'a pas pu &ecirc;tre livr&eacute;. Des frais de r&eacute;exp&eacute;dition de 1,99 EUR sont &agrave; r&eacute;gler.</p>`+
				`<p><a href="https://amazone-livraison.fr/paiement">Programmer la livraison</a></p>`),
		flag: true,
	}, {
		name: "abonnement suspendu sur netflixe-abonnement.com",
		raw: wordEndingLure("w3", "Service Client <aide@netflixe-abonnement.com>", "Votre abonnement est suspendu",
			`<p>Nous n'avons pas pu pr&eacute;lever votre abonnement. Mettez &agrave; jour votre moyen de paiement pour continuer &agrave; regarder vos s&eacute;ries.</p>`+
				`<p><a href="https://netflixe-abonnement.com/compte">Mettre &agrave; jour</a></p>`),
		flag: true,
	}, {
		name: "compte limite sur paypala-service.com",
		raw: wordEndingLure("w4", "Service Client <service@paypala-service.com>", "Votre compte est limité",
			`<p>Nous avons remarqu&eacute; une activit&eacute; inhabituelle. Votre compte est limit&eacute; jusqu'&agrave; la v&eacute;rification de votre identit&eacute;.</p>`+
				`<p><a href="https://paypala-service.com/verifier">Se connecter</a></p>`),
		flag: true,
	}, {
		name: "Prime Video dans le nom affiche, amazone-video.com",
		raw: wordEndingLure("w5", "Prime Video <noreply@amazone-video.com>", "Votre abonnement Prime Video",
			`<p>Votre paiement a &eacute;t&eacute; refus&eacute;. Mettez &agrave; jour votre carte pour garder votre abonnement.</p>`+
				`<p><a href="https://amazone-video.com/carte">Mettre &agrave; jour</a></p>`),
		flag: true,
	}}
}

// wordEndingLure writes an unauthenticated HTML message relayed to the hospital.
func wordEndingLure(id, from, subject, body string) string {
	return crlf("Return-Path: <"+id+"@envoi-exemple.net>",
		received+"From: "+from,
		"To: pharmacie@chu-exemple.fr",
		"Subject: "+subject,
		"Date: Tue, 12 May 2026 08:01:44 +0000",
		"Message-ID: <"+id+"@envoi-exemple.net>",
		"MIME-Version: 1.0",
		"Content-Type: text/html; charset=utf-8",
		"",
		body)
}
