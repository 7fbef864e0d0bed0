package mailbox_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/mailbox/imapbox"
	"vigie.dev/vigie/internal/mailbox/mailboxtest"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// fill writes users' maildirs directly: per-message files written once
// and hard-linked into every mailbox (Dovecot never rewrites a message
// file), the campaign's copy among them. A million SMTP deliveries would
// measure Postfix, not the purge.
func fill(b *testing.B, d *mailboxtest.Dovecot, users []string, perBox int, campaignID string) (size int64) {
	b.Helper()
	tmpl := filepath.Join(d.Dir, "templates")
	os.MkdirAll(tmpl, 0o755)
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	var files []string
	for i := range perBox {
		id := fmt.Sprintf("<m%d.%d@partenaire.test>", i, base.Unix())
		subject := fmt.Sprintf("Dossier %d : compte rendu de la réunion de service", i)
		body := strings.Repeat("Ligne de compte rendu, sans lien ni pièce jointe.\n", 20)
		from := fmt.Sprintf("Agent %d <agent%d@partenaire.test>", i%97, i%97)
		if i == perBox/2 {
			id, subject, from = campaignID, "Votre bulletin de salaire", "Service Paie <paie@evil.example>"
			body = "Consultez votre bulletin : http://paie-chu.evil.example/login\n"
		}
		at := base.Add(time.Duration(i) * time.Minute)
		msg := fmt.Sprintf("Return-Path: <x@partenaire.test>\nReceived: from mx.chu-exemple.test by imap.chu-exemple.test with LMTP; %s\nFrom: %s\nTo: undisclosed-recipients:;\nSubject: %s\nMessage-ID: %s\nDate: %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s",
			at.Format(time.RFC1123Z), from, subject, id, at.Format(time.RFC1123Z), body)
		name := fmt.Sprintf("%d.M%dP1.bench,S=%d:2,S", at.Unix(), i, len(msg))
		p := filepath.Join(tmpl, name)
		if err := os.WriteFile(p, []byte(msg), 0o644); err != nil {
			b.Fatal(err)
		}
		os.Chtimes(p, at, at)
		files = append(files, name)
		size += int64(len(msg))
	}
	for _, u := range users {
		md := d.Maildir(u)
		for _, sub := range []string{"cur", "new", "tmp"} {
			os.MkdirAll(filepath.Join(md, sub), 0o700)
		}
		for _, f := range files {
			if err := os.Link(filepath.Join(tmpl, f), filepath.Join(md, "cur", f)); err != nil {
				b.Fatal(err)
			}
		}
	}
	if out, err := exec.Command("chown", "-R", fmt.Sprint(mailboxtest.MailUID, ":", mailboxtest.MailUID), filepath.Join(d.Dir, "home"), tmpl).CombinedOutput(); err != nil {
		b.Fatalf("chown: %v %s", err, out)
	}
	return size
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// BenchmarkPurgeCampaign pulls one campaign out of BENCH_MAILBOXES
// mailboxes of BENCH_MESSAGES messages each (default 1,000 × 1,000) on a
// real Dovecot, and times Dovecot's own `doveadm move -A` doing the same
// on the same data: cold (Dovecot builds its indexes during the first
// run), then warm. Run with -benchtime 1x (bench/mailbox-purge.sh).
func BenchmarkPurgeCampaign(b *testing.B) {
	boxes, per := envInt("BENCH_MAILBOXES", 1000), envInt("BENCH_MESSAGES", 1000)
	conc := envInt("BENCH_CONCURRENCY", 4)
	users := make([]string, boxes)
	for i := range users {
		users[i] = fmt.Sprintf("agent%04d@chu-exemple.test", i)
	}
	d := mailboxtest.Start(b, users...)
	const campaign = "<camp-bench@evil.example>"
	start := time.Now()
	boxBytes := fill(b, d, users, per, campaign)
	b.Logf("filled %d mailboxes × %d messages in %s", boxes, per, time.Since(start).Round(time.Millisecond))
	var read atomic.Int64 // bytes the server sent: what "never a full download" means
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		return countingConn{Conn: c, n: &read}, err
	}
	conn, err := imapbox.New(imapbox.Config{Addr: d.IMAPAddr(), TLS: "none", Admin: mailboxtest.Admin, Password: mailboxtest.AdminPass,
		Timeout: 5 * time.Minute, Dial: dial})
	if err != nil {
		b.Fatal(err)
	}
	targets := make([]mailbox.Target, boxes)
	for i, u := range users {
		targets[i] = mailbox.Target{Mailbox: u, MessageID: strings.Trim(campaign, "<>")}
	}
	r := &mailbox.Remediator{Connector: conn, Concurrency: conc}
	ctx := context.Background()
	purge := func(label string) mailbox.Report {
		read.Store(0)
		rep := r.Purge(ctx, mailbox.PurgeRequest{Targets: targets, By: "bench"})
		if rep.Moved != boxes || rep.Failed != 0 {
			b.Fatalf("%s: %+v", label, rep)
		}
		b.Logf("vigie purge (%s): %d mailboxes in %s, %.2f ms per mailbox, %.1f IMAP commands and %.1f KB read per mailbox (the mailbox holds %.0f KB)",
			label, boxes, rep.Elapsed.Round(time.Millisecond), float64(rep.Elapsed.Milliseconds())/float64(boxes), float64(rep.Commands)/float64(boxes),
			float64(read.Load())/1024/float64(boxes), float64(boxBytes)/1024)
		return rep
	}
	// The move back is Dovecot's own (not part of any figure): every copy
	// returns to INBOX between runs.
	back := func() {
		out, err := exec.Command("doveadm", "-c", filepath.Join(d.Dir, "dovecot.conf"), "move", "-A", "INBOX",
			"mailbox", mailbox.DefaultQuarantine, "ALL").CombinedOutput()
		if err != nil {
			b.Fatalf("doveadm move back: %v %s", err, out)
		}
	}
	doveadm := func(label string) time.Duration {
		t0 := time.Now()
		out, err := exec.Command("doveadm", "-c", filepath.Join(d.Dir, "dovecot.conf"), "move", "-A", mailbox.DefaultQuarantine,
			"mailbox", "INBOX", "header", "Message-ID", strings.Trim(campaign, "<>")).CombinedOutput()
		el := time.Since(t0)
		if err != nil {
			b.Fatalf("doveadm move: %v %s", err, out)
		}
		b.Logf("doveadm move -A (%s): %s, %.2f ms per mailbox", label, el.Round(time.Millisecond), float64(el.Milliseconds())/float64(boxes))
		return el
	}
	rounds := envInt("BENCH_ROUNDS", 3)
	b.ResetTimer()
	for range b.N {
		cold := purge("cold")
		back()
		// Warm runs of both, interleaved, on a machine others share: the
		// medians are the figures.
		var vs, ds []time.Duration
		var warm mailbox.Report
		for i := range rounds {
			warm = purge(fmt.Sprintf("warm %d", i+1))
			back()
			vs = append(vs, warm.Elapsed)
			ds = append(ds, doveadm(fmt.Sprintf("warm %d", i+1)))
			back()
		}
		slices.Sort(vs)
		slices.Sort(ds)
		vm, dm := vs[len(vs)/2], ds[len(ds)/2]
		b.Logf("medians of %d warm rounds: vigie %s, doveadm %s, ratio %.2f", rounds, vm.Round(time.Millisecond), dm.Round(time.Millisecond), vm.Seconds()/dm.Seconds())
		b.ReportMetric(cold.Elapsed.Seconds(), "cold-s")
		b.ReportMetric(vm.Seconds(), "warm-median-s")
		b.ReportMetric(dm.Seconds(), "doveadm-warm-median-s")
		b.ReportMetric(float64(warm.Commands)/float64(boxes), "imap-cmds/mailbox")
		b.ReportMetric(float64(read.Load())/float64(boxes), "bytes-read/mailbox")
		b.ReportMetric(vm.Seconds()/dm.Seconds(), "vigie/doveadm")
	}
}
