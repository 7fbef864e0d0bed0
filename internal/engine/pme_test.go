package engine

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/scan"
)

// A French organisation's own business mail, as its accounting, purchasing
// and works desks receive it, of kinds the hospital set does not cover
// (testdata/pme/README.md): regional banks writing from their own domains,
// the chartered accountant, the social-security and tax administrations'
// notices, a commune's mail from a consumer mailbox, a building supplier's
// invoice, neobank and accounting-platform notifications, a care home's
// accounting writing from orange.fr. Each must be accepted under the
// default policy with the learned weights, a point under the tag threshold
// (hospitalMargin), by the hospital's scanner with a domain registry
// (RDAP) configured; the log shows each score and its signals
// (go test -v -run TestBusinessInboxIsAccepted).
func TestBusinessInboxIsAccepted(t *testing.T) {
	s := registryScanner(t, testRegistry(t))
	files, err := filepath.Glob("testdata/pme/*.eml")
	if err != nil || len(files) < 18 {
		t.Fatalf("fixtures missing: %d, %v", len(files), err)
	}
	for _, f := range files {
		if v := scanLogged(t, s, f); v.Action != scan.Accept || v.Score > hospitalMargin {
			t.Errorf("%s: %s (%.2f) %s", filepath.Base(f), v.Action, v.Score, weighted(v))
		}
	}
}

// A regional bank's domain that neither MISP's bank-website list nor the
// catalogue names (made up here: ca-valdexemple.fr) is the bank's own only
// as an established domain bearing its initials, which the registry dates
// (BRAND_ESTABLISHED_SENDER); each twin below, which a phisher can write,
// is still read as the bank's name on someone else's domain.
func TestRegionalBankTwinsAreFlagged(t *testing.T) {
	raw, err := os.ReadFile("testdata/pme/ca-norddefrance-avis-prelevement-sepa.eml")
	if err != nil {
		t.Fatal(err)
	}
	unlisted := strings.NewReplacer("ca-norddefrance.fr", "ca-valdexemple.fr", "Nord_de_France", "Val_d'Exemple", "Nord de France", "Val d'Exemple").Replace(string(raw))
	reg := testRegistry(t)
	with := registryScanner(t, reg)
	if v := with.Scan(t.Context(), []byte(unlisted), scan.Envelope{}); v.Action != scan.Accept || !v.Has("BRAND_ESTABLISHED_SENDER") {
		t.Errorf("unlisted regional bank: %s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
	failed := strings.NewReplacer("dkim=pass", "dkim=fail", "spf=pass", "spf=fail", "dmarc=pass", "dmarc=fail").Replace(unlisted)
	cases := []struct {
		name string
		s    *scan.Scanner
		raw  string
	}{
		{"a look-alike registered days ago", with, strings.ReplaceAll(unlisted, "ca-valdexemple.fr", "ca-nord-securite.fr")},
		{"an old domain without the bank's initials", with, strings.ReplaceAll(unlisted, "ca-valdexemple.fr", "plomberie-dupont.fr")},
		{"the initials glued to another word", with, strings.ReplaceAll(unlisted, "ca-valdexemple.fr", "cavaldexemple.fr")},
		// Two letters and a hyphen are a works council's or a board's
		// too (ce-, ca-): an old such domain, DMARC passing from a mailbox
		// a phisher took over, sending the bank's name to his page.
		{"an old initials domain leading elsewhere", with, strings.Replace(unlisted, `<a href="https://www.ca-valdexemple.fr/">`, `<a href="https://qzxkvbtr.com/ca/">`, 1)},
		{"the bank's domain failing DMARC", with, failed},
		{"the registry unreachable", registryScanner(t, reg+"/down"), unlisted},
		{"no registry configured", hospitalConfig(t), unlisted},
	}
	for _, c := range cases {
		v := c.s.Scan(t.Context(), []byte(c.raw), scan.Envelope{})
		t.Logf("%5.2f %-10s %s: %s", v.Score, v.Action, c.name, weighted(v))
		if v.Action == scan.Accept || v.Has("BRAND_ESTABLISHED_SENDER") {
			t.Errorf("%s: %s (%.2f) %s", c.name, v.Action, v.Score, weighted(v))
		}
	}
}

// The regional banks MISP's list lacks and woob's names (brands.yaml) are
// the bank's own without a registry: the default configuration and
// `vigie eval`, which send nothing to a third party, accept their notices —
// Crédit Agricole's regional banks (woob's cragr module), Crédit Mutuel's
// Arkéa federations (its cmb and cmso modules) — and so is a Caisse
// d'Epargne regional bank under the group's listed domain. Each twin a
// phisher can write is still the bank's name on someone else's domain: the
// listed domain spoofed, the name under another suffix, with a word added.
func TestListedRegionalBanksNeedNoRegistry(t *testing.T) {
	s := hospitalConfig(t)
	for _, c := range []struct{ file, domain, other string }{
		{"ca-norddefrance-avis-prelevement-sepa.eml", "ca-norddefrance.fr", "ca-norddefrance.com"},
		{"ca-briepicardie-avis-prelevement-sepa.eml", "ca-briepicardie.fr", "ca-briepicardie.net"},
		{"cmb-releve-compte-disponible.eml", "cmb.fr", "cmb-fr.com"},
		{"cmso-releve-compte-disponible.eml", "cmso.com", "cmso.fr"},
		{"caisse-epargne-idf-avis-echeance-pret.eml", "caisse-epargne.fr", "caisse-epargne-idf.fr"},
	} {
		if v := scanLogged(t, s, "testdata/pme/"+c.file); v.Action != scan.Accept || v.Score > hospitalMargin {
			t.Errorf("%s: %s (%.2f) %s", c.file, v.Action, v.Score, weighted(v))
		}
		raw, err := os.ReadFile("testdata/pme/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		for name, twin := range map[string]string{
			"the listed domain spoofed":     strings.NewReplacer("dkim=pass", "dkim=none", "spf=pass", "spf=fail", "dmarc=pass", "dmarc=fail").Replace(string(raw)),
			"the listed name elsewhere":     strings.ReplaceAll(string(raw), c.domain, c.other),
			"the listed name with a suffix": strings.ReplaceAll(string(raw), c.domain, strings.Replace(c.domain, ".", "-securite.", 1)),
		} {
			v := s.Scan(t.Context(), []byte(twin), scan.Envelope{})
			t.Logf("%5.2f %-10s %s, %s: %s", v.Score, v.Action, c.file, name, weighted(v))
			if v.Action == scan.Accept {
				t.Errorf("%s, %s: %s (%.2f) %s", c.file, name, v.Action, v.Score, weighted(v))
			}
		}
	}
}

// testRegistry serves RDAP domain objects (RFC 9083) in process: every
// domain registered in 1999 (dates invented), but the look-alikes below
// registered ten days ago; under /down it answers 503. Returns its URL.
func testRegistry(t *testing.T) string {
	t.Helper()
	young := map[string]bool{"ca-nord-securite.fr": true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/down/") {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		domain := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		date := "1999-03-15T00:00:00Z"
		if young[domain] {
			date = time.Now().Add(-10 * 24 * time.Hour).UTC().Format(time.RFC3339)
		}
		w.Header().Set("Content-Type", "application/rdap+json")
		w.Write([]byte(`{"objectClassName":"domain","ldhName":"` + domain + `","events":[{"eventAction":"registration","eventDate":"` + date + `"}]}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// registryScanner is the hospital's scanner (hospitalConfig) asking the
// registry at url.
func registryScanner(t *testing.T, url string) *scan.Scanner {
	t.Helper()
	c := chuConfig(t, "microsoft.com", "google.com")
	c.Data.RDAP = url
	return newScanner(t, c)
}

// The care home's office is spared FREEMAIL_SERVICE_NAME only as the
// establishment's own mailbox; the invoice fraud written in its name from
// a mailbox anyone can open is still flagged, whatever the address spells:
// what it asks (pay to new bank details, on a page off the mail) is.
func TestCareHomeOfficeTwinsAreFlagged(t *testing.T) {
	raw, err := os.ReadFile("testdata/pme/ehpad-orange-relance-facture-impayee-pdf.eml")
	if err != nil {
		t.Fatal(err)
	}
	orig := string(raw)
	fraud := func(address string) string {
		m := strings.ReplaceAll(orig, "ehpad.lestilleuls@orange.fr", address)
		m = strings.NewReplacer("header.d=orange.fr", "header.d=gmail.com", "header.from=orange.fr", "header.from=gmail.com",
			"smtp.smtpout.orange.fr (smtp-23.smtpout.orange.fr [192.0.2.23])", "mail-wr1-f41.google.com (mail-wr1-f41.google.com [192.0.2.41])").Replace(m)
		return strings.Replace(m, `Sauf erreur de notre part, la facture`, `Suite au changement de notre banque, le règlement de la facture doit
être fait sur notre nouveau RIB, à télécharger ici :
https://sites.google.com/view/ehpad-tilleuls-rib
Sauf erreur de notre part, la facture`, 1)
	}
	s := hospitalConfig(t)
	flagTwins(t, s, []twin{
		{"the establishment's name spelled in a Gmail address", fraud("ehpad.lestilleuls@gmail.com")},
		{"another Gmail address", fraud("compta.ehpad.tilleuls2026@gmail.com")},
	})
}

// La Poste's own notice quotes the redelivery fee it never asks for; the
// parcel-fee lure that carries the same reminder is still flagged.
func TestParcelFeeTwinIsFlagged(t *testing.T) {
	raw, err := os.ReadFile("testdata/pme/laposte-lettre-recommandee-en-ligne-distribuee.eml")
	if err != nil {
		t.Fatal(err)
	}
	m := strings.NewReplacer("dkim=pass", "dkim=none", "spf=pass", "spf=softfail", "dmarc=pass", "dmarc=none",
		"ne-pas-repondre@laposte.fr", "ne-pas-repondre@suivi-colis-laposte.com").Replace(string(raw))
	m = strings.Replace(m, "La Lettre recommandée en ligne que vous avez envoyée le 2 décembre 2026\na été distribuée.",
		"Votre colis est en attente : des frais de réexpédition de 1,99 EUR sont à\nrégler avant sa livraison sur https://suivi-colis-laposte.com/paiement", 1)
	v := hospitalConfig(t).Scan(t.Context(), []byte(m), scan.Envelope{})
	t.Logf("%5.2f %-10s %s", v.Score, v.Action, weighted(v))
	if v.Action == scan.Accept || !v.Has("LURE_DELIVERY") {
		t.Errorf("parcel-fee lure: %s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
}
