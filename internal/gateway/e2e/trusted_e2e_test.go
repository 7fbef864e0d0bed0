package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/dnsx/dnstest"
	"vigie.dev/vigie/internal/trace"
)

// partnerZone is the public DNS of the senders (served in process): the
// partner's mail server is 198.51.100.7, and its DMARC policy is reject.
const partnerZone = `
partner.test.        300 IN SOA ns.partner.test. h.partner.test. 1 3600 600 86400 300
partner.test.        300 IN TXT "v=spf1 ip4:198.51.100.7 -all"
_dmarc.partner.test. 300 IN TXT "v=DMARC1; p=reject"
notices.test.        300 IN SOA ns.notices.test. h.notices.test. 1 3600 600 86400 300
`

func held(action string) bool { return action == "quarantine" || action == "reject" }

// swaksVia sends testdata/clean.eml as if from the Internet client addr
// (XCLIENT, which the upstream Postfix allows from loopback).
func swaksVia(t *testing.T, port int, from, addr, name string) string {
	t.Helper()
	out, _ := exec.Command("swaks", "--server", fmt.Sprintf("127.0.0.1:%d", port), "--from", from, "--to", "bob@example.test",
		"--helo", name, "--xclient-addr", addr, "--xclient-name", name, "--xclient-helo", name,
		"--data", "testdata/clean.eml", "--timeout", "60").CombinedOutput()
	return lastReply(string(out))
}

// upstreamMX is a second Postfix in front of the one with the milter, as
// the provider's or the GHT's MX would be: it records the Internet client
// in its Received field, may add its own Authentication-Results (here with
// PREPEND for one client, as a policy service would), and relays from
// 127.0.0.2 to the Postfix that runs Vigie's milter.
func upstreamMX(t *testing.T, milterPostfixPort int) *postfixInstance {
	t.Helper()
	return startPostfixWith(t, "", 0, fmt.Sprintf(`
myhostname = mx-a.upstream.test
smtpd_authorized_xclient_hosts = 127.0.0.0/8
transport_maps = inline:{ example.test=smtp:[127.0.0.1]:%d }
smtp_bind_address = 127.0.0.2
smtpd_client_restrictions = check_client_access inline:{ { 198.51.100.99 = PREPEND Authentication-Results: mx-a.upstream.test; spf=pass smtp.mailfrom=notices.test; dmarc=pass header.from=notices.test } }
`, milterPostfixPort), nil)
}

// Issue 13, point 1: with the upstream MX trusted, the milter judges mail
// on the Internet client the MX recorded (and on the MX's own results when
// it wrote some); mail straight from the Internet is checked live; without
// trust, the MX's address is taken for the sender's.
func TestTrustedUpstreamLiveMode(t *testing.T) {
	requireTools(t)
	dns := dnstest.Start(t, partnerZone)
	run := func(t *testing.T, trust config.Trust) (*daemon.Daemon, *postfixInstance, *postfixInstance, *sink) {
		sk := startSink(t, freePort(t))
		v := startVigie(t, func(c *config.Config) {
			c.Auth.DNSServers = []string{dns.Addr()}
			c.Trust = trust
		}, liveDNS)
		inner := startPostfix(t, v.MilterAddr, sk.port)
		return v, upstreamMX(t, inner.port), inner, sk
	}
	traced := func(t *testing.T, v *daemon.Daemon, sender string) trace.Record {
		t.Helper()
		v.Trace.Flush()
		recs, err := v.Trace.Search(context.Background(), trace.Query{Sender: sender})
		if err != nil || len(recs) != 1 {
			t.Fatalf("trace of %s: %v, %v", sender, recs, err)
		}
		return recs[0]
	}

	t.Run("upstream trusted", func(t *testing.T) {
		v, up, inner, sk := run(t, config.Trust{Networks: []string{"127.0.0.2/32"}, AuthServIDs: []string{"mx-a.upstream.test"}})
		// The partner's own server, through the upstream MX: SPF and DMARC
		// pass against 198.51.100.7, not against the MX.
		if r := swaksVia(t, up.port, "claire.martin@partner.test", "198.51.100.7", "mail.partner.test"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
		m := sk.waitMessages(t, 1, 60*time.Second)[0]
		if !strings.Contains(m, "Authentication-Results: vigie; spf=pass smtp.mailfrom=partner.test") || !strings.Contains(m, "X-Vigie-Verdict: accept") {
			t.Errorf("partner's mail not authenticated behind the trusted MX:\n%s", m)
		}
		if r := traced(t, v, "claire.martin@partner.test"); r.ClientIP != "198.51.100.7" || r.HELO != "mail.partner.test" {
			t.Errorf("trace records %s / %s, want the Internet client 198.51.100.7 / mail.partner.test", r.ClientIP, r.HELO)
		}
		// A forger using the partner's domain from elsewhere fails DMARC
		// (p=reject): held or refused.
		if r := swaksVia(t, up.port, "claire.martin@partner.test", "203.0.113.66", "forger.test"); !strings.HasPrefix(r, "250") {
			t.Fatalf("upstream reply %q", r)
		}
		waitFor(t, "Vigie's verdict on the forgery", 60*time.Second, func() bool {
			v.Trace.Flush()
			recs, _ := v.Trace.Search(context.Background(), trace.Query{IP: "203.0.113.66"})
			return len(recs) == 1 && held(recs[0].Action)
		})
		// The upstream MX's own results are used when it wrote some: the
		// notices.test domain publishes nothing, its MX vouches for it.
		if r := swaksVia(t, up.port, "avis@notices.test", "198.51.100.99", "out.notices.test"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
		waitFor(t, "the notice delivered", 60*time.Second, func() bool { return len(sk.messages()) == 2 })
		if r := traced(t, v, "avis@notices.test"); r.Action != "accept" || r.ClientIP != "198.51.100.99" {
			t.Errorf("notice through the trusted MX: %s from %s, signals %v", r.Action, r.ClientIP, r.Signals)
		}
		// Straight from the Internet to the milter's Postfix: checked live
		// against its own client (127.0.0.1 is not the partner's server).
		swaks(t, inner.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml")
		v.Trace.Flush()
		if recs, _ := v.Trace.Search(context.Background(), trace.Query{IP: "127.0.0.1"}); len(recs) != 1 || !held(recs[0].Action) {
			t.Errorf("direct forgery of partner.test: %+v, want held or refused", recs)
		}
		if n := len(sk.messages()); n != 2 {
			t.Errorf("%d messages delivered, want the partner's and the notice", n)
		}
	})

	t.Run("upstream not trusted", func(t *testing.T) {
		v, up, _, sk := run(t, config.Trust{})
		if r := swaksVia(t, up.port, "claire.martin@partner.test", "198.51.100.7", "mail.partner.test"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
		waitFor(t, "Vigie's verdict", 60*time.Second, func() bool {
			v.Trace.Flush()
			recs, _ := v.Trace.Search(context.Background(), trace.Query{Sender: "claire.martin@partner.test"})
			return len(recs) == 1
		})
		r := traced(t, v, "claire.martin@partner.test")
		if r.ClientIP != "127.0.0.2" || !held(r.Action) {
			t.Errorf("without trust: %s from %s, want held or refused, judged on the MX's address 127.0.0.2", r.Action, r.ClientIP)
		}
		if n := len(sk.messages()); n != 0 {
			t.Errorf("%d delivered", n)
		}
	})
}
