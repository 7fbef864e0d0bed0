package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/trace"
)

// TestIncidentFollowUpInChromium drives, in headless Chromium, the incident
// actions that come after the first response, through the same service as
// `vigie incident correspondents|verify|reopen`: whom the compromised
// account wrote to (InterCERT fiche, action 4.b) from the gateway's trace
// and the warning to them; the main courante checked against its current
// head and against a head it never had; closing then reopening with a
// reason. Each lands in the main courante and in the audit trail with the
// user who did it.
func TestIncidentFollowUpInChromium(t *testing.T) {
	requireBrowser(t)
	d, base, acc := consoleDaemon(t, map[string]account.Role{"claire": account.Analyst})
	ctx := context.Background()

	// The compromised account wrote to two people; a phish it received
	// (an inbound copy naming it) must not make its sender a correspondent.
	const compromised = "compta@example-hopital.fr"
	for _, m := range []struct {
		from string
		rcpt []string
		subj string
	}{
		{compromised, []string{"fournisseur@partenaire.example", "rh@example-hopital.fr"}, "Document partage"},
		{"notification@abatos.fr", []string{compromised}, "Facture en attente"},
	} {
		raw := "From: <" + m.from + ">\r\nTo: " + strings.Join(m.rcpt, ", ") + "\r\nSubject: " + m.subj +
			"\r\nDate: Sat, 05 Dec 2026 09:00:00 +0100\r\nMessage-ID: <" + m.subj[:4] + "@example-hopital.fr>\r\n\r\nBonjour.\r\n"
		o := d.Gateway.Process(ctx, gateway.Job{Frontend: "relay", Raw: []byte(raw), NoQuarantine: true, Timeout: 30 * time.Second,
			Env: scan.Envelope{MailFrom: m.from, RcptTo: m.rcpt}})
		if o.Action == gateway.Tempfail {
			t.Fatalf("gateway: %v", o.Err)
		}
	}
	d.Trace.Flush()
	waitFor(t, "the trace to hold the sent message", 60*time.Second, func() bool {
		recs, _ := d.Trace.Search(ctx, trace.Query{Since: time.Now().Add(-time.Hour), Until: time.Now().Add(time.Minute), Sender: compromised})
		return len(recs) > 0
	})

	svc, err := d.App.Incidents(nil)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Open(ctx, incident.OpenRequest{Type: incident.MailboxCompromise, Title: "Compte compta compromis",
		Accounts: []string{compromised}, By: "claire"})
	if err != nil {
		t.Fatal(err)
	}
	incURL := base + "/incidents/" + strconv.FormatInt(inc.ID, 10)

	downloads := t.TempDir()
	bs := newBrowserSession(t, base, 2*time.Minute)
	run := bs.run
	bs.login("claire", browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(downloads).WithEventsEnabled(true))

	// Fiche 4.b: the account is filled in (the incident has one), the
	// search finds the two people it wrote to and not the phish's sender.
	var account, corr, sent, timeline string
	run("correspondents", chromedp.Navigate(incURL), chromedp.WaitVisible("#correspondents", chromedp.ByID),
		chromedp.Value("#corr-account", &account, chromedp.ByID),
		chromedp.Click("#corr-search", chromedp.ByID), chromedp.WaitVisible("#flash", chromedp.ByID),
		chromedp.Text("#corr-list", &corr, chromedp.ByID), chromedp.Text("#sent-list", &sent, chromedp.ByID),
		chromedp.Text("#timeline", &timeline, chromedp.ByID), shotTo("incident-correspondents"))
	if account != compromised {
		t.Errorf("account field %q", account)
	}
	if !strings.Contains(corr, "fournisseur@partenaire.example") || !strings.Contains(corr, "rh@example-hopital.fr") ||
		strings.Contains(corr, "abatos.fr") || !strings.Contains(corr, "(2)") {
		t.Errorf("correspondents: %q", corr)
	}
	if !strings.Contains(sent, "Document partage") || strings.Contains(sent, "Facture en attente") {
		t.Errorf("messages sent by the account: %q", sent)
	}
	if !strings.Contains(timeline, "Correspondants du compte compromis "+compromised) || !strings.Contains(timeline, "claire") {
		t.Errorf("the search is not in the main courante:\n%s", timeline)
	}
	// The warning to them, produced by the service (and journaled).
	run("warning", chromedp.Click("#corr-warning", chromedp.ByID))
	waitFor(t, "the correspondents' warning download", 60*time.Second, func() bool {
		return downloaded(downloads, "Destinataires (2) : fournisseur@partenaire.example, rh@example-hopital.fr", "Le compte de messagerie "+compromised)
	})

	// The main courante checked against its current head, then against a
	// head it never had.
	var head, result string
	run("verify", chromedp.Navigate(incURL), chromedp.Text("#journal-head", &head, chromedp.ByID))
	run("verify head", chromedp.SetValue("#verify-heads", head, chromedp.ByID), chromedp.Click("#verify-run", chromedp.ByID),
		chromedp.WaitVisible("#flash", chromedp.ByID), chromedp.Text("#verify-result", &result, chromedp.ByID))
	if !strings.Contains(result, "Main courante intègre") || !strings.Contains(result, "têtes publiées retrouvées : 1") || !strings.Contains(result, "claire") {
		t.Errorf("verify against the current head %q: %q", head, result)
	}
	run("verify bad head", chromedp.Navigate(incURL), chromedp.SetValue("#verify-heads", "3:0123456789abcdef0123", chromedp.ByID),
		chromedp.Click("#verify-run", chromedp.ByID), chromedp.WaitVisible("#flash", chromedp.ByID),
		chromedp.Text("#verify-result", &result, chromedp.ByID), shotTo("incident-verify"))
	if !strings.Contains(result, "NON intègre") || !strings.Contains(result, "n'est plus dans la chaîne") {
		t.Errorf("verify against a head never published: %q", result)
	}

	// The head an export recorded in its manifest.json, sent to the CERT,
	// is checked by uploading the manifest.
	exportDir := filepath.Join(t.TempDir(), "export")
	if _, err := svc.Export(ctx, inc.ID, exportDir, "claire"); err != nil {
		t.Fatal(err)
	}
	run("verify manifest", chromedp.Navigate(incURL), chromedp.SetUploadFiles("#verify-manifest", []string{filepath.Join(exportDir, "manifest.json")}, chromedp.ByID),
		chromedp.Click("#verify-run", chromedp.ByID), chromedp.WaitVisible("#flash", chromedp.ByID),
		chromedp.Text("#verify-result", &result, chromedp.ByID))
	if !strings.Contains(result, "Main courante intègre") || !strings.Contains(result, "têtes publiées retrouvées : 1") {
		t.Errorf("verify against the export's manifest: %q", result)
	}

	// Close (the P0 actions are open: confirmed), then reopen with a reason.
	run("close", chromedp.Navigate(incURL), chromedp.SetValue(`select[name="resolution"]`, "resolu", chromedp.ByQuery),
		chromedp.SendKeys(`input[name="reason"]`, "compte sécurisé", chromedp.ByQuery),
		chromedp.Click(`input[name="confirm"]`, chromedp.ByQuery), chromedp.Click("button.danger", chromedp.ByQuery),
		chromedp.WaitVisible("#reopen", chromedp.ByID))
	run("reopen", chromedp.Navigate(incURL), chromedp.WaitVisible("#reopen", chromedp.ByID), chromedp.SendKeys("#reopen-reason", "nouvelle connexion suspecte", chromedp.ByID),
		chromedp.Click("#reopen", chromedp.ByID), chromedp.WaitVisible("#flash", chromedp.ByID),
		chromedp.Text("#timeline", &timeline, chromedp.ByID), shotTo("incident-reopened"))
	got, err := svc.Get(ctx, inc.ID)
	if err != nil || got.Status != incident.Open {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
	if !strings.Contains(timeline, "Réouverture de l'incident") || !strings.Contains(timeline, "nouvelle connexion suspecte") {
		t.Errorf("the reopening is not in the main courante:\n%s", timeline)
	}

	audit, err := acc.AuditLog(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, a := range audit {
		if a.Actor == "claire" {
			seen[a.Action] += a.Detail + " | "
		}
	}
	for action, detail := range map[string]string{"incident.correspondents": "2 correspondent(s)", "incident.verify": "NOT intact",
		"incident.reopen": "nouvelle connexion suspecte", "incident.report": "warning-correspondents"} {
		if !strings.Contains(seen[action], detail) {
			t.Errorf("audit %s: %q, want %q (all: %v)", action, seen[action], detail, seen)
		}
	}
}

func downloaded(dir string, want ...string) bool {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(string(b), w)
		}
		if ok {
			return true
		}
	}
	return false
}
