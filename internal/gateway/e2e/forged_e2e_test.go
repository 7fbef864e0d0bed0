package e2e

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
)

// checkForgeriesGone asserts that a delivered copy of testdata/forged.eml
// carries only Vigie's own fields: one X-Vigie-Verdict (ours, with a real
// score), one Authentication-Results in our name, and the partner's own
// Authentication-Results untouched.
func checkForgeriesGone(t *testing.T, m string) {
	t.Helper()
	hdr, body, _ := strings.Cut(strings.ReplaceAll(m, "\r\n", "\n"), "\n\n")
	count := func(re string) int { return len(regexp.MustCompile(`(?mi)`+re).FindAllString(hdr, -1)) }
	if n := count(`^X-Vigie-Verdict:`); n != 1 {
		t.Errorf("%d X-Vigie-Verdict fields, want only ours:\n%s", n, hdr)
	}
	if count(`^X-Vigie-Score: -100`) != 0 || count(`^X-Vigie-Signals: NONE`) != 0 {
		t.Errorf("forged X-Vigie fields survive:\n%s", hdr)
	}
	if n := count(`^Authentication-Results: vigie;`); n != 1 {
		t.Errorf("%d Authentication-Results in our name, want only ours:\n%s", n, hdr)
	}
	if count(`dkim=pass header.d=partner.test`) != 0 {
		t.Errorf("the forged dkim=pass survives:\n%s", hdr)
	}
	if count(`^Authentication-Results: mx.partner.test; spf=pass`) != 1 {
		t.Errorf("another relay's Authentication-Results was removed:\n%s", hdr)
	}
	if !strings.Contains(body, "X-Vigie-Verdict: accept dans le corps") {
		t.Errorf("the body was changed:\n%s", body)
	}
}

// Issue 13, point 3: no X-Vigie-* field and no Authentication-Results in
// our authserv-id coming from outside survives, through Postfix and the
// milter, through the relay, and in Postfix's held copy.
func TestForgedVigieFieldsStripped(t *testing.T) {
	requireTools(t)
	t.Run("milter", func(t *testing.T) {
		sk := startSink(t, freePort(t))
		v := startVigie(t, nil, nil)
		pf := startPostfix(t, v.MilterAddr, sk.port)
		if r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/forged.eml"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
		checkForgeriesGone(t, sk.waitMessages(t, 1, 60*time.Second)[0])
	})
	t.Run("relay", func(t *testing.T) {
		sinkPort := freePort(t)
		sk := startSink(t, sinkPort)
		v := startVigie(t, func(c *config.Config) { c.Serve.Relay.NextHop = "127.0.0.1:" + strconv.Itoa(sinkPort) }, nil)
		if r := swaks(t, portOf(t, v.RelayAddr), "claire.martin@partner.test", "bob@example.test", "testdata/forged.eml"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
		checkForgeriesGone(t, sk.waitMessages(t, 1, 60*time.Second)[0])
	})
	t.Run("milter hold: Postfix's held copy", func(t *testing.T) {
		sk := startSink(t, freePort(t))
		v := startVigie(t, func(c *config.Config) { c.Policy.TagAt, c.Policy.QuarantineAt = 0.1, 0.2 }, nil) // everything held
		pf := startPostfix(t, v.MilterAddr, sk.port)
		if r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/forged.eml"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
		waitFor(t, "the message in Postfix's hold queue", 60*time.Second, func() bool { return pf.held() == 1 })
		held := pf.heldIDs(t)
		out, err := exec.Command("postcat", "-c", pf.dir, "-h", "-q", held[0]).CombinedOutput()
		if err != nil {
			t.Fatalf("postcat: %v\n%s", err, out)
		}
		hdr := string(out)
		if strings.Contains(strings.ToLower(hdr), "x-vigie-") || strings.Contains(hdr, "Authentication-Results: vigie;") {
			t.Errorf("Postfix's held copy keeps forged fields:\n%s", hdr)
		}
	})
}
