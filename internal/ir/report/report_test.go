package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
	"github.com/santhosh-tekuri/jsonschema/v6"

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
		Now: func() time.Time { clock = clock.Add(time.Minute); return clock }})
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
	return c, raw
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

// TestSTIXValidates checks the bundle against the OASIS STIX 2.1 JSON
// schemas vendored in testdata/stix2.1 (BSD-3-Clause, see LICENSE there).
func TestSTIXValidates(t *testing.T) {
	c, _ := campaignCase(t)
	var out bytes.Buffer
	if err := report.STIX(&out, c, report.ShareOptions{Org: "CH Exemple"}); err != nil {
		t.Fatal(err)
	}
	comp := jsonschema.NewCompiler()
	root := filepath.Join("testdata", "stix2.1", "schemas")
	ids := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return err
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		rel, _ := filepath.Rel(root, path)
		ids[filepath.ToSlash(rel)] = id
		return comp.AddResource(id, doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	validate := func(schema string, v any) {
		t.Helper()
		sch, err := comp.Compile(ids[schema])
		if err != nil {
			t.Fatalf("compile %s: %v", schema, err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: %v", schema, err)
		}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	validate("common/bundle.json", doc)
	var bundle struct {
		Objects []map[string]any `json:"objects"`
	}
	json.Unmarshal(out.Bytes(), &bundle)
	var patterns []string
	for _, o := range bundle.Objects {
		obj, _ := jsonschema.UnmarshalJSON(strings.NewReader(mustJSON(t, o)))
		switch o["type"] {
		case "indicator":
			validate("sdos/indicator.json", obj)
			patterns = append(patterns, o["pattern"].(string))
		case "identity":
			validate("sdos/identity.json", obj)
		case "report":
			validate("sdos/report.json", obj)
		}
	}
	all := strings.Join(patterns, "\n")
	for _, want := range []string{
		"[url:value = 'https://chorus-pro-factures.weebly.com/consulter?id=88213']",
		"[domain-name:value = 'chorus-pro-factures.weebly.com']",
		"[ipv4-addr:value = '203.0.113.45']",
		"[email-addr:value = 'notification-choruspro-fr@abatos.fr']",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no pattern %s in\n%s", want, all)
		}
	}
	// Watched indicators (the sender domains) are shared for
	// correlation, not for blocking.
	if !strings.Contains(all, "'abatos.fr'") {
		t.Error("a watched indicator was not shared")
	}
	// The same case exported twice gives the same indicator ids.
	var again bytes.Buffer
	report.STIX(&again, c, report.ShareOptions{Org: "CH Exemple"})
	if again.String() != out.String() {
		t.Error("STIX export is not deterministic")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMISPEvent(t *testing.T) {
	c, _ := campaignCase(t)
	var out bytes.Buffer
	if err := report.MISP(&out, c, report.ShareOptions{Org: "CH Exemple"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Event map[string]any `json:"Event"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	ev := doc.Event
	// The fields the MISP core format says MUST be present.
	for _, k := range []string{"uuid", "id", "published", "info", "date", "timestamp", "publish_timestamp",
		"org_id", "orgc_id", "distribution", "threat_level_id", "analysis", "Orgc", "Attribute"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("event lacks %s", k)
		}
	}
	if ev["threat_level_id"] != "1" || ev["published"] != false || ev["date"] != "2024-03-12" {
		t.Errorf("event header %v %v %v", ev["threat_level_id"], ev["published"], ev["date"])
	}
	valid := map[string]string{"email-src": "Payload delivery", "ip-src": "Network activity", "hostname": "Network activity",
		"url": "Network activity", "domain": "Network activity", "sha256": "Payload delivery", "text": "Other"}
	attrs := ev["Attribute"].([]any)
	seenURL := false
	for _, a := range attrs {
		m := a.(map[string]any)
		for _, k := range []string{"uuid", "category", "type", "value", "to_ids", "event_id"} {
			if _, ok := m[k]; !ok {
				t.Errorf("attribute lacks %s: %v", k, m)
			}
		}
		if valid[m["type"].(string)] != m["category"] {
			t.Errorf("type %v not valid in category %v", m["type"], m["category"])
		}
		seenURL = seenURL || m["value"] == "https://chorus-pro-factures.weebly.com/consulter?id=88213"
	}
	if !seenURL {
		t.Error("phishing URL missing from the MISP event")
	}
}

func TestMarkdownAndHTML(t *testing.T) {
	c, _ := campaignCase(t)
	var md, html bytes.Buffer
	if err := report.Markdown(&md, c, now); err != nil {
		t.Fatal(err)
	}
	if err := report.HTML(&html, c, now); err != nil {
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
	report.WriteDeclarations(&out, c, aware)
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
}
