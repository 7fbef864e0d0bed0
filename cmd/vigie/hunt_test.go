package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/hunt/gen"
	"vigie.dev/vigie/internal/ir/incident"
)

// vigieRun runs the command and checks its exit status.
func vigieRun(t *testing.T, want int, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), args, &out, &errb); code != want {
		t.Fatalf("vigie %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func TestHuntCommand(t *testing.T) {
	dir := t.TempDir()
	plan, err := gen.Write(dir, gen.Config{Seed: 3, Attack: true})
	if err != nil {
		t.Fatal(err)
	}
	ioc := filepath.Join(t.TempDir(), "ioc.txt")
	os.WriteFile(ioc, []byte("# incident 12\n"+plan.IncidentURL+"\n"+plan.AttackerIP.String()+"\n"), 0o644)

	out, _ := vigieRun(t, 0, "hunt", "--year", "2025", "--ioc", ioc, "--json", dir)
	var doc huntOutput
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
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
	if len(doc.Files) != 4 || len(doc.Accounts) != 1 || doc.Accounts[0] != plan.Victim {
		t.Errorf("files %+v accounts %v", doc.Files, doc.Accounts)
	}

	// The table, in French by default, with the explanation; in English on demand.
	out, errOut := vigieRun(t, 0, "hunt", "--year", "2025", "--ioc", ioc, dir)
	for _, want := range []string{"GRAVITÉ", "QUE FAIRE", "haute", "Règle qui transfère", "réinitialiser le mot de passe", "preuve : "} {
		if !strings.Contains(out, want) {
			t.Errorf("French table lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "squid (") || !strings.Contains(errOut, "lignes") {
		t.Errorf("file reports: %s", errOut)
	}
	out, _ = vigieRun(t, 0, "hunt", "--lang", "en", "--year", "2025", "--ioc", ioc, dir)
	if !strings.Contains(out, "SEVERITY") || !strings.Contains(out, "WHAT TO DO") || !strings.Contains(out, "Rule forwarding outside") {
		t.Errorf("English table:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > 140 {
			t.Errorf("line of %d columns: %s", n, line)
			break
		}
	}

	out, errOut = vigieRun(t, 0, "hunt", "--ioc-only", "--ioc", ioc, dir)
	if !strings.Contains(out, "access.log:") || !strings.Contains(errOut, "lignes trouvées") {
		t.Errorf("ioc-only output:\n%s\n%s", out, errOut)
	}

	for _, args := range [][]string{{"hunt"}, {"hunt", "--since", "yesterday", dir}, {"hunt", "--ioc-only", dir}, {"hunt", "--lang", "de", dir}, {"hunt", "--format", "nope", dir}} {
		vigieRun(t, 2, args...)
	}
}

// TestHuntEmptyAndUnreadable: with nothing to report the JSON still has its
// findings list; with nothing readable the exit status says so.
func TestHuntEmptyAndUnreadable(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "access.log"), []byte("1735689600.123 1 10.0.0.1 TCP_MISS/200 1 GET http://a.example/ - HIER_NONE/- -\n"), 0o644)
	out, _ := vigieRun(t, 0, "hunt", "--json", dir)
	if !strings.Contains(out, `"findings": []`) || !strings.Contains(out, `"accounts": []`) {
		t.Errorf("empty JSON: %s", out)
	}
	junk := t.TempDir()
	os.WriteFile(filepath.Join(junk, "notes.txt"), []byte("nothing a hunt can read\n"), 0o644)
	_, errOut := vigieRun(t, 1, "hunt", junk)
	if !strings.Contains(errOut, "format non reconnu") || !strings.Contains(errOut, "aucun journal n'a pu être lu") {
		t.Errorf("unreadable: %s", errOut)
	}
	iocs := filepath.Join(dir, "ioc.txt")
	os.WriteFile(iocs, []byte("a.example\n"), 0o644)
	_, errOut = vigieRun(t, 1, "hunt", "--ioc-only", "--ioc", iocs, filepath.Join(junk, "missing"))
	if !strings.Contains(errOut, "illisible") {
		t.Errorf("missing file: %s", errOut)
	}
	// A list that stops at an over-long line (the indicators after it
	// unread) stops the hunt: no "no hit" where it did not look.
	os.WriteFile(iocs, []byte("a.example\n"+strings.Repeat("b", 70<<10)+".example\nc.example\n"), 0o644)
	_, errOut = vigieRun(t, 1, "hunt", "--ioc", iocs, dir)
	if !strings.Contains(errOut, "lue en partie") {
		t.Errorf("list read in part: %s", errOut)
	}
}

// TestHuntTerminalSafe: escape sequences and bidirectional overrides written
// into logs by an attacker (in a user name, a URL) are shown, not obeyed.
func TestHuntTerminalSafe(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 12; i++ {
		b.WriteString(`{"createdDateTime":"2025-03-20T22:1` + string(rune('0'+i%10)) + `:00Z","userPrincipalName":"\u001b]0;pwned\u0007\u001b[2Jeve\u202e@x.example","ipAddress":"203.0.113.7","status":{"errorCode":50126}}` + "\n")
	}
	os.WriteFile(filepath.Join(dir, "signins.json"), []byte(b.String()), 0o644)
	for _, args := range [][]string{{"hunt", dir}, {"hunt", "--json", dir}, {"hunt", "--lang", "en", dir}} {
		out, errOut := vigieRun(t, 0, args...)
		for _, bad := range []string{"\x1b", "\a", "\u202e", "\u009b"} {
			if strings.Contains(out+errOut, bad) {
				t.Errorf("%v: raw %q in output:\n%s", args, bad, out)
			}
		}
		if !strings.Contains(out, "HUNT_BRUTE_FORCE") {
			t.Errorf("%v: no finding:\n%s", args, out)
		}
	}
}

// With --incident, each finding becomes a main-courante entry with its
// evidence (absolute path and hash of each file), the real accounts join the
// incident's, and a second run over the same logs adds nothing. A missing
// incident stops the run before any log is read.
func TestHuntRecordsInIncident(t *testing.T) {
	dir := t.TempDir()
	logsDir := filepath.Join(dir, "logs")
	os.MkdirAll(logsDir, 0o755)
	plan, err := gen.Write(logsDir, gen.Config{Seed: 3, Attack: true})
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "vigie.yaml")
	os.WriteFile(cfgPath, []byte("data_dir: "+dir+"\n"), 0o644)
	t.Setenv(envStore, "")
	dsn := "sqlite:" + filepath.Join(dir, "vigie.db")
	vigieRun(t, 0, "incident", "open", "--type", "mailbox-compromise", "--title", "Compte compromis", "--config", cfgPath, "--by", "alice")
	vigieRun(t, 0, "ioc", "add", plan.IncidentURL, "--mode", "block", "--store", dsn)
	vigieRun(t, 0, "ioc", "add", plan.AttackerIP.String(), "--mode", "watch", "--store", dsn)

	_, errOut := vigieRun(t, 1, "hunt", "--year", "2025", "--store", dsn, "--incident", "7", "--config", cfgPath, logsDir)
	if strings.Contains(errOut, "squid") || !strings.Contains(errOut, "7") {
		t.Errorf("missing incident: logs were read, or the error does not say which: %s", errOut)
	}

	entries := func() []string {
		out, _ := vigieRun(t, 0, "incident", "show", "1", "--config", cfgPath, "--json")
		var c incident.Case
		if err := json.Unmarshal([]byte(out), &c); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		var texts []string
		for _, e := range c.Journal {
			texts = append(texts, e.Text)
		}
		if len(c.Incident.Accounts) != 1 || c.Incident.Accounts[0] != plan.Victim {
			t.Errorf("accounts %v, want only %s", c.Incident.Accounts, plan.Victim)
		}
		return texts
	}
	out, _ := vigieRun(t, 0, "hunt", "--year", "2025", "--store", dsn, "--incident", "1", "--config", cfgPath, "--json", logsDir)
	var doc huntOutput
	json.Unmarshal([]byte(out), &doc)
	if doc.Recorded == nil || doc.Recorded.Findings != len(doc.Findings) || doc.Recorded.Files != 4 {
		t.Fatalf("recorded: %+v for %d findings", doc.Recorded, len(doc.Findings))
	}
	first := entries()
	all := strings.Join(first, "\n")
	abs, _ := filepath.Abs(logsDir)
	for _, want := range []string{"HUNT_IOC_URL_CLICK", "HUNT_SIGNIN_IOC_IP", "[vigie hunt k:", "Journal analysé", "SHA-256", abs + string(os.PathSeparator) + "access.log:"} {
		if !strings.Contains(all, want) {
			t.Errorf("incident lacks %q:\n%s", want, all)
		}
	}
	out, _ = vigieRun(t, 0, "hunt", "--year", "2025", "--store", dsn, "--incident", "1", "--config", cfgPath, "--json", logsDir)
	json.Unmarshal([]byte(out), &doc)
	if second := entries(); len(second) != len(first) || doc.Recorded.Findings != 0 || doc.Recorded.Already != len(doc.Findings) {
		t.Errorf("second run: %d entries, then %d; %+v", len(first), len(second), doc.Recorded)
	}
	if v, _ := vigieRun(t, 0, "incident", "verify", "1", "--config", cfgPath); !strings.Contains(v, "intègre") {
		t.Errorf("verify after hunt: %s", v)
	}
}

// TestHuntTruncatedGzip: a .gz cut short is said to be truncated, by the
// sweep as by the full hunt, with what was read before the cut.
func TestHuntTruncatedGzip(t *testing.T) {
	dir := t.TempDir()
	var lines bytes.Buffer
	for i := 0; i < 50000; i++ {
		fmt.Fprintf(&lines, "1735689600.123 1 10.0.0.1 TCP_MISS/200 1 GET http://a%d.example/x - HIER_NONE/- -\n", i)
	}
	lines.WriteString("1735689600.123 1 10.0.0.1 TCP_MISS/200 1 GET http://evil.example/x - HIER_NONE/- -\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(lines.Bytes())
	zw.Close()
	log := filepath.Join(dir, "access.log.1.gz")
	os.WriteFile(log, gz.Bytes()[:gz.Len()*2/3], 0o644)
	ioc := filepath.Join(dir, "ioc.txt")
	os.WriteFile(ioc, []byte("evil.example\n"), 0o644)
	for _, args := range [][]string{{"hunt", "--ioc-only", "--ioc", ioc, log}, {"hunt", "--ioc", ioc, log}} {
		_, errOut := vigieRun(t, 0, args...)
		if !strings.Contains(errOut, "TRONQUÉ") {
			t.Errorf("%v: truncation not said: %s", args, errOut)
		}
	}
}

// TestHuntProgress: progress is said on standard error when asked, off a
// terminal as a line at a time, with the share read and the file.
func TestHuntProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, true, "fr")
	p.after, p.every = 0, 0
	p.update("/var/log/\x1b[2Jmail.log", 512e6, 1024e6)
	if out := b.String(); !strings.Contains(out, "lu 512 Mo sur 1,0 Go (50 %)") || strings.Contains(out, "\x1b") {
		t.Errorf("%q", out)
	}
	b.Reset()
	newProgress(&b, false, "fr").update("x", 1, 2) // neither a terminal nor asked
	if b.Len() > 0 {
		t.Errorf("progress unasked: %q", b.String())
	}
}

// An indicator goes from `vigie ioc` to `vigie hunt --store` as it is: a
// host stays one host (it used to be widened to its whole domain), a
// domain covers its subdomains; the store is the configuration's one.
func TestHuntStoreIndicatorsKeepTheirKind(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "vigie.yaml")
	os.WriteFile(cfgPath, []byte("data_dir: "+dir+"\n"), 0o644)
	t.Setenv(envStore, "")
	vigieRun(t, 0, "ioc", "add", "--kind", "host", "login.evil-portal.example", "--config", cfgPath)
	vigieRun(t, 0, "ioc", "add", "--kind", "domain", "kit-phish.example", "--config", cfgPath)
	log := filepath.Join(dir, "access.log")
	os.WriteFile(log, []byte(strings.Join([]string{
		"1735689600.123 120 10.0.0.5 TCP_TUNNEL/200 4512 CONNECT login.evil-portal.example:443 - HIER_DIRECT/192.0.2.1 -",
		"1735689600.124 120 10.0.0.5 TCP_TUNNEL/200 4512 CONNECT www.evil-portal.example:443 - HIER_DIRECT/192.0.2.1 -",
		"1735689600.125 120 10.0.0.5 TCP_TUNNEL/200 4512 CONNECT cdn.kit-phish.example:443 - HIER_DIRECT/192.0.2.2 -",
	}, "\n")+"\n"), 0o644)
	out, errOut := vigieRun(t, 0, "hunt", "--ioc-only", "--store", "default", "--config", cfgPath, "--json", log)
	var got struct {
		Hits []struct {
			Line      int64
			Indicator struct{ Kind, Value string }
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s %s", err, out, errOut)
	}
	want := map[int64]string{1: "host login.evil-portal.example", 3: "domain kit-phish.example"}
	if len(got.Hits) != len(want) {
		t.Fatalf("hits %+v, want lines 1 and 3", got.Hits)
	}
	for _, h := range got.Hits {
		if want[h.Line] != h.Indicator.Kind+" "+h.Indicator.Value {
			t.Errorf("line %d: %s %s, want %s", h.Line, h.Indicator.Kind, h.Indicator.Value, want[h.Line])
		}
	}
}
