package incident_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/store/storetest"
)

// A hunt's results are written by the incident service, once: a second
// run over the same logs adds nothing.
func TestRecordLogHunt(t *testing.T) {
	w := newWorld(t, storetest.Backends(t)[0].DSN)
	ctx := context.Background()
	inc, err := w.svc.Open(ctx, incident.OpenRequest{Type: incident.MailboxCompromise, Title: "Compte compromis", By: "rssi"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 20, 8, 15, 0, 0, time.UTC)
	h := incident.LogHunt{Host: "soc1", Accounts: []string{"alice@chu-exemple.fr"},
		Files: []incident.HuntedFile{{Path: "/var/log/squid/access.log", Format: "squid", Lines: 10, Events: 9, Bytes: 900,
			SHA256: strings.Repeat("ab", 32), ModTime: at}},
		Findings: []incident.LogFinding{{Key: "0123456789abcdef", ID: "HUNT_IOC_URL_CLICK", Severity: "haute",
			User: "alice", Account: "alice@chu-exemple.fr", Time: at, Title: "Clic sur un lien de la campagne",
			Detail: "https://m365-secure-verify.example/owa", Advice: "Réinitialiser le mot de passe.",
			Evidence: []string{"/var/log/squid/access.log:1", "/var/log/squid/access.log:2", "3", "4", "5", "6", "7"}}}}
	first, err := w.svc.RecordLogHunt(ctx, inc.ID, h, "rssi")
	if err != nil {
		t.Fatal(err)
	}
	again, err := w.svc.RecordLogHunt(ctx, inc.ID, h, "rssi")
	if err != nil {
		t.Fatal(err)
	}
	if first.Findings != 1 || first.Files != 1 || again.Findings != 0 || again.Files != 0 || again.Already != 1 {
		t.Errorf("first run %+v, second %+v", first, again)
	}
	if len(first.Accounts) != 1 || first.Accounts[0] != "alice@chu-exemple.fr" {
		t.Errorf("accounts %v", first.Accounts)
	}
	c, err := w.svc.Load(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range c.Journal {
		if strings.Contains(e.Text, "[vigie hunt") {
			texts = append(texts, e.Text)
		}
	}
	if len(texts) != 2 || !strings.Contains(texts[0], "soc1:/var/log/squid/access.log") ||
		!strings.Contains(texts[1], "HUNT_IOC_URL_CLICK (haute), alice") || !strings.Contains(texts[1], "… 2 de plus") {
		t.Errorf("main courante: %q", texts)
	}
}
