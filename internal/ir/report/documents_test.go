package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/report"
)

// TestDocumentsFromTheService produces every format through the one
// service and checks each is journaled with its hash.
func TestDocumentsFromTheService(t *testing.T) {
	c, svc := campaignService(t)
	ctx := context.Background()
	want := map[string][]string{
		"health-report": {"ÉTABLISSEMENT DE SANTÉ", "signalement.social-sante.gouv.fr", "N° FINESS", "à renseigner",
			"notification CNIL avant le", "hxxps://chorus-pro-factures[.]weebly[.]com", "C.4 Identifier et bloquer le lien piégé"},
		"contacts":         {"CERT Santé", "ARS", "CNIL", "Assureur", "Police ou gendarmerie", "72 h"},
		"accounting-alert": {"Chorus Pro", "RIB", "chorus-pro-factures[.]weebly[.]com", "chorus-pro.gouv.fr", "numéro déjà connu"},
		"phishtank":        {"url,first_seen,target,incident", "https://chorus-pro-factures.weebly.com/consulter?id=88213,"},
		"signal-spam":      {"From www-data@srv4821.hosting-ovh-example.com ", "Subject: =?UTF-8?Q?Facture", "X-PHP-Originating-Script"},
		"declarations":     {"CERT Santé", "CNIL"},
	}
	for format, subs := range want {
		doc, err := svc.Report(ctx, c.Incident.ID, incident.ReportRequest{Format: format, Target: "Chorus Pro", By: "alice"})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		for _, s := range subs {
			if !strings.Contains(string(doc.Data), s) {
				t.Errorf("%s lacks %q:\n%s", format, s, doc.Data)
			}
		}
		if strings.Contains(string(doc.Data), "https://chorus-pro-factures") && format != "phishtank" && format != "signal-spam" {
			t.Errorf("%s carries a clickable phishing link", format)
		}
	}
	got, _ := svc.Load(ctx, c.Incident.ID)
	last := got.Journal[len(got.Journal)-1].Text
	if !strings.HasPrefix(last, "Production : ") || !strings.Contains(last, "SHA-256") {
		t.Errorf("report production not journaled with its hash: %s", last)
	}
	// An unknown format is refused in French, with the list.
	if _, err := svc.Report(ctx, c.Incident.ID, incident.ReportRequest{Format: "pdf", By: "alice"}); err == nil ||
		!strings.Contains(incident.Message(err, "fr"), "format de rapport") {
		t.Errorf("unknown format: %v", err)
	}
}

// TestSignalSpamQuotesFromLines keeps the mbox readable: a body line that
// starts with "From " is quoted.
func TestSignalSpamQuotesFromLines(t *testing.T) {
	raw := []byte("From: a@example.org\r\nSubject: x\r\n\r\nFrom here on\r\n>From there\r\n")
	var out bytes.Buffer
	if err := report.SignalSpam(&out, []incident.ReportedMessage{{Raw: raw}}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.HasPrefix(s, "From MAILER-DAEMON ") || !strings.Contains(s, "\n>From here on\n") || !strings.Contains(s, "\n>>From there\n") {
		t.Errorf("mbox:\n%s", s)
	}
}

// TestCorrespondentWarning is the InterCERT 4.b message: it names the
// compromised account and never the case title nor a campaign subject.
func TestCorrespondentWarning(t *testing.T) {
	c, _ := campaignCase(t)
	var out bytes.Buffer
	err := report.CorrespondentWarning(&out, c, "compta@example-hopital.fr",
		[]string{"fournisseur@example.com", "rh@example-hopital.fr"}, c.Incident.AwareAt, report.WarningOptions{Contact: "poste 4242"})
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"Destinataires (2) : fournisseur@example.com, rh@example-hopital.fr",
		"Le compte de messagerie compta@example-hopital.fr", "ne répondez pas", "poste 4242", "coordonnées bancaires"} {
		if !strings.Contains(s, want) {
			t.Errorf("lacks %q:\n%s", want, s)
		}
	}
	for _, bad := range []string{"Campagne", "Vous avez reçu un courriel frauduleux intitulé", "Facture en attente"} {
		if strings.Contains(s, bad) {
			t.Errorf("contains %q:\n%s", bad, s)
		}
	}
	out.Reset()
	report.CorrespondentWarning(&out, c, "compta@example-hopital.fr", nil, c.Incident.AwareAt, report.WarningOptions{Lang: "en"})
	if !strings.Contains(out.String(), "The mailbox compta@example-hopital.fr") {
		t.Errorf("English warning:\n%s", out.String())
	}
}

// TestWarningNeutralisesSubject puts an attacker's Subject with a line
// break and an escape into the warning: it stays on one inert line.
func TestWarningNeutralisesSubject(t *testing.T) {
	c, _ := campaignCase(t)
	c.Evidence[0].Subject = "Facture\r\nBcc: tous@example-hopital.fr\x1b[2J"
	var out bytes.Buffer
	report.Warning(&out, c, report.WarningOptions{})
	s := out.String()
	if strings.Contains(s, "\nBcc:") || strings.Contains(s, "\x1b") {
		t.Errorf("subject not neutralised:\n%q", s)
	}
}
