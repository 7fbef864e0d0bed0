package engine

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"net/netip"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// msg builds a message from header lines and a body; "\n" line ends are
// turned into CRLF as on the wire.
func msg(headers, body string) []byte {
	s := strings.TrimSpace(headers) + "\n\n" + body
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

func zipWith(t *testing.T, name string, content []byte, encrypted bool) string {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	fh := &zip.FileHeader{Name: name, Method: zip.Store}
	if encrypted {
		fh.Flags |= 1
	}
	f, err := w.CreateHeader(fh)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(content)
	w.Close()
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

func attachment(name, ctype, b64 string) string {
	return "--b1\nContent-Type: text/plain; charset=utf-8\n\nVeuillez trouver le document ci-joint.\n--b1\nContent-Type: " + ctype +
		"; name=\"" + name + "\"\nContent-Disposition: attachment; filename=\"" + name + "\"\nContent-Transfer-Encoding: base64\n\n" + b64 + "\n--b1--\n"
}

const mixedHeaders = `From: Service Comptable <compta@fournisseur-exemple.fr>
To: Marie Martin <marie.martin@example-hopital.fr>
Subject: Document
Date: Tue, 12 Mar 2024 09:14:01 +0100
Message-ID: <a1@fournisseur-exemple.fr>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"`

func TestSignals(t *testing.T) {
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	cfg.Org.Domains = []string{"example-hopital.fr"}
	cfg.Org.VIPs = []string{"Claire Dubois"}
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	plain := func(from, subject, body string, extra ...string) []byte {
		h := "From: " + from + "\nTo: marie.martin@example-hopital.fr\nSubject: " + subject +
			"\nDate: Tue, 12 Mar 2024 09:14:01 +0100\nMessage-ID: <x1@example.net>\n"
		for _, e := range extra {
			h += e + "\n"
		}
		h += "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8"
		return msg(h, body)
	}
	exe := base64.StdEncoding.EncodeToString(append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...))
	smuggle := base64.StdEncoding.EncodeToString([]byte(`<html><script>var d=atob("UEsDBA==");var b=new Blob([d]);var a=document.createElement("a");a.href=URL.createObjectURL(b);a.download="facture.zip";a.click();</script></html>`))
	cases := []struct {
		name string
		raw  []byte
		env  scan.Envelope
		want []string
		not  []string
	}{
		{"brand display name", plain(`"Microsoft 365" <no-reply@access-accsecurity.com>`, "Unusual sign-in activity", "<p>We detected something unusual.</p>"), scan.Envelope{},
			[]string{"BRAND_DISPLAY_NAME", "LURE_ACCOUNT_SUSPENSION"}, nil},
		{"look-alike sender domain", plain(`Support <support@micros0ft.com>`, "Notice", "<p>Hello</p>"), scan.Envelope{},
			[]string{"FROM_LOOKALIKE_DOMAIN"}, nil},
		{"brand in another domain", plain(`Impots <contact@impots-gouv-fr.com>`, "Remboursement", "<p>Bonjour</p>"), scan.Envelope{},
			[]string{"FROM_BRAND_IN_DOMAIN"}, nil},
		{"homoglyph link", plain(`A <a@b.example>`, "x", `<a href="https://xn--pypal-4ve.com/login">PayPal</a>`), scan.Envelope{},
			[]string{"URL_HOMOGLYPH_DOMAIN", "URL_PUNYCODE"}, nil},
		{"own domain spoofed", plain(`Direction <direction@example-hopital.fr>`, "Virement", "<p>Merci de traiter ce virement.</p>"), scan.Envelope{},
			[]string{"ORG_DOMAIN_SPOOF"}, nil},
		{"CEO fraud name", plain(`Claire Dubois <claire.dubois.dg@gmail.com>`, "Demande confidentielle", "<p>Êtes-vous disponible ?</p>"), scan.Envelope{},
			[]string{"VIP_NAME_SPOOF", "FROM_FREEMAIL"}, nil},
		{"reply-to freemail", plain(`Fournisseur <facturation@fournisseur-exemple.fr>`, "Changement de RIB", "<p>Veuillez noter nos nouvelles coordonnées bancaires.</p>", "Reply-To: fournisseur.compta@gmail.com"), scan.Envelope{},
			[]string{"REPLYTO_FREEMAIL", "LURE_BANK_DETAILS"}, nil},
		{"password form in body", plain(`IT <it@helpdesk-exemple.net>`, "Votre mot de passe expire", `<form action="https://x.example/p"><input type="password" name="p"></form>`), scan.Envelope{},
			[]string{"HTML_PASSWORD_FORM", "LURE_PASSWORD_EXPIRY"}, nil},
		{"link tricks", plain(`A <a@b.example>`, "x", `<a href="http://198.51.100.7/a">ici</a> <a href="https://bit.ly/3abc">lien</a> <a href="https://docs.google.com/forms/d/e/1FAI/viewform">form</a> <a href="https://www.paypal.com@evil.example/">paypal</a> <a href="https://x.ipfs.dweb.link/">doc</a>`), scan.Envelope{},
			[]string{"URL_IP_LITERAL", "URL_SHORTENER", "URL_FORM_SERVICE", "URL_AT_AUTHORITY", "URL_IPFS"}, nil},
		{"safelinks unwrapped", plain(`A <a@b.example>`, "x", `<a href="https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil-site.weebly.com%2F&data=05">voir</a>`), scan.Envelope{},
			[]string{"URL_FREE_HOSTING"}, nil},
		{"connection", plain(`A <a@b.example>`, "x", "<p>x</p>"), scan.Envelope{ClientIP: netip.MustParseAddr("203.0.113.9"), HELO: "[203.0.113.9]", RDNSKnown: true, MailFrom: "apache@web01.b.example"},
			[]string{"HELO_IP_LITERAL", "RDNS_NONE", "ENVELOPE_WEBSERVER_USER"}, nil},
		{"helo and rdns disagree", plain(`A <a@b.example>`, "x", "<p>x</p>"), scan.Envelope{ClientIP: netip.MustParseAddr("198.51.100.20"), HELO: "mail.entreprise-exemple.fr", RDNS: "mx20.hebergeur-exemple.net", RDNSKnown: true},
			[]string{"HELO_RDNS_MISMATCH"}, nil},
		{"dynamic rdns", plain(`A <a@b.example>`, "x", "<p>x</p>"), scan.Envelope{ClientIP: netip.MustParseAddr("203.0.113.9"), HELO: "pc", RDNS: "203-0-113-9.dsl.isp.example", RDNSKnown: true},
			[]string{"RDNS_GENERIC", "HELO_NOT_FQDN"}, nil},
		{"executable", msg(mixedHeaders, attachment("facture.pdf.exe", "application/octet-stream", exe)), scan.Envelope{},
			[]string{"ATTACH_EXECUTABLE", "ATTACH_DOUBLE_EXT"}, nil},
		{"html smuggling", msg(mixedHeaders, attachment("facture.html", "text/html", smuggle)), scan.Envelope{},
			[]string{"ATTACH_HTML", "ATTACH_HTML_SMUGGLING"}, nil},
		{"encrypted zip", msg(mixedHeaders, attachment("facture.zip", "application/zip", zipWith(t, "facture.pdf", []byte("%PDF-1.4"), true))), scan.Envelope{},
			[]string{"ATTACH_ARCHIVE_ENCRYPTED"}, nil},
		{"script in zip", msg(mixedHeaders, attachment("docs.zip", "application/zip", zipWith(t, "scan_0312.js", []byte("WScript.Shell"), false))), scan.Envelope{},
			[]string{"ATTACH_EXECUTABLE_IN_ARCHIVE"}, []string{"ATTACH_ARCHIVE_ENCRYPTED"}},
		{"macro document", msg(mixedHeaders, attachment("releve.docm", "application/vnd.ms-word.document.macroEnabled.12", zipWith(t, "word/vbaProject.bin", []byte("x"), false))), scan.Envelope{},
			[]string{"ATTACH_MACRO"}, nil},
		{"ordinary pdf", msg(mixedHeaders, attachment("devis.pdf", "application/pdf", base64.StdEncoding.EncodeToString([]byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")))), scan.Envelope{},
			nil, []string{"ATTACH_TYPE_MISMATCH", "ATTACH_EXECUTABLE", "ATTACH_HTML", "ATTACH_PDF_ENCRYPTED"}},
		{"encrypted pdf", msg(mixedHeaders, attachment("Valores_a_Receber_2023.pdf", "application/pdf", base64.StdEncoding.EncodeToString([]byte("%PDF-1.6\n1 0 obj\n<<>>\nendobj\ntrailer\n<< /Root 1 0 R /Encrypt 5 0 R /ID [<a1><a1>] >>\n%%EOF\n")))), scan.Envelope{},
			[]string{"ATTACH_PDF_ENCRYPTED"}, nil},
		{"english lures", plain(`Voicemail <vm@pbx-notify.example>`, "You have a new voice message", "<p>Click here to listen. Your password will expire within 24 hours.</p>"), scan.Envelope{},
			[]string{"LURE_VOICEMAIL", "LURE_PASSWORD_EXPIRY", "LURE_CREDENTIALS", "LURE_URGENCY", "LURE_MANY_THEMES"}, nil},
		{"leet and gibberish", plain(`HABILITE SUA C0NTA <x@y.example>`, "pIsdlCthlCTXTgpZeWBu", "<p>x</p>"), scan.Envelope{},
			[]string{"LEET_OBFUSCATION", "SUBJECT_GIBBERISH"}, nil},
		{"bulk footer without List-Unsubscribe", plain(`Home Insurance Team <aNiOPsklEuPFaAJ@space.offers-exemple.us>`, "Compare rates in minutes", "<p>Compare home insurance quotes.</p><p>This is an advertisement. If you no longer wish to receive these emails, <a href=\"https://space.offers-exemple.us/u\">unsubscribe here</a>.</p>"), scan.Envelope{},
			[]string{"BULK_NO_LIST_UNSUBSCRIBE", "FROM_LOCAL_RANDOM"}, nil},
		{"newsletter with List-Unsubscribe", plain(`ARS Île-de-France <lettre-info@ars-exemple.fr>`, "La lettre d'information de mars", "<p>Les actualités du mois.</p><p>Pour vous désabonner, suivez ce lien.</p>", "List-Unsubscribe: <https://ars-exemple.fr/desabonnement?u=42>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click"), scan.Envelope{},
			nil, []string{"BULK_NO_LIST_UNSUBSCRIBE", "FROM_LOCAL_RANDOM"}},
		{"IDN label under a plain domain", plain(`Bezorging <newsletters@mail-serve.example>`, "U heeft een pakket dat op bezorging wacht", `<a href="http://ðkjcÿktœqrlq.avmoko.meteo-exemple.net/r.php?32=1">Bekijk</a>`), scan.Envelope{},
			[]string{"URL_PUNYCODE", "URL_IDN_SUBDOMAIN"}, nil},
		{"IDN registrable domain", plain(`Stadtwerke <info@stadtwerke-exemple.de>`, "Ihre Rechnung", `<a href="https://www.münchen-exemple.de/">Portal</a>`), scan.Envelope{},
			[]string{"URL_PUNYCODE"}, []string{"URL_IDN_SUBDOMAIN"}},
		{"lead-generation advertising", plain(`Fidelity Life Offer <offers@deck.promo-exemple.com>`, "Get $1 million in term life coverage", "<p>Protect your family with term life insurance. Get your free quote, no obligation.</p>"), scan.Envelope{},
			[]string{"LURE_ADVERTISING"}, nil},
		{"invisible characters in the sender name", plain("\"Mi\U000E0139cr\U000E0139oso\U000E0139ft Sup\U000E0139port\" <mail.apps-ag@datamart-exemple.net>", "Unusual Two-Factor Authentication (2FA) Activity", "<p>Review the activity.</p>"), scan.Envelope{},
			[]string{"INVISIBLE_IN_NAME", "BRAND_DISPLAY_NAME"}, nil},
		{"emoji presentation selector", plain(`Boutique <news@boutique-exemple.fr>`, "Nouveautés ✔️ du printemps", "<p>Bonjour</p>"), scan.Envelope{},
			nil, []string{"INVISIBLE_IN_NAME"}},
		{"callback scam", plain(`E-Receipt Bill Team <billing72344@nt.moulds-exemple.com>`, "Your Norton Order Confirmation For Order #NP11395138351", "<p>Your plan renews today for $299.99. If you did not authorize this charge, call our billing department at +1 (818) 492-9813 to cancel.</p>"), scan.Envelope{},
			[]string{"LURE_CALLBACK", "BRAND_MENTION_UNOFFICIAL"}, nil},
		{"content pushed ten screens down", plain(`Eco Wisdom <agrensophie@centro-exemple.com>`, "The startling reality", `<style>.wrapper { height: 2000vh; }</style><div class="wrapper"></div><p>Chocolate pumpkin cake recipe</p>`), scan.Envelope{},
			[]string{"HIDDEN_FAR_OFFSET"}, nil},
		{"text in a zero-size font", plain(`Service client <service@boutique-exemple.com>`, "Votre avantage", `<p>Votre bon d'achat vous attend.</p><span style="font-size:0px">facture devis rendez-vous planning</span>`), scan.Envelope{},
			[]string{"HIDDEN_CONTENT"}, []string{"HIDDEN_FAR_OFFSET"}},
		{"fake police summons", plain(`Gendarmerie Nationale <contact@brigade-numerique-exemple.com>`, "Convocation judiciaire", "<p>Vous êtes convoqué suite à une plainte déposée contre vous pour pédopornographie. Répondez sous 72 heures pour éviter un mandat d'arrêt.</p>"), scan.Envelope{},
			[]string{"LURE_LEGAL_THREAT"}, nil},
		{"hospital mail with medical and event words", plain(`ARS Occitanie <communication@ars-exemple.fr>`, "Rencontres régionales de santé sexuelle", "<p>Les Rencontres régionales aborderont le dépistage, la dysfonction érectile (erection) et la santé sexuelle (sex, gender) des patients.</p>"), scan.Envelope{},
			nil, []string{"LURE_ADULT"}},
		{"serverless app link", plain(`Banco <aviso@notifica-exemple.com.br>`, "Atualize seus dados", `<a href="https://atualiza-cadastro-8f2k1.southamerica-east1.run.app/login">Acessar</a>`), scan.Envelope{},
			[]string{"URL_FREE_HOSTING"}, nil},
		{"pseudo top-level domain", plain(`Casino <promo@quibusdam-exemple.com>`, "Bonus", `<a href="http://quibusdam.sa.com/4THGUE7346">Jetzt spielen</a>`), scan.Envelope{},
			[]string{"URL_ABUSED_TLD"}, nil},
		{"reply to another free mailbox", plain(`Dr.Kenneth <milllaanna111@gmail.com>`, "", "<p>Please let us know if your email is still active, it is very important to discuss the project with you.</p>", "Reply-To: dr.kennethm@outlook.com"), scan.Envelope{},
			[]string{"REPLYTO_FREEMAIL", "FROM_FREEMAIL"}, []string{"REPLYTO_OTHER_DOMAIN"}},
		{"authority on a free mailbox", plain(`NOTIFICAÇÃO JUDICIAL <refrabras@gmail.com>`, "Intimação para comparecimento em audiência", "<p>Compareça ao Tribunal da sua Região.</p>"), scan.Envelope{},
			[]string{"FREEMAIL_SERVICE_NAME"}, nil},
		{"quotation request with replies to a laboratory look-alike", plain(`Mike McDermott <carlpone2021@gmail.com>`, "Request for Quotation", "<p>We are pleased to invite your company to bid for our open tender for peripheral magnetic drive pumps.</p>", "Reply-To: order@pfizerservice-nv.com"), scan.Envelope{},
			[]string{"REPLYTO_BRAND_IN_DOMAIN"}, nil},
		{"get-rich-quick", plain(`Karen <ksimser@hopital-exemple.org>`, "AW", "<p>Do you know you can earn a six figure income from crypto trading? Passive income, guaranteed returns.</p>"), scan.Envelope{},
			[]string{"LURE_EASY_MONEY"}, nil},
		{"get-rich-quick in French", plain(`Conseiller <contact@patrimoine-exemple.fr>`, "Revenus garantis", "<p>Devenez riche : un revenu passif et des revenus garantis chaque mois.</p>"), scan.Envelope{},
			[]string{"LURE_EASY_MONEY"}, nil},
		{"QR-code phishing", plain(`Microsoft 365 <security@m365-verif-exemple.com>`, "Authentification requise", "<p>Votre authentification multifacteur expire. Scannez le code QR ci-dessous avec votre téléphone.</p><img src=\"cid:qr\" alt=\"\">"), scan.Envelope{},
			[]string{"LURE_QR_CODE", "BRAND_DISPLAY_NAME"}, nil},
		{"institutional funding vocabulary", plain(`ARS Exemple <financement@ars-exemple.sante.fr>`, "Fonds d'intervention régional : campagne 2024", "<p>Les crédits du fonds d'intervention régional, une donation au titre d'un héritage et la mission humanitaire de l'établissement bénéficiaire sont détaillés ci-joint. Consignment stock des dispositifs médicaux : voir l'annexe.</p>"), scan.Envelope{},
			nil, []string{"LURE_ADVANCE_FEE", "LURE_DOMINANT"}},
		{"signature with a phone number", plain(`Paul Leroy <p.leroy@fournisseur-exemple.fr>`, "Réunion de jeudi", "<p>Bonjour, je confirme notre réunion de jeudi. Le gagnant du concours interne sera annoncé, félicitations à l'équipe. Call us at +33 1 23 45 67 89.</p>"), scan.Envelope{},
			nil, []string{"LURE_CALLBACK", "LURE_PRIZE"}},
		{"replies to a typo-squatted domain", plain(`Service Achats <achats@fournisseur-exemple.fr>`, "Changement de coordonnées", "<p>Merci de répondre à cette adresse.</p>", "Reply-To: compta@micros0ft.com"), scan.Envelope{},
			[]string{"REPLYTO_LOOKALIKE_DOMAIN"}, nil},
		{"replies to a homoglyph domain", plain(`Service Achats <achats@fournisseur-exemple.fr>`, "Paiement", "<p>Merci de répondre à cette adresse.</p>", "Reply-To: billing@xn--pypal-4ve.com"), scan.Envelope{},
			[]string{"REPLYTO_HOMOGLYPH_DOMAIN"}, nil},
		{"fractional font size", plain(`Ettus user <someone@gmail.com>`, "Re: B210 clock", `<span style="font-size: 15.008000373840332px">Thanks, that fixed it.</span>`), scan.Envelope{},
			nil, []string{"HIDDEN_FAR_OFFSET", "HIDDEN_CONTENT"}},
		{"scam theme throughout", plain(`Mrs Helen <helen@mail-exemple.net>`, "Can you help me out", "<p>I am a widow dying of cancer and I want to donate my funds for humanitarian purposes. Please send me your next of kin details; keep this confidential.</p>"), scan.Envelope{},
			[]string{"LURE_ADVANCE_FEE"}, nil},
		{"display name is another domain", plain(`ssa.gov <SSA.gov@mg.vitumob-exemple.com>`, "Your New Social Security Statement is now available", "<p>Review your statement.</p>"), scan.Envelope{},
			[]string{"FROM_NAME_OTHER_DOMAIN"}, nil},
		{"display name is the sender's own domain", plain(`Blockchain.com <newsletter@email.blockchain.com>`, "Market update", "<p>News.</p>"), scan.Envelope{},
			nil, []string{"FROM_NAME_OTHER_DOMAIN"}},
		{"plain business mail", plain(`Service Comptable <compta@fournisseur-exemple.fr>`, "Devis pour la maintenance des chaudières", "<p>Bonjour Madame Martin,</p><p>Suite à notre échange, vous trouverez notre proposition pour la maintenance annuelle. Nous restons disponibles pour en discuter.</p><p>Bien cordialement,<br>Paul Leroy</p>"), scan.Envelope{},
			nil, []string{"BRAND_DISPLAY_NAME", "LURE_INVOICE", "SUBJECT_GIBBERISH", "LEET_OBFUSCATION", "HTML_FORM", "FROM_LOCAL_RANDOM", "BULK_NO_LIST_UNSUBSCRIBE"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := s.Scan(context.Background(), c.raw, c.env)
			for _, w := range c.want {
				if !v.Has(w) {
					t.Errorf("missing %s; got %v", w, names(v))
				}
			}
			for _, n := range c.not {
				if v.Has(n) {
					t.Errorf("unexpected %s; got %v", n, names(v))
				}
			}
		})
	}
}

// defaultScanner is the scanner of the default configuration.
func defaultScanner(t *testing.T) *scan.Scanner {
	t.Helper()
	cfg := config.Default()
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every signal a check can emit is in the catalogue with both languages.
func TestCatalogueComplete(t *testing.T) {
	for _, d := range defaultScanner(t).Catalogue.All() {
		if d.FR == "" || d.EN == "" || d.FR == d.EN {
			t.Errorf("%s: explanations missing or untranslated", d.Name)
		}
	}
}
