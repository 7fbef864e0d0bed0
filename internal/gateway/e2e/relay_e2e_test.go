package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/quarantine"
)

func storeFilterAll() quarantine.Filter { return quarantine.Filter{All: true} }

func TestRelayToSmtpSink(t *testing.T) {
	requireTools(t)
	sinkPort := freePort(t)
	sk := startSink(t, sinkPort)
	v := startVigie(t, func(c *config.Config) { c.Serve.Relay.NextHop = "127.0.0.1:" + strconv.Itoa(sinkPort) }, nil)
	port := portOf(t, v.RelayAddr)

	r := swaks(t, port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml")
	// Postfix's wording, so that the client's log names our queue id, the
	// one in our Received field and logs.
	qid, ok := strings.CutPrefix(r, "250 2.0.0 Ok: queued as ")
	if !ok || qid == "" {
		t.Fatalf("clean: reply %q, want 250 2.0.0 Ok: queued as ID", r)
	}
	m := sk.waitMessages(t, 1, 60*time.Second)[0]
	for _, want := range []string{"(Vigie) with ESMTP id " + qid, "X-Vigie-Verdict: accept", "Authentication-Results: vigie;", "Subject: Compte rendu"} {
		if !strings.Contains(m, want) {
			t.Errorf("delivered message lacks %q:\n%s", want, m)
		}
	}
	if r := swaks(t, port, "x@abatos.fr", "bob@example.test", phishFixture); !strings.HasPrefix(r, "550 5.7.1") {
		t.Errorf("phishing: reply %q, want 550 5.7.1", r)
	}
	// Never an open relay.
	for _, rcpt := range []string{"someone@elsewhere.test", "bob@example.test.evil.test", "bob%elsewhere.test@example.test.", "\"bob@example.test\"@elsewhere.test"} {
		if r := swaks(t, port, "claire.martin@partner.test", rcpt, "testdata/clean.eml"); !strings.HasPrefix(r, "5") {
			t.Errorf("RCPT %s: reply %q, want a 5xx refusal", rcpt, r)
		}
	}
	// Refused at RCPT, they never reached the queue; the one accepted
	// message has left it.
	waitFor(t, "an empty queue", 60*time.Second, func() bool { return v.Queue.Len() == 0 })
	if n := len(sk.messages()); n != 1 {
		t.Errorf("sink holds %d messages, want 1", n)
	}
}

func TestRelayNextHopDown(t *testing.T) {
	requireTools(t)
	sinkPort := freePort(t) // nothing listens yet
	dataDir := t.TempDir()
	edit := func(c *config.Config) {
		c.DataDir = dataDir
		c.Serve.Relay.NextHop = "127.0.0.1:" + strconv.Itoa(sinkPort)
		// The queue is what is tested: no recipient verification, which
		// would answer 450 while the next hop is down.
		c.Serve.Relay.VerifyRecipients = false
	}
	v := startVigie(t, edit, nil)
	port := portOf(t, v.RelayAddr)
	for i := 0; i < 3; i++ {
		if r := swaks(t, port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q with the next hop down, want 250 (queued)", r)
		}
	}
	// Each 250 came after its message was in the queue.
	if n := v.Queue.Len(); n != 3 {
		t.Fatalf("queue holds %d, want 3", n)
	}
	// A restart keeps the queue; the messages go once the next hop is back.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := v.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	v2 := startVigie(t, edit, nil)
	if n := v2.Queue.Len(); n != 3 {
		t.Fatalf("queue after restart holds %d, want 3", n)
	}
	sk := startSink(t, sinkPort)
	sk.waitMessages(t, 3, 60*time.Second)
	waitFor(t, "an empty queue", 60*time.Second, func() bool { return v2.Queue.Len() == 0 })
}
