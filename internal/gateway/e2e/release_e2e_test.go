package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/quarantine"
)

// holdEverything quarantines every message (the clean one scores above 0.2).
func holdEverything(c *config.Config) { c.Policy.TagAt, c.Policy.QuarantineAt = 0.1, 0.2 }

// releaseCLI runs `vigie quarantine release` on the configuration the
// daemon of dataDir uses, as an operator would, and returns its output
// and exit code.
func releaseCLI(t *testing.T, dataDir, releaseTo, postfixDir string, args ...string) (string, int) {
	t.Helper()
	cfg := fmt.Sprintf("data_dir: %s\nserve:\n  quarantine: {release_to: \"%s\"}\n  milter: {postfix_config: \"%s\"}\n", dataDir, releaseTo, postfixDir)
	path := filepath.Join(dataDir, "cli.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(vigieBinary(t), append([]string{"quarantine", "release", "--config", path, "--by", "e2e-operator", "--no-learn"}, args...)...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

func heldIDs(t *testing.T, v *daemon.Daemon) []string {
	t.Helper()
	es, err := v.Quarantine.List(context.Background(), quarantine.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

func audited(t *testing.T, v *daemon.Daemon, action, target string) bool {
	t.Helper()
	rows, err := v.DB.Users().AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Action == action && r.Target == target && r.Actor == "e2e-operator" && r.ClientIP == "cli" {
			return true
		}
	}
	return false
}

// Issue 13, point 2, milter: a release re-injected through the very
// Postfix port that runs the milter is delivered once and not scanned
// again; the command says where it went. When the milter cannot honour
// the release (here: the key changed under it), the message comes back
// into the quarantine and the command says so, exits 1, and keeps the
// original held.
func TestReleaseThroughTheMilterPort(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	sk := startSink(t, freePort(t))
	v := startVigie(t, func(c *config.Config) {
		c.DataDir = dataDir
		c.Serve.Milter.Quarantine = "discard" // Vigie's copy is the only one
		holdEverything(c)
	}, nil)
	pf := startPostfix(t, v.MilterAddr, sk.port)
	postfixPort := fmt.Sprintf("127.0.0.1:%d", pf.port)
	for i := 0; i < 2; i++ {
		if r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
	}
	ids := heldIDs(t, v)
	if len(ids) != 2 {
		t.Fatalf("%d held, want 2", len(ids))
	}

	out, code := releaseCLI(t, dataDir, postfixPort, "", ids[0])
	if code != 0 || !strings.Contains(out, ids[0]+" : remis à "+postfixPort) || !strings.Contains(out, "250 2.0.0 Ok: queued as ") {
		t.Fatalf("release: exit %d\n%s", code, out)
	}
	m := sk.waitMessages(t, 1, 60*time.Second)[0]
	if !strings.Contains(m, "X-Vigie-Verdict: released") || strings.Contains(m, "X-Vigie-Release") {
		t.Errorf("released message:\n%s", m)
	}
	if held := heldIDs(t, v); len(held) != 1 || held[0] != ids[1] {
		t.Errorf("held after the release: %v, want only %s (no new entry)", held, ids[1])
	}
	if !audited(t, v, "quarantine.release", ids[0]) {
		t.Error("release not in the audit trail")
	}
	if out, code := releaseCLI(t, dataDir, postfixPort, "", ids[0]); code == 0 || !strings.Contains(out, "NON libéré") {
		t.Errorf("second release of the same message: exit %d\n%s", code, out)
	}

	// The key changes under the running milter (a node with another
	// database would do the same): the release is scanned and held again.
	if _, err := v.DB.Exec(context.Background(), `UPDATE gateway_secrets SET value = ? WHERE name = 'release-hmac'`,
		strings.Repeat("ab", 32)); err != nil {
		t.Fatal(err)
	}
	out, code = releaseCLI(t, dataDir, postfixPort, "", ids[1])
	if code != 1 || !strings.Contains(out, ids[1]+" : NON libéré — revenu en quarantaine sous ") {
		t.Fatalf("looping release: exit %d\n%s", code, out)
	}
	held := heldIDs(t, v)
	if len(held) != 2 || !strings.Contains(strings.Join(held, " "), ids[1]) {
		t.Errorf("held after the loop: %v, want %s still held and its copy", held, ids[1])
	}
	if len(sk.messages()) != 1 {
		t.Errorf("%d delivered, want 1", len(sk.messages()))
	}
	if !audited(t, v, "quarantine.release_failed", ids[1]) {
		t.Error("failed release not in the audit trail")
	}
}

// Issue 13, point 2, hold mode: Postfix keeps its own copy. Releasing
// with Vigie releases Postfix's copy (postsuper -H); a copy an admin
// already released with postsuper -H is not delivered a second time
// unless forced.
func TestReleasePostfixHeldCopy(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	sk := startSink(t, freePort(t))
	v := startVigie(t, func(c *config.Config) { c.DataDir = dataDir; holdEverything(c) }, nil)
	pf := startPostfix(t, v.MilterAddr, sk.port)
	postfixPort := fmt.Sprintf("127.0.0.1:%d", pf.port)
	for i := 0; i < 2; i++ {
		if r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
	}
	waitFor(t, "two messages in Postfix's hold queue", 60*time.Second, func() bool { return pf.held() == 2 })
	ids := heldIDs(t, v)
	if len(ids) != 2 {
		t.Fatalf("%d held by Vigie, want 2", len(ids))
	}

	out, code := releaseCLI(t, dataDir, postfixPort, pf.dir, ids[0])
	if code != 0 || !strings.Contains(out, ids[0]+" : libéré de la file hold de Postfix (") {
		t.Fatalf("release: exit %d\n%s", code, out)
	}
	sk.waitMessages(t, 1, 60*time.Second)
	waitFor(t, "one message left on hold", 60*time.Second, func() bool { return pf.held() == 1 })

	// The admin releases the other one with Postfix's own tool.
	if out, err := exec.Command("postsuper", "-c", pf.dir, "-H", pf.heldIDs(t)[0]).CombinedOutput(); err != nil {
		t.Fatalf("postsuper -H: %v\n%s", err, out)
	}
	pf.flush()
	sk.waitMessages(t, 2, 60*time.Second)
	out, code = releaseCLI(t, dataDir, postfixPort, pf.dir, ids[1])
	if code != 1 || !strings.Contains(out, "la copie de Postfix a quitté sa file hold") {
		t.Fatalf("release after postsuper -H: exit %d\n%s", code, out)
	}
	if n := len(sk.messages()); n != 2 {
		t.Errorf("%d delivered, want 2 (no duplicate)", n)
	}
	out, code = releaseCLI(t, dataDir, postfixPort, pf.dir, "--force", ids[1])
	if code != 0 || !strings.Contains(out, ids[1]+" : remis à ") {
		t.Fatalf("forced release: exit %d\n%s", code, out)
	}
	sk.waitMessages(t, 3, 60*time.Second)
}

// Issue 13, point 2, relay: a release sent to the relay itself (rather
// than to its next hop) is passed on once, unscanned.
func TestReleaseThroughTheRelay(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	sinkPort := freePort(t)
	sk := startSink(t, sinkPort)
	v := startVigie(t, func(c *config.Config) {
		c.DataDir = dataDir
		c.Serve.Relay.NextHop = fmt.Sprintf("127.0.0.1:%d", sinkPort)
		holdEverything(c)
	}, nil)
	if r := swaks(t, portOf(t, v.RelayAddr), "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250 2.0.0 Ok: queued as ") {
		t.Fatalf("reply %q", r)
	}
	ids := heldIDs(t, v)
	if len(ids) != 1 {
		t.Fatalf("%d held", len(ids))
	}
	out, code := releaseCLI(t, dataDir, v.RelayAddr, "", ids[0])
	if code != 0 || !strings.Contains(out, "remis à "+v.RelayAddr) {
		t.Fatalf("release: exit %d\n%s", code, out)
	}
	m := sk.waitMessages(t, 1, 60*time.Second)[0]
	if !strings.Contains(m, "X-Vigie-Verdict: released") || strings.Contains(m, "X-Vigie-Release") {
		t.Errorf("released message:\n%s", m)
	}
	if held := heldIDs(t, v); len(held) != 0 {
		t.Errorf("held again: %v", held)
	}
}
