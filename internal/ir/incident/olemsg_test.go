package incident_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/olemsg"
	"vigie.dev/vigie/internal/store/storetest"
)

// A user reporting from Outlook drags the message out as a .msg file: it
// is accepted as a reported message as an .eml is — kept unchanged,
// scanned for indicators, carried (rebuilt as RFC 5322) by the reports
// that carry messages. A compound file that holds no message is evidence
// like any other file.
func TestReportedOutlookMessage(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { testReportedOutlookMessage(t, b.DSN) })
	}
}

func testReportedOutlookMessage(t *testing.T, dsn string) {
	ctx := context.Background()
	w := newWorld(t, dsn)
	msg, err := os.ReadFile("../../olemsg/testdata/01-sharepoint-credential-phish.msg")
	if err != nil {
		t.Fatal(err)
	}
	inc, err := w.svc.Open(ctx, incident.OpenRequest{Type: incident.PhishingCampaign, Title: "Faux partage SharePoint",
		Perimeter: incident.Low, Impact: incident.Low, Urgency: incident.Medium, By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	rec, proposed, err := w.svc.AddEvidence(ctx, inc.ID, incident.EvidenceRequest{Name: "signalement.msg",
		Content: bytes.NewReader(msg), By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.MediaType != olemsg.MediaType || rec.Size != int64(len(msg)) ||
		rec.Subject != "Claire Moreau a partagé « Bon de commande 2026-114.pdf » avec vous" {
		t.Errorf("evidence record %+v", rec)
	}
	var keys []string
	for _, p := range proposed {
		keys = append(keys, p.Key())
	}
	for _, k := range []string{"email no-reply@sharepoint-fichiers-exemple.com",
		"url https://partage-fichiers-exemple.web.app/connexion/index.html"} {
		if !slices.Contains(keys, k) {
			t.Errorf("indicator %q not proposed; got %v", k, keys)
		}
	}
	got, stored, err := w.svc.EvidenceBytes(ctx, inc.ID, "")
	if err != nil || got.SHA256 != rec.SHA256 || !bytes.Equal(stored, msg) {
		t.Errorf("first reported message: %+v %v", got, err)
	}
	doc, err := w.svc.Report(ctx, inc.ID, incident.ReportRequest{Format: "signal-spam", By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(doc.Data); !strings.Contains(s, `From: "Microsoft SharePoint" <no-reply@sharepoint-fichiers-exemple.com>`) {
		t.Errorf("the mbox does not carry the rebuilt message:\n%.600s", s)
	}

	doc97 := append(bytes.Clone(msg[:8]), make([]byte, 1024)...)
	rec, proposed, err = w.svc.AddEvidence(ctx, inc.ID, incident.EvidenceRequest{Name: "rapport.doc",
		Content: bytes.NewReader(doc97), By: "alice"})
	if err != nil || rec.MediaType != "" || len(proposed) != 0 {
		t.Errorf("a compound file without a message: %+v, %d proposed, %v", rec, len(proposed), err)
	}
}
