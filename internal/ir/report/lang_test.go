package report_test

import (
	"context"
	"mime"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/report"
	"vigie.dev/vigie/internal/posture"
)

// TestDocumentsInBothLanguages produces every document written for people
// through the one service, in French (the default) and with Lang "en":
// each language has its own words, and the English one carries none of
// the French document's own text (what it quotes from the case — the
// title, the main courante — stays as written).
func TestDocumentsInBothLanguages(t *testing.T) {
	c, svc := campaignService(t)
	ctx := context.Background()
	type words struct{ fr, en []string }
	cases := map[string]words{
		"md": {
			fr: []string{"| Gravité | **incident majeur** (major incident) — périmètre restreint", "## Déclarations", "## Chronologie (main courante)",
				"Notifier la CNIL (violation de données personnelles)** : échéance", "| fait |", "_Rapport produit par Vigie le"},
			en: []string{"| Severity | **major incident** — perimeter limited, impact moderate, urgency high", "## Notifications",
				"## Timeline (incident log)", "Notify the CNIL (personal-data breach)**: deadline", " left: ", "| done |",
				"Identify and block", "_Report produced by Vigie on"},
		},
		"html": {
			fr: []string{`<html lang="fr">`, "<th>Prise de connaissance</th>", "<h2>Preuves</h2>", "— campagne d&#39;hameçonnage, ouvert"},
			en: []string{`<html lang="en">`, "<th>Aware since</th>", "<h2>Evidence</h2>", "phishing campaign, open", "<th>Hash</th>"},
		},
		"declarations": {
			fr: []string{"Déclarations — incident 1", "[à faire] Notifier la CNIL", "Dans les 72 heures", "reste 2 j"},
			en: []string{"Notifications — incident 1", "[todo] Notify the CNIL (personal-data breach)", "Within 72 hours of becoming aware",
				"left: 2 d", "[todo] File a police complaint"},
		},
		"health-report": {
			fr: []string{"DÉCLARATION D'INCIDENT", "N° FINESS :", "à renseigner", "notification CNIL avant le"},
			en: []string{"INFORMATION SYSTEM SECURITY INCIDENT REPORT — HEALTH ESTABLISHMENT", "FINESS number:", "to be filled in",
				"possible — CNIL notification before", "Measures taken:", "C.4 Identify and block", "phishing campaign"},
		},
		"contacts": {
			fr: []string{"Annexe Contacts", "Violation de données personnelles : notification dans les 72 h"},
			en: []string{"Personal-data breach: notification within 72 h", "Police or gendarmerie (complaint)"},
		},
		"warning":                {fr: []string{"Objet : [Alerte sécurité]"}, en: []string{"Subject: [Security alert]"}},
		"warning-correspondents": {fr: []string{"Destinataires (0)"}, en: []string{"Recipients (0)", "The mailbox compta@example-hopital.fr"}},
		"accounting-alert":       {fr: []string{"vérifier RIB et paiements"}, en: []string{"check bank details and payments"}},
	}
	for format, w := range cases {
		for _, lang := range []string{"", "en"} {
			doc, err := svc.Report(ctx, c.Incident.ID, incident.ReportRequest{Format: format, Lang: lang, By: "alice",
				Account: "compta@example-hopital.fr"})
			if err != nil {
				t.Fatalf("%s %q: %v", format, lang, err)
			}
			want, not := w.fr, w.en
			if lang == "en" {
				want, not = w.en, w.fr
			}
			for _, s := range want {
				if !strings.Contains(string(doc.Data), s) {
					t.Errorf("%s lang %q lacks %q:\n%s", format, lang, s, doc.Data)
				}
			}
			for _, s := range not {
				if strings.Contains(string(doc.Data), s) {
					t.Errorf("%s lang %q contains the other language's %q", format, lang, s)
				}
			}
			if label := map[string]string{"": doc.LabelFR, "en": doc.Label}[lang]; doc.Label != label {
				t.Errorf("%s lang %q: label %q", format, lang, doc.Label)
			}
		}
	}
	// The production is journaled in French whatever the document's
	// language: the main courante is one record.
	got, _ := svc.Load(ctx, c.Incident.ID)
	if last := got.Journal[len(got.Journal)-1].Text; !strings.HasPrefix(last, "Production : ") {
		t.Errorf("journal: %s", last)
	}
}

// TestEnglishReportHasNoFrenchFrame renders the Markdown and HTML reports
// in English and looks for the French words of their frame.
func TestEnglishReportHasNoFrenchFrame(t *testing.T) {
	c, _ := campaignCase(t)
	for i := range c.Journal { // the main courante is quoted as written
		c.Journal[i].Text = "…"
	}
	for _, render := range []func(*strings.Builder) error{
		func(b *strings.Builder) error { return report.Markdown(b, c, now, "en") },
		func(b *strings.Builder) error { return report.HTML(b, c, now, "en") },
	} {
		var b strings.Builder
		if err := render(&b); err != nil {
			t.Fatal(err)
		}
		for _, fr := range []string{"Gravité", "Prise de connaissance", "Responsable", "Chronologie", "Déclarations", "Rapport produit",
			"périmètre", "urgence", "à faire", "proposé", "échéance", "reste ", "entrées", "Ajouté par", "Ouvert"} {
			if strings.Contains(b.String(), fr) {
				t.Errorf("English report contains %q", fr)
			}
		}
	}
}

// TestPassageInEnglish: the "why it got through" section follows the
// report's language, the changes included.
func TestPassageInEnglish(t *testing.T) {
	c, _ := campaignCase(t)
	p := &posture.Passage{QuarantineAt: 8, Messages: []posture.Verdict{{Subject: "Facture", From: "x@example.org", Action: "tag", Score: 5}},
		Changes: []posture.Change{{FR: "Abaisser le seuil", EN: "Lower the threshold", Source: "verdict"}}}
	rd := report.Renderer{}
	for lang, want := range map[string][]string{
		"":   {"## Pourquoi le message est passé", "distribué avec avertissement", "Abaisser le seuil"},
		"en": {"## Why the message got through", "delivered with a warning", "Lower the threshold", "What to change:"},
	} {
		doc, err := rd.Render(incident.ReportInput{Case: c, Request: incident.ReportRequest{Format: "md", Lang: lang}, Passage: p})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range want {
			if !strings.Contains(string(doc.Data), s) {
				t.Errorf("lang %q lacks %q:\n%s", lang, s, doc.Data)
			}
		}
	}
}

// TestAbuseReportsAndSharingInEnglish: the abuse reports explain in
// French then English by default (an abuse desk may be anywhere), in
// English only with Lang "en"; the shared events' comments follow Lang.
func TestAbuseReportsAndSharingInEnglish(t *testing.T) {
	c, svc := watchedCase(t)
	ctx := context.Background()
	for _, tc := range []struct {
		format, lang string
		want, not    []string
	}{
		{"arf", "", []string{"Subject: Signalement d'abus / Abuse report: ", "Le message ci-joint", "Hello,"}, nil},
		{"arf", "en", []string{"Subject: Abuse report: ", "Hello,"}, []string{"Le message ci-joint", "Signalement"}},
		{"xarf", "", []string{"Message d'hameçonnage signalé"}, nil},
		{"xarf", "en", []string{`"reported phishing message, full headers"`}, []string{"hameçonnage"}},
		{"misp", "", []string{"surveillé, ne pas bloquer sans vérification"}, nil},
		{"misp", "en", []string{"watched, do not block without checking"}, []string{"surveillé"}},
		{"stix", "en", []string{`"Incident 1: `}, []string{`"Incident 1 : `}},
	} {
		doc, err := svc.Report(ctx, c.Incident.ID, incident.ReportRequest{Format: tc.format, Lang: tc.lang, By: "alice",
			From: "abuse@example-hopital.fr", To: "abuse@hosting.example", Org: "Hôpital exemple"})
		if err != nil {
			t.Fatalf("%s %q: %v", tc.format, tc.lang, err)
		}
		s := string(doc.Data)
		if tc.format == "arf" { // the explanation is quoted-printable
			s = strings.NewReplacer("=\r\n", "", "=C3=A7", "ç", "=C3=A9", "é").Replace(s)
			if i := strings.Index(s, "Subject: "); i >= 0 {
				line, _, _ := strings.Cut(s[i+len("Subject: "):], "\r\n")
				subject, _ := new(mime.WordDecoder).DecodeHeader(line)
				s += "\nSubject: " + subject
			}
		}
		for _, w := range tc.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s %q lacks %q", tc.format, tc.lang, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(s, w) {
				t.Errorf("%s %q contains %q", tc.format, tc.lang, w)
			}
		}
	}
}
