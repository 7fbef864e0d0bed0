package brand

import (
	"slices"
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
// sibling keeps FROM_BRAND_IN_DOMAIN.
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
	} {
		opts := Options{Freemail: func(d string) bool { return d == "yahoo.fr" || d == "wanadoo.fr" }}
		if tc.org != "" {
			opts.OrgDomains = []string{tc.org}
		}
		c, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		raw := "From: <" + tc.from + ">\r\nTo: <" + tc.to + ">\r\nSubject: Facture\r\nMessage-ID: <f@example.net>\r\n\r\nBonjour.\r\n"
		sigs := checktest.Scan([]byte(raw), c)
		for _, name := range []string{"FROM_OWN_DOMAIN_COMBOSQUAT", "FROM_BRAND_IN_DOMAIN"} {
			got := slices.ContainsFunc(sigs, func(s scan.Signal) bool { return s.Name == name })
			if got != (name == tc.want) {
				t.Errorf("%s: %s %v, want %q: %v", tc.name, name, got, tc.want, sigs)
			}
		}
	}
}
