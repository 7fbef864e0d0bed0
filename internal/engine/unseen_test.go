package engine

import (
	"strings"
	"testing"
)

// unseenCase is a hand-written message of a kind of legitimate mail the
// shared corpus holds little of, built around one generic reason a signal
// used to fire on ordinary mail: a list whose name reads as consonants,
// a shop's contest, a person's free mailbox. present are signals that
// must still fire (the shape the signal was made for); absent, signals
// whose definition must not fire on the message, whatever the weights
// (sourceCase, without a file).
type unseenCase = sourceCase

// received is the hop of chu-exemple.fr's own MX from a relay it does not
// know, without Authentication-Results: the context of mail from a small
// sender's server, as the 2002 newsletters of the corpus arrive.
const received = "Received: from mail.relais-exemple.net (mail.relais-exemple.net [198.51.100.40])\r\n" +
	"\tby mx.chu-exemple.fr (Postfix) with ESMTP id 4Xk2Lm0Qv7z9\r\n" +
	"\tfor <pharmacie@chu-exemple.fr>; Tue, 12 May 2026 10:02:11 +0200 (CEST)\r\n"

// crlf writes a message's lines with CRLF ends.
func crlf(lines ...string) string {
	return strings.Join(lines, "\r\n") + "\r\n"
}

// TestUnseenLegitimateShapes: each cause of a false positive on
// legitimate mail from sources the fit never saw, fixed in a signal's
// definition, holds on a message written for it; and the shape the signal
// was made for still raises it.
func TestUnseenLegitimateShapes(t *testing.T) {
	s := modernConfig(t)
	tests := []unseenCase{{
		// A society's Mailman list named by its acronym: the envelope is
		// the list's bounce address and the footer links to its page
		// (RFC 5321 §3.9.2, RFC 2369, RFC 2919).
		name: "liste d'une societe savante au sigle sans voyelle",
		raw: crlf("Return-Path: <pharmaco-bounces@lists.sfhtpncs.org>",
			received+"From: Claire Vasseur <c.vasseur@ch-val-exemple.fr>",
			"To: pharmaco@lists.sfhtpncs.org",
			"Subject: [pharmaco] Retour d'experience sur les pompes PCA",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <7a1e9c2d@ch-val-exemple.fr>",
			"Sender: pharmaco-bounces@lists.sfhtpncs.org",
			"Errors-To: pharmaco-bounces@lists.sfhtpncs.org",
			"List-Id: Pharmacovigilance hospitaliere <pharmaco.lists.sfhtpncs.org>",
			"List-Post: <mailto:pharmaco@lists.sfhtpncs.org>",
			"List-Unsubscribe: <https://lists.sfhtpncs.org/mailman/options/pharmaco>,",
			" <mailto:pharmaco-request@lists.sfhtpncs.org?subject=unsubscribe>",
			"List-Archive: <https://lists.sfhtpncs.org/pipermail/pharmaco/>",
			"X-Mailman-Version: 2.1.39",
			"Precedence: list",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Bonjour a tous,",
			"",
			"Nous avons remplace nos pompes PCA le mois dernier. Les infirmieres",
			"ont eu besoin de deux sessions de formation ; je peux partager le",
			"support si cela interesse d'autres etablissements.",
			"",
			"Claire Vasseur, pharmacienne",
			"_______________________________________________",
			"pharmaco mailing list",
			"https://lists.sfhtpncs.org/mailman/listinfo/pharmaco"),
		accept: true,
		absent: []string{"FROM_RANDOM_DOMAIN", "URL_RANDOM_DOMAIN"},
	}, {
		// The same headers on mail whose sender is the "list" itself do
		// not vouch for its name: a throw-away domain can write List-Id.
		name: "domaine genere qui se dit liste de lui-meme",
		raw: crlf("Return-Path: <news-bounces@sfhtpncs.org>",
			received+"From: Service client <news@sfhtpncs.org>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Votre avis compte",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <b81c0d@sfhtpncs.org>",
			"List-Id: <news.sfhtpncs.org>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Donnez votre avis : https://sfhtpncs.org/avis"),
		present: []string{"FROM_RANDOM_DOMAIN", "URL_RANDOM_DOMAIN"},
	}, {
		// Nor does a List-Id on another author's mail when the "list's"
		// domain passed neither SPF nor DKIM at our MX: one header anyone
		// writes (scan.Input.ListVouched).
		name: "domaine genere qui se dit liste d'un autre auteur, sans authentification",
		raw: crlf("Return-Path: <bounce-7731@sfhtpncs.org>",
			"Authentication-Results: mx.chu-exemple.fr; spf=none smtp.mailfrom=sfhtpncs.org; dkim=none; dmarc=none header.from=colis-suivi-exemple.fr",
			received+"From: Suivi colis <info@colis-suivi-exemple.fr>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Votre avis compte",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <b81c0e@colis-suivi-exemple.fr>",
			"List-Id: Infos <infos.sfhtpncs.org>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Donnez votre avis : https://sfhtpncs.org/avis"),
		present: []string{"FROM_RANDOM_DOMAIN", "URL_RANDOM_DOMAIN"},
	}, {
		// A colleague's plain-text message quoting a project's tracker on
		// an application platform and a blog: the whole address is the
		// link, nothing hides where it leads.
		name: "collegue en texte brut citant un blog et un suivi de bogues",
		raw: crlf("Return-Path: <t.marchand@gmail.com>",
			received+"From: Thomas Marchand <t.marchand@gmail.com>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Re: migration du logiciel de stock",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <CAF3x9qPz@mail.gmail.com>",
			"In-Reply-To: <a81b2c@chu-exemple.fr>",
			"References: <a81b2c@chu-exemple.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Bonjour,",
			"",
			"Le bogue d'import est connu, il est suivi ici :",
			"https://stockhosp-tracker.appspot.com/bug?id=4127",
			"et l'auteur explique le contournement sur son blog :",
			"http://notes-de-pharmacien.blogspot.com/2026/05/import-csv.html",
			"",
			"Thomas"),
		accept: true,
		absent: []string{"URL_FREE_HOSTING"},
	}, {
		// The fake login page behind a button still raises it.
		name: "bouton vers une page sur une plateforme gratuite",
		raw: crlf("Return-Path: <support@messagerie-exemple.net>",
			received+"From: Support messagerie <support@messagerie-exemple.net>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Votre boite aux lettres est pleine",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <c3d4@messagerie-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Votre boite est pleine. <a href="https://webmail-quota-7731.firebaseapp.com/">Augmenter le quota</a></p>`),
		present: []string{"URL_FREE_HOSTING"},
	}, {
		// The same page written out in a plain-text message under a
		// mailbox-full notice: dropping the HTML part is no way around
		// the signal (the kit's words ask about the reader's account).
		name: "adresse sur une plateforme gratuite ecrite en texte brut sous un avis de boite pleine",
		raw: crlf("Return-Path: <support@messagerie-exemple.net>",
			received+"From: Support messagerie <support@messagerie-exemple.net>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Votre boite aux lettres a atteint sa limite de stockage",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <c3d5@messagerie-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Votre boite aux lettres a atteint sa limite de stockage.",
			"Pour augmenter votre quota, connectez-vous ici :",
			"https://webmail-quota-7731.firebaseapp.com/"),
		present: []string{"URL_FREE_HOSTING"},
	}, {
		// A parcel's fees to pay on a site builder's page, in plain text.
		name: "frais de colis a regler sur une plateforme gratuite, en texte brut",
		raw: crlf("Return-Path: <suivi@livraison-exemple.net>",
			received+"From: Suivi colis <suivi@livraison-exemple.net>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Votre colis est en attente",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <c3d6@livraison-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Votre colis est en attente : des frais de 1,99 EUR restent a regler.",
			"https://suivi-colis-7731.weebly.com/"),
		present: []string{"URL_FREE_HOSTING"},
	}, {
		// A supplier's newsletter sent before List-Unsubscribe was asked
		// of bulk senders: the opt-out is a mailto: to its own domain
		// behind "cliquez ici" (CAN-SPAM's return address, RFC 2369's
		// mailto: opt-out written in the footer).
		name: "lettre sans List-Unsubscribe, desinscription par courriel au domaine de l'expediteur",
		raw: crlf("Return-Path: <lettre@infos.laboratoire-exemple.fr>",
			received+"From: Laboratoire Exemple <lettre@infos.laboratoire-exemple.fr>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: La lettre des pharmaciens hospitaliers - mai",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <lettre-mai@infos.laboratoire-exemple.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"Content-Transfer-Encoding: 8bit",
			"",
			`<html><body><h1>La lettre de mai</h1>`,
			`<p>Nouvelles presentations en flacon multidose, rappel des conditions de conservation.</p>`,
			`<p>Pour vous désinscrire de cette lettre, <a href="mailto:desinscription@laboratoire-exemple.fr?subject=STOP">cliquez ici</a>.</p>`,
			`</body></html>`),
		accept: true,
		absent: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name: "lettre en texte brut, desinscription par une adresse ecrite",
		raw: crlf("Return-Path: <news@fournitures-exemple.com>",
			received+"From: Fournitures Exemple <news@fournitures-exemple.com>",
			"To: achats@chu-exemple.fr",
			"Subject: Promotions du mois sur les consommables",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <promo-05@fournitures-exemple.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Ce mois-ci : compresses steriles et gants nitrile a prix reduit.",
			"Catalogue : http://catalogue.grossiste-partenaire-exemple.net/mai",
			"",
			"Pour vous desabonner (unsubscribe), ecrivez a stop@fournitures-exemple.com"),
		accept: true,
		absent: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		// A footer copied into bulk fraud, its opt-out elsewhere: still raised.
		name: "pied de lettre copie, desinscription ailleurs",
		raw: crlf("Return-Path: <offres@promo-exemple.net>",
			received+"From: Offres <offres@promo-exemple.net>",
			"To: achats@chu-exemple.fr",
			"Subject: Offre reservee",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <o1@promo-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Profitez de l'offre.</p><p><a href="https://suivi.autre-exemple.org/u?id=1">Unsubscribe</a></p>`),
		present: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		// A developer's question on a vendor's support list names the
		// class in CamelCase, as Java and Perl name things.
		name: "question technique citant une classe en CamelCase",
		raw: crlf("Return-Path: <dev-bounces@lists.editeur-dpi-exemple.fr>",
			received+"From: Julien Roux <j.roux@ch-val-exemple.fr>",
			"To: dev@lists.editeur-dpi-exemple.fr",
			"Subject: Re: [dev-dpi] HttpServletRequest vide dans PrescriptionServlet",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <d91f@ch-val-exemple.fr>",
			"In-Reply-To: <c12e@editeur-dpi-exemple.fr>",
			"References: <c12e@editeur-dpi-exemple.fr>",
			"List-Id: <dev.lists.editeur-dpi-exemple.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"La requete arrive vide depuis la mise a jour du connecteur HL7 ;",
			"le journal montre un timeout cote proxy. Une idee ?"),
		accept: true,
		absent: []string{"SUBJECT_GIBBERISH"},
	}, {
		// Majordomo adds no List-* field: the list is known by its owner-
		// address, and its footer says how to leave it, by mail to the
		// list manager (RFC 2369 §3.2 puts the same in a header).
		name: "liste Majordomo, desinscription par courriel au gestionnaire",
		raw: crlf("Return-Path: <owner-anesth-l@listes.univ-exemple.fr>",
			received+"From: Dr Anne Moreau <a.moreau@ch-val-exemple.fr>",
			"To: anesth-l@listes.univ-exemple.fr",
			"Subject: Protocole de rehabilitation precoce : vos retours",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <f02b@ch-val-exemple.fr>",
			"Sender: owner-anesth-l@listes.univ-exemple.fr",
			"Precedence: bulk",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Bonjour, nous revoyons notre protocole RAAC en chirurgie colorectale.",
			"Quels criteres de sortie utilisez-vous ?",
			"",
			"--",
			"To unsubscribe, send \"unsubscribe anesth-l\" to majordomo@listes.univ-exemple.fr"),
		accept: true,
		absent: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
	}}
	runShapes(t, s, tests)
}
