package rbl

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie.dev/vigie/internal/testenv"
)

// The blocklist as the real rspamd reads it, with the local.d/rbl.conf
// that docs/rbl.md gives, read from the page: rspamd runs with the
// distribution's modules and our server as its only resolver, and rspamc
// scores one message per case, as an MTA hands it over (client address,
// HELO).
func TestRspamdUsesTheBlocklist(t *testing.T) {
	testenv.RequireFiles(t, "the rspamd interoperability test", "", "/usr/bin/rspamd", "/usr/bin/rspamc", "/etc/rspamd/common.conf")
	rbl := docsBlock(t, "## rspamd", "`local.d/rbl.conf`")
	addr := startServer(t, interopServer(t))
	rspamd := startRspamd(t, rbl, addr)

	msg := "Received: from mail.sender-test.com (mail.sender-test.com [203.0.113.9])\r\n" +
		"\tby mx.hopital.test (Postfix) with ESMTPS id 4AbC1; Sun, 6 Dec 2026 09:00:00 +0100\r\n" +
		"From: Service <service@sender-test.com>\r\nTo: jean@hopital.test\r\nSubject: Votre compte\r\n" +
		"Date: Sun, 6 Dec 2026 08:59:58 +0100\r\nMessage-ID: <a1.b2@sender-test.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, voir %s\r\n"
	cases := []struct {
		name, client, helo, link string
		want, never              []string
	}{
		{"blocked client", "203.0.113.50", "mail.sender-test.com", "https://www.example-unlisted.com/", []string{"VIGIE_RBL_BLOCK"}, []string{"VIGIE_RBL_WATCH", "VIGIE_DBL_BLOCK"}},
		{"client in a feed's range", "198.51.100.20", "mail.sender-test.com", "https://www.example-unlisted.com/", []string{"VIGIE_RBL_PHISH"}, []string{"VIGIE_RBL_BLOCK"}},
		{"watched client: its own symbol, to score 0", "192.0.2.77", "mail.sender-test.com", "https://www.example-unlisted.com/", []string{"VIGIE_RBL_WATCH"}, []string{"VIGIE_RBL_BLOCK", "VIGIE_RBL_PHISH"}},
		{"blocked domain, subdomain link", "203.0.113.9", "mail.sender-test.com", "https://login.vigie-block-test.com/a", []string{"VIGIE_DBL_BLOCK"}, []string{"VIGIE_RBL_BLOCK"}},
		{"feed's domain", "203.0.113.9", "mail.sender-test.com", "https://vigie-feed-test.com/", []string{"VIGIE_DBL_PHISH"}, []string{"VIGIE_DBL_BLOCK"}},
		{"watched domain", "203.0.113.9", "mail.sender-test.com", "https://vigie-watch-test.com/", []string{"VIGIE_DBL_WATCH"}, []string{"VIGIE_DBL_BLOCK", "VIGIE_DBL_PHISH"}},
		{"blocked HELO", "203.0.113.9", "smtp.vigie-block-test.com", "https://www.example-unlisted.com/", []string{"VIGIE_HELO_BLOCK"}, []string{"VIGIE_DBL_BLOCK"}},
		{"no HELO: the links are still checked", "203.0.113.9", "", "https://login.vigie-block-test.com/a", []string{"VIGIE_DBL_BLOCK"}, nil},
	}
	symbol := regexp.MustCompile(`(?m)^Symbol: ([A-Z0-9_]+)`)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-h", rspamd, "-t", "60", "-i", tc.client}
			if tc.helo != "" {
				args = append(args, "--helo", tc.helo)
			}
			cmd := exec.Command("/usr/bin/rspamc", append(args, "symbols")...)
			cmd.Stdin = strings.NewReader(fmt.Sprintf(msg, tc.link))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("rspamc: %v\n%s", err, out)
			}
			hits := map[string]bool{}
			for _, m := range symbol.FindAllStringSubmatch(string(out), -1) {
				hits[m[1]] = true
			}
			for _, s := range tc.want {
				if !hits[s] {
					t.Errorf("%s missing:\n%s", s, out)
				}
			}
			for _, s := range tc.never {
				if hits[s] {
					t.Errorf("%s raised:\n%s", s, out)
				}
			}
		})
	}
}

// interopServer holds what the interoperability tests look up: a blocked
// client, a feed's range and a watched client; a blocked, a watched and a
// feed's domain (real TLDs: the clients only query names under one).
func interopServer(t *testing.T) *Server {
	t.Helper()
	b := NewMemBuilder()
	noBad := func(e *LineError) { t.Errorf("zone line: %v", e) }
	if _, err := ReadIPZone(b, strings.NewReader("203.0.113.50\n198.51.100.0/24 :4:Phishing feed: $\n192.0.2.77 :3:Watched: $\n"), "ip", noBad); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDomainZone(b, strings.NewReader(".vigie-block-test.com\nvigie-watch-test.com :3:Watched: $\nvigie-feed-test.com :4:Phishing feed: $\n"), "dns", noBad); err != nil {
		t.Fatal(err)
	}
	s := &Server{Zones: DefaultZones, NS: []string{"ns1.vigie.test"}, RateLimit: RateLimit{PerSecond: -1}}
	if err := s.SetSource(b.Build()); err != nil {
		t.Fatal(err)
	}
	return s
}

// startRspamd runs rspamd in the foreground with the distribution's
// configuration, one scanner worker on a free loopback port, rbl.conf as
// its local.d/rbl.conf and dns as its only resolver; it returns the
// worker's address once rspamc gets an answer from it. As root, rspamd
// must drop to its own user, which must reach the directory.
func startRspamd(t *testing.T, rblConf, dns string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vigie-rspamd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	worker := l.Addr().String()
	l.Close()
	conf := `.include "$CONFDIR/common.conf"
options {
    pidfile = "$RUNDIR/rspamd.pid";
    .include "$CONFDIR/options.inc"
    .include(try=true; priority=1,duplicate=merge) "$LOCAL_CONFDIR/local.d/options.inc"
}
logging {
    type = "file";
    filename = "$LOGDIR/rspamd.log";
    level = "info";
}
worker "normal" {
    bind_socket = "` + worker + `";
    .include "$CONFDIR/worker-normal.inc"
    count = 1;
}
`
	files := map[string]string{
		"rspamd.conf":         conf,
		"local.d/rbl.conf":    rblConf,
		"local.d/options.inc": "dns {\n  nameserver = [\"" + dns + "\"];\n  timeout = 2s;\n  retransmits = 2;\n}\n",
	}
	for _, d := range []string{"local.d", "db", "run", "log"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"-f", "-c", filepath.Join(dir, "rspamd.conf"),
		"--var=CONFDIR=/etc/rspamd", "--var=LOCAL_CONFDIR=" + dir,
		"--var=DBDIR=" + filepath.Join(dir, "db"), "--var=RUNDIR=" + filepath.Join(dir, "run"), "--var=LOGDIR=" + filepath.Join(dir, "log")}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("_rspamd")
		if err != nil {
			testenv.Unavailable(t, "rspamd's user _rspamd is missing: reinstall the rspamd package")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chmod(dir, 0o755)
		for _, d := range []string{"db", "run", "log"} {
			os.Chown(filepath.Join(dir, d), uid, gid)
		}
		args = append(args, "-u", "_rspamd", "-g", "_rspamd")
	}
	var stderr bytes.Buffer
	cmd := exec.Command("/usr/bin/rspamd", args...)
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("rspamd: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	logs := func() string {
		b, _ := os.ReadFile(filepath.Join(dir, "log", "rspamd.log"))
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		return stderr.String() + string(b)
	}
	t.Cleanup(func() {
		// The main process stops its workers on SIGTERM; the group is
		// killed if it has not within the deadline.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(60 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	// Ready when a scan answers: the first start compiles the
	// distribution's rules, which takes long on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for {
		ping := exec.CommandContext(ctx, "/usr/bin/rspamc", "-h", worker, "-t", "5", "symbols")
		ping.Stdin = strings.NewReader("Subject: ping\r\n\r\nping\r\n")
		if out, err := ping.CombinedOutput(); err == nil && bytes.Contains(out, []byte("Action:")) {
			return worker
		}
		select {
		case err := <-exited:
			t.Fatalf("rspamd exited while starting: %v\n%s", err, logs())
		case <-ctx.Done():
			t.Fatalf("rspamd did not answer within 3 minutes\n%s", logs())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
