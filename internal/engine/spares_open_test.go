package engine

import (
	"context"
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// Paths earlier spares left open to an attacker who reads the source,
// each the smallest change to a real phishing shape that used to lower
// it, beside its plain twin (runSpareTwins). The genuine mail each spare
// is for stays accepted in its own fixtures (testdata/lists,
// testdata/hospital, TestUnseenSourcesShapes).
func TestOpenSparesServeNoAttacker(t *testing.T) {
	runSpareTwins(t, openSpareAttacks)
}

// accountLure is the account-suspension notice asking to sign in and
// verify the account (lures.yaml's advisories and families), its button
// on the sender's own domain.
const accountLure = "<html><body><p>Bonjour,</p><p>Activité inhabituelle : votre compte sera suspendu. Connectez-vous et vérifiez votre compte pour éviter la désactivation.</p><p><a href=\"https://portail-agents-info.fr/login\">Se connecter</a></p><p>Service informatique</p></body></html>\n"

// listOwnDomain is SPF passing for the attacker's own list domain, the
// envelope its bounce address.
var (
	listOwnDomain    = auth.Results{SPF: auth.Pass, SPFDomain: "portail-agents-info.fr", DMARC: auth.None}
	listOwnDomainEnv = scan.Envelope{MailFrom: "infos-bounces@portail-agents-info.fr"}
)

var openSpareAttacks = []daySpareAttack{
	{
		// A list that rewrites From for its author ("X via List",
		// RFC 7960 §4.1.3) keeps the author's address in Reply-To, which
		// the sender family then leaves alone; the attacker's "list" is
		// an SPF record and three header fields, its "author" a free
		// mailbox, and the notice asks to sign in.
		name:         "account notice as an author's post rewritten by the attacker's own list",
		signal:       "LURE_ACCOUNT_SUSPENSION",
		headers:      "From: Support Messagerie via Infos <infos@portail-agents-info.fr>\nTo: agent@chu-exemple.fr\nSubject: Votre compte\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <lv1@portail-agents-info.fr>\nReply-To: support.messagerie.chu@gmail.com\n" + dayHTML,
		plainHeaders: "From: Support Messagerie <infos@portail-agents-info.fr>\nTo: agent@chu-exemple.fr\nSubject: Votre compte\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <lv1@portail-agents-info.fr>\nReply-To: support.messagerie.chu@gmail.com\n" + dayHTML,
		extraHeaders: "\nList-Id: Infos <infos.portail-agents-info.fr>\nList-Post: <mailto:infos@portail-agents-info.fr>\nList-Archive: <https://portail-agents-info.fr/archives/>",
		plain:        accountLure, attack: accountLure,
		auth: listOwnDomain, env: listOwnDomainEnv,
	},
	{
		// A list resends its member's post when the member's domain
		// signed it (scan.Input.AuthorSigned); a DKIM-Signature with the
		// author's d= and any b= fails against the published key, and a
		// failing signature once counted: the generated list domain of
		// the envelope and link was then the list's.
		name:    "a failing signature of the forged author's domain under the attacker's list",
		signal:  "URL_RANDOM_DOMAIN",
		headers: strings.Replace(parcelHeaders, "Reply-To: colis.relais.service@gmail.com\n", "", 1) + "\nList-Id: Infos <infos.qzxkvbtr.com>\nList-Post: <mailto:infos@qzxkvbtr.com>\nList-Archive: <https://qzxkvbtr.com/archives/>",
		plain:   parcelFee, attack: parcelFee,
		plainAuth: &auth.Results{SPF: auth.Pass, SPFDomain: "qzxkvbtr.com", DMARC: auth.Fail, DMARCPolicy: "none", DMARCDomain: "colis-relais-info.com"},
		auth:      auth.Results{SPF: auth.Pass, SPFDomain: "qzxkvbtr.com", DMARC: auth.Fail, DMARCPolicy: "none", DMARCDomain: "colis-relais-info.com", DKIM: []auth.DKIMResult{{Domain: "colis-relais-info.com", Result: auth.Fail}}},
		env:       attackerEnv,
	},
	{
		// 5c6326c made "félicitations, vous…" a greeting, not a prize:
		// the prize lure that says what it gives instead of "vous avez
		// gagné" (FTC prize scams, Cybermalveillance.gouv.fr's fake
		// contests) is still one (lure/prize.go).
		name:    "a congratulation naming the prize without a catalogue phrase",
		signal:  "LURE_PRIZE",
		headers: "From: Jeu Fidelite <jeu@fidelite-clients-exemple.com>\nTo: agent@chu-exemple.fr\nSubject: Votre participation\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <pz1@fidelite-clients-exemple.com>\n" + dayHTML,
		plain:   "<html><body><p>Félicitations, vous avez gagné un iPhone 15 Pro !</p><p>Réglez les frais d'envoi de 1,95 € pour le recevoir : <a href=\"https://qzxkvbtr.com/cadeau\">Recevoir mon cadeau</a></p></body></html>\n",
		attack:  "<html><body><p>Félicitations, vous recevez un iPhone 15 Pro !</p><p>Réglez les frais d'envoi de 1,95 € pour le recevoir : <a href=\"https://qzxkvbtr.com/cadeau\">Recevoir mon cadeau</a></p></body></html>\n",
		auth:    unaligned, env: unalignedEnv,
	},
	{
		name:    "congratulations and a sum of money without a catalogue phrase",
		signal:  "LURE_PRIZE",
		headers: "From: Rewards Center <rewards@loyalty-center-example.com>\nTo: agent@chu-exemple.fr\nSubject: Your reward\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <pz2@loyalty-center-example.com>\n" + dayHTML,
		plain:   "<html><body><p>Congratulations, you have won $500 in store credit!</p><p><a href=\"https://qzxkvbtr.com/reward\">Claim it now</a></p></body></html>\n",
		attack:  "<html><body><p>Congratulations! You receive $500 in store credit.</p><p><a href=\"https://qzxkvbtr.com/reward\">Get it now</a></p></body></html>\n",
		auth:    unaligned, env: unalignedEnv,
	},
}

// A brand's template forwarded by a colleague is no claim leading
// elsewhere when more than three links to click all go through its
// e-mailing platform's tracker (brand/claim.go, testdata/hospital's
// *-transfert-avis-banque-edocument-routeur.eml through Salesforce
// Marketing Cloud). A kit that sends its reader to four addresses of a
// "tracker" of its own is no platform's template: the spare holds only
// for the platforms a public list names (vigie-esp-assets). The phish,
// its button alone on the kit's tracker, and its four-link twin must
// both be held as the forward of a phish.
func TestForwardedTemplateThroughAnUnknownTracker(t *testing.T) {
	s := hospitalConfig(t)
	raw, err := os.ReadFile("testdata/hospital/gmail-transfert-avis-banque-edocument-routeur.eml")
	if err != nil {
		t.Fatal(err)
	}
	kit := strings.NewReplacer("https://cl.exct.net/", "https://clic.suivi-envoi-qzx.com/",
		"https://image.s10.exacttarget.com/", "https://img.suivi-envoi-qzx.com/").Replace(string(raw))
	// The plain phish: the button alone leads away, to the kit.
	plain := kit
	for _, a := range []string{"logo", "mentions", "donnees"} {
		plain = strings.Replace(plain, `href="https://clic.suivi-envoi-qzx.com/?qs=8Fq2LmZr`+a+`"`, `href="#"`, 1)
	}
	for _, c := range []struct{ name, raw string }{{"one link to the kit", plain}, {"four links through the kit's tracker", kit}} {
		v := s.Scan(context.Background(), []byte(c.raw), scan.Envelope{})
		t.Logf("%-40s %5.2f %-10s %s", c.name, v.Score, v.Action, explainVerdict(v))
		if v.Action.Rank() < scan.Quarantine.Rank() || !v.Has("FORWARDED_PHISH") {
			t.Errorf("%s: %s %.2f, want a quarantined FORWARDED_PHISH", c.name, v.Action, v.Score)
		}
	}
}

// An account notice from a name built on the organisation's own domain,
// SPF, DKIM and DMARC passing for it: the domain is the attacker's, the
// account the reader's at the organisation. FROM_BRAND_IN_DOMAIN alone
// does not pose (a works council writes from cse-<organisation>.fr, whose
// mail stays accepted: testdata/legit/cse-*.eml); the notice's themes
// count from it (lure.Check.imitatesOrg). And the organisation's own
// domain passing SPF alone, through a provider's shared include that
// passes for anyone on that provider, with the notice's button on a site
// of the attacker's (lure.Check.orgBySPFAlone): the theme counts there,
// though alone it stays under the tag threshold (3.50, 0.50 before) —
// nothing else in so plain a message says more. The IT department's
// notice from the organisation's domain, its button on the
// organisation's portal, stays accepted without the theme whether
// signed or not.
func TestAccountNoticeFromTheOrganisationsNameIsHeld(t *testing.T) {
	const notice = "<html><body><p>Bonjour,</p><p>Votre mot de passe expire aujourd'hui. Pour conserver le même mot de passe, confirmez avant 17 h.</p><p><a href=\"https://%s/owa\">Conserver mon mot de passe</a></p><p>Service informatique</p></body></html>\n"
	spfAlone := auth.Results{SPF: auth.Pass, SPFDomain: "chu-exemple.fr", DMARC: auth.Pass, DMARCPolicy: "none", DMARCDomain: "chu-exemple.fr"}
	signed := spfAlone
	signed.DKIM = []auth.DKIMResult{{Domain: "chu-exemple.fr", Result: auth.Pass}}
	all := func(d string) auth.Results {
		return auth.Results{SPF: auth.Pass, SPFDomain: d, DMARC: auth.Pass, DMARCPolicy: "none", DMARCDomain: d, DKIM: []auth.DKIMResult{{Domain: d, Result: auth.Pass}}}
	}
	for _, c := range []struct {
		name, from, link string
		r                auth.Results
		held             bool
		want             scan.Action // for a held notice
	}{
		{"the organisation's label and a word", "chu-exemple-rh.fr", "chu-exemple-rh.fr", all("chu-exemple-rh.fr"), true, scan.Quarantine},
		{"a word and the organisation's label", "rh-chu-exemple.fr", "rh-chu-exemple.fr", all("rh-chu-exemple.fr"), true, scan.Quarantine},
		{"the organisation's label under .com", "chu-exemple.com", "chu-exemple.com", all("chu-exemple.com"), true, scan.Quarantine},
		{"own domain by SPF alone, button away", "chu-exemple.fr", "portail-agents-info.fr", spfAlone, true, scan.Accept},
		{"own domain by SPF alone, button on the portal", "chu-exemple.fr", "portail.chu-exemple.fr", spfAlone, false, scan.Accept},
		{"own domain signed, button on the portal", "chu-exemple.fr", "portail.chu-exemple.fr", signed, false, scan.Accept},
	} {
		cfg := config.Default()
		cfg.Scan.Timeout = checktest.ScanTimeout
		cfg.Org.Domains = []string{"chu-exemple.fr"}
		s, err := New(&cfg, Options{Online: fixedAuth{c.r}})
		if err != nil {
			t.Fatal(err)
		}
		raw := msg("From: Service Informatique <support@"+c.from+">\nTo: agent@chu-exemple.fr\nSubject: Votre mot de passe\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <o1@"+c.from+">\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit",
			strings.Replace(notice, "%s", c.link, 1))
		v := s.Scan(context.Background(), raw, scan.Envelope{MailFrom: "b@" + c.from})
		t.Logf("%-48s %5.2f %-10s %s", c.name, v.Score, v.Action, explainVerdict(v))
		switch {
		case c.held && (v.Action.Rank() < c.want.Rank() || !v.Has("LURE_PASSWORD_EXPIRY")):
			t.Errorf("%s: %s %.2f, want LURE_PASSWORD_EXPIRY and at least %s", c.name, v.Action, v.Score, c.want)
		case !c.held && (v.Action != scan.Accept || v.Has("LURE_PASSWORD_EXPIRY")):
			t.Errorf("%s: %s %.2f, want accepted without LURE_PASSWORD_EXPIRY", c.name, v.Action, v.Score)
		}
	}
}

// The same forwarded template whose one button goes through a shared
// tracker that sits on a top site — Mailchimp's list-manage.com, Twilio
// SendGrid's sendgrid.net (Cloudflare and Tranco top lists) — leads no
// less away: the platform redirects for any customer, the phisher who
// opens an account included (brand/claim.go leaves). It was accepted at
// 1.47, the kit's own host quarantined at 7.66. The four-link template
// through a platform stays the spare for the bank's own mail
// (hospital fixtures); only where the tracker finally leads, which no
// offline reading sees, tells it from a kit's copy.
func TestForwardedTemplateThroughAPlatformTracker(t *testing.T) {
	s := hospitalConfig(t)
	raw, err := os.ReadFile("testdata/hospital/gmail-transfert-avis-banque-edocument-routeur.eml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, tracker, images string }{
		{"Mailchimp", "https://chu-amicale.us21.list-manage.com/track/click/", "https://mcusercontent.com/"},
		{"Twilio SendGrid", "https://u4815162.ct.sendgrid.net/ls/click/", "https://u4815162.ct.sendgrid.net/"},
		{"Brevo", "https://r.mailinblue.com/mk/cl/", "https://img.mailinblue.com/"},
	} {
		m := strings.NewReplacer("https://cl.exct.net/", c.tracker, "https://image.s10.exacttarget.com/", c.images).Replace(string(raw))
		for _, a := range []string{"logo", "mentions", "donnees"} {
			m = strings.Replace(m, `href="`+c.tracker+`?qs=8Fq2LmZr`+a+`"`, `href="#"`, 1)
		}
		v := s.Scan(context.Background(), []byte(m), scan.Envelope{})
		t.Logf("%-16s %5.2f %-10s %s", c.name, v.Score, v.Action, explainVerdict(v))
		if v.Action.Rank() < scan.Quarantine.Rank() || !v.Has("FORWARDED_PHISH") {
			t.Errorf("%s: %s %.2f, want a quarantined FORWARDED_PHISH", c.name, v.Action, v.Score)
		}
	}
}
