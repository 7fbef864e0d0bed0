package engine

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// An attacker who reads Vigie's source knows every rule that spares
// legitimate mail, and writes what the rule asks for into a phishing
// message: the header, the word or the domain it costs nothing to add. Each
// case below is a phishing message as it reaches a hospital, changed in
// the smallest way that used to win a spare (the last session's list,
// service-name and family-name spares, docs/signals.md); it must still be
// flagged at least as far as the action given. The genuine mail each spare
// is for stays accepted in the must-accept fixtures (lists_test.go,
// hospital_test.go, inbox_test.go).
func TestSparesDoNotServeAnAttacker(t *testing.T) {
	for _, c := range spareAttacks {
		t.Run(c.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Scan.Timeout = checktest.ScanTimeout
			s, err := New(&cfg, Options{Online: fixedAuth{c.auth}})
			if err != nil {
				t.Fatal(err)
			}
			raw := msg(c.headers, c.body)
			v := s.Scan(context.Background(), raw, c.env)
			if v.Action.Rank() < c.want.Rank() {
				t.Errorf("%s %.2f, want at least %s: %s", v.Action, v.Score, c.want, explainVerdict(v))
			}
			for _, n := range c.signals {
				if !v.Has(n) {
					t.Errorf("%s not raised: %s", n, explainVerdict(v))
				}
			}
		})
	}
}

// spareAttack is a phishing message carrying what a spare asks for.
type spareAttack struct {
	name          string
	headers, body string
	auth          auth.Results
	env           scan.Envelope
	want          scan.Action
	signals       []string // signals the spare used to silence
}

// explainVerdict names a verdict's signals with their weights.
func explainVerdict(v *scan.Verdict) string {
	var b strings.Builder
	for _, s := range v.Signals {
		b.WriteString(s.Name + "=" + strconv.FormatFloat(s.Weight, 'f', 2, 64) + " ")
	}
	return b.String()
}

// parcelFee is the parcel-fee lure (a carrier's "frais de livraison"
// unpaid, the campaign family CERT-FR and cybermalveillance.gouv.fr
// describe as "faux colis"), sent from a domain the attacker bought, its
// link on a generated name, answers to a free mailbox.
const parcelFee = `<html><body><p>Bonjour,</p>
<p>Votre colis n° FR7834556 n'a pas pu être livré car les frais de port n'ont pas été réglés (1,99 €).</p>
<p>Pour reprogrammer la livraison, veuillez régler les frais sous 48 heures, faute de quoi le colis sera retourné à l'expéditeur.</p>
<p><a href="https://qzxkvbtr.com/paiement/fr">Payer les frais de livraison</a></p>
<p>Merci, le service livraison</p></body></html>
`

const parcelHeaders = `From: Service Livraison <suivi@colis-relais-info.com>
To: jean.martin@chu-exemple.fr
Subject: Votre colis est en attente de livraison
Date: Sat, 5 Dec 2026 10:00:00 +0100
Message-ID: <a1b2c3@colis-relais-info.com>
Reply-To: colis.relais.service@gmail.com
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8`

// attackerList is SPF passing for the attacker's own envelope domain,
// which the List-Id names.
var attackerList = auth.Results{SPF: auth.Pass, SPFDomain: "qzxkvbtr.com", DMARC: auth.None}

var attackerEnv = scan.Envelope{MailFrom: "bounce@qzxkvbtr.com"}

var spareAttacks = []spareAttack{
	{
		name:    "List-Id on the attacker's own SPF-passing domain",
		headers: parcelHeaders + "\nList-Id: Infos <infos.qzxkvbtr.com>",
		body:    parcelFee, auth: attackerList, env: attackerEnv,
		want: scan.Quarantine, signals: []string{"REPLYTO_FREEMAIL", "FROM_RANDOM_DOMAIN", "URL_RANDOM_DOMAIN", "FROM_RETURN_PATH_MISMATCH"},
	},
	{
		// Two list fields make a list run by list software; the author's
		// domain left no signature of its own, so the list resends nobody's
		// mail and its generated name is judged.
		name:    "List-Id and List-Post on the attacker's domain, no author signature",
		headers: parcelHeaders + "\nList-Id: Infos <infos.qzxkvbtr.com>\nList-Post: <mailto:infos@qzxkvbtr.com>",
		body:    parcelFee, auth: attackerList, env: attackerEnv,
		want: scan.Quarantine, signals: []string{"REPLYTO_FREEMAIL", "FROM_RANDOM_DOMAIN", "URL_RANDOM_DOMAIN"},
	},
	{
		// A list's Reply-To is the list or the author of a From the list
		// rewrote: a free mailbox under an author's own From is not one.
		name:    "full list headers, author's domain signing, Reply-To a free mailbox",
		headers: parcelHeaders + "\nList-Id: Infos <infos.qzxkvbtr.com>\nList-Post: <mailto:infos@qzxkvbtr.com>\nList-Archive: <https://qzxkvbtr.com/archives/>",
		body:    parcelFee,
		auth:    auth.Results{SPF: auth.Pass, SPFDomain: "qzxkvbtr.com", DMARC: auth.None, DKIM: []auth.DKIMResult{{Domain: "colis-relais-info.com", Result: auth.Pass}}},
		env:     attackerEnv,
		want:    scan.Quarantine, signals: []string{"REPLYTO_FREEMAIL"},
	},
	{
		// A p=none author's DMARC failure is explained by a list only when
		// list software runs it: a List-Id beside a forged From is not.
		name: "List-Id under a forged p=none From",
		headers: strings.Replace(parcelHeaders, "From: Service Livraison <suivi@colis-relais-info.com>", "From: Service Livraison <suivi@transporteur-exemple.fr>", 1) +
			"\nList-Id: Infos <infos.qzxkvbtr.com>",
		body: parcelFee,
		auth: auth.Results{SPF: auth.Pass, SPFDomain: "qzxkvbtr.com", DMARC: auth.Fail, DMARCPolicy: "none", DMARCDomain: "transporteur-exemple.fr"},
		env:  attackerEnv,
		want: scan.Quarantine, signals: []string{"AUTH_DMARC_FAIL", "REPLYTO_FREEMAIL"},
	},
	{
		// An urgency word is spared inside an authenticated sender's
		// service name (DGS-Urgent): an organisation's acronym beside the
		// word, not another common word of the lure.
		name: "an ordinary urgency phrase as an authenticated sender's name",
		headers: `From: Paiement Urgent <factures@reglement-fournisseurs.fr>
To: compta@chu-exemple.fr
Subject: Paiement urgent : facture n° 2026-4471 impayée
Date: Sat, 5 Dec 2026 10:00:00 +0100
Message-ID: <u1@reglement-fournisseurs.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8`,
		body: "Bonjour,\n\nSauf erreur de notre part, la facture n° 2026-4471 reste impayée à ce jour.\n" +
			"Merci de procéder au paiement urgent de la somme de 4 870,00 € par virement\navant ce soir.\n\nLe service comptabilité\n",
		auth: auth.Results{SPF: auth.Pass, SPFDomain: "reglement-fournisseurs.fr", DMARC: auth.Pass, DMARCPolicy: "none", DMARCDomain: "reglement-fournisseurs.fr"},
		env:  scan.Envelope{MailFrom: "f@reglement-fournisseurs.fr"},
		want: scan.Accept, signals: []string{"LURE_URGENCY"},
	},
	{
		// A brand that is a family name (Norton) is a person's own only
		// beside a given name: a word of the renewal scam ("Abonnement"),
		// of the lure catalogue ("Remboursement") or one the message
		// writes as a common noun is none.
		name:    "a subscription word as the given name of a family-name brand",
		headers: nortonHeaders("Abonnement Norton", "abonnement.norton"),
		body:    nortonRenewal, auth: nortonAuth, env: scan.Envelope{MailFrom: "b@suivi-factures.fr"},
		want: scan.Quarantine, signals: []string{"BRAND_DISPLAY_NAME"},
	},
	{
		name:    "a word of the lure catalogue as the given name",
		headers: nortonHeaders("Remboursement Norton", "remboursement.norton"),
		body:    nortonRenewal, auth: nortonAuth, env: scan.Envelope{MailFrom: "b@suivi-factures.fr"},
		want: scan.Quarantine, signals: []string{"BRAND_DISPLAY_NAME"},
	},
	{
		// A written-out free-hosting address is spared among other links
		// (a colleague quoting a tracker and a blog): dropping the HTML
		// part of a kit's message whose one address is the page, under
		// words that hold no catalogue phrase, is not enough.
		name: "a lone free-hosted page written out in plain text",
		headers: `From: Marie Lefort <marie.lefort.rh@gmail.com>
To: agent@chu-exemple.fr
Subject: Documents RH
Date: Sat, 5 Dec 2026 10:00:00 +0100
Message-ID: <fh1@mail.gmail.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8`,
		body: "Bonjour,\n\nSuite à notre échange, les documents sont ici :\nhttps://dossier-rh-chu.weebly.com/\n\nMerci de me dire si tout est en ordre.\n\nMarie\n",
		auth: auth.Results{SPF: auth.Pass, SPFDomain: "gmail.com", DMARC: auth.Pass, DMARCPolicy: "none", DMARCDomain: "gmail.com", DKIM: []auth.DKIMResult{{Domain: "gmail.com", Result: auth.Pass}}},
		env:  scan.Envelope{MailFrom: "marie.lefort.rh@gmail.com"},
		want: scan.Quarantine, signals: []string{"URL_FREE_HOSTING"},
	},
	{
		// A written-out address on a bare IP or an odd port is spared
		// among other links (a release's mirrors, an advisory's proof of
		// concept, lists2002/): a kit's lone server written out in plain
		// text keeps both signals.
		name: "a lone IP-literal page on an odd port written out in plain text",
		headers: `From: Marie Lefort <marie.lefort.rh@gmail.com>
To: agent@chu-exemple.fr
Subject: Documents RH
Date: Sat, 5 Dec 2026 10:00:00 +0100
Message-ID: <ip1@mail.gmail.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8`,
		body: "Bonjour,\n\nSuite à notre échange, les documents sont ici :\nhttp://203.0.113.45:8080/dossier-rh/\n\nMerci de me dire si tout est en ordre.\n\nMarie\n",
		auth: auth.Results{SPF: auth.Pass, SPFDomain: "gmail.com", DMARC: auth.Pass, DMARCPolicy: "none", DMARCDomain: "gmail.com", DKIM: []auth.DKIMResult{{Domain: "gmail.com", Result: auth.Pass}}},
		env:  scan.Envelope{MailFrom: "marie.lefort.rh@gmail.com"},
		want: scan.Tag, signals: []string{"URL_IP_LITERAL", "URL_NONSTANDARD_PORT"},
	},
	{
		// Decoy links beside it do not spare it under a lure: the
		// mailbox-quota notice in plain text with the provider's help
		// page keeps both signals.
		name: "an IP-literal login on an odd port under a quota lure, with a decoy link",
		headers: `From: Service Messagerie <support@messagerie-info.net>
To: agent@chu-exemple.fr
Subject: Votre boite aux lettres est pleine
Date: Sat, 5 Dec 2026 10:00:00 +0100
Message-ID: <ip2@messagerie-info.net>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8`,
		body: "Bonjour,\n\nVotre boîte aux lettres a atteint sa limite de stockage. Connectez-vous pour valider votre compte\net éviter la suspension de votre messagerie :\n\nhttp://203.0.113.45:8080/owa/auth/logon.aspx\n\nAide : https://www.laposte.net/aide\n\nLe service informatique\n",
		auth: auth.Results{SPF: auth.None, DMARC: auth.None},
		env:  scan.Envelope{MailFrom: "support@messagerie-info.net"},
		want: scan.Quarantine, signals: []string{"URL_IP_LITERAL", "URL_NONSTANDARD_PORT"},
	},
	{
		// A link to the sender's own site is its newsletter's opt-out
		// only when the sender's domain answers for the message: a forged
		// carrier's From above the carrier's own "Aide" link is not.
		name: "a forged From's decoy links home beside a bulk footer",
		headers: `From: Chronopost <suivi@chronopost.fr>
To: agent@chu-exemple.fr
Subject: Votre colis est en attente
Date: Sat, 5 Dec 2026 10:00:00 +0100
Message-ID: <o1@chronopost.fr>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8`,
		body: `<html><body><p>Bonjour,</p>
<p>Votre colis n'a pas pu être livré : des frais de livraison de 1,99 € restent à régler.</p>
<p><a href="https://chrono-relivraison.info/pay">Régler les frais</a></p>
<p><a href="https://www.chronopost.fr/fr/aide">Aide</a> - <a href="https://www.chronopost.fr/fr/mentions-legales">Mentions légales</a></p>
<p>Pour vous désinscrire (unsubscribe), cliquez ici.</p></body></html>
`,
		auth: auth.Results{SPF: auth.None, SPFDomain: "qzkv.info", DMARC: auth.Fail, DMARCPolicy: "none", DMARCDomain: "chronopost.fr"},
		env:  scan.Envelope{MailFrom: "x@qzkv.info"},
		want: scan.Quarantine, signals: []string{"BULK_NO_LIST_UNSUBSCRIBE"},
	},
	{
		// A year after a name is a person's address (marie-helene_1975);
		// a year-like serial after a campaign counter is a generator's.
		name:    "a year-like serial after a bulk generator's counter",
		headers: strings.Replace(parcelHeaders, "<suivi@colis-relais-info.com>", "<NEW_OFFRE_7_2024@colis-relais-info.com>", 1),
		body:    parcelFee, auth: auth.Results{SPF: auth.None, DMARC: auth.None}, env: scan.Envelope{MailFrom: "NEW_OFFRE_7_2024@colis-relais-info.com"},
		want: scan.Quarantine, signals: []string{"FROM_LOCAL_NUMBERED"},
	},
	{
		// An acronym joined to a chosen word (sncf-connect) is no
		// generated name; consonants cut into an "acronym" and a piece
		// too short for the vowel test are.
		name:    "a generated name cut by a hyphen into an acronym's shape",
		headers: parcelHeaders,
		body:    strings.ReplaceAll(parcelFee, "qzxkvbtr.com", "xkcd-qzvbtrn.com"),
		auth:    auth.Results{SPF: auth.None, DMARC: auth.None}, env: scan.Envelope{MailFrom: "suivi@colis-relais-info.com"},
		want: scan.Quarantine, signals: []string{"URL_RANDOM_DOMAIN"},
	},
	{
		// "Trust" alone is an NHS body's legal form, no wallet's name; above
		// a message about wallets and recovery phrases it is the wallet's.
		name: "the wallet's everyday-word name alone above a crypto lure",
		headers: `From: Trust <no-reply@wallet-sync-app.com>
To: agent@chu-exemple.fr
Subject: Action required on your wallet
Date: Sat, 5 Dec 2026 10:00:00 +0100
Message-ID: <t1@wallet-sync-app.com>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8`,
		body: `<html><body><p>Dear user,</p>
<p>Your wallet has not been synchronized. To keep access to your funds, please validate your recovery phrase.</p>
<p><a href="https://wallet-sync-app.com/validate">Validate wallet</a></p></body></html>
`,
		auth: auth.Results{SPF: auth.Pass, SPFDomain: "wallet-sync-app.com", DMARC: auth.Pass, DMARCPolicy: "none", DMARCDomain: "wallet-sync-app.com"},
		env:  scan.Envelope{MailFrom: "b@wallet-sync-app.com"},
		want: scan.Quarantine, signals: []string{"BRAND_DISPLAY_NAME"},
	},
	{
		// A domain of MISP's bank-website list is a French bank's own
		// regional domain only when it answers for the message: a From
		// forged on a listed foreign bank that publishes no DMARC is not.
		name: "a bank's name forged on a listed bank domain without DMARC",
		headers: `From: Credit Agricole <securite@azaniabank.co.tz>
To: agent@chu-exemple.fr
Subject: Activité inhabituelle sur votre compte
Date: Sat, 5 Dec 2026 10:00:00 +0100
Message-ID: <b1@azaniabank.co.tz>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8`,
		body: `<html><body><p>Madame, Monsieur,</p>
<p>Nous avons détecté une activité inhabituelle sur votre compte. Merci de confirmer votre identité.</p>
<p><a href="https://ca-securite-client.com/login">Confirmer</a></p></body></html>
`,
		auth: auth.Results{SPF: auth.None, SPFDomain: "qzkv.info", DMARC: auth.None, DMARCDomain: "azaniabank.co.tz"},
		env:  scan.Envelope{MailFrom: "x@qzkv.info"},
		want: scan.Quarantine, signals: []string{"BRAND_DISPLAY_NAME"},
	},
	{
		// A digest's shortened citation shows its short address; a
		// shortener under anchor text, beside a kit's footer of ten
		// social-network icons, hides where it leads.
		name:    "a hidden shortener beside ten decoy source domains",
		headers: "From: Service RH <rh@portail-agents-info.fr>\nTo: agent@chu-exemple.fr\nSubject: Nouvelle grille des primes 2027\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <s1@portail-agents-info.fr>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8",
		body:    "<html><body><p>Bonjour,</p>\n<p>La nouvelle grille des primes 2027 est disponible : <a href=\"https://bit.ly/3xQz7Pk\">grille 2027</a></p>\n<p>Service RH</p>\n<p>" + socialFooter + "</p></body></html>\n",
		auth:    auth.Results{SPF: auth.Pass, SPFDomain: "portail-agents-info.fr", DMARC: auth.None},
		env:     scan.Envelope{MailFrom: "b@portail-agents-info.fr"},
		want:    scan.Accept, signals: []string{"URL_SHORTENER"},
	},
	{
		// An everyday-word brand label beside "secure" in a link's host is
		// spared in a newsletter's list of fifty vendors; a message whose
		// one link is the combosquat is about it, in catalogue words or
		// not.
		name:    "a combosquat host as a message's one link, in words no catalogue holds",
		headers: "From: Messagerie <info@portail-agents-info.fr>\nTo: agent@chu-exemple.fr\nSubject: Nouveau message\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <ol1@portail-agents-info.fr>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8",
		body:    "<html><body><p>Bonjour,</p>\n<p>Un nouveau message vous attend.</p>\n<p><a href=\"https://outlook-secure-docs.com/view\">Ouvrir</a></p></body></html>\n",
		auth:    auth.Results{SPF: auth.Pass, SPFDomain: "portail-agents-info.fr", DMARC: auth.None},
		env:     scan.Envelope{MailFrom: "b@portail-agents-info.fr"},
		want:    scan.Accept, signals: []string{"URL_BRAND_IN_DOMAIN"},
	},
}

// socialFooter is the row of social-network icons phishing kits copy from
// the brands' own templates: links to eleven registrable domains.
var socialFooter = func() string {
	var b strings.Builder
	for _, d := range []string{"facebook.com", "x.com", "linkedin.com", "instagram.com", "youtube.com", "apple.com", "google.com", "tiktok.com", "pinterest.com", "whatsapp.com", "snapchat.com"} {
		b.WriteString(`<a href="https://www.` + d + `/exemple">` + strings.TrimSuffix(d, ".com") + "</a> | ")
	}
	return b.String()
}()

// nortonRenewal is the callback renewal scam (a charge for an antivirus
// renewal and a number to call to cancel it: lures.yaml's callback
// family), from a domain of the attacker's own that passes DMARC.
const nortonRenewal = "Bonjour,\n\nVotre Abonnement Norton 360 Deluxe a été renouvelé pour un an.\nMontant débité : 399,99 EUR.\n\n" +
	"Si vous n'êtes pas à l'origine de ce renouvellement, appelez le +33 1 84 80 12 34 pour annuler et être remboursé sous 24 heures.\n\nService client\n"

var nortonAuth = auth.Results{SPF: auth.Pass, SPFDomain: "suivi-factures.fr", DMARC: auth.Pass, DMARCPolicy: "none", DMARCDomain: "suivi-factures.fr"}

func nortonHeaders(name, local string) string {
	return "From: " + name + " <" + local + "@suivi-factures.fr>\nTo: compta@chu-exemple.fr\nSubject: Confirmation de commande n° 88412\n" +
		"Date: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <n1@suivi-factures.fr>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8"
}
