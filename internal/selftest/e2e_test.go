package selftest_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/dnsx/dnstest"
	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/selftest"
)

// The done-when of issue 20: against the real Postfix with Vigie as its
// milter, in Vigie's default configuration (only the organisation's
// domain and the DNS servers set), every case of the battery is reported,
// every attack case is refused or quarantined and every control case is
// delivered untagged.
func TestSelftestThroughPostfixAndMilter(t *testing.T) {
	postfixtest.Require(t)
	dns := dnstest.Start(t, testZone)

	v := startDefaultVigie(t, dns)

	// The MX as mx_sec_conf's mta.md configures it: relay for the
	// hospital's domain only, 10 MB size limit (Postfix's default), every
	// message through Vigie; accepted mail is discarded at the end.
	pf := postfixtest.Start(t, map[string]string{
		"myhostname":               "mx.chu-exemple.test",
		"mynetworks":               "192.0.2.250/32",
		"relay_domains":            "chu-exemple.test",
		"transport_maps":           "inline:{ chu-exemple.test=discard: }",
		"smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
		"smtpd_milters":            "inet:" + v.MilterAddr,
		// The test client is on loopback; treat it as the internet client it
		// stands for, whose missing headers Postfix does not add.
		"local_header_rewrite_clients": "",
	})

	cases, err := selftest.Load("")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	results, err := selftest.Run(ctx, cases, selftest.Options{Via: pf.Addr(), To: "selftest@chu-exemple.test",
		SenderDomain: "partenaire.test", HELO: "relais.partenaire.test", Trace: v.Trace, Wait: 90 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	selftest.WriteText(&b, results, "fr")
	t.Log("\n" + b.String())
	if len(results) != len(cases) {
		t.Fatalf("%d results for %d cases", len(results), len(cases))
	}
	for _, r := range results {
		if !r.Pass {
			t.Errorf("%s (%s): expected %s, got %s (%s) signals %v", r.ID, r.Category, r.Expect, r.Outcome, r.Reply, r.Signals)
		}
		if r.Outcome == selftest.Unknown || r.Outcome == selftest.Failed {
			t.Errorf("%s: not reported: %s %s", r.ID, r.Outcome, r.Reply)
		}
	}
	if r := find(results, "oversize"); r == nil || r.Stage == "data" && !strings.HasPrefix(r.Reply, "552") {
		t.Errorf("oversize not refused by the MTA's size limit: %+v", r)
	}
}

// The same battery read from the test recipient's real mailbox (Dovecot
// over IMAP, fed by Postfix over LMTP) instead of Vigie's trace: what
// reached the mailbox is delivered or tagged, what Vigie held never arrives
// (withheld), and every attack case is still stopped.
func TestSelftestReadsTheMailbox(t *testing.T) {
	postfixtest.Require(t)
	mbox := startDovecot(t, "selftest@chu-exemple.test")
	dns := dnstest.Start(t, testZone)
	v := startDefaultVigie(t, dns)
	pf := postfixtest.Start(t, map[string]string{
		"myhostname":                   "mx.chu-exemple.test",
		"mynetworks":                   "192.0.2.250/32",
		"relay_domains":                "chu-exemple.test",
		"transport_maps":               fmt.Sprintf("inline:{ chu-exemple.test=lmtp:inet:127.0.0.1:%d }", mbox.LMTP),
		"smtpd_relay_restrictions":     "permit_mynetworks, reject_unauth_destination",
		"smtpd_milters":                "inet:" + v.MilterAddr,
		"local_header_rewrite_clients": "",
	})
	cases, err := selftest.Load("")
	if err != nil {
		t.Fatal(err)
	}
	var some []*selftest.Case
	for _, c := range cases {
		switch c.ID {
		case "eicar-body", "html-smuggling", "replyto-freemail", "missing-date", "oversize", "control-plain", "control-pdf", "control-link":
			some = append(some, c)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	results, err := selftest.Run(ctx, some, selftest.Options{Via: pf.Addr(), To: mbox.User, SenderDomain: "partenaire.test",
		HELO: "relais.partenaire.test", Wait: 20 * time.Second,
		Mailbox: &selftest.Mailbox{URL: fmt.Sprintf("imap://127.0.0.1:%d", mbox.IMAP), User: mbox.User, Password: mbox.Pass}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	selftest.WriteText(&b, results, "fr")
	t.Log("\n" + b.String())
	for _, r := range results {
		if !r.Pass {
			t.Errorf("%s: expected %s, got %s (%s)", r.ID, r.Expect, r.Outcome, r.Reply)
		}
		if r.Expect == selftest.Deliver && !r.InMailbox {
			t.Errorf("%s: control not found in the mailbox", r.ID)
		}
		if r.Outcome == selftest.Quarantined && r.InMailbox {
			t.Errorf("%s: held message found in the mailbox", r.ID)
		}
	}
}

// startDefaultVigie runs the gateway in its default configuration, with
// only the organisation's domain and the DNS servers set.
func startDefaultVigie(t *testing.T, dns *dnstest.Server) *daemon.Daemon {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Org.Domains = []string{"chu-exemple.test"}
	cfg.Auth.DNSServers = []string{dns.Addr()}
	cfg.Auth.Timeout = 2 * time.Second
	cfg.Serve.Milter.Listen = "127.0.0.1:0"
	cfg.Serve.Relay.Listen = "127.0.0.1:0"
	cfg.Serve.HTTP.Listen = "127.0.0.1:0"
	cfg.Serve.RBL.Listen = "127.0.0.1:0"
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	v, err := daemon.Start(context.Background(), cfg, daemon.Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		v.Shutdown(ctx)
	})
	return v
}

func find(rs []selftest.Result, id string) *selftest.Result {
	for i := range rs {
		if rs[i].ID == id {
			return &rs[i]
		}
	}
	return nil
}
