package engine

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// sourceCase is one message of a kind the fit never saw — a newsletter
// through another mailing service, a newspaper, a shop's contest, a list
// member's mail — or its phishing twin. file is a fixture under testdata
// (read by its directory's must-accept test as well), raw a message
// written inline; absent are signals whose definition must not fire on
// it, present those that must (the shape the signal was made for).
type sourceCase struct {
	name    string
	file    string
	raw     string
	accept  bool
	absent  []string
	present []string
	flag    bool // the twin is tagged or worse, not only raising its signal
}

// TestUnseenSourcesShapes: each generic reason a signal fired on the
// legitimate mail of sources the fit never saw (`vigie learn weights
// --unseen-sources`), fixed in the signal's definition, holds on a message
// written for it; and the phishing twin of each, the shape the signal was
// made for, still raises it.
func TestUnseenSourcesShapes(t *testing.T) {
	s := modernConfig(t)
	tests := []sourceCase{{
		// A software digest lists fifty vendors; one sells an Outlook
		// add-on named "Outlook Secure". The message asks nothing of the
		// reader and does not call itself Outlook.
		name:   "lettre d'essais logiciels citant un module Outlook",
		file:   "testdata/modern/lettre-logiciels-hebdo-editeur-outlook.eml",
		accept: true,
		absent: []string{"URL_BRAND_IN_DOMAIN"},
	}, {
		// The same host behind a mailbox-full notice: the combosquatting
		// page the signal is for.
		name: "avis de boite pleine vers un domaine outlook-secure",
		raw: crlf("Return-Path: <support@messagerie-exemple.net>",
			received+"From: Support messagerie <support@messagerie-exemple.net>",
			"To: dsi@chu-exemple.fr",
			"Subject: Votre boite aux lettres est pleine",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <q1@messagerie-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Votre boite aux lettres est pleine. Connectez-vous pour augmenter votre quota :`,
			`<a href="https://www.outlooksecure-exemple.com/owa/">Se connecter</a></p>`),
		present: []string{"URL_BRAND_IN_DOMAIN"},
	}, {
		// Nor does a mail calling itself Outlook need a lure phrase.
		name: "expediteur se disant Outlook, lien vers un domaine outlook-secure",
		raw: crlf("Return-Path: <info@envoi-exemple.net>",
			received+"From: Outlook Web Access <info@envoi-exemple.net>",
			"To: dsi@chu-exemple.fr",
			"Subject: Nouveau message",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <q2@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Vous avez un nouveau message.</p><p><a href="https://www.outlooksecure-exemple.com/m/">Ouvrir</a></p>`),
		present: []string{"URL_BRAND_IN_DOMAIN"},
	}, {
		// A list member posts from a free mailbox whose handle is a
		// person's initials, through a list that answers for its domain.
		name:   "membre d'une liste Mailman au pseudo fait d'initiales",
		file:   "testdata/lists/mailman2-membre-gmail-pseudo-initiales.eml",
		accept: true,
		absent: []string{"FROM_LOCAL_RANDOM"},
	}, {
		// The same handle with a List-Id its domain does not answer for
		// (SPF failed at our MX): one header anyone writes.
		name: "adresse generee qui se dit diffusee par une liste non authentifiee",
		raw: crlf("Return-Path: <bounce@envoi-exemple.net>",
			"Authentication-Results: mx.chu-exemple.fr; spf=fail smtp.mailfrom=envoi-exemple.net; dkim=none; dmarc=none header.from=envoi-exemple.net",
			received+"From: Service colis <pjkmvbtc@envoi-exemple.net>",
			"To: biomed@chu-exemple.fr",
			"Subject: Votre colis est en attente",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <q3@envoi-exemple.net>",
			"List-Id: <infos.listes.afs-exemple.org>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Des frais de livraison restent a regler : https://colis-exemple.net/payer"),
		present: []string{"FROM_LOCAL_RANDOM"},
	}, {
		// A member quotes the 419 letter that reached the list, to warn
		// the others: a lure's words in a quotation are not the sender's.
		name:   "membre d'une liste qui cite une arnaque 419 pour prevenir",
		file:   "testdata/lists/mailman2-membre-avertit-arnaque-419-citee.eml",
		accept: true,
	}, {
		// The letter itself, relayed by the same list from a compromised
		// account with replies to a free mailbox, is still the scam.
		name: "arnaque 419 relayee par une liste depuis un compte compromis",
		raw: crlf("Return-Path: <sdr-users-bounces@lists.sdr-exemple.org>",
			"Authentication-Results: mx.chu-exemple.fr; spf=pass smtp.mailfrom=lists.sdr-exemple.org; dkim=none; dmarc=fail (p=none) header.from=lists.sdr-exemple.org",
			received+"From: MRS HELEN GEORGE via SDR-users <sdr-users@lists.sdr-exemple.org>",
			"Reply-To: helen.george.charity@gmail.com",
			"To: sdr-users@lists.sdr-exemple.org",
			"Subject: [SDR-users] CAN YOU HELP ME OUT?",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <202605120904.AB12cd34@mail.compromised-exemple.edu>",
			"List-Id: SDR-related discussion and support <sdr-users.lists.sdr-exemple.org>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"GOOD DAY. URGENT - HELP ME DISTRIBUTE MY $12 MILLION TO HUMANITARIAN.",
			"I HAVE 12,000,000.00 (TWELVE MILLION) U. S. DOLLARS WHICH I DEPOSITED IN A",
			"SECURITY COMPANY AS A FAMILY TREASURE. I NEED A NEXT OF KIN TO CLAIM THE",
			"CONSIGNMENT IN THE NAME OF MY LATE HUSBAND. I AGREE TO REWARD YOU WITH PART OF THE MONEY FOR YOUR ASSISTANCE.",
			"KINDLY EXPEDITE ACTION AND CONTACT ME FOR MORE DETAILS."),
		present: []string{"LURE_ADVANCE_FEE"},
	}, {
		// A regional newspaper's headlines, sent by its web host (the
		// envelope is the host's bounce address), through a relay whose
		// Authentication-Results the hospital does not read: nothing
		// shows the sender unauthenticated.
		name:   "titres d'un journal envoyes par son hebergeur, sans resultats d'authentification",
		file:   "testdata/modern/journal-titres-du-jour-relais-inconnu.eml",
		accept: true,
		absent: []string{"FROM_RETURN_PATH_MISMATCH"},
	}, {
		// The same envelope under a bank's From at our MX, which read SPF
		// for the envelope and found no DMARC alignment: the forger's
		// shape.
		name: "banque dont l'enveloppe est ailleurs, alignement DMARC absent",
		raw: crlf("Return-Path: <envoi-0612-7731@diffusion.hebergeur-exemple.net>",
			"Authentication-Results: mx.chu-exemple.fr; spf=pass smtp.mailfrom=diffusion.hebergeur-exemple.net; dkim=none; dmarc=fail (p=none) header.from=banque-exemple.fr",
			received+"From: Banque Exemple <securite@banque-exemple.fr>",
			"To: communication@chu-exemple.fr",
			"Subject: Mise a jour de vos informations",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <q4@banque-exemple.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Merci de mettre a jour vos informations : https://banque-exemple-maj.net/"),
		present: []string{"FROM_RETURN_PATH_MISMATCH"},
	}, {
		// A publisher's free-trial offer: "risk-free" is the ordinary
		// money-back wording of any subscription offer.
		name:   "offre d'essai d'une revue medicale sans risque",
		file:   "testdata/modern/revue-medicale-essai-sans-risque-en.eml",
		accept: true,
		absent: []string{"LURE_ADVERTISING"},
	}, {
		// Lead-generation spam keeps its own words.
		name: "publicite de devis d'assurance auto",
		raw: crlf("Return-Path: <offers@quotes-exemple.net>",
			received+"From: Insurance Savings <offers@quotes-exemple.net>",
			"To: bibliotheque@chu-exemple.fr",
			"Subject: Drivers are saving hundreds",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <q5@quotes-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"This is an advertisement. Compare auto insurance rates and get your free quote,",
			"no obligation: https://quotes-exemple.net/start"),
		present: []string{"LURE_ADVERTISING"},
	}, {
		// A cinema magazine's weekly newsletter through a relay the
		// hospital does not know, with its contests on its own site: a
		// contest is a prize theme (LURE_PRIZE) and stays one, but alone
		// it does not tag a newsletter.
		name: "lettre d'un magazine de cinema et ses jeux-concours, relais inconnu",
		raw: crlf("Return-Path: <lettre-owner@cine-hebdo-exemple.fr>",
			received+"From: Cine Hebdo <lettre@cine-hebdo-exemple.fr>",
			"To: comite.social@chu-exemple.fr",
			"Subject: Cine Hebdo n. 48 - sorties de la semaine",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <lettre-48@cine-hebdo-exemple.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Cette semaine : trois sorties, deux entretiens et nos horaires.",
			"https://www.cine-hebdo-exemple.fr/sorties/48",
			"",
			"ENTER FOR YOUR CHANCE TO WIN! Places pour l'avant-premiere :",
			"https://www.cine-hebdo-exemple.fr/concours/avant-premiere-48",
			"",
			"Pour vous desinscrire : https://www.cine-hebdo-exemple.fr/lettre/desinscription"),
		accept: true,
	}, {
		// kernel.org's B4 relay sends a contributor's patch under its own
		// domain, the author's address spelled in its From and set as
		// Reply-To.
		name:   "correctif envoye par le relais B4 de kernel.org, reponse a l'auteur",
		file:   "testdata/lists/b4-relay-correctif-auteur-proton.eml",
		accept: true,
		absent: []string{"REPLYTO_FREEMAIL", "REPLYTO_OTHER_DOMAIN"},
	}, {
		// The same spelling from a domain of the sender's own, DMARC pass
		// but no top site: replies to a free mailbox are the advance-fee
		// letter's.
		name: "domaine jetable authentifie qui ecrit la boite gratuite dans son From",
		raw: crlf("Return-Path: <devnull@fonds-exemple.net>",
			"Authentication-Results: mx.chu-exemple.fr; spf=pass smtp.mailfrom=fonds-exemple.net; dkim=pass header.d=fonds-exemple.net; dmarc=pass (p=none) header.from=fonds-exemple.net",
			received+"From: Mrs Helen George via Relay <devnull+helen.george.charity.gmail.com@fonds-exemple.net>",
			"Reply-To: helen.george.charity@gmail.com",
			"To: it.radiologie@chu-exemple.fr",
			"Subject: Humanitarian project",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <q6@fonds-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"I need a trustworthy partner to distribute funds. Reply to me for more details."),
		present: []string{"REPLYTO_FREEMAIL"},
	}, {
		// A small company without a DMARC record signs its mail; the
		// partner's alumni forwarding address resends it from its own
		// servers, so SPF fails at our MX while the company's DKIM passes.
		name: "courriel signe d'un domaine sans DMARC, reexpedie par une adresse de renvoi",
		raw: crlf("Return-Path: <m.durand@cabinet-kine-exemple.fr>",
			"Authentication-Results: mx.chu-exemple.fr; spf=fail smtp.mailfrom=cabinet-kine-exemple.fr; dkim=pass header.d=cabinet-kine-exemple.fr header.s=mail; dmarc=none header.from=cabinet-kine-exemple.fr",
			received+"From: Marc Durand <m.durand@cabinet-kine-exemple.fr>",
			"To: reeducation@chu-exemple.fr",
			"Subject: Compte rendu de seance - M. Petit",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <kine-0512@cabinet-kine-exemple.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Bonjour, le patient a fait les exercices prevus ; je vous envoie le bilan vendredi."),
		accept: true,
		absent: []string{"AUTH_SPF_FAIL"},
	}, {
		// An SPF failure with a signature of another domain is still one.
		name: "SPF en echec, signature d'un autre domaine",
		raw: crlf("Return-Path: <m.durand@cabinet-kine-exemple.fr>",
			"Authentication-Results: mx.chu-exemple.fr; spf=fail smtp.mailfrom=cabinet-kine-exemple.fr; dkim=pass header.d=envoi-exemple.net header.s=s1; dmarc=none header.from=cabinet-kine-exemple.fr",
			received+"From: Marc Durand <m.durand@cabinet-kine-exemple.fr>",
			"To: reeducation@chu-exemple.fr",
			"Subject: Facture impayee",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <kine-0513@cabinet-kine-exemple.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Bonjour, merci de regler la facture jointe."),
		present: []string{"AUTH_SPF_FAIL"},
	}, {
		// A press review cites a dozen newspapers; two long article
		// addresses are shortened so that they survive line wrapping.
		name:   "revue de presse citant une douzaine de journaux, deux liens raccourcis",
		file:   "testdata/modern/revue-de-presse-liens-raccourcis.eml",
		accept: true,
		absent: []string{"URL_SHORTENER"},
	}, {
		// A lure padded with the same dozen sites: its words still ask.
		name: "avis de suspension garni de liens vers des journaux, lien raccourci",
		raw: crlf("Return-Path: <info@envoi-exemple.net>",
			received+"From: Service comptes <info@envoi-exemple.net>",
			"To: direction.communication@chu-exemple.fr",
			"Subject: Votre compte sera suspendu",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <q7@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Votre compte sera suspendu. Connectez-vous pour le conserver : https://tinyurl.com/compte-7731",
			"",
			"Actualites :",
			"https://www.lemonde.fr/actualites",
			"https://www.lesechos.fr/actualites",
			"https://www.lefigaro.fr/actualites",
			"https://www.ouest-france.fr/actualites",
			"https://www.liberation.fr/actualites",
			"https://www.bmj.com/actualites",
			"https://www.reuters.com/actualites",
			"https://www.francetvinfo.fr/actualites",
			"https://www.leparisien.fr/actualites",
			"https://www.santepubliquefrance.fr/actualites",
			"https://www.thelancet.com/actualites",
		),
		present: []string{"URL_SHORTENER"},
	}, {
		// A shortened link among a few: no digest.
		name: "lien raccourci seul dans un message court",
		raw: crlf("Return-Path: <info@envoi-exemple.net>",
			received+"From: Info <info@envoi-exemple.net>",
			"To: direction.communication@chu-exemple.fr",
			"Subject: Document",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <q8@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Voici le document : https://tinyurl.com/doc-7731"),
		present: []string{"URL_SHORTENER"},
	}, {
		// The training institute congratulates a nurse who passed the
		// competitive exam: good news is no prize.
		name: "felicitations d'un institut de formation pour un concours reussi",
		raw: crlf("Return-Path: <scolarite@ifsi-exemple.fr>",
			"Authentication-Results: mx.chu-exemple.fr; spf=pass smtp.mailfrom=ifsi-exemple.fr; dkim=pass header.d=ifsi-exemple.fr; dmarc=pass (p=none) header.from=ifsi-exemple.fr",
			received+"From: IFSI Exemple - Scolarite <scolarite@ifsi-exemple.fr>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Resultats du concours IBODE",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <ibode-2026@ifsi-exemple.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Madame, felicitations, vous etes admise au concours d'entree en formation IBODE.",
			"La rentree aura lieu le 7 septembre ; le dossier d'inscription est a rendre avant le 30 juin.",
			"Congratulations, you passed: the English summary of your results is attached to your student file."),
		accept: true,
		absent: []string{"LURE_PRIZE"},
	}, {
		// A 2000s-style card offer from the bank's own mailing domain
		// through a relay the hospital does not know: good news, no prize.
		name: "offre de carte pre-approuvee d'une banque, relais inconnu",
		raw: crlf("Return-Path: <offers@mail.bank-exemple.com>",
			received+"From: Bank Exemple Card Services <offers@mail.bank-exemple.com>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: You are pre-approved for a Platinum card",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <po-0512@mail.bank-exemple.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Dear Cardmember,</p><p>Congratulations! You have been pre-approved for the Platinum card with 0% introductory APR.</p>`,
			`<p><a href="https://www.bank-exemple.com/apply?offer=PL0512">See the offer</a></p>`,
			`<p>To stop receiving offers by e-mail, <a href="https://www.bank-exemple.com/privacy/optout">unsubscribe</a>.</p>`),
		accept: true,
		absent: []string{"LURE_PRIZE"},
	}, {
		// A prize to claim still is one.
		name: "gain d'un telephone a reclamer",
		raw: crlf("Return-Path: <promo@jeux-exemple.net>",
			received+"From: Service Clients <promo@jeux-exemple.net>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Congratulations! You have won",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <q9@jeux-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Congratulations, you have won a new phone. Claim your prize: https://jeux-exemple.net/claim"),
		present: []string{"LURE_PRIZE"},
	}}
	runShapes(t, s, tests)
}

// runShapesUnderBothTrusts runs the cases behind the company's trusted MX
// and under the evaluation's trust settings (trustSettings).
func runShapesUnderBothTrusts(t *testing.T, tests []sourceCase) {
	t.Helper()
	for _, c := range trustSettings(t) {
		t.Run(c.name, func(t *testing.T) { runShapes(t, newScanner(t, c.cfg), tests) })
	}
}

// runShapes scans each case (its file, or its raw text) and checks its
// action and the signals it must and must not raise, logging the score.
func runShapes(t *testing.T, s *scan.Scanner, tests []sourceCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw)
			if tt.file != "" {
				var err error
				if raw, err = os.ReadFile(tt.file); err != nil {
					t.Fatal(err)
				}
			}
			v := s.Scan(t.Context(), raw, scan.Envelope{})
			t.Logf("%5.2f %-10s %s %s", v.Score, v.Action, filepath.Base(tt.file), weighted(v))
			if tt.accept && v.Action != scan.Accept {
				t.Errorf("%s (%.2f) %s", v.Action, v.Score, weighted(v))
			}
			got := names(v)
			for _, name := range tt.absent {
				if slices.Contains(got, name) {
					t.Errorf("%s raised: %s", name, weighted(v))
				}
			}
			if tt.flag && v.Action == scan.Accept {
				t.Errorf("accepted (%.2f) %s", v.Score, weighted(v))
			}
			for _, name := range tt.present {
				if !slices.Contains(got, name) {
					t.Errorf("%s not raised: %s", name, weighted(v))
				}
			}
		})
	}
}
