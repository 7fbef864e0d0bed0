package e2e

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// postfixInstance is a private Postfix: its configuration, queue and data
// directories live in one temporary directory (postconf(5):
// queue_directory, data_directory; MULTI_INSTANCE_README's "postfix -c").
type postfixInstance struct {
	dir  string
	port int // smtpd on 127.0.0.1
}

func startPostfix(t *testing.T, milterAddr string, sinkPort int) *postfixInstance {
	t.Helper()
	return startPostfixWith(t, milterAddr, sinkPort, "", nil)
}

// startPostfixWith adds lines to main.cf (a parameter set there replaces
// the default below) and runs "postfix start" through wrap (a command
// prefix, e.g. a mount namespace with its own resolv.conf). An empty
// milterAddr runs Postfix without a milter.
func startPostfixWith(t *testing.T, milterAddr string, sinkPort int, extraMain string, wrap []string) *postfixInstance {
	t.Helper()
	p := &postfixInstance{dir: worldDir(t, "vigie-postfix-"), port: freePort(t)}
	milters := ""
	if milterAddr != "" {
		milters = "inet:" + milterAddr
		if strings.HasPrefix(milterAddr, "/") {
			milters = "unix:" + milterAddr
		}
	}
	params := [][2]string{
		{"compatibility_level", "3.6"},
		{"queue_directory", p.dir + "/spool"},
		{"data_directory", p.dir + "/lib"},
		{"maillog_file", p.dir + "/maillog"},
		{"maillog_file_prefixes", p.dir},
		{"mail_owner", "postfix"},
		{"setgid_group", "postdrop"},
		{"myhostname", "mx.vigie.test"},
		{"mydomain", "vigie.test"},
		{"myorigin", "$myhostname"},
		{"mydestination", ""},
		{"inet_interfaces", "127.0.0.1"},
		{"inet_protocols", "ipv4"},
		{"mynetworks", "127.0.0.0/8"},
		{"relay_domains", "example.test"},
		{"transport_maps", fmt.Sprintf("inline:{ example.test=smtp:[127.0.0.1]:%d }", sinkPort)},
		{"smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination"},
		{"smtpd_milters", milters},
		{"non_smtpd_milters", ""},
		{"milter_default_action", "tempfail"},
		{"milter_protocol", "6"},
		{"alias_maps", ""},
		{"alias_database", ""},
		{"local_recipient_maps", ""},
		{"smtputf8_enable", "no"},
		{"biff", "no"},
		{"smtp_tls_security_level", "none"},
		{"smtpd_tls_security_level", "none"},
		{"smtp_dns_support_level", "disabled"},
		{"default_process_limit", "20"},
	}
	extra := map[string]bool{}
	for _, l := range strings.Split(extraMain, "\n") {
		if k, _, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(strings.TrimSpace(l), "#") {
			extra[strings.TrimSpace(k)] = true
		}
	}
	var mainCF strings.Builder
	for _, kv := range params {
		if !extra[kv[0]] {
			fmt.Fprintf(&mainCF, "%s = %s\n", kv[0], kv[1])
		}
	}
	mainCF.WriteString(extraMain)
	masterCF := fmt.Sprintf(`127.0.0.1:%d inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
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
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`, p.port)
	for name, body := range map[string]string{"main.cf": mainCF.String(), "master.cf": masterCF} {
		if err := os.WriteFile(filepath.Join(p.dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Postfix creates its queue subdirectories, not the top ones.
	os.MkdirAll(filepath.Join(p.dir, "spool"), 0o755)
	os.MkdirAll(filepath.Join(p.dir, "lib"), 0o700)
	exec.Command("chown", "postfix", filepath.Join(p.dir, "lib")).Run()
	start := "postfix -c " + p.dir + " start"
	if wrap != nil {
		start = strings.Join(wrap, " ") + " " + start
	}
	if out, err := exec.Command("script", "-qec", start, "/dev/null").CombinedOutput(); err != nil {
		t.Fatalf("postfix start: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		exec.Command("postfix", "-c", p.dir, "stop").Run()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(p.dir, "maillog"))
			t.Logf("postfix maillog:\n%s", b)
		}
	})
	waitListening(t, p.port)
	return p
}

// held counts the messages in the hold queue.
func (p *postfixInstance) held() int {
	n := 0
	filepath.Walk(filepath.Join(p.dir, "spool", "hold"), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// heldIDs returns the queue ids of the messages in the hold queue.
func (p *postfixInstance) heldIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	filepath.Walk(filepath.Join(p.dir, "spool", "hold"), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			ids = append(ids, fi.Name())
		}
		return nil
	})
	return ids
}

// flush asks Postfix to deliver its deferred mail now.
func (p *postfixInstance) flush() {
	exec.Command("postqueue", "-c", p.dir, "-f").Run()
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
