package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie.dev/vigie/internal/dnsx/dnstest"
)

// Issue 13, point 8, run as systemd runs it: `vigie version`; `vigie serve`
// with --log-format journal tells systemd READY=1 (Type=notify), applies a
// new subject prefix on SIGHUP (RELOADING=1 then READY=1), logs journald
// lines ("<N>" priority, no timestamp) and stops on SIGTERM (STOPPING=1).
func TestServeAsSystemdRunsIt(t *testing.T) {
	requireTools(t)
	bin := vigieBinary(t)
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !regexp.MustCompile(`^vigie \S+ .*go1\.\d+`).Match(out) {
		t.Errorf("vigie version: %v %q", err, out)
	}

	dns := dnstest.Start(t, partnerZone)
	dir := worldDir(t, "vigie-ops-")
	milterPort, httpPort := freePort(t), freePort(t)
	cfgPath := filepath.Join(dir, "vigie.yaml")
	writeCfg := func(prefix string) {
		// Mail from notices.test (no DMARC record) is tagged.
		cfg := fmt.Sprintf(`data_dir: %s/data
auth: {dns_servers: ["%s"]}
policy:
  subject_prefix: "%s"
  actions: {AUTH_DMARC_NONE: tag}
serve:
  milter: {listen: "127.0.0.1:%d"}
  http: {listen: "127.0.0.1:%d"}
  relay: {enabled: false}
  rbl: {enabled: false}
`, dir, dns.Addr(), prefix, milterPort, httpPort)
		if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeCfg("[SUSPECT]")

	notifyPath := filepath.Join(dir, "notify")
	notifySock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: notifyPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer notifySock.Close()
	expectNotify := func(want string) {
		t.Helper()
		buf := make([]byte, 512)
		notifySock.SetReadDeadline(time.Now().Add(60 * time.Second))
		n, err := notifySock.Read(buf)
		if err != nil || string(buf[:n]) != want {
			t.Fatalf("systemd notification %q (%v), want %q", buf[:n], err, want)
		}
	}

	var logs lockedBuffer
	cmd := exec.Command(bin, "serve", "--config", cfgPath, "--log-format", "journal")
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+notifyPath)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("vigie serve:\n%s", logs.String())
		}
	}()
	expectNotify("READY=1")

	sk := startSink(t, freePort(t))
	pf := startPostfix(t, fmt.Sprintf("127.0.0.1:%d", milterPort), sk.port)
	send := func(n int, prefix string) {
		t.Helper()
		if r := swaks(t, pf.port, "avis@notices.test", "bob@example.test", "testdata/notice.eml"); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
		msgs := sk.waitMessages(t, n, 60*time.Second)
		found := false
		for _, m := range msgs {
			found = found || strings.Contains(m, "Subject: "+prefix+" Compte rendu")
		}
		if !found {
			t.Fatalf("no message tagged %q among:\n%s", prefix, strings.Join(msgs, "\n----\n"))
		}
	}
	send(1, "[SUSPECT]")

	writeCfg("[ALERTE]")
	cmd.Process.Signal(syscall.SIGHUP)
	expectNotify("RELOADING=1")
	expectNotify("READY=1")
	send(2, "[ALERTE]")

	cmd.Process.Signal(syscall.SIGTERM)
	expectNotify("STOPPING=1")
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("vigie serve did not stop on SIGTERM")
	}

	text := logs.String()
	lines := strings.Split(strings.TrimSpace(text), "\n")
	journal := regexp.MustCompile(`^<[3467]>level=(ERROR|WARN|INFO|DEBUG) msg=`)
	for _, l := range lines {
		if !journal.MatchString(l) || strings.Contains(l, " time=") {
			t.Errorf("not a journald line: %q", l)
		}
	}
	for _, want := range []string{`<6>level=INFO msg="configuration reloaded"`, `subject_prefix=[ALERTE]`, `<6>level=INFO msg=verdict frontend=milter`} {
		if !strings.Contains(text, want) {
			t.Errorf("logs lack %q", want)
		}
	}
}
