package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/hunt/gen"
)

func TestHuntCommand(t *testing.T) {
	dir := t.TempDir()
	plan, err := gen.Write(dir, gen.Config{Seed: 3, Attack: true})
	if err != nil {
		t.Fatal(err)
	}
	ioc := filepath.Join(t.TempDir(), "ioc.txt")
	os.WriteFile(ioc, []byte("# incident 12\n"+plan.IncidentURL+"\n"+plan.AttackerIP.String()+"\n"), 0o644)

	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"hunt", "--year", "2025", "--ioc", ioc, "--json", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc huntOutput
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range doc.Findings {
		ids[f.ID] = true
	}
	for _, id := range []string{"HUNT_IOC_URL_CLICK", "HUNT_SIGNIN_IOC_IP", "HUNT_INBOX_RULE_FORWARD", "HUNT_OUTBOUND_SPIKE"} {
		if !ids[id] {
			t.Errorf("missing %s in %v", id, ids)
		}
	}
	if len(doc.Files) != 4 || len(doc.Users) == 0 {
		t.Errorf("files %+v users %v", doc.Files, doc.Users)
	}

	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"hunt", "--ioc-only", "--ioc", ioc, dir}, &out, &errb); code != 0 {
		t.Fatalf("ioc-only exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "access.log:") || !strings.Contains(errb.String(), "hits") {
		t.Errorf("ioc-only output:\n%s\n%s", out.String(), errb.String())
	}

	for _, args := range [][]string{{"hunt"}, {"hunt", "--since", "yesterday", dir}, {"hunt", "--ioc-only", dir}} {
		if code := run(context.Background(), args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// With --incident, each finding becomes a main-courante entry and the
// affected users join the incident's accounts; --store hunts for the
// indicator store's entries.
func TestHuntRecordsInIncident(t *testing.T) {
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	os.MkdirAll(logs, 0o755)
	plan, err := gen.Write(logs, gen.Config{Seed: 3, Attack: true})
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "vigie.yaml")
	os.WriteFile(cfgPath, []byte("data_dir: "+dir+"\n"), 0o644)
	t.Setenv(envStore, "")
	dsn := "sqlite:" + filepath.Join(dir, "vigie.db")
	vigie := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 0 {
			t.Fatalf("vigie %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	vigie("incident", "open", "--type", "mailbox-compromise", "--title", "Compte compromis", "--config", cfgPath, "--by", "alice")
	vigie("ioc", "add", plan.IncidentURL, "--mode", "block", "--store", dsn)
	vigie("ioc", "add", plan.AttackerIP.String(), "--mode", "watch", "--store", dsn)
	vigie("hunt", "--year", "2025", "--store", dsn, "--incident", "1", "--config", cfgPath, logs)
	out := vigie("incident", "show", "1", "--config", cfgPath)
	for _, want := range []string{"HUNT_IOC_URL_CLICK", "HUNT_SIGNIN_IOC_IP", "[vigie hunt]"} {
		if !strings.Contains(out, want) {
			t.Errorf("incident lacks %s:\n%s", want, out)
		}
	}
	if v := vigie("incident", "verify", "1", "--config", cfgPath); !strings.Contains(strings.ToLower(v), "ok") && !strings.Contains(v, "intact") && !strings.Contains(v, "intègre") {
		t.Errorf("verify after hunt: %s", v)
	}
}
