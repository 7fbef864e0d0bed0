package brand

import (
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/scan"
)

// TestFromOwnDomainCombosquat: a sender's domain that puts our own name
// beside an account or payment word raises FROM_OWN_DOMAIN_COMBOSQUAT in
// place of FROM_BRAND_IN_DOMAIN, ours being the organisation's domains or,
// where none is configured, the recipient's. A sibling domain without such
// a word (the works council's, the hospital's fund) or beside a trade word
// (a subsidiary's -services), another firm named after a town or a word
// that is ours (paris-services-nettoyage.fr, nantes-online.fr), our name
// opening another word (atlassian-support.com for atlas.fr), a name of
// fewer than five letters, a colleague in the recipient's own domain and a
// brand's combosquat do not raise it; with an organisation configured, the
// sibling keeps FROM_BRAND_IN_DOMAIN. Our name glued (chuexemple-paiement.fr)
// or in the subdomains of a domain named for payment
// (chu-exemple.paiement-securise.fr) raises it too; a platform's customer
// subdomain (a top site's, or one whose name opens with a support word)
// does not. A payment subdomain under a name beside ours
// (paiement.fondation-chu-exemple.fr, paiement.mutuelle-exemple.fr for a
// town's exemple.fr) raises it whatever the display name says: a phisher
// registers the domain and signs with its words as easily
// (TestAffiliatesAreNoOwnCombosquat for the administrator's list).
func TestFromOwnDomainCombosquat(t *testing.T) {
	for _, tc := range []struct {
		name, org, from, to string
		want                string // the signal the From's domain raises, "" for none
	}{
		{"a bill from our name and a payment word", "", "facturation@chu-exemple-paiement.fr", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"an IT desk from our name and support", "", "it@chu-exemple-support.com", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"the works council's domain", "", "bureau@cse-chu-exemple.fr", "m.dupont@chu-exemple.fr", ""},
		{"the hospital's fund", "", "dons@fondation-chu-exemple.fr", "m.dupont@chu-exemple.fr", ""},
		{"a colleague", "", "s.martin@chu-exemple.fr", "m.dupont@chu-exemple.fr", ""},
		{"a brand's combosquat", "", "service@paypal-secure-compte.com", "m.dupont@chu-exemple.fr", "FROM_BRAND_IN_DOMAIN"},
		{"organisation configured: the payment word", "chu-exemple.fr", "facturation@chu-exemple-paiement.fr", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"organisation configured: the works council", "chu-exemple.fr", "bureau@cse-chu-exemple.fr", "m.dupont@chu-exemple.fr", "FROM_BRAND_IN_DOMAIN"},
		{"our name glued to a payment word", "", "facturation@chu-exemplepaiement.com", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"a payment word before our name", "", "facturation@paiement-chu-exemple.fr", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"a subsidiary's services domain", "", "contact@chu-exemple-services.fr", "m.dupont@chu-exemple.fr", ""},
		{"organisation configured: a subsidiary's services domain", "chu-exemple.fr", "contact@chu-exemple-services.fr", "m.dupont@chu-exemple.fr", "FROM_BRAND_IN_DOMAIN"},
		{"a cleaning firm named after the town", "", "devis@paris-services-nettoyage.fr", "achats@paris.fr", ""},
		{"a city's news site", "", "contact@nantes-online.fr", "presse@nantes.fr", ""},
		{"a ministry's name as another firm's", "", "contact@sante-service.fr", "secretariat@sante.gouv.fr", ""},
		{"our name opening another word", "", "support@atlassian-support.com", "it@atlas.fr", ""},
		{"our name opening another word, a payment word after it", "", "compta@totalement-paiement.fr", "achats@total.fr", ""},
		{"a name of four letters", "", "compta@cnam-paiement.fr", "achats@cnam.fr", ""},
		{"a free mailbox's provider beside mail", "", "noreply@yahoomail.com", "lea.martin@yahoo.fr", ""},
		{"a free mailbox's provider beside a payment word", "", "noreply@wanadoo-paiement.fr", "lea.martin@wanadoo.fr", ""},
		{"a brand in the subdomains of a look-alike of ours", "", "service@paypal.chu-exempie.fr", "m.dupont@chu-exemple.fr", "FROM_BRAND_IN_DOMAIN"},
		{"a brand in the subdomains of ours beside a word", "", "noreply@microsoft.chu-exemple-docs.com", "m.dupont@chu-exemple.fr", "FROM_BRAND_IN_DOMAIN"},
		{"our name glued, a payment word after a hyphen", "", "facturation@chuexemple-paiement.fr", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"organisation configured: our name glued", "chu-exemple.fr", "facturation@chuexemple-paiement.fr", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"our name glued to a support word", "", "it@chuexemplesupport.com", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"our name in the subdomains of a payment domain", "", "facturation@chu-exemple.paiement-securise.fr", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"organisation configured: our name in the subdomains of a payment domain", "chu-exemple.fr", "facturation@chu-exemple.paiement-securise.fr", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"our domain in the subdomains of a billing domain", "", "facturation@chu-exemple.fr.reglement-facture.com", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"our name alone under another suffix, a payment subdomain", "", "facturation@paiement.chu-exemple.net", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"a help desk platform's customer, glued and beside support", "", "support@chuexemple-support.zendesk.com", "m.dupont@chu-exemple.fr", ""},
		{"a career site platform's customer", "chu-exemple.fr", "no-reply@chu-exemple.softy.pro", "m.dupont@chu-exemple.fr", ""},
		{"a platform whose name opens with a support word", "", "noreply@chu-exemple.supportbee.com", "m.dupont@chu-exemple.fr", ""},
		{"the fund's payment subdomain, the fund named", "", "Fondation CHU Exemple <ne-pas-repondre@paiement.fondation-chu-exemple.fr>", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"organisation configured: the fund's payment subdomain, the fund named", "chu-exemple.fr", "Fondation CHU Exemple <ne-pas-repondre@paiement.fondation-chu-exemple.fr>", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"the water board named in the plural", "", "Régie des eaux d'Exemple <facturation@compte.eau-exemple.fr>", "accueil@exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"our name and another word, a payment subdomain, under our name only", "", "CHU Exemple - Facturation <facturation@paiement.chu-exemple-sante.fr>", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"the fund's payment subdomain, no name", "", "ne-pas-repondre@paiement.fondation-chu-exemple.fr", "m.dupont@chu-exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"a mutual named after the town, its payment subdomain", "", "Mutuelle d'Exemple <ne-pas-repondre@paiement.mutuelle-exemple.fr>", "accueil@exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
		{"organisation configured: a mutual named after the town", "exemple.fr", "Mutuelle d'Exemple <ne-pas-repondre@paiement.mutuelle-exemple.fr>", "accueil@exemple.fr", "FROM_OWN_DOMAIN_COMBOSQUAT"},
	} {
		opts := Options{Freemail: func(d string) bool { return d == "yahoo.fr" || d == "wanadoo.fr" }}
		if tc.org != "" {
			opts.OrgDomains = []string{tc.org}
		}
		c, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		from := "<" + tc.from + ">"
		if strings.Contains(tc.from, "<") {
			from = tc.from
		}
		raw := "From: " + from + "\r\nTo: <" + tc.to + ">\r\nSubject: Facture\r\nMessage-ID: <f@example.net>\r\n\r\nBonjour.\r\n"
		sigs := checktest.Scan([]byte(raw), c)
		for _, name := range []string{"FROM_OWN_DOMAIN_COMBOSQUAT", "FROM_BRAND_IN_DOMAIN"} {
			got := slices.ContainsFunc(sigs, func(s scan.Signal) bool { return s.Name == name })
			if got != (name == tc.want) {
				t.Errorf("%s: %s %v, want %q: %v", tc.name, name, got, tc.want, sigs)
			}
		}
	}
}

// TestURLOwnDomainCombosquat: a message whose display name writes our name
// from another domain and links to our name beside a payment or account
// word raises URL_OWN_DOMAIN_COMBOSQUAT, with or without an organisation
// configured; our own mail naming the fake site, a message that does not
// present itself as ours, a platform's customer pages under our name (not
// a user's page on a free host: chu-exemple-paiement.weebly.com) and
// the sender's own pages under its From's domain, a name beside ours that
// its display name writes, do not (the From is judged, once); the same
// pages linked from anywhere else do.
func TestURLOwnDomainCombosquat(t *testing.T) {
	for _, tc := range []struct {
		name, org, from, link string
		want                  bool
	}{
		{"our name in the display, a link to our name and a payment word", "", `"CHU Exemple - Facturation" <contact@boulangerie-exemple.fr>`, "https://chu-exemple-paiement.fr/regler", true},
		{"organisation configured", "chu-exemple.fr", `"CHU Exemple - Facturation" <contact@boulangerie-exemple.fr>`, "https://chu-exemple-paiement.fr/regler", true},
		{"glued name in the link", "", `"CHU Exemple" <contact@boulangerie-exemple.fr>`, "https://chuexemple-paiement.fr/regler", true},
		{"our name in the subdomains of a payment domain", "", `"Service facturation CHU Exemple" <noreply@envoi-exemple.net>`, "https://chu-exemple.paiement-securise.fr/", true},
		{"the glued name in the display", "", `"CHUExemple" <noreply@envoi-exemple.net>`, "https://chu-exemple.paiement-securise.fr/", true},
		{"our own mail naming the fake site", "", `"DSI CHU Exemple" <dsi@chu-exemple.fr>`, "https://chu-exemple-paiement.fr/", false},
		{"no claim of ours", "", `"Gazette" <redaction@gazette-exemple.fr>`, "https://chu-exemple-paiement.fr/", false},
		{"a help desk platform's customer pages", "", `"Support CHU Exemple" <support@chuexemple-support.zendesk.com>`, "https://chuexemple-support.zendesk.com/hc/fr/requests/4521", false},
		{"our name and a payment word on a free host", "", `"CHU Exemple - Facturation" <contact@boulangerie-exemple.fr>`, "https://chu-exemple-paiement.weebly.com/regler", true},
		{"a survey platform's customer pages", "", `"CHU Exemple" <noreply@qemailserver.com>`, "https://chu-exemple.eu.qualtrics.com/jfe/form/SV_1", false},
		{"the fund's payment pages", "", `"Fondation CHU Exemple" <dons@fondation-chu-exemple.fr>`, "https://paiement.fondation-chu-exemple.fr/don", false},
		{"the fund's payment pages linked from elsewhere", "", `"Fondation CHU Exemple" <dons@envoi-exemple.net>`, "https://paiement.fondation-chu-exemple.fr/don", true},
		{"the Trésor public's payment page", "", `"CHU Exemple - Facturation" <facturation@chu-exemple.com>`, "https://www.payfip.gouv.fr/tpa/paiement.web?numcli=012345", false},
	} {
		opts := Options{}
		if tc.org != "" {
			opts.OrgDomains = []string{tc.org}
		}
		c, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		raw := "From: " + tc.from + "\r\nTo: <m.dupont@chu-exemple.fr>\r\nSubject: Facture\r\nMessage-ID: <f@example.net>\r\nContent-Type: text/html\r\n\r\n<p>Bonjour, <a href=\"" + tc.link + "\">r&eacute;gler</a>.</p>\r\n"
		sigs := checktest.Scan([]byte(raw), c)
		if got := slices.ContainsFunc(sigs, func(s scan.Signal) bool { return s.Name == "URL_OWN_DOMAIN_COMBOSQUAT" }); got != tc.want {
			t.Errorf("%s: URL_OWN_DOMAIN_COMBOSQUAT %v, want %v: %v", tc.name, got, tc.want, sigs)
		}
	}
}

// TestAffiliatesAreNoOwnCombosquat: the domains the administrator lists
// as affiliates (org.affiliates: the hospital's foundation) raise no
// own-name combosquat in the From nor in a link, their payment subdomains
// included; a look-alike of the affiliate (the word in its label, another
// suffix, the domain in another's subdomains) still does.
func TestAffiliatesAreNoOwnCombosquat(t *testing.T) {
	c, err := New(Options{OrgDomains: []string{"chu-exemple.fr"}, Affiliates: []string{"Fondation-CHU-Exemple.fr"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from, link string
		want       bool
	}{
		{"Fondation CHU Exemple <ne-pas-repondre@paiement.fondation-chu-exemple.fr>", "https://paiement.fondation-chu-exemple.fr/don", false},
		{"CHU Exemple <contact@envoi-exemple.net>", "https://paiement.fondation-chu-exemple.fr/don", false},
		{"Fondation CHU Exemple <dons@fondation-chu-exemple-paiement.fr>", "https://fondation-chu-exemple-paiement.fr/", true},
		{"Fondation CHU Exemple <dons@paiement.fondation-chu-exemple.net>", "https://paiement.fondation-chu-exemple.net/", true},
		{"Fondation CHU Exemple <dons@fondation-chu-exemple.fr.paiement-securise.com>", "https://fondation-chu-exemple.fr.paiement-securise.com/", true},
	} {
		raw := "From: " + tc.from + "\r\nTo: <m.dupont@chu-exemple.fr>\r\nSubject: Don\r\nMessage-ID: <f@example.net>\r\nContent-Type: text/html\r\n\r\n<p>Bonjour, <a href=\"" + tc.link + "\">don</a>.</p>\r\n"
		sigs := checktest.Scan([]byte(raw), c)
		got := slices.ContainsFunc(sigs, func(s scan.Signal) bool {
			return s.Name == "FROM_OWN_DOMAIN_COMBOSQUAT" || s.Name == "URL_OWN_DOMAIN_COMBOSQUAT"
		})
		if got != tc.want {
			t.Errorf("%s, %s: own combosquat %v, want %v: %v", tc.from, tc.link, got, tc.want, sigs)
		}
	}
}

// TestSharedAffiliateIsRefused: an affiliate that is a name many publish
// under (a public suffix, a publishing platform's domain or one above it,
// where a brand's customers get their own names) is refused, since every
// host below it would be spared our look-alike readings: an administrator
// declaring our event page as webflow.io would accept a phisher's bill on
// paiement-chu-exemple.webflow.io (8.55 quarantined -> 3.55 accepted).
// The page's own host, a tenant's or a sibling's domain are accepted.
func TestSharedAffiliateIsRefused(t *testing.T) {
	for _, d := range []string{"webflow.io", "WEBFLOW.IO.", "weebly.com", "github.io", "google.com", "sharepoint.com", "onmicrosoft.com", "fr", "gouv.fr", "s3.amazonaws.com", "jotform.com"} {
		if _, err := New(Options{OrgDomains: []string{"chu-exemple.fr"}, Affiliates: []string{d}}); err == nil {
			t.Errorf("affiliate %q accepted, want refused", d)
		}
	}
	for _, d := range []string{"chu-exemple.webflow.io", "chuexemple.weebly.com", "chuexemple.sharepoint.com", "fondation-chu-exemple.fr", " "} {
		if _, err := New(Options{OrgDomains: []string{"chu-exemple.fr"}, Affiliates: []string{d}}); err != nil {
			t.Errorf("affiliate %q: %v", d, err)
		}
	}
}

// TestHyphenatedBrandCombosquat: a catalogued brand of several words
// written hyphenated in a host (its label kept glued in the catalogue)
// beside an account or payment word of its own, in the same label or in
// the registrable label under it, raises FROM_BRAND_IN_DOMAIN; the
// brand's own domain, its account and payment subdomains, and a
// hyphenated name without such a word (a subsidiary's, a partner's) do
// not.
func TestHyphenatedBrandCombosquat(t *testing.T) {
	for _, tc := range []struct {
		from string
		want bool
	}{
		{"alerte@credit-agricole-secure.com", true},
		{"service@bnp-paribas-compte.fr", true},
		{"service@credit-agricole.secure-login.com", true},
		{"service@la-banque-postale.compte-securise.com", true},
		{"service@caisse-epargne-compte.fr", true},
		{"service@caisseepargne-securite.com", true},
		{"contact@credit-agricole.fr", false},
		{"contact@credit-agricole-immobilier.fr", false},
		{"contact@x.credit-mutuel-immobilier.fr", false},
		// The banks' own hyphenated domains (brands.yaml: credit-agricole.fr,
		// caisse-epargne.fr, credit-du-nord.fr, boursorama-banque.com) and
		// the same shape for those the catalogue does not list
		// (banque-populaire.fr, credit-mutuel.fr), with an account or
		// payment word in a subdomain above a label holding none: the word
		// is theirs, read beside the brand only in a label of its own
		// registrable name (credit-agricole.secure-login.com above).
		{"ne-pas-repondre@paiement.credit-agricole.fr", false},
		{"info@compte.caisse-epargne.fr", false},
		{"info@compte.credit-du-nord.fr", false},
		{"info@clients.boursorama-banque.com", false},
		{"info@compte.banque-populaire.fr", false},
		{"info@e-paiement.credit-mutuel.fr", false},
		{"info@paiement.credit-agricole-immobilier.fr", false},
	} {
		c, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		raw := "From: <" + tc.from + ">\r\nTo: <m.dupont@chu-exemple.fr>\r\nSubject: Avis\r\nMessage-ID: <f@example.net>\r\n\r\nBonjour.\r\n"
		sigs := checktest.Scan([]byte(raw), c)
		if got := slices.ContainsFunc(sigs, func(s scan.Signal) bool { return s.Name == "FROM_BRAND_IN_DOMAIN" }); got != tc.want {
			t.Errorf("%s: FROM_BRAND_IN_DOMAIN %v, want %v: %v", tc.from, got, tc.want, sigs)
		}
	}
}

// TestFreeHostedAs: our name alone on a free host, hyphenated or glued,
// with a number before or after it, in any label the user names there;
// not beside another word, not on another host, and a name holding
// digits of its own (ght35) is compared whole.
func TestFreeHostedAs(t *testing.T) {
	for _, tc := range []struct {
		host, name string
		want       bool
	}{
		{"chu-exemple.webflow.io", "chu-exemple", true},
		{"chuexemple.weebly.com", "chu-exemple", true},
		{"chu-exemple2026.web.app", "chu-exemple", true},
		{"2026-chu-exemple.web.app", "chu-exemple", true},
		{"chu-exemple.ew.r.appspot.com", "chu-exemple", true},
		{"ght35.webflow.io", "ght35", true},
		{"ght35-2027.webflow.io", "ght35", true},
		{"ght36.webflow.io", "ght35", false},
		{"fondation-chu-exemple.webflow.io", "chu-exemple", false},
		{"chu-exemple-fr.webflow.io", "chu-exemple", false},
		{"chu-exemple.fr", "chu-exemple", false},
		{"chuexemple.sharepoint.com", "chu-exemple", false},
	} {
		if got := freeHostedAs(tc.host, tc.name); got != tc.want {
			t.Errorf("freeHostedAs(%q, %q) = %v, want %v", tc.host, tc.name, got, tc.want)
		}
	}
}
