package e2e

import (
	"context"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
)

// Issue 13, point 5: Postfix's smtpd (user postfix) uses a Unix-socket
// milter owned by group postfix with mode 0660; a socket left behind by a
// crash does not block the restart; a live one or a plain file is not
// taken over.
func TestPostfixMilterUnixSocket(t *testing.T) {
	requireTools(t)
	dir := worldDir(t, "vigie-sock-")
	sock := filepath.Join(dir, "milter.sock")
	// What a crashed vigie leaves: a socket file nobody listens on.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("no stale socket to test with: %v", err)
	}
	edit := func(c *config.Config) {
		c.Serve.Milter.Listen = "unix:" + sock
		c.Serve.Milter.SocketGroup = "postfix"
		c.Serve.Milter.SocketMode = 0o660
	}
	v := startVigie(t, edit, nil)

	fi, err := os.Stat(sock)
	if err != nil {
		t.Fatal(err)
	}
	g, err := user.LookupGroup("postfix")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o660 || strconv.Itoa(int(fi.Sys().(*syscall.Stat_t).Gid)) != g.Gid {
		t.Errorf("socket mode %v gid %d, want 0660 and group postfix (%s)", fi.Mode().Perm(), fi.Sys().(*syscall.Stat_t).Gid, g.Gid)
	}

	sk := startSink(t, freePort(t))
	pf := startPostfix(t, sock, sk.port)
	if r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250") {
		t.Fatalf("reply %q through the Unix-socket milter", r)
	}
	if m := sk.waitMessages(t, 1, 60*time.Second)[0]; !strings.Contains(m, "X-Vigie-Verdict: accept") {
		t.Errorf("delivered without our verdict:\n%s", m)
	}

	// A second gateway must not steal the socket of a running one.
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Serve.Relay.Enabled, cfg.Serve.HTTP.Enabled, cfg.Serve.RBL.Enabled = false, false, false
	edit(&cfg)
	if d, err := daemon.Start(context.Background(), cfg, daemon.Options{Authenticator: fakeAuth{}}); err == nil {
		d.Shutdown(context.Background())
		t.Fatal("a second gateway took over the socket of a running one")
	} else if !strings.Contains(err.Error(), "in use") {
		t.Errorf("second gateway: %v", err)
	}
	if r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "250") {
		t.Errorf("the running gateway lost its socket: reply %q", r)
	}
	_ = v

	// A plain file where the socket should be is never removed.
	plain := filepath.Join(dir, "not-a-socket")
	os.WriteFile(plain, []byte("keep me"), 0o644)
	cfg.Serve.Milter.Listen = "unix:" + plain
	if d, err := daemon.Start(context.Background(), cfg, daemon.Options{Authenticator: fakeAuth{}}); err == nil {
		d.Shutdown(context.Background())
		t.Fatal("listened over a plain file")
	}
	if b, _ := os.ReadFile(plain); string(b) != "keep me" {
		t.Error("the plain file was removed")
	}
}
