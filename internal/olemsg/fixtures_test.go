package olemsg

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

var update = flag.Bool("update", false, "rewrite testdata/*.msg from the fixtures below")

// cp1252 encodes a string in Windows-1252, as Outlook stores PT_STRING8
// properties in western Europe.
func cp1252(s string) string {
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return b
}

var (
	phishDate    = time.Date(2026, 11, 3, 8, 42, 17, 0, time.UTC)
	supplierDate = time.Date(2026, 11, 4, 9, 15, 2, 0, time.UTC)
)

// phishSpec is a French credential phish imitating a SharePoint share,
// saved by Outlook without its transport headers (the properties give
// its sender, recipients, subject and date).
var phishSpec = msgSpec{
	props: []prop{
		{id: propSubject, val: "Claire Moreau a partagé « Bon de commande 2026-114.pdf » avec vous"},
		{id: propSentRepName, val: "Microsoft SharePoint"},
		{id: propSentRepSMTPAddress, val: "no-reply@sharepoint-fichiers-exemple.com"},
		{id: propSenderName, val: "Microsoft SharePoint"},
		{id: propSenderSMTPAddress, val: "no-reply@sharepoint-fichiers-exemple.com"},
		{id: propClientSubmitTime, val: phishDate},
		{id: propDeliveryTime, val: phishDate.Add(3 * time.Second)},
		{id: propDisplayTo, val: "Service achats"},
		{id: propInternetMessageID, val: "<20261103084217.51QX@sharepoint-fichiers-exemple.com>"},
		{id: propInternetCodepage, val: 65001},
		{id: propBody, val: "Claire Moreau a partagé un fichier avec vous.\r\n\r\nBon de commande 2026-114.pdf\r\n\r\n" +
			"Ce lien expire dans 24 heures. Connectez-vous avec votre adresse et votre mot de passe Microsoft 365 pour consulter le document.\r\n\r\n" +
			"Ouvrir le document <https://partage-fichiers-exemple.web.app/connexion/index.html>\r\n"},
		{id: propHTML, val: []byte(`<html><body style="font-family:Segoe UI,Arial">` +
			`<p><img src="https://partage-fichiers-exemple.web.app/logo-ms.png" alt="Microsoft" width="108"></p>` +
			`<p>Claire Moreau a partagé un fichier avec vous.</p><p><b>Bon de commande 2026-114.pdf</b></p>` +
			`<p>Ce lien expire dans 24 heures. Connectez-vous avec votre adresse et votre mot de passe Microsoft 365 pour consulter le document.</p>` +
			`<p><a href="https://partage-fichiers-exemple.web.app/connexion/index.html" style="background:#0078d4;color:#fff;padding:8px 16px">Ouvrir le document</a></p>` +
			`<p style="font-size:11px;color:#666">Microsoft Corporation, One Microsoft Way, Redmond, WA 98052</p></body></html>`)},
	},
	recips: [][]prop{{
		{id: propDisplayName, val: "Service achats"},
		{id: propSMTPAddress, val: "achats@chu-exemple.fr"},
		{id: propRecipientType, val: recipientTo},
	}},
}

// supplierHeaders are the transport headers of the supplier's notice.
const supplierHeaders = "Received: from mail.transports-bernard-exemple.fr (mail.transports-bernard-exemple.fr [198.51.100.140])\r\n" +
	"\tby mx.chu-exemple.fr (Postfix) with ESMTPS id 4QZt1\r\n\tfor <comptabilite@chu-exemple.fr>; Wed, 4 Nov 2026 10:15:04 +0100 (CET)\r\n" +
	"From: Transports Bernard - Facturation <facturation@transports-bernard-exemple.fr>\r\n" +
	"To: comptabilite@chu-exemple.fr\r\n" +
	"Subject: =?iso-8859-1?q?Facture_FA-2026-0412_-_livraison_du_28_octobre_=E0_l=27h=F4pital?=\r\n" +
	"Date: Wed, 4 Nov 2026 10:15:02 +0100\r\n" +
	"Message-ID: <fa-2026-0412.1730711702@transports-bernard-exemple.fr>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"----=_Part_88_1\"\r\n\r\n"

// supplierSpec is a genuine supplier notice with an invoice, received by
// Outlook (its transport headers kept), its strings in Windows-1252.
var supplierSpec = msgSpec{
	props: []prop{
		{id: propTransportHeaders, val: supplierHeaders},
		{id: propSubject, typ: typeString8, val: cp1252("Facture FA-2026-0412 - livraison du 28 octobre à l'hôpital")},
		{id: propSenderName, typ: typeString8, val: "Transports Bernard - Facturation"},
		{id: propSenderEmail, typ: typeString8, val: "facturation@transports-bernard-exemple.fr"},
		{id: propDeliveryTime, val: supplierDate},
		{id: propMessageCodepage, val: 1252},
		{id: propBody, typ: typeString8, val: cp1252("Bonjour,\r\n\r\nVeuillez trouver ci-joint notre facture FA-2026-0412 " +
			"pour la livraison du 28 octobre au service logistique (bon de livraison BL-7781).\r\n" +
			"Règlement à 30 jours par virement, selon les conditions du marché n° 2025-017.\r\n\r\n" +
			"Cordialement,\r\nService facturation\r\nTransports Bernard\r\n12 rue des Entrepôts, 69007 Lyon\r\n")},
	},
	recips: [][]prop{{
		{id: propDisplayName, val: "Comptabilité"},
		{id: propEmailAddress, val: "comptabilite@chu-exemple.fr"},
		{id: propRecipientType, val: recipientTo},
	}},
	attachs: []attachSpec{{props: []prop{
		{id: propAttachLongFilename, val: "FA-2026-0412.pdf"},
		{id: propAttachFilename, val: "FA-202~1.PDF"},
		{id: propAttachMimeTag, val: "application/pdf"},
		{id: propAttachData, val: []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")},
	}}},
}

// forwardSpec is a colleague's message carrying the phish as an embedded
// message (Outlook's "forward as attachment").
var forwardSpec = msgSpec{
	props: []prop{
		{id: propSubject, val: "TR: document à signer ?"},
		{id: propSenderName, val: "Paul Lefèvre"},
		{id: propSenderSMTPAddress, val: "paul.lefevre@chu-exemple.fr"},
		{id: propClientSubmitTime, val: phishDate.Add(time.Hour)},
		{id: propBody, val: "Bonjour,\r\nj'ai reçu ceci ce matin, est-ce fiable ?\r\nPaul\r\n"},
	},
	attachs: []attachSpec{{
		props:    []prop{{id: propDisplayName, val: "Claire Moreau a partagé un fichier"}, {id: 0x3705, val: 5}},
		embedded: &phishSpec,
	}},
}

// rtfSpec keeps its body only as compressed RTF, which does not read
// (its CRC is wrong).
var rtfSpec = msgSpec{
	props: []prop{
		{id: propSubject, val: "Compte rendu de réunion"},
		{id: propSenderName, val: "Anne Roux"},
		{id: propSenderSMTPAddress, val: "anne.roux@chu-exemple.fr"},
		{id: propRTFCompressed, val: append([]byte{0x20, 0, 0, 0, 0x14, 0, 0, 0, 'L', 'Z', 'F', 'u', 0, 0, 0, 0}, []byte("{\\rtf1 ...}")...)},
	},
}

// rtfPhishHTML is the HTML of rtfPhishSpec as Outlook encapsulates it in
// RTF ([MS-OXRTFEX]): tags in \*\htmltag groups, RTF-only formatting in
// \htmlrtf runs, accents as \'hh in code page 1252.
const rtfPhishHTML = `{\rtf1\ansi\ansicpg1252\fromhtml1 \fbidis \deff0{\fonttbl{\f0\fswiss Arial;}}{\colortbl\red0\green0\blue0;\red0\green0\blue255;}` + "\r\n" +
	`{\*\htmltag19 <html>}{\*\htmltag34 <body>}\htmlrtf \f0\fs20 \htmlrtf0 {\*\htmltag64 <p>}Votre mot de passe Microsoft 365 expire aujourd'hui.{\*\htmltag72 </p>}\htmlrtf \par \htmlrtf0 ` + "\r\n" +
	`{\*\htmltag64 <p>}Conservez votre mot de passe actuel en v\'e9rifiant votre compte\~:{\*\htmltag72 </p>}\htmlrtf \par \htmlrtf0 ` + "\r\n" +
	`{\*\htmltag84 <a href="https://m365-verification-exemple.weebly.com/connexion">}\htmlrtf {\field{\*\fldinst{HYPERLINK "https://m365-verification-exemple.weebly.com/connexion"}}{\fldrslt\cf1\ul \htmlrtf0 Conserver mon mot de passe\htmlrtf }}\htmlrtf0 {\*\htmltag92 </a>}` + "\r\n" +
	`{\*\htmltag58 </body>}{\*\htmltag27 </html>}}`

// rtfPhishSpec is a password-expiry phish whose HTML Outlook kept only in
// compressed RTF (no PR_HTML): the link is only there.
var rtfPhishSpec = msgSpec{
	props: []prop{
		{id: propSubject, val: "Votre mot de passe expire aujourd'hui"},
		{id: propSenderName, val: "Support Microsoft 365"},
		{id: propSenderSMTPAddress, val: "support@microsoft365-securite-exemple.com"},
		{id: propClientSubmitTime, val: phishDate},
		{id: propBody, val: "Votre mot de passe Microsoft 365 expire aujourd'hui.\r\n\r\nConservez votre mot de passe actuel en vérifiant votre compte :\r\n\r\nConserver mon mot de passe\r\n"},
		{id: propRTFCompressed, val: compressRTFLiterals([]byte(rtfPhishHTML))},
	},
	recips: phishSpec.recips,
}

// signedEntity06 is the multipart/signed entity of signedSpec, as Outlook
// keeps it in the message's one attachment; the signature is a
// placeholder (nothing here checks it).
const signedEntity06 = "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"----=_sig_7Q2\"\r\n\r\n" +
	"This is a cryptographically signed message in MIME format.\r\n\r\n" +
	"------=_sig_7Q2\r\nContent-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
	"Bonjour,\r\n\r\nLe résultat d'analyse du lot 2026-118 est disponible sur le portail du laboratoire.\r\n" +
	"Pour toute question : biologie@laboratoire-exemple.fr\r\n\r\nLaboratoire Durand\r\n\r\n" +
	"------=_sig_7Q2\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAA==\r\n\r\n" +
	"------=_sig_7Q2--\r\n"

// signedSpec is a laboratory's clear-signed notice (S/MIME), received:
// Outlook keeps the signed MIME entity as the message's one attachment
// ([MS-OXOSMIME]).
var signedSpec = msgSpec{
	props: []prop{
		{id: propMessageClass, val: "IPM.Note.SMIME.MultipartSigned"},
		{id: propTransportHeaders, val: "From: Laboratoire Durand <resultats@laboratoire-exemple.fr>\r\nTo: biologie@chu-exemple.fr\r\n" +
			"Subject: =?utf-8?q?R=C3=A9sultats_du_lot_2026-118?=\r\nDate: Thu, 5 Nov 2026 14:02:11 +0100\r\n" +
			"Message-ID: <lot-2026-118@laboratoire-exemple.fr>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"----=_sig_7Q2\"\r\n\r\n"},
		{id: propSubject, val: "Résultats du lot 2026-118"},
		{id: propSenderName, val: "Laboratoire Durand"},
		{id: propSenderSMTPAddress, val: "resultats@laboratoire-exemple.fr"},
		{id: propBody, val: "Bonjour,\r\n\r\nLe résultat d'analyse du lot 2026-118 est disponible sur le portail du laboratoire.\r\n"},
	},
	attachs: []attachSpec{{props: []prop{
		{id: propAttachFilename, val: "smime.p7m"},
		{id: propAttachMimeTag, val: "multipart/signed"},
		{id: propAttachData, val: []byte(signedEntity06)},
	}}},
}

// exeSpec is an "invoice" whose attachment is a program disguised by a
// double extension (a few bytes of text starting with MZ, as the
// selftest's): the malicious element mx_sec_conf says is sent inside an
// attached message.
var exeSpec = msgSpec{
	props: []prop{
		{id: propSubject, val: "Facture 2026-1187"},
		{id: propSenderName, val: "Service facturation"},
		{id: propSenderSMTPAddress, val: "facturation@fournisseur-exemple.fr"},
		{id: propClientSubmitTime, val: supplierDate},
		{id: propBody, val: "Bonjour, ci-joint la facture 2026-1187.\r\n"},
	},
	recips: supplierSpec.recips,
	attachs: []attachSpec{{props: []prop{
		{id: propAttachLongFilename, val: "facture_2026-1187.pdf.exe"},
		{id: propAttachData, val: []byte("MZ selftest: not a real program")},
	}}},
}

// fixtures are the generated testdata files.
var fixtures = []struct {
	file string
	spec msgSpec
}{
	{"01-sharepoint-credential-phish.msg", phishSpec},
	{"02-supplier-invoice-notice.msg", supplierSpec},
	{"03-colleague-forwarding-the-phish-as-attachment.msg", forwardSpec},
	{"04-body-only-in-compressed-rtf.msg", rtfSpec},
	{"05-password-phish-html-only-in-rtf.msg", rtfPhishSpec},
	{"06-signed-laboratory-notice.msg", signedSpec},
	{"07-invoice-with-a-disguised-program.msg", exeSpec},
}

// TestFixturesUpToDate checks testdata/*.msg against the generator:
// go test ./internal/olemsg -run TestFixturesUpToDate -update rewrites
// them.
func TestFixturesUpToDate(t *testing.T) {
	for _, f := range fixtures {
		path := filepath.Join("testdata", f.file)
		want := writeMsg(f.spec)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what the generator writes: run with -update", path)
		}
	}
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
