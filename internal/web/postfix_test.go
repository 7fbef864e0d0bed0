package web_test

import (
	"net"
	"os/exec"
	"testing"
	"time"

	"vigie.dev/vigie/internal/postfixtest"
)

// postfix is a private Postfix relaying the test domains to smtp-sink:
// the console's releases and digests go through a real MTA. The test stops
// and starts it again to take the next hop down.
type postfix struct{ *postfixtest.Instance }

func startPostfix(t *testing.T, sinkAddr string) *postfix {
	t.Helper()
	host, port, _ := net.SplitHostPort(sinkAddr)
	hop := "smtp:[" + host + "]:" + port
	return &postfix{postfixtest.Start(t, map[string]string{
		"myhostname":                   "mail.example-hopital.fr",
		"mynetworks":                   "127.0.0.0/8",
		"relay_domains":                "example-hopital.fr, example.test",
		"transport_maps":               "inline:{ example-hopital.fr=" + hop + ", example.test=" + hop + " }",
		"smtpd_recipient_restrictions": "permit_mynetworks, reject_unauth_destination",
	})}
}

func (p *postfix) stop() { exec.Command("postfix", "-c", p.Dir, "stop").Run() }

func (p *postfix) start(t *testing.T) {
	t.Helper()
	if out, err := exec.Command("script", "-qec", "postfix -c "+p.Dir+" start", "/dev/null").CombinedOutput(); err != nil {
		t.Fatalf("postfix start: %v\n%s", err, out)
	}
	postfixtest.WaitListening(t, p.Addr())
}

func (p *postfix) addr() string { return p.Addr() }

func dialOK(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err == nil
}
