package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/trace"
)

// paddedPhish writes the Chorus Pro phish followed by 300 KB of filler
// lines: a sender's way around a filter that skips large messages.
func paddedPhish(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(phishFixture)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.Write(raw)
	for b.Len() < 300_000 {
		b.WriteString("\n                                                                      ")
	}
	b.WriteString("\n")
	path := filepath.Join(t.TempDir(), "padded.eml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const scanWindow = 64 << 10 // limits.max_size in these tests

// Issue 13, point 4: a phish padded beyond limits.max_size is judged on
// its first max_size bytes (serve.oversize: scan, the default) through
// Postfix's milter and through the relay; "reject" refuses it with
// 552 5.3.4; only "accept" passes it unscanned, marked so.
func TestOversizeIsNotABypass(t *testing.T) {
	requireTools(t)
	padded := paddedPhish(t)
	for _, c := range []struct {
		oversize, want string
	}{
		{"scan", "550 5.7.1"},
		{"reject", "552 5.3.4"},
		{"accept", "250"},
	} {
		t.Run(c.oversize, func(t *testing.T) {
			sinkPort := freePort(t)
			sk := startSink(t, sinkPort)
			v := startVigie(t, func(cfg *config.Config) {
				cfg.Limits.MaxSize = scanWindow
				cfg.Serve.Oversize = c.oversize
				cfg.Serve.Relay.NextHop = "127.0.0.1:" + strconv.Itoa(sinkPort)
			}, nil)
			pf := startPostfixWith(t, v.MilterAddr, sk.port, "message_size_limit = 10240000\n", nil)
			for name, port := range map[string]int{"milter": pf.port, "relay": portOf(t, v.RelayAddr)} {
				r := swaks(t, port, "notification@abatos.fr", "bob@example.test", padded)
				if !strings.HasPrefix(r, c.want) {
					t.Errorf("%s: reply %q, want %s", name, r, c.want)
				}
			}
			if c.oversize != "accept" {
				return
			}
			for _, m := range sk.waitMessages(t, 2, 60*time.Second) {
				if !strings.Contains(m, "X-Vigie-Verdict: oversize") || len(m) < 300_000 {
					t.Errorf("passed unscanned without its mark, or cut (%d bytes)", len(m))
				}
			}
		})
	}
}

// holdOversize sends an oversize phishing message through real Postfix and
// the milter in hold mode, with quarantine: discard, and waits until Postfix
// holds the whole and Vigie its scanned part (one entry, whose id it returns).
func holdOversize(t *testing.T) (dataDir string, sk *sink, v *daemon.Daemon, pf *postfixInstance, ids []string) {
	t.Helper()
	requireTools(t)
	dataDir = t.TempDir()
	sk = startSink(t, freePort(t))
	v = startVigie(t, func(cfg *config.Config) {
		cfg.DataDir = dataDir
		cfg.Limits.MaxSize = scanWindow
		cfg.Policy.RejectAt = 0 // quarantine instead of refusing
		cfg.Serve.Milter.Quarantine = "discard"
	}, nil)
	pf = startPostfixWith(t, v.MilterAddr, sk.port, "message_size_limit = 10240000\n", nil)
	if r := swaks(t, pf.port, "notification@abatos.fr", "bob@example.test", paddedPhish(t)); !strings.HasPrefix(r, "250") {
		t.Fatalf("reply %q", r)
	}
	waitFor(t, "the whole message in Postfix's hold queue", 60*time.Second, func() bool { return pf.held() == 1 })
	ids = heldIDs(t, v)
	if len(ids) != 1 {
		t.Fatalf("%d held by Vigie", len(ids))
	}
	return dataDir, sk, v, pf, ids
}

// In hold mode Vigie keeps only the scanned part of an oversize message
// it quarantines; Postfix holds the whole, even with quarantine: discard,
// and releasing it releases Postfix's whole copy.
func TestOversizeQuarantineKeepsPostfixCopy(t *testing.T) {
	dataDir, sk, v, pf, ids := holdOversize(t)
	v.Trace.Flush()
	recs, _ := v.Trace.Search(context.Background(), trace.Query{Sender: "notification@abatos.fr"})
	if len(recs) != 1 || !strings.Contains(strings.Join(recs[0].Signals, " "), "OVERSIZE") {
		t.Errorf("trace: %+v", recs)
	}
	// Pointed at another Postfix (the host's own), Vigie finds no held copy
	// and does not deliver its truncated one.
	out, code := releaseCLI(t, dataDir, fmt.Sprintf("127.0.0.1:%d", pf.port), "", ids[0])
	if code != 1 || !strings.Contains(out, "NON libéré") || len(sk.messages()) != 0 {
		t.Errorf("release without this Postfix: exit %d\n%s", code, out)
	}
	out, code = releaseCLI(t, dataDir, fmt.Sprintf("127.0.0.1:%d", pf.port), pf.dir, ids[0])
	if code != 0 || !strings.Contains(out, "libéré de la file hold de Postfix") {
		t.Fatalf("release: exit %d\n%s", code, out)
	}
	if m := sk.waitMessages(t, 1, 60*time.Second)[0]; len(m) < 300_000 {
		t.Errorf("released copy is %d bytes, want the whole message", len(m))
	}
}

// When Postfix's whole copy of an oversize message has already left the
// hold queue (someone ran postsuper -H), Vigie's partial copy is never
// sent, forced or not, and the refusal says nothing whole is left — not
// to run postsuper -H again.
func TestOversizeReleaseWhenPostfixCopyIsGone(t *testing.T) {
	dataDir, sk, _, pf, ids := holdOversize(t)
	if out, err := exec.Command("postsuper", "-c", pf.dir, "-H", pf.heldIDs(t)[0]).CombinedOutput(); err != nil {
		t.Fatalf("postsuper -H: %v\n%s", err, out)
	}
	exec.Command("postqueue", "-c", pf.dir, "-f").Run()
	sk.waitMessages(t, 1, 60*time.Second)
	for _, force := range []bool{false, true} {
		args := []string{ids[0]}
		if force {
			args = []string{"--force", ids[0]}
		}
		out, code := releaseCLI(t, dataDir, fmt.Sprintf("127.0.0.1:%d", pf.port), pf.dir, args...)
		if code != 1 || !strings.Contains(out, "aucune copie entière") || strings.Contains(out, "--force") {
			t.Errorf("release (force %v): exit %d\n%s", force, code, out)
		}
	}
	if n := len(sk.messages()); n != 1 {
		t.Errorf("%d messages delivered, want only Postfix's one", n)
	}
}
