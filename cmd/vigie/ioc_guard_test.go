package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 14, points 1 and 2, through the CLI an administrator uses: the
// catastrophic blocks are refused with their reason, forcing one is an
// admin's journaled decision, and `incident block --all` on a forwarded
// phish and on a newsletter-style phish blocks neither the reporter, the
// organisation, nor the e-mail providers' shared hosts — after which a
// legitimate newsletter built on the same provider is not blocked.
func TestGuardThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "vigie.yaml")
	cfg := "data_dir: " + dir + "\norg:\n  domains: [chu-exemple.fr]\n  hosts: [www.chu-exemple.fr]\n  networks: [198.18.7.0/24]\n"
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envStore, "")
	vigie := func(want int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if args[0] == "scan" { // scan reads its flags before the files
			args = append([]string{"scan", "--config", cfgPath}, args[1:]...)
		} else {
			args = append(args, "--config", cfgPath)
		}
		if code := run(context.Background(), args, &out, &errb); code != want {
			t.Fatalf("vigie %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}

	// Every refusal is said, value by value, and the good value still goes in.
	out := vigie(1, "ioc", "add", "0.0.0.0/0", "::/0", "com", "gmail.com", "google.com", "8.8.8.8", "chu-exemple.fr",
		"https://www.chu-exemple.fr/", "dr.martin@chu-exemple.fr", "198.18.7.25", "chorus-factures-pro.example")
	for _, want := range []string{"0.0.0.0/0: refusé : ip 0.0.0.0/0 : réseau plus large que /16", "com: refusé : domain com : suffixe public",
		"gmail.com: refusé", "google.com: refusé", "8.8.8.8: refusé", "chu-exemple.fr: refusé : domain chu-exemple.fr : ressource de l'organisation",
		"https://www.chu-exemple.fr/: refusé", "dr.martin@chu-exemple.fr: refusé", "198.18.7.25: refusé",
		"ajouté #1 domain chorus-factures-pro.example", "10 valeur(s) sur 11 non ajoutée(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("ioc add lacks %q:\n%s", want, out)
		}
	}
	if out := vigie(1, "ioc", "add", "gmail.com", "--lang", "en"); !strings.Contains(out, "refused: domain gmail.com: on warning list") {
		t.Errorf("--lang en: %s", out)
	}
	vigie(1, "ioc", "add", "8.8.8.8", "--force") // no reason: refused
	vigie(0, "ioc", "add", "8.8.8.8", "--force", "--reason", "exercice de crise", "--by", "admin-ssi")
	if out := vigie(0, "ioc", "journal", "8.8.8.8"); !strings.Contains(out, "admin-ssi") || !strings.Contains(out, "force-add") ||
		!strings.Contains(out, "exercice de crise") {
		t.Errorf("journal of the forcing:\n%s", out)
	}
	vigie(0, "ioc", "rm", "8.8.8.8", "--by", "admin-ssi")

	// The incident loop.
	vigie(0, "incident", "open", "--type", "phishing-campaign", "--title", "Fausses factures", "--by", "ssi")
	out = vigie(0, "incident", "add-evidence", "1", "testdata/forwarded-phish.eml", "--by", "ssi")
	out += vigie(0, "incident", "add-evidence", "1", "testdata/newsletter-phish.eml", "--by", "ssi")
	vigie(0, "incident", "block", "1", "--all", "--by", "ssi")
	store := "--store=sqlite:" + filepath.Join(dir, "vigie.db")
	list := vigie(0, "ioc", "list", store)
	for _, want := range []string{"https://chorus-factures-pro.example/connexion?id=88213", "https://ameli-remboursement.example/connexion",
		"info@ameli-remboursement.example"} {
		if !strings.Contains(list, want) {
			t.Errorf("the attack's own indicator %s not blocked:\n%s", want, list)
		}
	}
	for _, never := range []string{"dr.martin@chu-exemple.fr", "www.chu-exemple.fr", "chrome://", "intranet", "settings ",
		"www.facebook.com", "domain  chu-exemple.fr"} {
		if strings.Contains(list, never) {
			t.Errorf("%q blocked by the incident loop:\n%s", never, list)
		}
	}
	for _, line := range strings.Split(list, "\n") {
		if (strings.Contains(line, "sailthru.com") || strings.Contains(line, "getbee.io")) && strings.Contains(line, " block ") {
			t.Errorf("shared ESP host blocked: %s", line)
		}
	}
	show := vigie(0, "incident", "show", "1")
	if !strings.Contains(show, "écarté") || !strings.Contains(show, "ressource de l'organisation") {
		t.Errorf("the journal does not say what was left out and why:\n%s", show)
	}
	stix := vigie(0, "incident", "report", "1", "--format", "stix")
	for _, never := range []string{"chu-exemple.fr", "sailthru", "getbee", "chrome:"} {
		if strings.Contains(stix, never) {
			t.Errorf("STIX export shares %q", never)
		}
	}
	// A legitimate newsletter on the same provider and template is not blocked.
	scan := vigie(0, "scan", "--json", "--store", "sqlite:"+filepath.Join(dir, "vigie.db"), "testdata/newsletter-legit.eml")
	if strings.Contains(scan, "IOC_BLOCK") {
		t.Errorf("a legitimate newsletter hits a block left by the incident:\n%s", scan)
	}
}
