package main

import (
	"bytes"
	"context"
	"database/sql"
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
	if !strings.Contains(out, "incident 1 opened") || !strings.Contains(out, "incident majeur") {
		t.Fatalf("open: %s", out)
	}
	out = vigie(0, "incident", "add-evidence", "1", "../../internal/engine/testdata/chorus-pro-phish.eml", "--note", "signalé par compta")
	if !strings.Contains(out, "chorus-pro-factures.weebly.com") {
		t.Errorf("add-evidence proposes no URL host:\n%s", out)
	}
	out = vigie(0, "incident", "block", "1", "--all", "--ttl", "7d")
	if !strings.Contains(out, "block") || !strings.Contains(out, "watch") {
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
	vigie(0, "incident", "hunt", "1", "--days", "7", "--format", "csv")
	for _, f := range []string{"md", "html", "misp", "stix", "warning", "declarations"} {
		if out := vigie(0, "incident", "report", "1", "--format", f); len(out) < 100 {
			t.Errorf("report %s: %q", f, out)
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
	for _, want := range []string{"incident majeur", "Main courante", "Preuve ajoutée", "Production : bundle STIX 2.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q", want)
		}
	}
	out = vigie(0, "incident", "verify", "1")
	if !strings.Contains(out, "intact") {
		t.Errorf("verify: %s", out)
	}

	// Someone edits the journal behind Vigie's back.
	db, err := sql.Open("sqlite", filepath.Join(dir, "vigie.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE incident_journal SET author = 'mallory' WHERE incident_id = 1 AND seq = 4`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out = vigie(1, "incident", "verify", "1")
	if !strings.Contains(out, "entry 4") {
		t.Errorf("verify after tampering: %s", out)
	}

	vigie(0, "incident", "close", "1", "--reason", "campagne bloquée")
	if out := vigie(0, "incident", "list"); strings.Contains(out, "Chorus") {
		t.Errorf("closed incident listed as open:\n%s", out)
	}
	if out := vigie(0, "incident", "list", "--all"); !strings.Contains(out, "closed") {
		t.Errorf("list --all:\n%s", out)
	}
	vigie(2, "incident", "open", "--type", "ransomware", "--title", "x")
}
