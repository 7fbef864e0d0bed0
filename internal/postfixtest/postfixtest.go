// Package postfixtest runs private Postfix instances for tests: each has
// its own main.cf, master.cf, queue and log in a temporary directory
// (MULTI_INSTANCE_README's "postfix -c DIR"), listens on a free loopback
// port and is stopped when the test ends. Tests configure it the way an
// administrator would — good or bad — through main.cf parameters.
//
// It needs root (Postfix's master runs as root) and the postfix package;
// scripts/install-test-deps.sh installs it. Require skips the test locally
// and fails it when CI=true.
package postfixtest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"vigie.dev/vigie/internal/testenv"
)

// Require skips (locally) or fails (CI=true) when Postfix cannot run.
func Require(t testing.TB) {
	t.Helper()
	testenv.RequireFiles(t, "test", "root privileges (Postfix's master runs as root)", "/usr/sbin/postfix", "/usr/sbin/smtp-sink")
}

// Instance is a running Postfix.
type Instance struct {
	Dir  string
	Port int // smtpd on 127.0.0.1
}

// Addr is "127.0.0.1:port".
func (p *Instance) Addr() string { return fmt.Sprintf("127.0.0.1:%d", p.Port) }

// defaults are the parameters every instance gets unless main overrides
// them: a private, loopback-only MX that resolves nothing through the DNS.
func defaults(dir string) map[string]string {
	return map[string]string{
		"compatibility_level":      "3.6",
		"queue_directory":          dir + "/spool",
		"data_directory":           dir + "/lib",
		"maillog_file":             dir + "/maillog",
		"maillog_file_prefixes":    dir,
		"mail_owner":               "postfix",
		"setgid_group":             "postdrop",
		"inet_interfaces":          "127.0.0.1",
		"inet_protocols":           "ipv4",
		"mydestination":            "",
		"alias_maps":               "",
		"alias_database":           "",
		"local_recipient_maps":     "",
		"smtputf8_enable":          "no",
		"biff":                     "no",
		"smtp_tls_security_level":  "none",
		"smtpd_tls_security_level": "none",
		"smtp_dns_support_level":   "disabled",
		"default_process_limit":    "20",
		"non_smtpd_milters":        "",
		"milter_protocol":          "6",
		"milter_default_action":    "tempfail",
	}
}

const masterServices = `pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
lmtp      unix  -       -       n       -       -       lmtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
postlog   unix-dgram n  -       n       -       1       postlogd
`

// Start runs a Postfix whose main.cf is the defaults overridden by main
// (parameter → value), and waits until it accepts connections.
func Start(t testing.TB, main map[string]string) *Instance {
	t.Helper()
	return StartWrapped(t, main, nil)
}

// StartWrapped is Start with "postfix start" run through wrap, a command
// prefix (e.g. a mount namespace with its own resolv.conf).
func StartWrapped(t testing.TB, main map[string]string, wrap []string) *Instance {
	t.Helper()
	p := &Instance{Dir: WorldDir(t, "vigie-postfix-"), Port: FreePort(t)}
	params := defaults(p.Dir)
	for k, v := range main {
		params[k] = v
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var mainCF strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&mainCF, "%s = %s\n", k, params[k])
	}
	masterCF := fmt.Sprintf("127.0.0.1:%d inet n - n - - smtpd\n", p.Port) + masterServices
	for name, body := range map[string]string{"main.cf": mainCF.String(), "master.cf": masterCF} {
		if err := os.WriteFile(filepath.Join(p.Dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Postfix creates its queue subdirectories, not the top ones.
	os.MkdirAll(filepath.Join(p.Dir, "spool"), 0o755)
	os.MkdirAll(filepath.Join(p.Dir, "lib"), 0o700)
	exec.Command("chown", "postfix", filepath.Join(p.Dir, "lib")).Run()
	// postfix start wants a terminal-less session; script(1) gives it one.
	start := "postfix -c " + p.Dir + " start"
	if wrap != nil {
		start = strings.Join(wrap, " ") + " " + start
	}
	if out, err := exec.Command("script", "-qec", start, "/dev/null").CombinedOutput(); err != nil {
		t.Fatalf("postfix start: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		exec.Command("postfix", "-c", p.Dir, "stop").Run()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(p.Dir, "maillog"))
			t.Logf("postfix maillog:\n%s", b)
		}
	})
	WaitListening(t, p.Addr())
	return p
}

// ParseMain reads main.cf text ("name = value" lines, continuation lines
// starting with white space, # comments) into parameters.
func ParseMain(text string) map[string]string {
	out := map[string]string{}
	last := ""
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(l) == "" || strings.HasPrefix(strings.TrimSpace(l), "#"):
		case (l[0] == ' ' || l[0] == '\t') && last != "":
			out[last] += " " + strings.TrimSpace(l)
		default:
			if k, v, ok := strings.Cut(l, "="); ok {
				last = strings.TrimSpace(k)
				out[last] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

// Log returns the instance's mail log.
func (p *Instance) Log() string {
	b, _ := os.ReadFile(filepath.Join(p.Dir, "maillog"))
	return string(b)
}

// WriteFile writes a file into the instance directory, readable by the
// postfix user, and returns its path (certificates, maps).
func (p *Instance) WriteFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(p.Dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// FreePort returns a loopback port, reserved for the test's lifetime, for
// a server the test starts in another process (Postfix, smtp-sink,
// Dovecot) or names by number in a configuration. A port the kernel hands
// out for ":0" and takes back when closed can be handed to another
// process's ":0" before the server binds it — on a loaded machine running
// many test processes, now and then another test's listener took it
// ("address already in use"). The port comes from below the kernel's
// ephemeral range instead, which it hands out to no one, and a lock file
// held until the test ends keeps the other test processes off it; a port
// something already listens on is skipped.
func FreePort(t testing.TB) int {
	t.Helper()
	low, high := portPoolLow, ephemeralLow()
	if high-low < 1000 {
		return kernelPort(t) // an unusual range: no room below it
	}
	dir := filepath.Join(os.TempDir(), "vigie-test-ports")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatalf("port locks: %v", err)
	}
	for range 1000 {
		port := low + rand.IntN(high-low)
		f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(port)), os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			t.Fatalf("port lock: %v", err)
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
			f.Close() // another test holds it
			continue
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			f.Close() // something else listens there
			continue
		}
		ln.Close()
		t.Cleanup(func() { f.Close() }) // releases the lock
		return port
	}
	t.Fatalf("no free port in %d–%d after 1000 tries", low, high-1)
	return 0
}

// portPoolLow is the lowest port FreePort hands out, well above the ports
// services listen on by default (PostgreSQL's 5432 among them).
const portPoolLow = 20000

// ephemeralLow is the first port of the kernel's ephemeral range.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 32768
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		return 32768
	}
	return n
}

// kernelPort is a port the kernel had free at the time of the call.
func kernelPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// WorldDir makes a directory the postfix user can traverse (t.TempDir's
// parents are 0700).
func WorldDir(t testing.TB, pattern string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// WaitListening waits for a server to accept connections; the deadline is
// generous since a loaded machine can take seconds to start a process.
func WaitListening(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listening on %s after 60 s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
