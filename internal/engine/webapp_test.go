package engine

import (
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// webServerSignals are the signals that only say a web server sent the
// message (internal/checks/sender, webAppNotice).
var webServerSignals = []string{"ENVELOPE_WEBSERVER_USER", "PHP_SCRIPT_TRACE", "PHPMAILER", "FROM_RETURN_PATH_MISMATCH"}

// TestWebAppNoticesAreJudgedOnContent: a site's own contact form (Contact
// Form 7 in English and French, Elementor, Gravity Forms) and a shop's
// order mail (PrestaShop, WooCommerce), sent by PHP on shared hosting as
// www-data or the hosting account, recognised by their applications'
// published default templates and leading nowhere but the sender's site,
// are accepted under the evaluation's trust, with none of the web-server
// signals; behind the company's trusted MX as well, except its own site's
// form, whose From is the company's own domain failing DMARC: a forgery
// of the domain reads the same, and the site must send through a host of
// the domain's SPF record (testdata/webapp/README.md).
func TestWebAppNoticesAreJudgedOnContent(t *testing.T) {
	files, err := filepath.Glob("testdata/webapp/*.eml")
	if err != nil || len(files) < 6 {
		t.Fatalf("fixtures missing: %d, %v", len(files), err)
	}
	ownDomain := map[string]bool{"wordpress-formulaire-contact-site-ovh.eml": true}
	for _, c := range []struct {
		name     string
		behindMX bool
		s        *scan.Scanner
	}{
		{"eval-corpus trust", false, newScanner(t, evalTrustConfig(t))},
		{"behind the company's MX", true, newScanner(t, atelierConfig(t))},
	} {
		for _, f := range files {
			name := filepath.Base(f)
			v := scanLogged(t, c.s, f)
			if c.behindMX && ownDomain[name] {
				if v.Action == scan.Accept || !hasSignal(v, "ORG_DOMAIN_SPOOF") {
					t.Errorf("%s, %s: own domain failing DMARC accepted (%.2f) %s", c.name, name, v.Score, weighted(v))
				}
				continue
			}
			if v.Action != scan.Accept {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, name, v.Action, v.Score, weighted(v))
			}
			for _, sig := range webServerSignals {
				if hasSignal(v, sig) {
					t.Errorf("%s, %s: %s still counted", c.name, name, sig)
				}
			}
		}
	}
}

// TestWebAppTemplateOpensNoPath: the same templates carrying what a
// phisher needs keep being flagged, under the evaluation's trust and
// behind the company's MX — a credential link to an unknown domain (the
// web-server signals count again), a brand's name in the display name, an
// HTML attachment with a card form, a change of bank details answered at
// a free mailbox (the Reply-To is the visitor's, yet the message asks:
// REPLYTO_FREEMAIL stays), the Contact Form 7 footer pasted into a
// phishing message from a free mailbox, the company's own domain forged
// with SPF failing, and a compromised site whose kit sits on the site
// itself (the notice is recognised; its lures still quarantine it).
func TestWebAppTemplateOpensNoPath(t *testing.T) {
	cases := []struct {
		file string
		want []string // signals that must still be raised under eval trust
	}{
		{"sosie-cf7-lien-connexion-domaine-inconnu.eml", []string{"PHP_SCRIPT_TRACE", "REPLYTO_FREEMAIL", "LURE_CREDENTIALS"}},
		{"sosie-cf7-marque-paypal-compte-limite.eml", []string{"BRAND_DISPLAY_NAME"}},
		{"sosie-prestashop-facture-piece-jointe-html.eml", []string{"ENVELOPE_WEBSERVER_USER", "ATTACH_HTML"}},
		{"sosie-cf7-domaine-propre-spf-echec.eml", []string{"REPLYTO_FREEMAIL", "BANK_DETAILS_CHANGE_REQUEST"}},
		{"sosie-gmail-pied-formulaire-contact.eml", []string{"REPLYTO_FREEMAIL", "FROM_FREEMAIL"}},
		{"sosie-site-compromis-kit-sur-le-site.eml", []string{"LURE_PASSWORD_EXPIRY", "LURE_CREDENTIALS"}},
	}
	files, _ := filepath.Glob("testdata/webapp/twins/*.eml")
	if len(files) != len(cases) {
		t.Fatalf("%d twins on disk, %d cases", len(files), len(cases))
	}
	evalS := newScanner(t, evalTrustConfig(t))
	mxS := newScanner(t, atelierConfig(t))
	for _, c := range cases {
		path := filepath.Join("testdata/webapp/twins", c.file)
		v := scanLogged(t, evalS, path)
		if v.Action == scan.Accept {
			t.Errorf("eval-corpus trust, %s: accepted (%.2f) %s", c.file, v.Score, weighted(v))
		}
		for _, sig := range c.want {
			if !hasSignal(v, sig) {
				t.Errorf("eval-corpus trust, %s: %s not raised: %s", c.file, sig, weighted(v))
			}
		}
		if v := scanLogged(t, mxS, path); v.Action == scan.Accept {
			t.Errorf("behind the company's MX, %s: accepted (%.2f) %s", c.file, v.Score, weighted(v))
		}
	}
	v := scanLogged(t, mxS, "testdata/webapp/twins/sosie-cf7-domaine-propre-spf-echec.eml")
	if !hasSignal(v, "ORG_DOMAIN_SPOOF") || !hasSignal(v, "AUTH_SPF_FAIL") {
		t.Errorf("forged own domain: %s", weighted(v))
	}
}
