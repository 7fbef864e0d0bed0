package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
)

// internalServer is a Postfix standing for the organisation's mail server
// behind the relay: it knows two mailboxes and refuses other recipients
// with 550 5.1.1, as Exchange or a Dovecot/Postfix host does.
func internalServer(t *testing.T, sinkPort int) *postfixInstance {
	t.Helper()
	return startPostfixWith(t, "", sinkPort, `myhostname = mail.example.test
relay_recipient_maps = inline:{ bob@example.test=ok, secu@example.test=ok }
smtpd_recipient_restrictions = reject_unauth_destination
`, nil)
}

// countLog counts the lines of a Postfix's maillog holding s.
func (p *postfixInstance) countLog(s string) int {
	b, _ := os.ReadFile(filepath.Join(p.dir, "maillog"))
	return strings.Count(string(b), s)
}

// Issue 13, point 6: the relay asks its next hop (a real Postfix with a
// recipient table) before answering RCPT: an unknown recipient is refused
// at once, no bounce is ever sent; answers are cached, positive and
// negative; while the next hop is down an unverified recipient gets a
// 450, a recently verified one is still accepted and queued.
func TestRelayVerifiesRecipients(t *testing.T) {
	requireTools(t)
	sk := startSink(t, freePort(t))
	inner := internalServer(t, sk.port)
	v := startVigie(t, func(c *config.Config) {
		c.Serve.Relay.NextHop = fmt.Sprintf("127.0.0.1:%d", inner.port)
	}, nil)
	port := portOf(t, v.RelayAddr)
	if r := swaks(t, port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250 2.0.0 Ok: queued as ") {
		t.Fatalf("known recipient: %q", r)
	}
	for i := 0; i < 3; i++ {
		if r := swaks(t, port, "forged@partner.test", "nobody@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "550 5.1.1 <nobody@example.test>: Recipient address rejected") {
			t.Fatalf("unknown recipient, try %d: %q", i, r)
		}
	}
	sk.waitMessages(t, 1, 60*time.Second)
	// One probe for nobody@, the other two answered from the cache.
	if n := inner.countLog("<nobody@example.test>: Recipient address rejected"); n != 1 {
		t.Errorf("next hop asked %d times about nobody@, want 1 (cached)", n)
	}
	if n := v.Queue.Len(); n != 0 {
		t.Errorf("queue holds %d: a refused recipient was queued", n)
	}

	// The next hop goes down.
	exec := func(args ...string) { runQuiet("postfix", append([]string{"-c", inner.dir}, args...)...) }
	exec("stop")
	waitFor(t, "the next hop to stop listening", 60*time.Second, func() bool { return !listening(inner.port) })
	if r := swaks(t, port, "claire.martin@partner.test", "secu@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "450 4.1.1") {
		t.Errorf("unverifiable recipient: %q, want 450 4.1.1", r)
	}
	if r := swaks(t, port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250 2.0.0 Ok: queued as ") {
		t.Errorf("recipient verified a moment ago: %q, want queued", r)
	}
	if n := v.Queue.Len(); n != 1 {
		t.Errorf("queue holds %d, want the one message for bob@", n)
	}
}
