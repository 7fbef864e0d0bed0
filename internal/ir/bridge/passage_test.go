package bridge_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/posture"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/trace"
)

// The incident report says why the campaign got through: the delivered
// message's verdict from the trace, the latest audit's findings that bear
// on it, the selftest category that failed, and what to change.
func TestReportExplainsPassage(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Org.Domains = []string{"chu-exemple.fr"}
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(cfg.DataDir, "vigie.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tl := trace.Open(db.Trace(), nil)
	defer tl.Close()
	tl.Add(trace.Record{At: time.Now().UTC(), Frontend: "milter", MailFrom: "finance@attaquant.example",
		From: "finance@attaquant.example", RcptTo: []string{"alice@chu-exemple.fr"}, Subject: "Mise à jour RIB fournisseur",
		Action: "accept", Score: 3.4, Signals: []string{"AUTH_DMARC_PASS", "LURE_BANK_DETAILS"}})
	tl.Flush()

	rep := &posture.Report{Domain: "chu-exemple.fr", At: time.Now().UTC(), Findings: []posture.Finding{
		{ID: "WEBMAIL_EXPOSED", Severity: posture.Medium, Rule: "webmail.md#auth", Target: "https://webmail.chu-exemple.fr/"},
		{ID: "BANNER_VERSION", Severity: posture.Low, Rule: "header_leak.md#banner", Target: "mx.chu-exemple.fr:25"},
	}}
	body, _ := json.Marshal(rep)
	db.PostureRuns().Add(ctx, posture.Run{Kind: "posture", Subject: rep.Domain, At: rep.At, Worst: "medium", Body: body})
	db.PostureRuns().Add(ctx, posture.Run{Kind: "selftest", Subject: "mx:25", At: time.Now(), Worst: "31/32",
		Body: []byte(`{"summary":[{"category":"url","passed":4,"total":5},{"category":"control","passed":5,"total":5}]}`)})

	svc, err := app.With(cfg, db, app.Options{}).Incidents(nil)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Open(ctx, incident.OpenRequest{Type: incident.PhishingCampaign, Title: "Faux changement de RIB", By: "rssi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Block(ctx, inc.ID, incident.BlockRequest{Values: []string{"email:finance@attaquant.example"}, Mode: "watch", By: "rssi"}); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"md", "html"} {
		doc, err := svc.Report(ctx, inc.ID, incident.ReportRequest{Format: format, By: "rssi"})
		if err != nil {
			t.Fatal(err)
		}
		s := string(doc.Data)
		if testing.Verbose() && format == "md" {
			t.Log(s[strings.Index(s, "## Pourquoi"):])
		}
		for _, want := range []string{"Pourquoi le message est passé", "Mise à jour RIB fournisseur", "LURE_BANK_DETAILS",
			"Un webmail est accessible depuis internet", "webmail.md#auth", "selftest:url", "authentifié"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s report lacks %q", format, want)
			}
		}
		if strings.Contains(s, "BANNER_VERSION") || strings.Contains(s, "bannière du service") {
			t.Errorf("%s report cites a finding unrelated to the passage", format)
		}
		if format == "html" && strings.Index(s, "Pourquoi le message") > strings.Index(s, "</body>") {
			t.Error("section after the end of the HTML body")
		}
	}
}
