package engine

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// fixedAuth stands in for live DNS with the results a test gives.
type fixedAuth struct{ r auth.Results }

func (a fixedAuth) Authenticate(context.Context, []byte, *message.Message, *scan.Envelope) auth.Results {
	return a.r
}

// Authentication outcomes, one signal each.
func TestAuthSignals(t *testing.T) {
	raw := msg("From: Service <contact@fournisseur-exemple.fr>\nTo: a@example-hopital.fr\nSubject: Point mensuel\nDate: Tue, 12 Mar 2024 10:00:00 +0100\nMessage-ID: <m@fournisseur-exemple.fr>\nContent-Type: text/plain; charset=utf-8",
		"Bonjour, voici le point mensuel.\n")
	dkim := func(d string, r auth.Result) []auth.DKIMResult { return []auth.DKIMResult{{Domain: d, Result: r}} }
	cases := []struct {
		r    auth.Results
		want []string
		not  []string
	}{
		{auth.Results{}, []string{"AUTH_RESULTS_UNKNOWN"}, nil},
		{auth.Results{SPF: auth.SoftFail, DMARC: auth.None}, []string{"AUTH_SPF_SOFTFAIL", "AUTH_DKIM_NONE", "AUTH_DMARC_NONE"}, nil},
		{auth.Results{SPF: auth.PermError, DKIM: dkim("fournisseur-exemple.fr", auth.Fail), DMARC: auth.Fail, DMARCPolicy: "none"}, []string{"AUTH_SPF_PERMERROR", "AUTH_DKIM_FAIL", "AUTH_DMARC_FAIL"}, nil},
		{auth.Results{SPF: auth.Fail, DMARC: auth.Fail, DMARCPolicy: "quarantine"}, []string{"AUTH_DMARC_FAIL_QUARANTINE"}, nil},
		{auth.Results{SPF: auth.Pass, SPFDomain: "fournisseur-exemple.fr", DMARC: auth.None}, []string{"AUTH_ALIGNED_PASS"}, nil},
		{auth.Results{SPF: auth.TempError, DMARC: auth.PermError, ARC: auth.Fail}, []string{"AUTH_TEMPERROR", "AUTH_DMARC_PERMERROR", "AUTH_ARC_FAIL"}, nil},
		// A DMARC pass settles it: an SPF failure on the way (a forwarder) adds nothing.
		{auth.Results{SPF: auth.Fail, DMARC: auth.Pass, ARC: auth.Fail}, []string{"AUTH_DMARC_PASS"}, []string{"AUTH_SPF_FAIL", "AUTH_ARC_FAIL"}},
	}
	for _, c := range cases {
		cfg := config.Default()
		s, err := New(&cfg, Options{Online: fixedAuth{c.r}})
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(context.Background(), raw, scan.Envelope{})
		for _, w := range c.want {
			if !v.Has(w) {
				t.Errorf("%+v: missing %s in %v", c.r, w, names(v))
			}
		}
		for _, n := range c.not {
			if v.Has(n) {
				t.Errorf("%+v: unexpected %s", c.r, n)
			}
		}
	}
}

// A link to a domain registered days ago is flagged through RDAP, served
// here by an in-process registry.
func TestRDAPNewDomain(t *testing.T) {
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		date := "2009-05-01T00:00:00Z"
		if strings.HasSuffix(r.URL.Path, "/factures-recentes.example") {
			date = time.Now().Add(-72 * time.Hour).UTC().Format(time.RFC3339)
		}
		w.Write([]byte(`{"events":[{"eventAction":"registration","eventDate":"` + date + `"}]}`))
	}))
	defer reg.Close()
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	cfg.Data.RDAP = reg.URL
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	body := `<a href="https://factures-recentes.example/doc">facture</a> <a href="https://ancien-exemple.example/">site</a>`
	v := s.Scan(context.Background(), msg("From: A <a@b.example>\nSubject: x\nContent-Type: text/html", body), scan.Envelope{})
	if !v.Has("URL_NEW_DOMAIN") {
		t.Errorf("young domain not flagged: %v", names(v))
	}
	for _, sig := range v.Signals {
		if sig.Name == "URL_NEW_DOMAIN" && strings.Contains(sig.Detail, "ancien") {
			t.Errorf("old domain flagged: %s", sig.Detail)
		}
	}
}

// The other families' signals on small realistic messages, in French and
// English where language matters.
func TestMoreSignals(t *testing.T) {
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	cfg.Data.NRD = writeTemp(t, "nrd.txt", "chorus-factures-paiement.fr\n")
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	html := func(headers, body string) []byte {
		return msg(headers+"\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8", body)
	}
	std := "To: marie.martin@example-hopital.fr\nDate: Tue, 12 Mar 2024 10:00:00 +0100\nMessage-ID: <x@y.example>"
	svg := base64.StdEncoding.EncodeToString([]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="location.href='https://x.example/'"><script>alert(1)</script></svg>`))
	login := base64.StdEncoding.EncodeToString([]byte(`<html><form action="https://collect.example/p"><input type="password" name="pw"></form></html>`))
	cases := []struct {
		name string
		raw  []byte
		want []string
	}{
		{"attachments", msg(mixedHeaders, attachment("scan.js", "application/javascript", base64.StdEncoding.EncodeToString([]byte("WScript.Echo(1)")))), []string{"ATTACH_SCRIPT"}},
		{"disk image", msg(mixedHeaders, attachment("facture.iso", "application/octet-stream", base64.StdEncoding.EncodeToString([]byte("iso")))), []string{"ATTACH_DISK_IMAGE"}},
		{"svg", msg(mixedHeaders, attachment("fax.svg", "image/svg+xml", svg)), []string{"ATTACH_SVG_ACTIVE"}},
		{"html login", msg(mixedHeaders, attachment("connexion.htm", "text/html", login)), []string{"ATTACH_HTML_CREDENTIALS"}},
		{"html in zip", msg(mixedHeaders, attachment("doc.zip", "application/zip", zipWith(t, "facture.html", []byte("<html></html>"), false))), []string{"ATTACH_HTML_IN_ARCHIVE"}},
		{"rar", msg(mixedHeaders, attachment("doc.rar", "application/x-rar", base64.StdEncoding.EncodeToString([]byte("Rar!\x1a\x07\x01\x00xxxx")))), []string{"ATTACH_ARCHIVE_OPAQUE"}},
		{"headers", msg("From: \"Notre Dame\" <a@b.example>, \"x\" <c@d.example>\nSubject: Re: votre demande", "bonjour"), []string{"FROM_MULTIPLE", "FAKE_REPLY", "MISSING_DATE", "MISSING_MESSAGE_ID", "NO_VISIBLE_RECIPIENT"}},
		{"base64 html", msg("From: A <a@b.example>\n"+std+"\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64",
			base64.StdEncoding.EncodeToString([]byte("<p>Bonjour</p>"))), []string{"BASE64_HTML_BODY"}},
		{"random domain", html("From: Notificação <aviso@zmau42cdk83iftm.com>\n"+std+"\nSubject: Aviso", "<p>x</p>"), []string{"FROM_RANDOM_DOMAIN"}},
		{"service on freemail", html("From: Service Informatique <helpdesk.hopital@gmail.com>\n"+std+"\nSubject: Mise à jour", "<p>x</p>"), []string{"FREEMAIL_SERVICE_NAME"}},
		{"no from", msg("To: a@b.example\nSubject:", "x"), []string{"FROM_MISSING", "EMPTY_SUBJECT"}},
		{"display name tricks", html(`From: "Sаmsung 🎁 service@paypal.com 2024031299" <Weaver_Erich_85918@promo-mail.example>`+"\nX-Mailer: PHPMailer 6.1.4\n"+std+"\nSubject: 𝐖𝐈𝐍𝐍𝐄𝐑 🎉 GAGNEZ UN SMARTPHONE DÈS AUJOURD'HUI", "<p>x</p>"),
			[]string{"MIXED_SCRIPT_NAME", "FROM_NAME_EMOJI", "FROM_NAME_OTHER_ADDRESS", "FROM_NAME_NUMBER", "FROM_LOCAL_NUMBERED", "FANCY_UNICODE_TEXT", "SUBJECT_EMOJI", "SUBJECT_SHOUTING", "MIME_HTML_ONLY", "PHPMAILER"}},
		{"recipient and self", msg("From: marie.martin@example-hopital.fr\nTo: marie.martin@example-hopital.fr\nSubject: marie.martin@example-hopital.fr, votre compte\nDate: Tue, 12 Mar 2024 10:00:00 +0100\nMessage-ID: <x@y>", "J'ai piraté votre appareil et enregistré une vidéo compromettante. Envoyez 500 euros en bitcoin."),
			[]string{"RECIPIENT_IN_SUBJECT", "FROM_EQUALS_TO", "LURE_SEXTORTION"}},
		{"reply-to and hidden text", html("From: Compta <compta@fournisseur-exemple.fr>\nReply-To: paiements@autre-exemple.net\n"+std+"\nSubject: Règlement",
			`<div style="margin-top:470500px">texte caché</div><p>Merci de votre`+"\u200b\u200b\u200b\u200b\u200b"+`règlement</p>`), []string{"REPLYTO_OTHER_DOMAIN", "HIDDEN_FAR_OFFSET", "ZERO_WIDTH_CHARS"}},
		{"image only", html("From: Promo <p@promo.example>\n"+std+"\nSubject: Offre", `<a href="https://promo.example/go"><img src="https://promo.example/banner.png" alt=""></a>`), []string{"IMAGE_ONLY_BODY"}},
		{"shouting body", html("From: A <a@b.example>\n"+std+"\nSubject: Aviso", "<p>"+strings.Repeat("ESTAMOS COMUNICANDO COM VOCE PORQUE O GOVERNO FEDERAL DEU OBRIGACAO. ", 6)+"</p>"), []string{"BODY_SHOUTING"}},
		{"links", html("From: A <a@b.example>\n"+std+"\nSubject: Documents", `<a href="data:text/html;base64,PGgxPmhpPC9oMT4=">doc</a> <a href="javascript:alert(1)">x</a>
			<a href="https://a.b.c.d.e.host-example.top/">lien</a> <a href="https://www.linkedin.com/redir?url=https://evil-exemple.net/">profil</a>
			<a href="https://storage.googleapis.com/bucket/index.html">fichier</a> <a href="https://paypa1.com/login">PayPal</a>
			<a href="https://secure-docusign-review.example.net/">DocuSign</a> <a href="https://chorus-factures-paiement.fr/">facture</a> <a href="https://hd8g42jmuq33.top/x">suivi</a>`),
			[]string{"URL_DATA_URI", "URL_JAVASCRIPT", "URL_MANY_SUBDOMAINS", "URL_ABUSED_TLD", "URL_OPEN_REDIRECT", "URL_CLOUD_STORAGE", "URL_LOOKALIKE_DOMAIN", "URL_BRAND_IN_DOMAIN", "URL_NEW_DOMAIN", "URL_RANDOM_DOMAIN"}},
		{"homoglyph sender", html("From: PayPal <service@xn--pypal-4ve.com>\n"+std+"\nSubject: Compte", "<p>x</p>"), []string{"FROM_HOMOGLYPH_DOMAIN"}},
		{"brand mention", html("From: Support <support@helpdesk-exemple.net>\n"+std+"\nSubject: Your DocuSign envelope", "<p>Please review the document.</p>"), []string{"BRAND_MENTION_UNOFFICIAL"}},
		{"english lures", html("From: A <a@b.example>\n"+std+"\nSubject: Notice", `<p>Dear customer, your package is on hold: pay the customs fee. You have won a gift card!
			Claim your tokens in our airdrop. Your subscription has expired, update your payment information. Verify your identity.
			Next of kin: a confidential transaction of 10 million USD. Hot singles near you. Lose weight fast. Free spins at our casino.
			Urgent payment required to avoid late fees. A tax refund is pending. Please review and sign the shared document.</p>`),
			[]string{"LURE_GENERIC_GREETING", "LURE_DELIVERY", "LURE_PRIZE", "LURE_CRYPTO", "LURE_BILLING", "LURE_VERIFY_IDENTITY", "LURE_ADULT", "LURE_GAMBLING", "LURE_URGENT_PAYMENT", "LURE_TAX_FINE"}},
		{"french lures", html("From: A <a@b.example>\n"+std+"\nSubject: Avis", `<p>Cher client, votre colis est en attente : des frais de livraison restent à régler. Vous avez gagné une carte cadeau !
			Votre abonnement expire : mettre à jour votre moyen de paiement. Vérifiez votre identité. Un remboursement d'impôt vous attend.
			Vous avez reçu un document partagé à consulter. Paiement immédiat sous peine de pénalités de retard.</p>`),
			[]string{"LURE_GENERIC_GREETING", "LURE_DELIVERY", "LURE_PRIZE", "LURE_BILLING", "LURE_URGENT_PAYMENT"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := s.Scan(context.Background(), c.raw, scan.Envelope{})
			for _, w := range c.want {
				if !v.Has(w) {
					t.Errorf("missing %s; got %v", w, names(v))
				}
			}
		})
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := t.TempDir() + "/" + name
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// An authenticated sender is not the brand its subject puts forward; the
// brand's own domain is.
func TestBrandInSubjectOfAuthenticatedSender(t *testing.T) {
	for _, c := range []struct {
		from string
		want bool
	}{
		{"E-Receipt Bill Team <billing72344@nt.moulds-exemple.com>", true},
		{"Norton <no-reply@norton.com>", false},
	} {
		raw := msg("From: "+c.from+"\nTo: a@example-hopital.fr\nSubject: Your Norton Order Confirmation For Order #NP11395138351\nDate: Tue, 12 Mar 2024 10:00:00 +0100\nMessage-ID: <n@x.example>\nContent-Type: text/plain; charset=utf-8",
			"Your plan renews today.\n")
		cfg := config.Default()
		s, err := New(&cfg, Options{Online: fixedAuth{auth.Results{SPF: auth.Pass, DMARC: auth.Pass}}})
		if err != nil {
			t.Fatal(err)
		}
		v := s.Scan(context.Background(), raw, scan.Envelope{})
		if v.Has("BRAND_SUBJECT_OTHER_SENDER") != c.want {
			t.Errorf("%s: BRAND_SUBJECT_OTHER_SENDER = %v, want %v (%v)", c.from, !c.want, c.want, names(v))
		}
		if v.Has("BRAND_MENTION_UNOFFICIAL") {
			t.Errorf("%s: the unauthenticated-mention signal fired for an authenticated sender", c.from)
		}
	}
}
