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

	"vigie.dev/vigie/internal/config"
)

// vigieCLI runs `vigie allow VERB` against the daemon's data directory.
func vigieCLI(t *testing.T, dataDir, verb string, args ...string) (string, int) {
	t.Helper()
	path := filepath.Join(dataDir, "cli-allow.yaml")
	os.WriteFile(path, []byte("data_dir: "+dataDir+"\n"), 0o600)
	pre := []string{"allow", verb, "--config", path}
	if verb != "list" {
		pre = append(pre, "--by", "e2e-operator")
	}
	out, err := exec.Command(vigieBinary(t), append(pre, args...)...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// Issue 13, point 8: allow rules for false positives, through Postfix and
// the milter. The security team's report mailbox receives the phishing
// users forward to it once a recipient rule exists — but not a message
// also addressed to someone else; a supplier's authenticated mail is at
// most tagged, a forgery of it is not; every change is audited.
func TestAllowRules(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	sk := startSink(t, freePort(t))
	v := startVigie(t, func(c *config.Config) { c.DataDir = dataDir }, nil)
	pf := startPostfix(t, v.MilterAddr, sk.port)
	reload := func() {
		if err := v.Allow.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if r := swaks(t, pf.port, "notification@abatos.fr", "secu@example.test", phishFixture); !strings.HasPrefix(r, "550 5.7.1") {
		t.Fatalf("phish to the report mailbox before any rule: %q", r)
	}
	out, code := vigieCLI(t, dataDir, "add", "--recipient", "secu@example.test", "--max-action", "accept",
		"--reason", "boîte de signalement de l'équipe sécurité")
	if code != 0 || !strings.Contains(out, "règle 1 : courrier pour secu@example.test au plus « accept »") {
		t.Fatalf("allow add: exit %d\n%s", code, out)
	}
	reload()
	if r := swaks(t, pf.port, "notification@abatos.fr", "secu@example.test", phishFixture); !strings.HasPrefix(r, "250") {
		t.Fatalf("phish to the report mailbox with the rule: %q", r)
	}
	m := sk.waitMessages(t, 1, 60*time.Second)[0]
	if !strings.Contains(m, "X-Vigie-Verdict: accept") || !strings.Contains(m, "X-Vigie-Allow: 1") {
		t.Errorf("allowed message:\n%.800s", m)
	}
	// Also for bob@: the rule does not apply, bob@ is protected.
	both, _ := exec.Command("swaks", "--server", fmt.Sprintf("127.0.0.1:%d", pf.port), "--from", "notification@abatos.fr",
		"--to", "secu@example.test,bob@example.test", "--data", phishFixture, "--timeout", "60").CombinedOutput()
	if r := lastReply(string(both)); !strings.HasPrefix(r, "550 5.7.1") {
		t.Errorf("phish to the report mailbox and bob@: %q", r)
	}

	// A supplier's notices, quarantined by a strict policy here, are at
	// most tagged once they are authenticated (fakeAuth: SPF passes for
	// the envelope sender's domain).
	v2 := startVigie(t, func(c *config.Config) { c.DataDir = dataDir; holdEverything(c) }, nil)
	pf2 := startPostfix(t, v2.MilterAddr, sk.port)
	if out, code := vigieCLI(t, dataDir, "add", "--sender", "@partner.test", "--reason", "fournisseur, faux positifs"); code != 0 {
		t.Fatalf("allow add sender: %s", out)
	}
	if err := v2.Allow.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := swaks(t, pf2.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250") {
		t.Fatalf("supplier: %q", r)
	}
	msgs := sk.waitMessages(t, 2, 60*time.Second)
	tagged := false
	for _, m := range msgs {
		tagged = tagged || (strings.Contains(m, "X-Vigie-Verdict: tag") && strings.Contains(m, "X-Vigie-Allow: 2"))
	}
	if !tagged {
		t.Errorf("the supplier's message was not delivered tagged under rule 2")
	}
	// The same From with another envelope sender: SPF passes for
	// forger.test, not partner.test: held.
	if r := swaks(t, pf2.port, "x@forger.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250") {
		t.Fatalf("forgery: %q", r)
	}
	waitFor(t, "the forgery held", 60*time.Second, func() bool { return len(heldIDs(t, v2)) == 1 })

	out, code = vigieCLI(t, dataDir, "list")
	if code != 0 || !strings.Contains(out, "destinataire") || !strings.Contains(out, "expéditeur") {
		t.Errorf("allow list: %s", out)
	}
	if out, code := vigieCLI(t, dataDir, "rm", "--reason", "fin du test", "1"); code != 0 {
		t.Fatalf("allow rm: %s", out)
	}
	reload()
	if r := swaks(t, pf.port, "notification@abatos.fr", "secu@example.test", phishFixture); !strings.HasPrefix(r, "550 5.7.1") {
		t.Errorf("phish to the report mailbox after the rule was removed: %q", r)
	}
	rows, _ := v.DB.Users().AuditLog(context.Background(), 50)
	var actions []string
	for _, r := range rows {
		if r.Actor == "e2e-operator" {
			actions = append(actions, r.Action+" "+r.Target)
		}
	}
	for _, want := range []string{"allow.add 1 recipient:secu@example.test", "allow.add 2 sender:@partner.test", "allow.remove 1"} {
		if !strings.Contains(strings.Join(actions, "\n"), want) {
			t.Errorf("audit lacks %q: %v", want, actions)
		}
	}
}
