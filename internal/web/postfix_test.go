package web_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// postfix is a private Postfix relaying the test domains to smtp-sink:
// the console's releases and digests go through a real MTA.
type postfix struct {
	dir  string
	port int
}

func startPostfix(t *testing.T, sinkAddr string) *postfix {
	t.Helper()
	dir, err := os.MkdirTemp("", "vigie-web-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	p := &postfix{dir: dir, port: freePort(t)}
	mainCF := fmt.Sprintf(`compatibility_level = 3.6
queue_directory = %[1]s/spool
data_directory = %[1]s/lib
maillog_file = %[1]s/maillog
maillog_file_prefixes = %[1]s
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.example-hopital.fr
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = example-hopital.fr, example.test
transport_maps = inline:{ example-hopital.fr=smtp:%[2]s, example.test=smtp:%[2]s }
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
alias_maps =
alias_database =
local_recipient_maps =
smtputf8_enable = no
biff = no
smtp_tls_security_level = none
smtp_dns_support_level = disabled
default_process_limit = 20
`, dir, sinkHop(sinkAddr))
	masterCF := fmt.Sprintf("127.0.0.1:%d inet n - n - - smtpd\n", p.port) + `pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
`
	for name, body := range map[string]string{"main.cf": mainCF, "master.cf": masterCF} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "spool"), 0o755)
	os.MkdirAll(filepath.Join(dir, "lib"), 0o700)
	exec.Command("chown", "postfix", filepath.Join(dir, "lib")).Run()
	p.start(t)
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "maillog"))
			t.Logf("postfix maillog:\n%s", b)
		}
	})
	return p
}

// sinkHop writes host:port as Postfix's [host]:port (no MX lookup).
func sinkHop(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	return "[" + host + "]:" + port
}

func dialOK(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err == nil
}

func (p *postfix) start(t *testing.T) {
	t.Helper()
	if out, err := exec.Command("script", "-qec", "postfix -c "+p.dir+" start", "/dev/null").CombinedOutput(); err != nil {
		t.Fatalf("postfix start: %v\n%s", err, out)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", p.port)
	waitFor(t, "postfix to listen on "+addr, 30*time.Second, func() bool { return dialOK(addr) })
}

func (p *postfix) stop() { exec.Command("postfix", "-c", p.dir, "stop").Run() }

func (p *postfix) addr() string { return fmt.Sprintf("127.0.0.1:%d", p.port) }
