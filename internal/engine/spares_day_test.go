package engine

import (
	"context"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// The spares added on 6 December 2026 (docs/signals.md), each met by the
// smallest change an attacker who reads the source would make to a real
// phishing message, and the message without that change beside it. Each
// attack must be flagged at least as far as its plain twin is, up to
// quarantine: a spare that lowers the attack below what the plain
// message gets serves the attacker. The genuine mail each spare is for
// stays accepted in its own fixture (testdata/modern, testdata/lists,
// testdata/pme).
func TestDaySparesDoNotServeAnAttacker(t *testing.T) {
	runSpareTwins(t, daySpareAttacks)
}

// runSpareTwins scans each case's plain phish and its attack twin and
// fails when the attack is flagged less than the plain one, up to
// quarantine, or lacks the case's signal.
func runSpareTwins(t *testing.T, cases []daySpareAttack) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pa := c.auth
			if c.plainAuth != nil {
				pa = *c.plainAuth
			}
			ph := c.headers
			if c.plainHeaders != "" {
				ph = c.plainHeaders
			}
			plain := scanWith(t, pa, msg(ph, c.plain), c.env)
			attack := scanWith(t, c.auth, msg(c.headers+c.extraHeaders, c.attack), c.env)
			t.Logf("plain %5.2f %-10s %s", plain.Score, plain.Action, explainVerdict(plain))
			t.Logf("attack %5.2f %-10s %s", attack.Score, attack.Action, explainVerdict(attack))
			want := plain.Action
			if want.Rank() > scan.Quarantine.Rank() {
				want = scan.Quarantine
			}
			if want.Rank() < scan.Tag.Rank() {
				t.Fatalf("the plain phish itself is %s (%.2f): the case proves nothing", plain.Action, plain.Score)
			}
			if attack.Action.Rank() < want.Rank() {
				t.Errorf("attack %s %.2f, plain %s %.2f", attack.Action, attack.Score, plain.Action, plain.Score)
			}
			if c.signal != "" && !attack.Has(c.signal) {
				t.Errorf("%s not raised for the attack (%.2f)", c.signal, attack.Score)
			}
		})
	}
}

// scanWith scans raw with the default configuration, r as the
// authentication results.
func scanWith(t *testing.T, r auth.Results, raw []byte, env scan.Envelope) *scan.Verdict {
	t.Helper()
	cfg := config.Default()
	cfg.Scan.Timeout = checktest.ScanTimeout
	s, err := New(&cfg, Options{Online: fixedAuth{r}})
	if err != nil {
		t.Fatal(err)
	}
	return s.Scan(context.Background(), raw, env)
}

type daySpareAttack struct {
	name                  string
	headers, extraHeaders string
	plainHeaders          string // the plain twin's header, when not headers
	plain, attack         string
	auth                  auth.Results
	plainAuth             *auth.Results // the plain twin's results, when they differ
	signal                string        // the signal the spare must not silence for the attack
	env                   scan.Envelope
}

// vendorFooter is a newsletter-like row of links to eleven small sites
// that are not top sites, which a kit can add as cheaply as social icons;
// shortFooter is its first four.
var vendorFooter, shortFooter = footerOf(11), footerOf(4)

func footerOf(n int) string {
	var b strings.Builder
	for _, d := range []string{"atelier-bois-exemple.fr", "cabinet-martin-exemple.fr", "garage-dupuis-exemple.fr", "librairie-du-port-exemple.fr", "fromagerie-exemple.fr", "camping-des-pins-exemple.fr", "velo-club-exemple.fr", "ecole-musique-exemple.fr", "boulangerie-exemple.fr", "pharmacie-centre-exemple.fr", "club-tennis-exemple.fr"}[:n] {
		b.WriteString(`<a href="https://www.` + d + `/">` + d + "</a> | ")
	}
	return b.String()
}

// passwordExpiry is the webmail password-expiry lure in plain sight,
// the twin of the hidden-text attacks.
const passwordExpiry = "<html><body><p>Bonjour,</p><p>Votre mot de passe expire aujourd'hui.\nPour conserver le même mot de passe, confirmez avant 17 h.</p><p><a href=\"https://qzxkvbtr.com/owa\">Conserver mon mot de passe</a></p><p>Service informatique</p></body></html>\n"

// helpdesk is the password-expiry lure's header: a made-up IT desk.
const helpdesk = "From: Support Messagerie <support@portail-agents-info.fr>\nTo: agent@chu-exemple.fr\nSubject: Votre mot de passe\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <zf1@portail-agents-info.fr>\n" + dayHTML

// unaligned is SPF passing for the attacker's bulk-sending domain, which
// the From does not share, as most phishing arrives.
var (
	unaligned    = auth.Results{SPF: auth.Pass, SPFDomain: "envoi-qzxkvbtr.com", DMARC: auth.None}
	unalignedEnv = scan.Envelope{MailFrom: "b@envoi-qzxkvbtr.com"}
)

const dayHTML = "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8"

var daySpareAttacks = []daySpareAttack{
	{
		// 7405cdd/54389e0: an everyday-word combosquat host counts in a
		// message reaching three domains or fewer, or that asks; a footer
		// of four small sites lifts the first, words no catalogue holds
		// the second.
		name:    "combosquat host with a footer of small sites",
		signal:  "URL_BRAND_IN_DOMAIN",
		headers: "From: Messagerie <info@portail-agents-info.fr>\nTo: agent@chu-exemple.fr\nSubject: Nouveau message\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <ol1@portail-agents-info.fr>\n" + dayHTML,
		plain:   "<html><body><p>Bonjour,</p>\n<p>Un nouveau message vous attend.</p>\n<p><a href=\"https://outlook-secure-docs.com/view\">Ouvrir</a></p></body></html>\n",
		attack:  "<html><body><p>Bonjour,</p>\n<p>Un nouveau message vous attend.</p>\n<p><a href=\"https://outlook-secure-docs.com/view\">Ouvrir</a></p><p>" + shortFooter + "</p></body></html>\n",
		auth:    unaligned, env: unalignedEnv,
	},
	{
		// 29d5c1c: a list that answers for its domain resending a
		// member's post spares a generated local part; a "list" is one
		// SPF record and two header fields on the attacker's domain, and
		// the member a Gmail address of his own.
		name:         "generated Gmail handle posted through the attacker's own list",
		signal:       "FROM_LOCAL_RANDOM",
		headers:      "From: Colis <xkqzvbtrw@gmail.com>\nTo: agent@chu-exemple.fr\nSubject: Votre colis\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <lr1@mail.gmail.com>\n" + dayHTML,
		extraHeaders: "\nList-Id: Infos <infos.qzxkvbtr.com>\nList-Post: <mailto:infos@qzxkvbtr.com>",
		plain:        "<html><body><p>Votre colis est en attente : des frais de réexpédition de 1,99 EUR restent dus.</p><p><a href=\"https://qzxkvbtr.com/colis\">Suivi</a></p></body></html>\n",
		attack:       "<html><body><p>Votre colis est en attente : des frais de réexpédition de 1,99 EUR restent dus.</p><p><a href=\"https://qzxkvbtr.com/colis\">Suivi</a></p></body></html>\n",
		auth:         auth.Results{SPF: auth.Pass, SPFDomain: "qzxkvbtr.com", DMARC: auth.None, DKIM: []auth.DKIMResult{{Domain: "gmail.com", Result: auth.Pass}}},
		env:          scan.Envelope{MailFrom: "infos-bounces@qzxkvbtr.com"},
	},
	{
		// aa0ac1a: a top site's submission relay (kernel.org's B4 web
		// endpoint sends for any address its owner verified) spelling the
		// Reply-To in its From, sent straight to a hospital, no list.
		name:         "submission relay's From spelling a free mailbox, no list",
		signal:       "REPLYTO_FREEMAIL",
		headers:      "From: Support via B4 Relay <devnull+secours.compte.gmail.com@kernel.org>\nTo: agent@chu-exemple.fr\nSubject: Votre compte\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <b4r1@kernel.org>\nReply-To: secours.compte@gmail.com\n" + dayHTML,
		plainHeaders: "From: Support via B4 Relay <devnull+support@kernel.org>\nTo: agent@chu-exemple.fr\nSubject: Votre compte\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <b4r1@kernel.org>\nReply-To: secours.compte@gmail.com\n" + dayHTML,
		plain:        "<html><body><p>Votre mot de passe expire aujourd'hui.</p><p>Répondez à ce message avec votre identifiant pour le conserver.</p></body></html>\n",
		attack:       "<html><body><p>Votre mot de passe expire aujourd'hui.</p><p>Répondez à ce message avec votre identifiant pour le conserver.</p></body></html>\n",
		auth:         auth.Results{SPF: auth.Pass, SPFDomain: "kernel.org", DMARC: auth.Pass, DMARCDomain: "kernel.org"},
		env:          scan.Envelope{MailFrom: "devnull@kernel.org"},
	},

	{
		// 17b0308/ddc91e0: a written-out shortened address among ten
		// sources, words that ask in no catalogue phrase.
		name:    "written-out shortener among ten decoy sources",
		signal:  "URL_SHORTENER",
		headers: "From: Service RH <rh@portail-agents-info.fr>\nTo: agent@chu-exemple.fr\nSubject: Nouvelle grille des primes 2027\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <s1@portail-agents-info.fr>\n" + dayHTML,
		plain:   "<html><body><p>Bonjour,</p>\n<p>La nouvelle grille des primes 2027 est disponible : https://bit.ly/3xQz7Pk</p>\n<p>Service RH</p></body></html>\n",
		attack:  "<html><body><p>Bonjour,</p>\n<p>La nouvelle grille des primes 2027 est disponible : https://bit.ly/3xQz7Pk</p>\n<p>Service RH</p>\n<p>" + vendorFooter + "</p></body></html>\n",
		auth:    unaligned, env: unalignedEnv,
	},
	{
		// 13a1ef0: a style sheet sizes again what the inline style zeroes;
		// the reader sees the lure, the matcher must too.
		name:    "lure in a zero-font span a style sheet resizes",
		signal:  "LURE_PASSWORD_EXPIRY",
		headers: helpdesk,
		plain:   passwordExpiry,
		attack:  "<html><head><style>span.t{font-size:15px !important}</style></head><body><p>Bonjour,</p><p><span class=\"t\" style=\"font-size:0\">Votre mot de passe expire aujourd'hui. Confirmez votre mot de passe actuel pour le conserver.</span></p><p><a href=\"https://qzxkvbtr.com/owa\"><span class=\"t\" style=\"font-size:0\">Conserver le mot de passe</span></a></p></body></html>\n",
		auth:    unaligned, env: unalignedEnv,
	},
	{
		// 13a1ef0: white text over a block whose background is a dark
		// image behind a white fallback colour.
		name:    "white lure over a background image",
		signal:  "LURE_PASSWORD_EXPIRY",
		headers: helpdesk,
		plain:   passwordExpiry,
		attack:  "<html><body><div style=\"background:#ffffff url(https://qzxkvbtr.com/fond.png)\"><p>Bonjour,</p><p><span style=\"color:#ffffff\">Votre mot de passe expire aujourd'hui. Confirmez votre mot de passe actuel pour le conserver.</span></p><p><a href=\"https://qzxkvbtr.com/owa\"><span style=\"color:#ffffff\">Conserver le mot de passe</span></a></p></div></body></html>\n",
		auth:    unaligned, env: unalignedEnv,
	},
	{
		// 13a1ef0: white text in a block a style sheet paints dark, inside
		// a white page.
		name:    "white lure in a block a style sheet paints dark",
		signal:  "LURE_PASSWORD_EXPIRY",
		headers: helpdesk,
		plain:   passwordExpiry,
		attack:  "<html><head><style>.bandeau{background-color:#1a3d6e}</style></head><body style=\"background-color:#ffffff\"><div class=\"bandeau\"><p>Bonjour,</p><p><span style=\"color:#ffffff\">Votre mot de passe expire aujourd'hui. Confirmez votre mot de passe actuel pour le conserver.</span></p><p><a href=\"https://qzxkvbtr.com/owa\"><span style=\"color:#ffffff\">Conserver le mot de passe</span></a></p></div></body></html>\n",
		auth:    unaligned, env: unalignedEnv,
	},
	{
		// f7ba828: the parcel-fee lure written as the carrier's reminder,
		// its link in a sentence of its own.
		name:    "parcel-fee lure worded as the carrier's reminder",
		signal:  "LURE_DELIVERY",
		headers: "From: Suivi Colis <suivi@colis-relais-info.com>\nTo: agent@chu-exemple.fr\nSubject: Votre colis\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <pf1@colis-relais-info.com>\n" + dayHTML,
		plain:   "<html><body><p>Bonjour,</p><p>Votre colis est en attente : des frais de réexpédition de 1,99 EUR restent dus.</p><p><a href=\"https://qzxkvbtr.com/colis\">Suivi</a></p></body></html>\n",
		attack:  "<html><body><p>Bonjour,</p><p>Nous ne vous demanderons jamais d'autres frais que les frais de réexpédition de 1,99 EUR de votre colis en attente.</p><p><a href=\"https://qzxkvbtr.com/colis\">Suivi</a></p></body></html>\n",
		auth:    unaligned, env: unalignedEnv,
	}, {
		// 7dc42b0: an unsubscribe footer only in ">"-quoted lines is the
		// quoted message's. A bulk sender who quotes his own footer gets
		// what dropping it gets; the lure is judged as before.
		name:    "a bulk lure quoting its own unsubscribe footer",
		signal:  "LURE_PASSWORD_EXPIRY",
		headers: helpdesk,
		plain:   passwordExpiry,
		attack:  strings.Replace(passwordExpiry, "<p>Service informatique</p>", "<p>Service informatique</p><p>&gt; To unsubscribe from this list, click here.<br>&gt; You received this message because you are subscribed.</p>", 1),
		auth:    unaligned, env: unalignedEnv,
	}, {
		// 7e5fd4d (urlx.SameName): a display name written as the sender's
		// sister domain, and an opt-out on it, are not another
		// organisation. The look-alike that carries the brand's name in
		// its own domain, signs for it and links its footer to the
		// brand's site gets no more than the same notice under the
		// brand's bare name with a List-Unsubscribe header of its own.
		name:         "a look-alike writing the brand's domain as its name, opt-out at the brand's site",
		signal:       "BRAND_DISPLAY_NAME",
		headers:      "From: \"PayPal.com\" <service@paypal-secure-login.com>\nTo: compta@chu-exemple.fr\nSubject: Receipt for your payment to Norton\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <sn1@paypal-secure-login.com>\n" + dayHTML,
		plainHeaders: "From: PayPal <service@paypal-secure-login.com>\nTo: compta@chu-exemple.fr\nSubject: Receipt for your payment to Norton\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <sn1@paypal-secure-login.com>\nList-Unsubscribe: <mailto:unsubscribe@paypal-secure-login.com>\n" + dayHTML,
		plain:        "<html><body><p>You sent a payment of 399.99 USD to Norton LifeLock.</p><p>Not you? <a href=\"https://paypal-secure-login.com/dispute\">Dispute this transaction</a></p><p><font size=\"1\">To unsubscribe from these notices, reply with REMOVE.</font></p></body></html>\n",
		attack:       "<html><body><p>You sent a payment of 399.99 USD to Norton LifeLock.</p><p>Not you? <a href=\"https://paypal-secure-login.com/dispute\">Dispute this transaction</a></p><p><font size=\"1\">To unsubscribe from these notices, <a href=\"https://www.paypal.com/unsubscribe\">click here</a>.</font></p></body></html>\n",
		auth: auth.Results{SPF: auth.Pass, SPFDomain: "paypal-secure-login.com", DMARC: auth.Pass, DMARCDomain: "paypal-secure-login.com",
			DKIM: []auth.DKIMResult{{Domain: "paypal-secure-login.com", Result: auth.Pass}}},
		env: scan.Envelope{MailFrom: "service@paypal-secure-login.com"},
	},
}
