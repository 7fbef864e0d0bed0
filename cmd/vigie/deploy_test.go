package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/testenv"
)

// The systemd unit in deploy/ is valid for systemd, well confined, and
// starts vigie with flags it accepts. Needs systemd-analyze (Debian's
// systemd package).
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile("../../deploy/systemd/vigie.service")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ExecStart=/usr/local/bin/vigie (.*)$`).FindSubmatch(unit)
	if m == nil {
		t.Fatal("no ExecStart=/usr/local/bin/vigie line")
	}
	// The flags parse: what fails is the missing configuration file.
	args := append(strings.Fields(string(m[1])), "--shutdown-timeout", "1s")
	for i, a := range args {
		if a == "/etc/vigie/vigie.yaml" {
			args[i] = filepath.Join(t.TempDir(), "absent.yaml")
		}
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), args, &bytes.Buffer{}, &stderr); code != 1 || !strings.Contains(stderr.String(), "absent.yaml") {
		t.Errorf("vigie %s: exit %d, %s", strings.Join(args, " "), code, stderr.String())
	}

	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		testenv.Unavailable(t, "systemd-analyze not found (Debian package systemd)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "vigie.service")
	os.WriteFile(path, bytes.ReplaceAll(unit, []byte("/usr/local/bin/vigie"), []byte("/bin/true")), 0o644)
	if out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, _ := exec.Command("systemd-analyze", "security", "--offline=true", path).CombinedOutput()
	e := regexp.MustCompile(`Overall exposure level for vigie.service: ([0-9.]+)`).FindSubmatch(out)
	if e == nil {
		t.Fatalf("systemd-analyze security:\n%s", out)
	}
	if x, _ := strconv.ParseFloat(string(e[1]), 64); x >= 3 {
		t.Errorf("exposure %s, want under 3 (\"OK\"):\n%s", e[1], out)
	}
	t.Logf("systemd exposure level %s", e[1])
}
