package engine

import "testing"

// TestRefitNearMissShapes: each generic reason a must-accept fixture came
// within a point of the tag threshold under the embedded model or one a
// refit could produce (`vigie learn weights --unseen-sources
// --unseen-models`, testdata/gaps/README.md), fixed in the signal's
// definition, holds on that fixture under the evaluation's trust, where
// nothing of its authentication is believed; and the phisher's twin of
// each still raises the signal and is flagged.
func TestRefitNearMissShapes(t *testing.T) {
	s := newScanner(t, evalTrustConfig(t))
	runShapes(t, s, []sourceCase{{
		// SFR's bill notice shows its logo from SFR's own image host,
		// static.s-sfr.fr: an image is fetched, not followed, and
		// URL_BRAND_IN_DOMAIN says "a link leads to".
		name:   "avis de facture SFR, logo servi par static.s-sfr.fr",
		file:   "testdata/brands/sfr-facture-box-disponible.eml",
		accept: true,
		absent: []string{"URL_BRAND_IN_DOMAIN"},
	}, {
		// Microsoft's renewal notice loads its pictures from its CDN,
		// img-prod-cms-rt-microsoft-com.akamaized.net.
		name:   "avis d'abonnement Microsoft 365, images du CDN de Microsoft",
		file:   "testdata/brands/microsoft-365-abonnement-expire-bientot.eml",
		accept: true,
		absent: []string{"URL_BRAND_IN_DOMAIN"},
	}, {
		// The phisher copies the same logo and sends the reader to a
		// combosquatted customer area: the link is judged.
		name: "copie de l'avis SFR, logo copie, lien vers espace-client-sfr",
		raw: crlf("Return-Path: <facture@envoi-exemple.net>",
			received+"From: SFR <facture@envoi-exemple.net>",
			"To: compta@chu-exemple.fr",
			"Subject: Votre facture SFR est disponible",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r1@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<img src="https://static.s-sfr.fr/media/email/logo-sfr.png" alt="SFR" width="120">`,
			`<p>Votre facture SFR Box de decembre est disponible. Montant : 42,99 EUR.</p>`,
			`<p><a href="https://espace-client-sfr.fr/facture/">Consulter ma facture</a></p>`),
		present: []string{"URL_BRAND_IN_DOMAIN"},
		flag:    true,
	}, {
		// The same brand-named host as an image first, then as a link:
		// the image does not use up the host's one look, the link is
		// judged.
		name: "image sur un hote au nom de Microsoft et lien vers un sosie",
		raw: crlf("Return-Path: <notice@envoi-exemple.net>",
			received+"From: Microsoft 365 <notice@envoi-exemple.net>",
			"To: dsi@chu-exemple.fr",
			"Subject: Votre abonnement expire",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r2@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<img src="https://microsoft-cdn.envoi-exemple.net/logo.png">`,
			`<p>Votre abonnement Microsoft 365 expire aujourd'hui. Renouvelez-le pour garder votre messagerie :</p>`,
			`<p><a href="https://microsoft-cdn.envoi-exemple.net/renew">Renouveler</a></p>`),
		present: []string{"URL_BRAND_IN_DOMAIN"},
		flag:    true,
	}, {
		// A bookkeeping start-up's Zoom webinar, replies to its own
		// domain, ledgerly.com: a name that opens with "ledger" and ends
		// two letters later is its own word, not the wallet's.
		name:   "webinaire Zoom d'une jeune pousse dont le nom commence par ledger",
		file:   "testdata/prospection/zoom-webinars-inscription-confirmee-en.eml",
		accept: true,
		absent: []string{"REPLYTO_BRAND_IN_DOMAIN"},
	}, {
		// The wallet's name with a word glued to it, as the recovery-phrase
		// phishing of Ledger's customers registers it.
		name: "webinaire Zoom, reponses vers ledgerlive-help",
		raw: crlf("Return-Path: <bounces@zoom.us>",
			received+"From: Ledger Live Events <no-reply@zoom.us>",
			"Reply-To: support@ledgerlive-help.com",
			"To: compta@chu-exemple.fr",
			"Subject: Your wallet must be verified before the session",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r3@zoom.us>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"To keep your Ledger wallet active, verify your recovery phrase before the webinar:",
			"https://ledgerlive-help.com/verify"),
		present: []string{"REPLYTO_BRAND_IN_DOMAIN"},
		flag:    true,
	}, {
		// The ANS's Pro Santé Connect sign-in notice: "si vous n'êtes
		// pas à l'origine de cette connexion", close the session, then
		// the help line. A sign-in is no order to cancel by telephone.
		name:   "avis de connexion Pro Sante Connect et numero d'assistance",
		file:   "testdata/sante-pro/ans-pro-sante-connect-session-ouverte.eml",
		accept: true,
		absent: []string{"LURE_CALLBACK"},
	}, {
		// The fake order with its number to call (FTC alerts on fake
		// order confirmations, BazarCall) under a shop's name keeps the
		// signal.
		name: "fausse commande a annuler par telephone",
		raw: crlf("Return-Path: <commande@envoi-exemple.net>",
			received+"From: Amazon.fr <commande@envoi-exemple.net>",
			"To: compta@chu-exemple.fr",
			"Subject: Confirmation de votre commande n. 113-0522179",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r4@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Votre commande d'un ordinateur portable (1 249,99 EUR) a ete validee et sera expediee demain.",
			"Si vous n'etes pas a l'origine de cette commande, appelez immediatement notre service au 01 84 60 99 12."),
		present: []string{"LURE_CALLBACK"},
		flag:    true,
	}, {
		// A sign-in alert with a number to call, under a brand's name
		// from elsewhere, is still held: by the brand, not the phrase.
		name: "fausse alerte de connexion Microsoft avec numero a appeler",
		raw: crlf("Return-Path: <alerte@envoi-exemple.net>",
			received+"From: Microsoft 365 <alerte@envoi-exemple.net>",
			"To: dsi@chu-exemple.fr",
			"Subject: Nouvelle connexion a votre compte",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r5@envoi-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Une connexion a votre compte Microsoft 365 a ete detectee depuis la Russie.",
			"Si vous n'etes pas a l'origine de cette connexion, appelez le support Microsoft au 01 86 26 44 10."),
		flag: true,
	}, {
		// The word-ending spare read by a phisher: one letter after the
		// brand, then his hyphenated word (ledgers-help, paypals-secure),
		// or a country glued to it (ledgerfr). The brand is still his
		// domain's first word.
		name: "webinaire Zoom, reponses vers ledgers-help",
		raw: crlf("Return-Path: <bounces@zoom.us>",
			received+"From: Ledger Live Events <no-reply@zoom.us>",
			"Reply-To: support@ledgers-help.com",
			"To: compta@chu-exemple.fr",
			"Subject: Your wallet must be verified before the session",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r4@zoom.us>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"To keep your Ledger wallet active, verify your recovery phrase before the webinar:",
			"https://ledgers-help.com/verify"),
		present: []string{"REPLYTO_BRAND_IN_DOMAIN"},
		flag:    true,
	}, {
		name: "webinaire Zoom, reponses vers ledgerfr",
		raw: crlf("Return-Path: <bounces@zoom.us>",
			received+"From: Ledger Live Events <no-reply@zoom.us>",
			"Reply-To: support@ledgerfr.com",
			"To: compta@chu-exemple.fr",
			"Subject: Your wallet must be verified before the session",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r5@zoom.us>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"To keep your Ledger wallet active, verify your recovery phrase before the webinar:",
			"https://ledgerfr.com/verify"),
		present: []string{"REPLYTO_BRAND_IN_DOMAIN"},
		flag:    true,
	}, {
		// Google Drive's share in the name of a colleague at a university,
		// Reply-To her: the service's logo and the folder's icon are
		// pictures on www.gstatic.com and ssl.gstatic.com, fetched, not
		// followed; every link opens the folder on drive.google.com.
		name:   "partage Google Drive d'une collegue, logo et icone sur gstatic.com",
		file:   "testdata/modern/google-drive-partage-dossier.eml",
		accept: true,
		absent: []string{"REPLYTO_OTHER_DOMAIN"},
	}, {
		// The notice copied with the same pictures, the folder's link to
		// a free host and the answers to the phisher's own domain.
		name: "copie du partage Google Drive, logo de Google, dossier sur pages.dev",
		raw: crlf("Return-Path: <3wv5QZgcKBXY8MOTG@docos.bounces.google.com>",
			received+`From: "Julie Perrin (via Google Drive)" <drive-shares-dm-noreply@google.com>`,
			"Reply-To: Julie Perrin <julie.perrin@univ-dossiers-exemple.net>",
			"To: benoit.lemaire@chu-exemple.fr",
			"Subject: Dossier partage avec vous : Protocole 2026",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r6@docos.bounces.google.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<img src="https://www.gstatic.com/images/branding/googlelogo/2x/googlelogo_grey_tm_color_96x40dp.png" alt="Google">`,
			`<p>Julie Perrin (julie.perrin@univ-dossiers-exemple.net) a partage un dossier avec vous.</p>`,
			`<p><img src="https://ssl.gstatic.com/docs/doclist/images/mediatype/icon_1_folder_x32.png"> `,
			`<a href="https://drive-partage-dossier.pages.dev/folders/1Qx2Lm8pR4">Protocole 2026</a></p>`),
		present: []string{"REPLYTO_OTHER_DOMAIN"},
		flag:    true,
	}, {
		// Pictures alone open nothing: a notice with no link to follow,
		// whose sharer is answered at a free mailbox "to receive the
		// file", is no share of an item on the service.
		name: "faux partage Google Drive sans lien, dossier envoye sur reponse",
		raw: crlf("Return-Path: <3wv5QZgcKBXY8MOTG@docos.bounces.google.com>",
			received+`From: "Julie Perrin (via Google Drive)" <drive-shares-dm-noreply@google.com>`,
			"Reply-To: Julie Perrin <julie.perrin.dossiers@gmail.com>",
			"To: benoit.lemaire@chu-exemple.fr",
			"Subject: Dossier partage avec vous : Protocole 2026",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r7@docos.bounces.google.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<img src="https://www.gstatic.com/images/branding/googlelogo/2x/googlelogo_grey_tm_color_96x40dp.png" alt="Google">`,
			`<p>Julie Perrin (julie.perrin.dossiers@gmail.com) a partage un dossier avec vous.</p>`,
			`<p><img src="https://ssl.gstatic.com/docs/doclist/images/mediatype/icon_1_folder_x32.png"> Protocole 2026</p>`),
		present: []string{"REPLYTO_FREEMAIL"},
		flag:    true,
	}, {
		// The pictures spared are the service's own: a forged notice
		// whose one link opens a real document on docs.google.com but
		// whose picture, a QR code "to open the folder on your phone",
		// is served by the phisher's free host is no share of an item on
		// the service; its free-mailbox Reply-To is judged.
		name: "faux partage Google Drive, QR code servi par pages.dev, reponse vers Gmail",
		raw: crlf("Return-Path: <3wv5QZgcKBXY8MOTG@docos.bounces.google.com>",
			received+`From: "Julie Perrin (via Google Drive)" <drive-shares-dm-noreply@google.com>`,
			"Reply-To: Julie Perrin <julie.perrin.dossiers@gmail.com>",
			"To: benoit.lemaire@chu-exemple.fr",
			"Subject: Dossier partage avec vous : Protocole 2026",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r8@docos.bounces.google.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<img src="https://www.gstatic.com/images/branding/googlelogo/2x/googlelogo_grey_tm_color_96x40dp.png" alt="Google">`,
			`<p>Julie Perrin (julie.perrin.dossiers@gmail.com) a partage un dossier avec vous.</p>`,
			`<p><a href="https://drive.google.com/drive/folders/1Qx2Lm8pR4">Protocole 2026</a></p>`,
			`<p>Ouvrir sur votre telephone : <img src="https://dossier-partage-qr.pages.dev/qr/1Qx2Lm8pR4.png" alt="QR code"></p>`),
		present: []string{"REPLYTO_FREEMAIL"},
		flag:    true,
	}, {
		// The DGFiP's notice of the business property tax writes its
		// name as its site, impots.gouv.fr, above its sending domain,
		// dgfip.finances.gouv.fr: both the DGFiP's own (brands.yaml).
		name:   "avis de CFE de la DGFiP, nom impots.gouv.fr, adresse dgfip.finances.gouv.fr",
		file:   "testdata/pme/dgfip-avis-cfe-espace-professionnel.eml",
		accept: true,
		absent: []string{"FROM_NAME_OTHER_DOMAIN"},
	}, {
		// The same name above a look-alike of the sending domain.
		name: "avis de CFE, nom impots.gouv.fr, adresse dgfip-finances-gouv.fr",
		raw: crlf("Return-Path: <no-reply@dgfip-finances-gouv.fr>",
			received+"From: impots.gouv.fr <no-reply@dgfip-finances-gouv.fr>",
			"To: compta@chu-exemple.fr",
			"Subject: Avis de CFE 2026 disponible dans votre espace professionnel",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r8@dgfip-finances-gouv.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Votre avis de cotisation fonciere des entreprises est disponible.",
			"Connectez-vous a votre espace professionnel pour le consulter et le regler avant le 15 decembre :",
			"https://espace-pro.dgfip-finances-gouv.fr/connexion"),
		present: []string{"FROM_NAME_OTHER_DOMAIN"},
		flag:    true,
	}, {
		// A brand that is also a mail provider names its users' domain
		// among its own: "google.com" above a Gmail address is anyone.
		name: "alerte au nom de google.com depuis une adresse Gmail",
		raw: crlf("Return-Path: <alerte.securite.compte@gmail.com>",
			received+"From: google.com <alerte.securite.compte@gmail.com>",
			"To: dsi@chu-exemple.fr",
			"Subject: Activite inhabituelle sur votre compte",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r9@mail.gmail.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Une activite inhabituelle a ete detectee sur votre compte. Connectez-vous pour le verifier :",
			"https://verification-compte.pages.dev/login"),
		present: []string{"FROM_NAME_OTHER_DOMAIN"},
		flag:    true,
	}, {
		// Microsoft's account-security notices, from
		// accountprotection.microsoft.com, offer their opt-out at
		// account.live.com: another of Microsoft's own domains
		// (brands.yaml), so the footer leads home.
		name:   "alerte de connexion inhabituelle Microsoft, desabonnement sur account.live.com",
		file:   "testdata/modern/microsoft-account-unusual-signin-en.eml",
		accept: true,
		absent: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		// The notice copied from a throw-away domain, its opt-out link
		// still Microsoft's, the activity page on a free host: the
		// sender's domain is no brand's own.
		name: "copie de l'alerte Microsoft depuis un domaine jetable, desabonnement sur account.live.com",
		raw: crlf("Return-Path: <account-security-noreply@msaccount-alerte-exemple.net>",
			received+"From: Microsoft account team <account-security-noreply@msaccount-alerte-exemple.net>",
			"To: dsi@chu-exemple.fr",
			"Subject: Microsoft account unusual sign-in activity",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r10@msaccount-alerte-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>We detected something unusual about a recent sign-in to the Microsoft account dsi@chu-exemple.fr.</p>`,
			`<p>Country/region: Russia. If this wasn't you, please secure your account now.</p>`,
			`<p><a href="https://account-activity-review.pages.dev/Activity">Review recent activity</a></p>`,
			`<p>To opt out or change where you receive security notifications, <a href="https://account.live.com/SecurityNotifications/Update">click here</a>.</p>`),
		present: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
		flag:    true,
	}, {
		// The bulk "unsubscribe here" of a throw-away domain, its opt-out
		// on a brand's site it does not own.
		name: "envoi de masse d'un domaine jetable, desabonnement sur le site d'une marque",
		raw: crlf("Return-Path: <promo@offres-flash-exemple.net>",
			received+"From: Offres Outlook <promo@offres-flash-exemple.net>",
			"To: dsi@chu-exemple.fr",
			"Subject: Votre espace de stockage est presque plein",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r11@offres-flash-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Votre boite aux lettres a atteint 98 % de sa capacite. Cliquez ici pour obtenir 50 Go gratuits :</p>`,
			`<p><a href="https://stockage-offert.web.app/outlook">Obtenir mon espace</a></p>`,
			`<p>Pour vous desabonner, <a href="https://account.live.com/SecurityNotifications/Update">unsubscribe here</a>.</p>`),
		present: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
		flag:    true,
	}, {
		// Calendly's "new event" to the host, Reply-To the invitee whose
		// address the notice prints, every link on calendly.com.
		name:   "nouvel evenement Calendly, reponse a l'invitee",
		file:   "testdata/signature/calendly-nouvel-evenement-hote.eml",
		accept: true,
		absent: []string{"REPLYTO_FREEMAIL"},
	}, {
		// "Isabelle Roche via Yousign", Reply-To her, links on yousign.app
		// and yousign.com (one brand's own).
		name:   "demande de signature Yousign, reponse a la demandeuse",
		file:   "testdata/hospital/yousign-convention-a-signer.eml",
		accept: true,
		absent: []string{"REPLYTO_OTHER_DOMAIN"},
	}, {
		// Google Sheets' share: the sheet on docs.google.com, Google's
		// Drive page on www.google.com, the sharer's address printed.
		name:   "partage Google Sheets, lien vers la page Drive de Google",
		file:   "testdata/brands/google-drive-document-partage.eml",
		accept: true,
		absent: []string{"REPLYTO_OTHER_DOMAIN"},
	}, {
		// The Calendly notice copied from a look-alike of the service,
		// its button on a free host, answers to a Gmail address.
		name: "copie de l'avis Calendly depuis un sosie, reponse Gmail",
		raw: crlf("Return-Path: <notifications@calendly-agenda-exemple.net>",
			received+`From: "Calendly" <notifications@calendly-agenda-exemple.net>`,
			"Reply-To: elodie.marchand.rdv@gmail.com",
			"To: c.martin@chu-exemple.fr",
			"Subject: Nouvel evenement : Elodie Marchand - Visio 30 minutes",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r12@calendly-agenda-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Bonjour, un nouvel evenement a ete programme.</p>`,
			`<p>Invitee : Elodie Marchand (elodie.marchand.rdv@gmail.com)<br>Visio 30 minutes, mercredi 16 decembre 14:00</p>`,
			`<p><a href="https://calendly-evenement.pages.dev/events/283c9d3e">Voir l'evenement</a></p>`),
		present: []string{"REPLYTO_FREEMAIL"},
		flag:    true,
	}, {
		// A genuine Calendly notice whose booking answers carry a link
		// off the service, Reply-To a Gmail address: the answers are the
		// invitee's to write, the Reply-To stays judged.
		name: "avis Calendly authentique, reponses de l'invite avec un lien hors du service",
		raw: crlf("Return-Path: <bounces+7711002-ef56-c.martin=chu-exemple.fr@mail.calendly.com>",
			received+`From: "Calendly" <notifications@calendly.com>`,
			"Reply-To: elodie.marchand.rdv@gmail.com",
			"To: c.martin@chu-exemple.fr",
			"Subject: Nouvel evenement : Elodie Marchand - Visio 30 minutes",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r13@calendly.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Bonjour, un nouvel evenement a ete programme.</p>`,
			`<p>Invitee : Elodie Marchand (elodie.marchand.rdv@gmail.com)<br>Visio 30 minutes, mercredi 16 decembre 14:00</p>`,
			`<p>Informations : le dossier a preparer est ici <a href="https://dossier-visio.pages.dev/d/283c9d3e">https://dossier-visio.pages.dev/d/283c9d3e</a></p>`,
			`<p><a href="https://calendly.com/events/283c9d3e/google">Voir l'evenement</a></p>`),
		present: []string{"REPLYTO_FREEMAIL"},
		flag:    true,
	}, {
		// A notice from Google in a person's name whose link is a page
		// Google's customers publish (sites.google.com): not Google's own.
		name: "avis de Google au nom d'une personne, lien vers sites.google.com, reponse Gmail",
		raw: crlf("Return-Path: <3wv5QZgcKBXY8MOTG@docos.bounces.google.com>",
			received+`From: "Julie Perrin (via Google Sites)" <drive-shares-dm-noreply@google.com>`,
			"Reply-To: Julie Perrin <julie.perrin.dossiers@gmail.com>",
			"To: benoit.lemaire@chu-exemple.fr",
			"Subject: Site partage avec vous : Protocole 2026",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r14@docos.bounces.google.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Julie Perrin (julie.perrin.dossiers@gmail.com) a partage un site avec vous.</p>`,
			`<p><a href="https://sites.google.com/view/protocole-2026-chu/accueil">Protocole 2026</a></p>`),
		present: []string{"REPLYTO_FREEMAIL"},
	}, {
		// A mailbox provider's user is no service's notice: a top site
		// that is no catalogued brand (fastmail.com is in the top lists,
		// not in the free-mail list), a BEC opener asking for the answer
		// at a personal Gmail printed in the text, the only link the
		// provider's home page.
		name: "message d'une boite Fastmail, reponse a un Gmail cite dans le texte, urgent",
		raw: crlf("Return-Path: <jean.dupont@fastmail.com>",
			received+`From: "Jean Dupont" <jean.dupont@fastmail.com>`,
			"Reply-To: Jean Dupont <jean.dupont.direction@gmail.com>",
			"To: c.martin@chu-exemple.fr",
			"Subject: Demande",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r15@fastmail.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Bonjour Claire,</p><p>C'est urgent, j'ai besoin de vous pour un dossier a traiter aujourd'hui.</p>`,
			`<p>Merci de me repondre sur mon adresse personnelle jean.dupont.direction@gmail.com.</p>`,
			`<p>Jean Dupont<br>Directeur general</p><p>Sent with <a href="https://www.fastmail.com/">Fastmail</a></p>`),
		present: []string{"REPLYTO_FREEMAIL"},
		flag:    true,
	}, {
		// A genuine Calendly notice whose invitee's answers press for a
		// reply by e-mail to a Gmail address: the words are the
		// invitee's, and urgency with a reply outside is BEC's opener.
		name: "avis Calendly, reponses de l'invite pressant de repondre par e-mail",
		raw: crlf("Return-Path: <bounces+7711002-ef56-c.martin=chu-exemple.fr@mail.calendly.com>",
			received+`From: "Calendly" <notifications@calendly.com>`,
			"Reply-To: elodie.marchand.rdv@gmail.com",
			"To: c.martin@chu-exemple.fr",
			"Subject: Nouvel evenement : Elodie Marchand - Visio 30 minutes",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r16@calendly.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Bonjour, un nouvel evenement a ete programme.</p>`,
			`<p>Invitee : Elodie Marchand (elodie.marchand.rdv@gmail.com)<br>Visio 30 minutes, mercredi 16 decembre 14:00</p>`,
			`<p>Objet de votre demande : Urgent, merci de me repondre directement par e-mail avant ce soir au sujet de votre dossier.</p>`,
			`<p><a href="https://calendly.com/events/283c9d3e/google">Voir l'evenement</a></p>`),
		present: []string{"REPLYTO_FREEMAIL"},
		flag:    true,
	}, {
		// A Drive share from a Gmail account whose note presses for an
		// answer by e-mail: the note is the sharer's, and urgency with
		// the reply going to a free mailbox is BEC's opener (sharingNotice
		// keeps the Reply-To judged, as actedFor does).
		name: "partage Google Drive, note pressant de repondre par e-mail, reponse Gmail",
		raw: crlf("Return-Path: <3wv5QZgcKBXY8MOTG@docos.bounces.google.com>",
			received+`From: "Julie Perrin (via Google Drive)" <drive-shares-dm-noreply@google.com>`,
			"Reply-To: Julie Perrin <julie.perrin.dossiers@gmail.com>",
			"To: benoit.lemaire@chu-exemple.fr",
			"Subject: Dossier partage avec vous : Protocole 2026",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r18@docos.bounces.google.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Julie Perrin (julie.perrin.dossiers@gmail.com) a partage un dossier avec vous.</p>`,
			`<p>Urgent : merci de me repondre directement par e-mail avant ce soir au sujet de votre dossier.</p>`,
			`<p><a href="https://drive.google.com/drive/folders/1Qx2Lm8pR4?usp=sharing">Protocole 2026</a></p>`),
		present: []string{"REPLYTO_FREEMAIL"},
		flag:    true,
	}, {
		// A Sympa list's post "Paul Girard via Chorale", Reply-To his
		// Gmail: with the RFC 2369 fields Sympa writes by default
		// (rfc2369_header_fields: help, subscribe, unsubscribe, post,
		// owner, archive), the list is run by list software and its
		// Reply-To to the author is the list's (listReply).
		name:   "liste Sympa, message d'un membre, reponse a son Gmail",
		file:   "testdata/bodymail/liste-membre-gmail-hors-liste.eml",
		accept: true,
		absent: []string{"REPLYTO_FREEMAIL"},
	}, {
		// Review of fe9202a: a Hotmail account's "mailbox full" notice,
		// the upgrade on a OneDrive share, Microsoft's opt-out sentence
		// and link to account.live.com. Microsoft lists hotmail.com and
		// live.com among its own, but a free mailbox's opt-out on its
		// provider's site is no brand notice's (accepted at 3.47 when it
		// counted as home).
		name: "boite pleine depuis Hotmail, desabonnement sur account.live.com",
		raw: crlf("Return-Path: <service.messagerie.notice@hotmail.com>",
			received+"From: Service Messagerie <service.messagerie.notice@hotmail.com>",
			"To: dsi@chu-exemple.fr",
			"Subject: Votre boite de reception est presque pleine",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <r15@hotmail.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>Votre espace de stockage est presque plein (98 %). Les nouveaux messages seront refuses.</p>`,
			`<p><a href="https://onedrive.live.com/redir?resid=4F1A2B3C!112&amp;authkey=!AbCdEf">Augmenter mon espace</a></p>`,
			`<p>To opt out or change where you receive security notifications, <a href="https://account.live.com/SecurityNotifications/Update">click here</a>.</p>`),
		present: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
		flag:    true,
	}})
}

// TestUrgencyIsNoTopic: urgency is pressure, not what a message is about.
// A laboratory's batch recall ("Action requise : cessez immédiatement la
// dispensation … sous 48 heures", `Importance: high`) says three urgency
// phrases and asks nothing a phisher wants; LURE_DOMINANT counted urgency
// as its topic and, with the weight a refit without the commercial
// newsletters gives urgency, tagged it under the evaluation's trust (5.41).
// What urgency presses towards is counted by its own theme, which can
// still be dominant: the recall's twin from a look-alike laboratory,
// pressing as hard towards new bank details for the "destruction fees",
// is flagged under both trusts. Urgency beside a weak ask stays the topic:
// a shop's "urgent, act now, within 24 hours, last chance" above one
// "confirm now" or "connectez-vous" keeps LURE_DOMINANT (without it, 4.61
// and 5.43 tagged by the fits without nvdimm and sahard fell to 3.15 and
// 3.99, accepted, under both trusts).
func TestUrgencyIsNoTopic(t *testing.T) {
	pressing := func(subject string, lines ...string) string {
		return crlf(append([]string{"Return-Path: <service@boutique-exemple.net>",
			received + "From: Service clients <service@boutique-exemple.net>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: " + subject,
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <ur1@boutique-exemple.net>",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			""}, lines...)...)
	}
	cases := []sourceCase{{
		name:    "urgence pressant une confirmation, en anglais",
		raw:     pressing("Urgent", "Urgent: act now, within 24 hours, last chance.", "Confirm now: https://boutique-exemple.net/confirm"),
		present: []string{"LURE_DOMINANT", "LURE_CREDENTIALS"},
	}, {
		name:    "urgence pressant une connexion, en francais",
		raw:     pressing("Action requise", "Action requise immediatement, c'est urgent.", "Connectez-vous : https://boutique-exemple.net/espace"),
		present: []string{"LURE_DOMINANT"},
	}, {
		// Urgency with no theme named, over a link to a page anyone
		// publishes on: the link is the ask (5.71 quarantined before
		// 7d387c2c, 4.67 tagged after it, 4.72 accepted by the fits
		// without saeasy or usrp).
		name:    "urgence seule vers une page web.app",
		raw:     pressing("Action requise", "Action requise immediatement, c'est urgent, sous 24 heures, dernier delai.", "https://boutique-exemple-net.web.app/maj"),
		present: []string{"LURE_DOMINANT", "URL_FREE_HOSTING"},
		flag:    true,
	}, {
		name:   "urgence seule vers le domaine de l'expediteur",
		raw:    pressing("Action requise", "Action requise immediatement, c'est urgent, sous 24 heures, dernier delai.", "https://boutique-exemple.net/maj"),
		accept: true,
		absent: []string{"LURE_DOMINANT"},
	}, {
		name:   "rappel de lots d'un laboratoire, trois mots d'urgence",
		file:   "testdata/legit/laboratoire-rappel-de-lots-urgent.eml",
		accept: true,
		absent: []string{"LURE_DOMINANT"},
	}, {
		name: "faux rappel de lots, frais de destruction vers un nouveau RIB",
		raw: crlf("Return-Path: <qualite@pharmalab-rappels.com>",
			received+"From: Pharmalab - Assurance qualite <qualite@pharmalab-rappels.com>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: URGENT - Rappel de lots Cefazoline - action requise",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <rl1@pharmalab-rappels.com>",
			"Importance: high",
			"MIME-Version: 1.0",
			"Content-Type: text/plain; charset=utf-8",
			"",
			"Madame, Monsieur le Pharmacien,",
			"",
			"Pharmalab procede au rappel des lots 24C118 et 24C121 de Cefazoline 2 g.",
			"",
			"Action requise : cessez immediatement la dispensation des lots concernes.",
			"Les frais de destruction, 1 840,00 EUR, sont a regler sous 48 heures,",
			"dernier delai, par virement sur notre nouveau RIB :",
			"IBAN FR76 3000 4000 0312 3456 7890 143 - BIC BNPAFRPPXXX",
			"Merci de nous confirmer le paiement par retour de mail.",
			"",
			"Le Pharmacien responsable"),
		present: []string{"LURE_URGENCY"},
		flag:    true,
	}, {
		name: "faux rappel de lots, recensement sur une page hebergee gratuitement",
		raw: crlf("Return-Path: <qualite@pharmalab-rappels.com>",
			received+"From: Pharmalab - Assurance qualite <qualite@pharmalab-rappels.com>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: URGENT - Rappel de lots Cefazoline - action requise",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <rl2@pharmalab-rappels.com>",
			"Importance: high",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			"<p>Madame, Monsieur le Pharmacien,</p>",
			"<p>Pharmalab procede au rappel des lots 24C118 et 24C121 de Cefazoline 2 g.</p>",
			"<p>Action requise : cessez immediatement la dispensation des lots concernes et",
			"remplissez le formulaire de recensement sous 48 heures, dernier delai, avec",
			"l'identifiant de votre espace pharmacien :</p>",
			`<p><a href="https://pharmalab-rappel.web.app/recensement">Formulaire de recensement</a></p>`,
			"<p>Le Pharmacien responsable</p>"),
		present: []string{"LURE_URGENCY"},
		flag:    true,
	}}
	for _, c := range hospitalAndEvalScanners(t) {
		t.Run(c.name, func(t *testing.T) { runShapes(t, c.s, cases) })
	}
}

// TestOptOutAtTheEnvelopeSendersDomain: before List-Unsubscribe was
// usual, an ESP or a list host that sent a mailing in a customer's name
// took its opt-outs on its own domain, the envelope sender's: Southwest's
// points statement sent by Exactis ("To unsubscribe, click here" on
// link.exactis.com, Return-Path at exactis.com), a Topica list's "EASY
// UNSUBSCRIBE" on topica.com (Return-Path at lists.topica.com). Under the
// evaluation's trust, where nothing is read, and behind the MX, where the
// From domain answers for the message, that footer is the mailing's
// opt-out and BULK_NO_LIST_UNSUBSCRIBE is not raised (the Topica post was
// tagged at 5.53 by the fit without usrp). The phisher's copy on a
// throw-away sending domain that carries its own opt-out keeps the signal
// behind the MX, where its From does not answer for it, and is flagged
// under both trusts.
func TestOptOutAtTheEnvelopeSendersDomain(t *testing.T) {
	twin := crlf("Return-Path: <retour@envoi-promo-exemple.info>",
		"Authentication-Results: mx.chu-exemple.fr; spf=pass smtp.mailfrom=envoi-promo-exemple.info;",
		"\tdkim=none; dmarc=none header.from=spotify-membres.com",
		received+"From: Spotify Premium <offres@spotify-membres.com>",
		"To: pharmacie@chu-exemple.fr",
		"Subject: Spotify Premium pour 2 EUR par an, avant qu'il ne soit trop tard",
		"Date: Tue, 12 May 2026 08:01:44 +0000",
		"Message-ID: <sp1@envoi-promo-exemple.info>",
		"MIME-Version: 1.0",
		"Content-Type: text/html; charset=utf-8",
		"",
		`<p>Votre abonnement Spotify Premium pour 2 EUR par an vous attend.</p>`,
		`<p><a href="https://spotify-premium-offre.web.app/activer">Activer mon offre</a></p>`,
		`<p style="font-size:10px">Pour vous desinscrire, <a href="https://envoi-promo-exemple.info/u/8841">cliquez ici</a>.</p>`)
	genuine := []sourceCase{{
		name:   "releve de points Southwest envoye par Exactis",
		file:   "testdata/newsletters2002c/nl3-exactis-2002-releve-points-base64-html-en.eml",
		accept: true,
		absent: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name:   "liste Topica, pied EASY UNSUBSCRIBE",
		file:   "testdata/lists2002/topica-2002-liste-pied-easy-unsubscribe.eml",
		accept: true,
		absent: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name: "offre Spotify copiee, desinscription sur le domaine d'envoi jetable",
		raw:  twin,
		flag: true,
	}}
	for _, c := range hospitalAndEvalScanners(t) {
		t.Run(c.name, func(t *testing.T) { runShapes(t, c.s, genuine) })
	}
	runShapes(t, hospitalConfig(t), []sourceCase{{
		name:    "offre Spotify copiee, derriere le MX: le From ne repond pas du message",
		raw:     twin,
		present: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
		flag:    true,
	}})
}

// TestAnnouncementListToItself: an announcement list posts To its own
// address, from it, the members in blind copy, and the envelope is the
// bounce address its list manager builds on the list's name (Topica's and
// Lyris ListManager's "bounce-LIST-NNN@", at the list's domain):
// FROM_EQUALS_TO read it as a message sent to oneself, 4.09 with the
// fit without the commercial newsletters beside the list's Reply-To to
// the publisher. The phisher's self-addressed mailing with the same
// envelope shape loses that signal but not its lure, and is flagged; one
// whose envelope is on another domain keeps it. The "mailbox full" lure
// From and To its reader, delivered to that address (the receiving
// server's "for <…>"), keeps it under a forged list manager's bounce
// address or List-Id on the reader's own domain: it was tagged, not
// quarantined, under the evaluation's trust without it (5.00), and
// accepted by the fits without saeasy or usrp (4.95).
func TestAnnouncementListToItself(t *testing.T) {
	toItsReader := func(extra ...string) string {
		return crlf(append(append([]string{}, extra...),
			received+"From: pharmacie@chu-exemple.fr",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Votre boite aux lettres est pleine",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <al2@chu-exemple.fr>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			"<p>Votre boite aux lettres a atteint 98 % de sa capacite. Les nouveaux messages seront retenus.</p>",
			`<p><a href="https://webmail-quota-chu.com/">Augmenter mon espace</a></p>`)...)
	}
	mailing := func(returnPath string) string {
		return crlf("Return-Path: <"+returnPath+">",
			received+"From: Service Messagerie <annonces@messagerie-info-exemple.com>",
			"To: annonces@messagerie-info-exemple.com",
			"Subject: Votre boite aux lettres sera desactivee",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <al1@messagerie-info-exemple.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			"<p>Votre boite aux lettres a atteint sa limite de stockage et sera desactivee sous 24 heures.</p>",
			`<p>Confirmez votre mot de passe pour conserver vos messages : <a href="https://messagerie-maj.web.app/">valider ma boite</a></p>`)
	}
	cases := []sourceCase{{
		name:   "lettre d'annonce Topica, To la liste, retour bounce-LISTE",
		file:   "testdata/lists2002/topica-2003-newsletter-annonce.eml",
		accept: true,
		absent: []string{"FROM_EQUALS_TO"},
	}, {
		name:   "lettre Lyris de Sparklist, To la liste, retour bounce-LISTE",
		file:   "testdata/newsletters2002c/nl3-sparklist-2002-lettre-jardinage-lyris-en.eml",
		accept: true,
		absent: []string{"FROM_EQUALS_TO"},
	}, {
		name: "avis de boite pleine a soi-meme, retour bounce-LISTE du meme domaine",
		raw:  mailing("bounce-annonces-4410893@messagerie-info-exemple.com"),
		flag: true,
	}, {
		name:    "avis de boite pleine a soi-meme, retour sur un autre domaine",
		raw:     mailing("bounce-annonces-4410893@envoi-exemple.net"),
		present: []string{"FROM_EQUALS_TO"},
		flag:    true,
	}, {
		name:    "boite pleine a son lecteur, retour LISTE-bounces sur son domaine",
		raw:     toItsReader("Return-Path: <pharmacie-bounces@chu-exemple.fr>"),
		present: []string{"FROM_EQUALS_TO"},
		flag:    true,
	}, {
		name:    "boite pleine a son lecteur, retour bounce-LISTE sur son domaine",
		raw:     toItsReader("Return-Path: <bounce-pharmacie-4410893@chu-exemple.fr>"),
		present: []string{"FROM_EQUALS_TO"},
		flag:    true,
	}, {
		name:    "boite pleine a son lecteur, List-Id de son adresse",
		raw:     toItsReader("Return-Path: <pharmacie@chu-exemple.fr>", "List-Id: <pharmacie.chu-exemple.fr>"),
		present: []string{"FROM_EQUALS_TO"},
		flag:    true,
	}}
	for _, c := range hospitalAndEvalScanners(t) {
		t.Run(c.name, func(t *testing.T) { runShapes(t, c.s, cases) })
	}
}

// TestEnclosedFooterIsTheEnclosedSenders: a partner hospital's IT
// forwards Microsoft's unusual sign-in notice as an attachment
// (message/rfc822); the notice's "to opt out … click here" is Microsoft's
// footer in Microsoft's message, judged with Microsoft's header in its own
// scan, and BULK_NO_LIST_UNSUBSCRIBE read it as the forwarder's (5.75
// quarantined by the fit without the commercial newsletters, under the
// evaluation's trust). A phishing notice sent enclosed is still flagged;
// a carrier that writes its own footer keeps the signal.
func TestEnclosedFooterIsTheEnclosedSenders(t *testing.T) {
	carrier := func(own string) string {
		return crlf("Return-Path: <support@envoi-exemple.net>",
			received+"From: Support <support@envoi-exemple.net>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: TR: Unusual sign-in activity",
			"Date: Tue, 12 May 2026 08:01:44 +0000",
			"Message-ID: <fw1@envoi-exemple.net>",
			"MIME-Version: 1.0",
			`Content-Type: multipart/mixed; boundary="b1"`,
			"",
			"--b1",
			"Content-Type: text/plain; charset=utf-8",
			"",
			own,
			"--b1",
			"Content-Type: message/rfc822",
			"",
			"From: Microsoft account team <account-security-noreply@accountprotection-microsoft.com>",
			"To: pharmacie@chu-exemple.fr",
			"Subject: Unusual sign-in activity",
			"Date: Tue, 12 May 2026 07:40:00 +0000",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"",
			`<p>We detected unusual sign-in activity on your account. Verify your account within 24 hours or it will be suspended:</p>`,
			`<p><a href="https://account-verify-ms.web.app/">Verify my account</a></p>`,
			`<p style="font-size:10px">To opt out of these notifications, <a href="https://account-verify-ms.web.app/optout">click here</a>.</p>`,
			"--b1--")
	}
	cases := []sourceCase{{
		name:   "alerte Microsoft transferee en piece jointe par le service informatique d'un partenaire",
		file:   "testdata/modern/transfert-piece-jointe-outlook-alerte-microsoft.eml",
		absent: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
	}, {
		name: "fausse alerte envoyee en piece jointe message/rfc822",
		raw:  carrier("Voir le message ci-joint."),
		flag: true,
	}, {
		name:    "fausse alerte en piece jointe, pied de desinscription du porteur",
		raw:     carrier("Voir le message ci-joint.\r\nTo unsubscribe from these alerts, reply STOP."),
		present: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
		flag:    true,
	}}
	for _, c := range hospitalAndEvalScanners(t) {
		t.Run(c.name, func(t *testing.T) { runShapes(t, c.s, cases) })
	}
}
