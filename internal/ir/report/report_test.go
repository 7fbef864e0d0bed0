package report_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/report"
	"vigie.dev/vigie/internal/store"
)

const phishFixture = "../../engine/testdata/chorus-pro-phish.eml"

var now = time.Date(2024, 3, 13, 10, 0, 0, 0, time.UTC)

// memSink stands in for the indicator store.
type memSink struct{ n int64 }

func (m *memSink) AddIndicator(_ context.Context, p incident.Push) (incident.PushResult, error) {
	m.n++
	exp := time.Time{}
	if p.Mode == "block" {
		exp = now.Add(7 * 24 * time.Hour)
	}
	return incident.PushResult{ID: m.n, Value: p.Value, ExpiresAt: exp}, nil
}

// campaignCase runs the reported Chorus Pro message through a real
// incident: opened, message attached, indicators blocked, one action done.
func campaignCase(t *testing.T) (incident.Case, []byte) {
	t.Helper()
	c, _ := campaignService(t)
	raw, err := os.ReadFile(phishFixture)
	if err != nil {
		t.Fatal(err)
	}
	return c, raw
}

// campaignService is campaignCase with the service, for the reports it
// produces and the changes that follow.
func campaignService(t *testing.T) (incident.Case, *incident.Service) {
	t.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile(phishFixture)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "vigie.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := config.Default()
	sc, err := engine.New(&cfg, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := evidence.Open(filepath.Join(t.TempDir(), "evidence"))
	clock := now.Add(-20 * time.Hour)
	svc, err := incident.New(incident.Options{Repo: db.Incidents(), Evidence: ev, Scanner: sc, Indicators: &memSink{},
		Renderer: report.Renderer{},
		Now:      func() time.Time { clock = clock.Add(time.Minute); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Open(ctx, incident.OpenRequest{Type: incident.PhishingCampaign, Title: "Campagne <Chorus Pro> | factures",
		Impact: incident.Medium, Urgency: incident.High, PersonalData: true, Assignee: "rssi@example-hopital.fr",
		Accounts: []string{"compta@example-hopital.fr"}, By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddEvidence(ctx, inc.ID, incident.EvidenceRequest{Name: "signalement.eml", Content: bytes.NewReader(raw), By: "alice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Block(ctx, inc.ID, incident.BlockRequest{All: true, By: "alice"}); err != nil {
		t.Fatal(err)
	}
	done := incident.Done
	if _, err := svc.Check(ctx, inc.ID, "C.4", incident.ItemChange{Status: &done}, "bob"); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Load(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c, svc
}

func TestARFParsesAsFeedbackReport(t *testing.T) {
	c, raw := campaignCase(t)
	var out bytes.Buffer
	err := report.ARF(&out, c, raw, c.Evidence[0].SHA256, report.ARFOptions{From: "abuse@example-hopital.fr",
		To: "abuse@hosting-ovh-example.com", ReportingMTA: "mx.example-hopital.fr"})
	if err != nil {
		t.Fatal(err)
	}
	ent, err := gomessage.Read(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := ent.Header.ContentType()
	if err != nil || mt != "multipart/report" || params["report-type"] != "feedback-report" {
		t.Fatalf("Content-Type %s %v %v", mt, params, err)
	}
	mr := ent.MultipartReader()
	var types []string
	var fields textproto.Header
	var original []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, _, _ := p.Header.ContentType()
		types = append(types, pt)
		body, _ := io.ReadAll(p.Body)
		switch pt {
		case "message/feedback-report":
			// RFC 5965 §3.1: the part body is a header block.
			fields, err = textproto.ReadHeader(bufioReader(append(body, "\r\n"...)))
			if err != nil {
				t.Fatalf("feedback-report fields: %v", err)
			}
		case "message/rfc822":
			original = body
		}
	}
	if strings.Join(types, ",") != "text/plain,message/feedback-report,message/rfc822" {
		t.Fatalf("parts %v", types)
	}
	for k, want := range map[string]string{
		"Feedback-Type": "fraud", "Version": "1", "User-Agent": "Vigie/1", "Source-IP": "203.0.113.45",
		"Original-Mail-From": "<www-data@srv4821.hosting-ovh-example.com>",
		"Reported-URI":       "https://chorus-pro-factures.weebly.com/consulter?id=88213",
		"Reporting-MTA":      "dns; mx.example-hopital.fr",
		"Original-Rcpt-To":   "<compta@example-hopital.fr>",
	} {
		if got := fields.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if fields.Get("Arrival-Date") == "" {
		t.Error("no Arrival-Date")
	}
	norm := func(b []byte) string { return strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") }
	if norm(original) != norm(raw) {
		t.Errorf("the original message was altered:\n%s", original)
	}
	if _, err := gomessage.Read(bytes.NewReader(original)); err != nil && !gomessage.IsUnknownCharset(err) {
		t.Errorf("embedded original does not parse: %v", err)
	}
	if err := report.ARF(io.Discard, c, raw, "", report.ARFOptions{}); err == nil {
		t.Error("ARF without addresses succeeded")
	}
}

func TestMarkdownAndHTML(t *testing.T) {
	c, _ := campaignCase(t)
	var md, html bytes.Buffer
	if err := report.Markdown(&md, c, now, "fr"); err != nil {
		t.Fatal(err)
	}
	if err := report.HTML(&html, c, now, "fr"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Incident 1", "incident majeur", "## Chronologie", "| P0 | C.1 |", "| C.4 |",
		"Preuve ajoutée", c.Evidence[0].SHA256, "Notifier la CNIL", "reste 2 j 4 h 01 min", "compta@example-hopital.fr",
		`Campagne &lt;Chorus Pro&gt; \| factures`, "chorus-pro-factures.weebly.com"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	h := html.String()
	for _, want := range []string{"<!DOCTYPE html>", "incident majeur", "Campagne &lt;Chorus Pro&gt; | factures",
		c.Evidence[0].SHA256, "Chronologie", " CET)", "Notify the CNIL"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// Self-contained: nothing fetched from elsewhere, nothing executed.
	for _, bad := range []string{"<script", "<link", "src=", "@import", "url("} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
}

func TestDeclarations(t *testing.T) {
	c, _ := campaignCase(t)
	aware := c.Incident.AwareAt
	get := func(ds []report.Declaration, id string) report.Declaration {
		for _, d := range ds {
			if d.ID == id {
				return d
			}
		}
		t.Fatalf("no declaration %s", id)
		return report.Declaration{}
	}
	cnil := get(report.Declarations(c, aware.Add(10*time.Hour)), "D.cnil")
	if !cnil.Deadline.Equal(aware.Add(72*time.Hour)) || cnil.Remaining != 62*time.Hour || cnil.Overdue {
		t.Errorf("CNIL at +10h: %+v", cnil)
	}
	if !strings.Contains(cnil.Due(), "reste 2 j 14 h 00 min") {
		t.Errorf("Due = %q", cnil.Due())
	}
	late := get(report.Declarations(c, aware.Add(80*time.Hour)), "D.cnil")
	if !late.Overdue || !strings.Contains(late.Due(), "DÉPASSÉE de 8 h 00 min") {
		t.Errorf("CNIL at +80h: %+v %s", late, late.Due())
	}
	c.Incident.PersonalData = false
	if d := get(report.Declarations(c, aware), "D.cnil"); d.Applies || !d.Deadline.IsZero() {
		t.Errorf("CNIL without personal data: %+v", d)
	}
	var out bytes.Buffer
	report.WriteDeclarations(&out, c, aware, "fr")
	for _, want := range []string{"ANSSI", "plainte", "assureur", "CNIL"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("declarations lack %s:\n%s", want, out.String())
		}
	}
}

func TestWarning(t *testing.T) {
	c, _ := campaignCase(t)
	var out bytes.Buffer
	if err := report.Warning(&out, c, report.WarningOptions{Contact: "poste 4242"}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"Facture en attente de traitement n° FA-2024-0318", "notification-choruspro-fr@abatos.fr",
		"chorus-pro-factures[.]weebly[.]com", "poste 4242", "ne cliquez sur aucun lien"} {
		if !strings.Contains(s, want) {
			t.Errorf("warning lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "https://chorus-pro-factures") {
		t.Error("the warning carries a clickable phishing link")
	}
	// The case title is internal: it never reaches the users.
	if strings.Contains(s, "Campagne") || strings.Contains(s, "Vous avez reçu un courriel frauduleux intitulé") {
		t.Errorf("the warning quotes the case title:\n%s", s)
	}
}
