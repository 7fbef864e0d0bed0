package e2e

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/testenv"
)

// A real Postfix rejects a client listed in Vigie's own DNSBL with an
// unchanged reject_rbl_client restriction. Postfix asks the system resolver,
// so the Postfix instance runs in a mount namespace whose /etc/resolv.conf
// names Vigie's DNSBL on 127.0.0.1:53; the sending client uses another
// loopback address (127.0.0.9), which the indicator store blocks.
func TestPostfixRejectRBLClient(t *testing.T) {
	requireTools(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("unshare (util-linux) missing")
	}
	if pc, err := net.ListenPacket("udp", "127.0.0.1:53"); err != nil {
		testenv.Unavailable(t, "port 53 on 127.0.0.1 is taken; the DNSBL test needs it for Postfix's resolver")
	} else {
		pc.Close()
	}
	sink := startSink(t, freePort(t))
	d := startVigie(t, func(c *config.Config) {
		c.Serve.RBL.Listen = "127.0.0.1:53"
		c.Serve.RBL.RateLimit = 0
	}, nil)
	svc := ioc.NewService(d.DB.Indicators(), ioc.ServiceOptions{})
	// The attacker must be on loopback (tests send nowhere else), which the
	// guard protects: the test forces it, as an admin would, with a reason.
	if _, err := svc.Add(context.Background(), ioc.NewIndicator{Kind: ioc.KindIP, Value: "127.0.0.9", Mode: ioc.Block,
		Reason: "campagne de test", AddedBy: "e2e", Force: true}); err != nil {
		t.Fatal(err)
	}
	// A feed's block answers 127.0.0.4, a watched entry 127.0.0.3: the
	// documented restriction rejects the first and lets the second pass.
	if _, err := svc.Add(context.Background(), ioc.NewIndicator{Kind: ioc.KindIP, Value: "127.0.0.10", Source: ioc.FeedSource("test"),
		Reason: "flux", AddedBy: "e2e", Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Add(context.Background(), ioc.NewIndicator{Kind: ioc.KindIP, Value: "127.0.0.11", Mode: ioc.Watch,
		Reason: "observation", AddedBy: "e2e", Force: true}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the matcher to see the indicators", 60*time.Second, func() bool {
		_, ok := d.Matcher.LookupIP(netip.MustParseAddr("127.0.0.9"))
		_, ok2 := d.Matcher.LookupIP(netip.MustParseAddr("127.0.0.11"))
		_, ok3 := d.Matcher.LookupIP(netip.MustParseAddr("127.0.0.10"))
		return ok && ok2 && ok3
	})

	if in, ok := d.Matcher.LookupIP(netip.MustParseAddr("127.0.0.10")); !ok || in.AnswerCode() != ioc.CodeFeed {
		t.Fatalf("feed entry answers %d (%+v), want %d", in.AnswerCode(), in, ioc.CodeFeed)
	}
	dir := t.TempDir()
	resolv := filepath.Join(dir, "resolv.conf")
	os.WriteFile(resolv, []byte("nameserver 127.0.0.1\noptions timeout:2 attempts:1\n"), 0o644)
	extra := fmt.Sprintf("smtpd_client_restrictions = reject_rbl_client %s=127.0.0.[2;4]\n", config.DefaultServe().RBL.IPZone)
	ns := filepath.Join(dir, "ns.sh")
	os.WriteFile(ns, []byte("#!/bin/sh\nmount --bind "+resolv+" /etc/resolv.conf && exec \"$@\"\n"), 0o755)
	wrap := []string{"unshare", "-m", "--propagation", "private", ns}
	p := startPostfixWith(t, d.MilterAddr, sink.port, extra, wrap)

	data := filepath.Join(dir, "clean.eml")
	os.WriteFile(data, []byte("From: a@partner.test\r\nTo: b@example.test\r\nSubject: hello\r\n\r\nhello\r\n"), 0o644)
	send := func(local string) string {
		out, _ := exec.Command("swaks", "--server", fmt.Sprintf("127.0.0.1:%d", p.port), "--local-interface", local,
			"--from", "a@partner.test", "--to", "b@example.test", "--data", data, "--timeout", "30").CombinedOutput()
		return string(out)
	}
	if out := send("127.0.0.9"); !strings.Contains(out, "554") || !strings.Contains(out, "blocked using "+config.DefaultServe().RBL.IPZone) {
		t.Errorf("listed client not rejected:\n%s", out)
	}
	if out := send("127.0.0.10"); !strings.Contains(out, "554") {
		t.Errorf("client listed by a feed (127.0.0.4) not rejected:\n%s", out)
	}
	for _, local := range []string{"127.0.0.1", "127.0.0.11"} {
		if reply := lastReply(send(local)); !strings.HasPrefix(reply, "250") {
			t.Errorf("unlisted or watched client %s got %q", local, reply)
		}
	}
}
