package engine

import (
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// The professional press, official alerts and sector newsletters a
// hospital's or public body's staff subscribe to (testdata/veille/README.md,
// each shape with its source): the health and local-government press, the
// official journal's and the registries' alerts, the health agencies'
// newsletters and safety alerts, the CERT-FR's advisories and the
// Cybermalveillance letter, which quote phishing lures and say "mettez à
// jour", the public-sector software vendors' maintenance notices, webinar
// invitations and the training bodies' mail. Each is accepted behind the
// hospital's trusted MX with hospitalMargin to spare, and under the
// evaluation's trust (TestMustAcceptFixturesUnderEvalTrust).
func TestProfessionalWatchMailIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/veille/*.eml", 30)
}

// TestProfessionalWatchTwinsAreFlagged: the phishing copies of the kind
// (testdata/veille/README.md) — a fake CNIL "mise en conformité RGPD
// obligatoire" charging a fee, a fake ANSSI NIS 2 registration asking for
// the mailbox password, a fake DGS-Urgent behind a sign-in page, the IT
// service's spoofed "alerte hameçonnage" quoting a lure before its own
// call — are flagged behind the hospital's trusted MX and under the
// evaluation's trust. The fake webinar registration, the fake CERT-FR
// alert and the fake victims' refund still accepted are in
// testdata/veille/gaps/, with why.
func TestProfessionalWatchTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/veille/twins/*.eml", 5)
}

// The words a warning about fraud quotes are reported speech
// (internal/checks/lure/reported.go): the CERT-FR's bulletin describing a
// campaign's « votre boîte aux lettres a atteint sa limite de stockage »
// and the CERT Santé's plain-text bulletin quoting "Votre boîte de
// réception est pleine" raise no lure of their own under the evaluation's
// trust, while the phishing that quotes the same kind of lure inside its
// own "alerte hameçonnage" and then asks to sign in through its link keeps
// every phrase and stays quarantined.
func TestReportedLuresAreNotTheSendersOwn(t *testing.T) {
	s := newScanner(t, evalTrustConfig(t))
	for _, f := range []string{"certfr-actualite-hameconnage-messagerie.eml", "cert-sante-bulletin-hebdo-campagne-hameconnage-guillemets-droits.eml"} {
		warning := scanLogged(t, s, "testdata/veille/"+f)
		for _, n := range names(warning) {
			if strings.HasPrefix(n, "LURE_") {
				t.Errorf("%s: %s (%.2f) %s", f, n, warning.Score, weighted(warning))
			}
		}
	}
	for _, f := range []string{"faux-service-informatique-alerte-hameconnage-cite-le-leurre.eml", "faux-cert-sante-alerte-cite-le-leurre-guillemets-droits-lien.eml"} {
		twin := scanLogged(t, s, "testdata/veille/twins/"+f)
		if twin.Action != scan.Quarantine && twin.Action != scan.Reject || !slices.Contains(names(twin), "LURE_PASSWORD_EXPIRY") {
			t.Errorf("%s: %s (%.2f) %s", f, twin.Action, twin.Score, weighted(twin))
		}
	}
}

// TestReportedQuotesNeedAWarningsSender: the reported-quotation spare reads
// only text, which the phisher writes. His twin of the "storage limit"
// notice puts the whole lure between guillemets under "Prévention
// hameçonnage", and the link's text says no word of a call ("Valider mon
// quota"): every rule of reportedQuotes holds, and the spare turned his
// quarantined notice (7.04 behind the MX, 9.54 under the evaluation's
// trust) into an accept (1.50). From his own domain, with its own SPF,
// DKIM and DMARC passing, or forging a gouv.fr sender the MX fails, his
// quotations count, and he stays quarantined with the mailbox phrase.
func TestReportedQuotesNeedAWarningsSender(t *testing.T) {
	twin := func(from, results string) []byte {
		return []byte(crlf(
			"Return-Path: <"+from+">",
			results+
				"Received: from mail.securite-messagerie-exemple.com (mail.securite-messagerie-exemple.com [203.0.113.176])",
			"\tby mx.chu-exemple.fr (Postfix) with ESMTPS id 45A536BF16D2",
			"\tfor <c.lemaire@chu-exemple.fr>; Mon, 14 Dec 2026 07:20:04 +0100 (CET)",
			"From: Service informatique <"+from+">",
			"To: c.lemaire@chu-exemple.fr",
			"Subject: Messagerie : avis de prevention",
			"Date: Mon, 14 Dec 2026 07:20:00 +0100",
			"Message-ID: <ddb90b18ce2cbd3f.44bf5dc5@securite-messagerie-exemple.com>",
			"MIME-Version: 1.0",
			"Content-Type: text/html; charset=utf-8",
			"Content-Transfer-Encoding: 8bit",
			"",
			"<html><body><p>Bonjour,</p>",
			"<p>Prévention hameçonnage : le service informatique vous transmet l'avis suivant. « Votre boîte aux lettres a atteint sa limite de stockage. Votre mot de passe expire aujourd'hui. Votre compte sera suspendu sous 24 heures. »</p>",
			`<p><a href="https://securite-messagerie-exemple.com/owa/quota?u=c.lemaire">Valider mon quota</a></p>`,
			"<p>Service informatique</p></body></html>"))
	}
	own := twin("alerte@securite-messagerie-exemple.com",
		"Authentication-Results: mx.chu-exemple.fr; dkim=pass header.d=securite-messagerie-exemple.com header.s=s1\r\n"+
			"Authentication-Results: mx.chu-exemple.fr; spf=pass smtp.mailfrom=securite-messagerie-exemple.com\r\n"+
			"Authentication-Results: mx.chu-exemple.fr; dmarc=pass (p=none dis=none) header.from=securite-messagerie-exemple.com\r\n")
	forged := twin("alerte@cybermalveillance.gouv.fr",
		"Authentication-Results: mx.chu-exemple.fr; dkim=none (message not signed)\r\n"+
			"Authentication-Results: mx.chu-exemple.fr; spf=fail smtp.mailfrom=cybermalveillance.gouv.fr\r\n"+
			"Authentication-Results: mx.chu-exemple.fr; dmarc=fail (p=reject dis=none) header.from=cybermalveillance.gouv.fr\r\n")
	for _, c := range []struct {
		name string
		s    *scan.Scanner
		raws map[string][]byte
	}{
		{"hospital", hospitalConfig(t), map[string][]byte{"own domain": own, "forged gouv.fr": forged}},
		{"eval-corpus trust", newScanner(t, evalTrustConfig(t)), map[string][]byte{"own domain": own}},
	} {
		for name, raw := range c.raws {
			v := c.s.Scan(t.Context(), raw, scan.Envelope{})
			if v.Action != scan.Quarantine && v.Action != scan.Reject || !slices.Contains(names(v), "LURE_PASSWORD_EXPIRY") {
				t.Errorf("%s, %s: %s (%.2f) %s", c.name, name, v.Action, v.Score, weighted(v))
			}
		}
	}
}
