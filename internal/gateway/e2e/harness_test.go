// Package e2e drives the gateway with real mail software: a private
// Postfix instance (its own main.cf and master.cf in a temporary
// directory, started with postfix -c) using Vigie as its milter, swaks as
// the sending client and Postfix's smtp-sink as the final destination.
//
// The tests need root (Postfix's master runs as root), postfix, swaks and
// smtp-sink: scripts/install-test-deps.sh installs them on Debian. Without
// them the tests are skipped locally and fail when CI=true.
package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/testenv"
)

// requireTools skips (locally) or fails (CI=true) when the real parts are missing.
func requireTools(t *testing.T) {
	t.Helper()
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		swaks = "swaks" // reported missing by name
	}
	testenv.RequireFiles(t, "end-to-end gateway test", "root privileges (Postfix's master runs as root)",
		"/usr/sbin/postfix", "/usr/sbin/smtp-sink", swaks)
}

// requireSwaksTLS also needs the Perl modules swaks uses for STARTTLS,
// which apt only recommends (scripts/install-test-deps.sh installs them).
func requireSwaksTLS(t *testing.T) {
	t.Helper()
	requireTools(t)
	if err := exec.Command("perl", "-MNet::SSLeay", "-MIO::Socket::SSL", "-e", "1").Run(); err != nil {
		testenv.Unavailable(t, "swaks --tls needs libnet-ssleay-perl and libio-socket-ssl-perl: run scripts/install-test-deps.sh as root")
	}
}

func freePort(t *testing.T) int { return postfixtest.FreePort(t) }

// worldDir makes a directory the postfix user can traverse.
func worldDir(t *testing.T, pattern string) string { return postfixtest.WorldDir(t, pattern) }

// sink is a running smtp-sink dumping each message into its own file.
type sink struct {
	port int
	dir  string
	cmd  *exec.Cmd
}

func startSink(t *testing.T, port int) *sink {
	t.Helper()
	s := &sink{port: port, dir: worldDir(t, "vigie-sink-")}
	exec.Command("chown", "postfix", s.dir).Run()
	s.start(t)
	t.Cleanup(s.stop)
	return s
}

func (s *sink) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command("smtp-sink", "-u", "postfix", "-d", filepath.Join(s.dir, "%M."), fmt.Sprintf("127.0.0.1:%d", s.port), "100")
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("smtp-sink: %v", err)
	}
	waitListening(t, s.port)
}

func (s *sink) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// messages returns the dumped messages.
func (s *sink) messages() []string {
	ents, _ := os.ReadDir(s.dir)
	var out []string
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join(s.dir, e.Name())); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// waitMessages waits until the sink holds n complete messages. smtp-sink
// creates its dump file when the transaction starts and writes it as data
// arrives, so a dump counts once it is non-empty and unchanged over one poll.
func (s *sink) waitMessages(t *testing.T, n int, within time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(within)
	var prev []string
	for {
		m := s.messages()
		stable := len(m) >= n && len(m) == len(prev)
		for i := 0; stable && i < len(m); i++ {
			stable = m[i] != "" && m[i] == prev[i]
		}
		if stable {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtp-sink got %d complete message(s), want %d", len(m), n)
		}
		prev = m
		time.Sleep(100 * time.Millisecond)
	}
}

// listening reports whether something accepts connections on port.
func listening(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err == nil {
		c.Close()
	}
	return err == nil
}

// runQuiet runs a command for its effect only.
func runQuiet(name string, args ...string) { exec.Command(name, args...).Run() }

// waitListening waits for a server to accept connections; the deadline is
// generous since a loaded machine can take seconds to start a process.
func waitListening(t *testing.T, port int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("a listener on port %d", port), 60*time.Second, func() bool { return listening(port) })
}

// swaksReply sends a message with swaks and returns the server's reply to
// the end of DATA (or the first refusal), e.g. "250 2.0.0 Ok: queued as X".
func swaks(t *testing.T, port int, from, to, dataFile string) string {
	t.Helper()
	args := []string{"--server", fmt.Sprintf("127.0.0.1:%d", port), "--from", from, "--to", to,
		"--helo", "client.partner.test", "--timeout", "60"}
	if dataFile != "" {
		args = append(args, "--data", dataFile)
	}
	out, _ := exec.Command("swaks", args...).CombinedOutput()
	return lastReply(string(out))
}

var replyLine = regexp.MustCompile(`(?m)^(?:<-|<\*\*)\s+(\d{3}[ -].*)$`)

// lastReply picks the reply that decided the transaction: the first
// failure, else the last reply before QUIT's 221.
func lastReply(out string) string {
	var last string
	for _, m := range replyLine.FindAllStringSubmatch(out, -1) {
		r := strings.TrimSpace(m[1])
		if r[0] == '4' || r[0] == '5' {
			return r
		}
		if !strings.HasPrefix(r, "221") && r[3] == ' ' {
			last = r
		}
	}
	if last == "" {
		return "no reply: " + out
	}
	return last
}

// fakeAuth stands in for live DNS: every message passes SPF for its
// envelope domain, so the tests do not depend on the network.
type fakeAuth struct{ delay time.Duration }

func (a fakeAuth) Authenticate(ctx context.Context, _ []byte, m *message.Message, env *scan.Envelope) auth.Results {
	if a.delay > 0 {
		select {
		case <-time.After(a.delay):
		case <-ctx.Done():
		}
	}
	d := env.MailFrom[strings.LastIndexByte(env.MailFrom, '@')+1:]
	return auth.Results{Source: "dns", SPF: auth.Pass, SPFDomain: d}
}

// liveDNS asks startVigie for the real DNS authenticator (with the
// configuration's auth.dns_servers, an in-process dnstest server).
var liveDNS scan.Authenticator = liveMarker{}

type liveMarker struct{ scan.Authenticator }

// startVigie runs the gateway in-process on free loopback ports.
func startVigie(t *testing.T, edit func(*config.Config), a scan.Authenticator) *daemon.Daemon {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Serve.Milter.Listen = "127.0.0.1:0"
	cfg.Serve.Relay.Listen = "127.0.0.1:0"
	cfg.Serve.HTTP.Listen = "127.0.0.1:0"
	cfg.Serve.RBL.Listen = "127.0.0.1:0"
	cfg.Serve.Relay.Domains = []string{"example.test"}
	cfg.Serve.Relay.RetryMin, cfg.Serve.Relay.RetryMax = 200*time.Millisecond, time.Second
	if edit != nil {
		edit(&cfg)
	}
	switch a {
	case nil:
		a = fakeAuth{}
	case liveDNS:
		a = nil
	}
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Authenticator: a, Log: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		d.Shutdown(ctx)
	})
	return d
}

func portOf(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(p, &n)
	return n
}
