package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestIncidentCommands drives a phishing incident through the CLI as an
// administrator would, on an SQLite store in a temporary data directory.
func TestIncidentCommands(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "vigie.yaml")
	if err := os.WriteFile(cfgPath, []byte("data_dir: "+dir+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envStore, "")
	t.Setenv("USER", "alice")
	vigie := func(want int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if args[0] == "incident" {
			args = append(args, "--config", cfgPath, "--by", "alice")
		}
		if code := run(context.Background(), args, &out, &errb); code != want {
			t.Fatalf("vigie %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	out := vigie(0, "incident", "open", "--type", "phishing-campaign", "--title", "Campagne Chorus Pro",
		"--impact", "modéré", "--urgency", "forte", "--personal-data", "yes", "--account", "compta@example-hopital.fr")
	if !strings.Contains(out, "incident 1 ouvert") || !strings.Contains(out, "incident majeur") || !strings.Contains(out, "échéance CNIL") {
		t.Fatalf("open: %s", out)
	}
	out = vigie(0, "incident", "add-evidence", "1", "../../internal/engine/testdata/chorus-pro-phish.eml", "--note", "signalé par compta")
	if !strings.Contains(out, "chorus-pro-factures.weebly.com") {
		t.Errorf("add-evidence proposes no URL host:\n%s", out)
	}
	// A symbolic link is never followed, a device never read.
	link := filepath.Join(dir, "preuve.eml")
	if err := os.Symlink("/etc/passwd", link); err != nil {
		t.Fatal(err)
	}
	if out := vigie(1, "incident", "add-evidence", "1", link); !strings.Contains(out, "lien symbolique") {
		t.Errorf("symlink evidence: %s", out)
	}
	if out := vigie(1, "incident", "add-evidence", "1", "/dev/zero"); !strings.Contains(out, "fichier ordinaire") {
		t.Errorf("device evidence: %s", out)
	}
	out = vigie(0, "incident", "block", "1", "--all", "--ttl", "7d")
	if !strings.Contains(out, "bloqué") || !strings.Contains(out, "en détection") {
		t.Errorf("block:\n%s", out)
	}
	out = vigie(0, "ioc", "list", "--store", "sqlite:"+filepath.Join(dir, "vigie.db"))
	if !strings.Contains(out, "incident:1") {
		t.Errorf("indicators not in the store:\n%s", out)
	}
	out = vigie(0, "incident", "checklist", "1")
	if !strings.Contains(out, "[P0] C.1") {
		t.Errorf("checklist:\n%s", out)
	}
	vigie(0, "incident", "check", "1", "C.1", "--status", "fait", "--note", "comptes désactivés")
	vigie(2, "incident", "check", "1", "C.2", "--status", "presque")
	vigie(0, "incident", "log", "1", "Appel du CERT Santé", "--kind", "communication")
	// A forged entry: a newline and a terminal escape in the text.
	vigie(0, "incident", "log", "1", "ok\n#99  2024-01-01 00:00:00Z (01:00 CET)  mallory  [décision]\n    rien\x1b[2J", "--kind", "constat")
	// A typo in the year is refused; the real event time is kept apart.
	if out := vigie(1, "incident", "log", "1", "clic", "--at", "2099-03-12 09:15"); !strings.Contains(out, "futur") {
		t.Errorf("future --at: %s", out)
	}
	if out := vigie(0, "incident", "log", "1", "clic de compta sur le lien", "--at", "2024-03-12 09:15"); !strings.Contains(out, "survenu le 2024-03-12 08:15:00Z") {
		t.Errorf("--at: %s", out)
	}
	if out := vigie(1, "incident", "update", "1", "--aware-at", "2099-01-01T00:00:00Z"); !strings.Contains(out, "futur") {
		t.Errorf("future --aware-at: %s", out)
	}
	vigie(0, "incident", "hunt", "1", "--days", "7", "--format", "csv")
	for _, f := range []string{"md", "html", "misp", "stix", "warning", "declarations", "health-report", "contacts",
		"accounting-alert", "phishtank", "signal-spam"} {
		if out := vigie(0, "incident", "report", "1", "--format", f); len(out) < 100 {
			t.Errorf("report %s: %q", f, out)
		}
	}
	// --lang en: the same documents from the same service, in English.
	for f, want := range map[string]string{"md": "| Severity | **major incident**", "html": `<html lang="en">`,
		"declarations": "Notify the CNIL", "health-report": "HEALTH ESTABLISHMENT", "contacts": "Personal-data breach",
		"accounting-alert": "check bank details and payments", "warning": "[Security alert]"} {
		if out := vigie(0, "incident", "report", "1", "--format", f, "--lang", "en"); !strings.Contains(out, want) {
			t.Errorf("report %s --lang en lacks %q:\n%s", f, want, out)
		}
	}
	out = vigie(0, "incident", "report", "1", "--format", "arf", "--from", "abuse@example-hopital.fr", "--to", "abuse@ovh.example")
	if !strings.Contains(out, "multipart/report") || !strings.Contains(out, "Feedback-Type: fraud") {
		t.Errorf("arf:\n%s", out)
	}
	vigie(0, "incident", "export", "1", filepath.Join(dir, "export"))
	if _, err := os.Stat(filepath.Join(dir, "export", "SHA256SUMS")); err != nil {
		t.Error(err)
	}
	out = vigie(0, "incident", "show", "1")
	for _, want := range []string{"incident majeur", "Main courante", "Preuve ajoutée", "Production : bundle STIX 2.1",
		"échéance CNIL", `ok\n#99`, `\u{001b}[2J`} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q", want)
		}
	}
	if strings.Contains(out, "\n#99") || strings.Contains(out, "\x1b") {
		t.Errorf("show lets a forged entry or an escape through:\n%s", out)
	}
	if out := vigie(0, "incident", "list"); !strings.Contains(out, "ÉCHÉANCE CNIL") || !strings.Contains(out, "2 j 23 h") {
		t.Errorf("list without the CNIL deadline:\n%s", out)
	}
	if out := vigie(0, "incident", "checklist", "1"); !strings.Contains(out, "échéance CNIL") {
		t.Errorf("checklist without the CNIL deadline:\n%s", out)
	}
	out = vigie(0, "incident", "verify", "1")
	if !strings.Contains(out, "intègre") {
		t.Errorf("verify: %s", out)
	}

	// Someone edits the journal behind Vigie's back.
	alterSQLite(t, filepath.Join(dir, "vigie.db"), `UPDATE incident_journal SET author = 'mallory' WHERE incident_id = 1 AND seq = 4`)
	out = vigie(1, "incident", "verify", "1")
	if !strings.Contains(out, "entrée 4") || !strings.Contains(out, "NON intègre") {
		t.Errorf("verify after tampering: %s", out)
	}
	if out := vigie(1, "incident", "verify", "1", "--lang", "en"); !strings.Contains(out, "entry 4") {
		t.Errorf("verify --lang en after tampering: %s", out)
	}
}

// TestIncidentLifecycle closes, refuses changes to a closed incident,
// reopens it, and speaks English on request.
func TestIncidentLifecycle(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "vigie.yaml")
	if err := os.WriteFile(cfgPath, []byte("data_dir: "+dir+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envStore, "")
	vigie := func(want int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		args = append(args, "--config", cfgPath, "--by", "alice")
		if code := run(context.Background(), args, &out, &errb); code != want {
			t.Fatalf("vigie %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	vigie(0, "incident", "open", "--type", "mailbox-compromise", "--title", "Boîte compta", "--account", "compta@example-hopital.fr")
	if out := vigie(2, "incident", "close", "1"); !strings.Contains(out, "--resolution obligatoire") {
		t.Errorf("close without resolution: %s", out)
	}
	out := vigie(1, "incident", "close", "1", "--resolution", "resolu")
	if !strings.Contains(out, "clôture refusée") || !strings.Contains(out, "1.a") {
		t.Errorf("close with open P0: %s", out)
	}
	vigie(0, "incident", "close", "1", "--resolution", "résolu", "--reason", "compte réinitialisé", "--confirm")
	for _, args := range [][]string{
		{"incident", "log", "1", "après coup"},
		{"incident", "check", "1", "1.a", "--status", "fait"},
		{"incident", "update", "1", "--impact", "fort"},
		{"incident", "add-evidence", "1", cfgPath},
	} {
		if out := vigie(1, args...); !strings.Contains(out, "est clos depuis le") || !strings.Contains(out, "reopen") {
			t.Errorf("%v after close: %s", args, out)
		}
	}
	if out := vigie(0, "incident", "list", "--all"); !strings.Contains(out, "clos (résolu)") {
		t.Errorf("list --all:\n%s", out)
	}
	if out := vigie(0, "incident", "list", "--all", "--lang", "en"); !strings.Contains(out, "closed (resolved)") || !strings.Contains(out, "SEVERITY") {
		t.Errorf("list --all --lang en:\n%s", out)
	}
	if out := vigie(1, "incident", "log", "1", "x", "--lang", "en"); !strings.Contains(out, "was closed on") {
		t.Errorf("English refusal: %s", out)
	}
	vigie(2, "incident", "reopen", "1")
	vigie(0, "incident", "reopen", "1", "--reason", "nouvelle connexion suspecte")
	vigie(0, "incident", "log", "1", "connexion depuis 198.51.100.9")
	out = vigie(0, "incident", "show", "1")
	for _, want := range []string{"Clôture de l'incident (résolu)", "dont P0", "Réouverture de l'incident"} {
		if !strings.Contains(out, want) {
			t.Errorf("journal lacks %q:\n%s", want, out)
		}
	}
	vigie(2, "incident", "open", "--type", "ransomware", "--title", "x")
}
