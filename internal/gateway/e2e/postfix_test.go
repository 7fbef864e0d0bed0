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

	"vigie.dev/vigie/internal/postfixtest"
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
	milters := ""
	if milterAddr != "" {
		milters = "inet:" + milterAddr
		if strings.HasPrefix(milterAddr, "/") {
			milters = "unix:" + milterAddr
		}
	}
	params := map[string]string{
		"myhostname":                   "mx.vigie.test",
		"mydomain":                     "vigie.test",
		"myorigin":                     "$myhostname",
		"mynetworks":                   "127.0.0.0/8",
		"relay_domains":                "example.test",
		"transport_maps":               fmt.Sprintf("inline:{ example.test=smtp:[127.0.0.1]:%d }", sinkPort),
		"smtpd_recipient_restrictions": "permit_mynetworks, reject_unauth_destination",
		"smtpd_milters":                milters,
	}
	for k, v := range postfixtest.ParseMain(extraMain) {
		params[k] = v
	}
	p := postfixtest.StartWrapped(t, params, wrap)
	return &postfixInstance{dir: p.Dir, port: p.Port}
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
