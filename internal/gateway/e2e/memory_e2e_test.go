package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
)

// peakRSS reads a process's resident-set high-water mark (VmHWM), in MB.
func peakRSS(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return kb / 1024
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// Issue 13, point 7: `vigie serve` (the real binary, its defaults) stays
// under 300 MB while 200 SMTP sessions send 1 MB messages through the
// relay and, separately, through Postfix and the milter; nothing is lost:
// every message gets its 250. bench/gateway-memory.sh gives the figures.
func TestMemoryBoundedUnderLoad(t *testing.T) {
	requireTools(t)
	if _, err := exec.LookPath("smtp-source"); err != nil {
		t.Fatal("smtp-source (postfix) not found")
	}
	bin := vigieBinary(t)
	sinkPort := freePort(t)
	sk := exec.Command("smtp-sink", "-u", "postfix", fmt.Sprintf("127.0.0.1:%d", sinkPort), "1000")
	if err := sk.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sk.Process.Kill(); sk.Wait() })
	waitListening(t, sinkPort)

	for _, load := range []string{"relay", "milter"} {
		t.Run(load, func(t *testing.T) {
			dir := worldDir(t, "vigie-mem-")
			relayPort, milterPort, httpPort := freePort(t), freePort(t), freePort(t)
			cfg := fmt.Sprintf(`data_dir: %s
auth: {mode: headers}
serve:
  relay: {listen: "127.0.0.1:%d", domains: [example.test], next_hop: "127.0.0.1:%d"}
  milter: {listen: "127.0.0.1:%d"}
  http: {listen: "127.0.0.1:%d"}
  rbl: {enabled: false}
`, dir, relayPort, sinkPort, milterPort, httpPort)
			os.WriteFile(filepath.Join(dir, "vigie.yaml"), []byte(cfg), 0o644)
			var logs lockedBuffer
			cmd := exec.Command(bin, "serve", "--config", filepath.Join(dir, "vigie.yaml"), "--log-level", "warn")
			cmd.Stdout, cmd.Stderr = &logs, &logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				cmd.Process.Kill()
				cmd.Wait()
				if t.Failed() {
					t.Logf("vigie serve:\n%s", logs.String())
				}
			})
			waitListening(t, relayPort)
			port := relayPort
			if load == "milter" {
				pf := startPostfixWith(t, fmt.Sprintf("127.0.0.1:%d", milterPort), sinkPort,
					"default_process_limit = 220\nmessage_size_limit = 4000000\n", nil)
				port = pf.port
			}
			const sessions = 200
			out, _ := exec.Command("smtp-source", "-v", "-s", strconv.Itoa(sessions), "-m", strconv.Itoa(sessions),
				"-l", "1000000", "-f", "sender@partner.test", "-t", "user@example.test",
				fmt.Sprintf("127.0.0.1:%d", port)).CombinedOutput()
			acked := bytes.Count(out, []byte("<<< 250 2.0.0 Ok: queued as "))
			peak := peakRSS(t, cmd.Process.Pid)
			t.Logf("%s: %d sessions of 1 MB: %d accepted, peak RSS %d MB", load, sessions, acked, peak)
			if acked != sessions {
				t.Errorf("%d of %d accepted", acked, sessions)
			}
			if peak >= 300 {
				t.Errorf("peak RSS %d MB, want under 300", peak)
			}
		})
	}
}

// Issue 13, point 7: connection caps and read timeouts. The relay answers
// 421 4.7.0 beyond max_sessions; an API client that trickles its body is
// cut off at body_timeout with 408, and the gateway keeps serving.
func TestConnectionCapsAndReadTimeouts(t *testing.T) {
	requireTools(t)
	v := startVigie(t, func(c *config.Config) {
		c.Serve.Relay.MaxSessions = 2
		c.Serve.Relay.VerifyRecipients = false // no next hop here
		c.Serve.HTTP.Tokens = []config.APIToken{{Token: "scan-only-token-0001", Scope: "scan"}}
		c.Serve.HTTP.BodyTimeout = 2 * time.Second
	}, nil)
	var held []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", v.RelayAddr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
		if l, _ := bufio.NewReader(c).ReadString('\n'); !strings.HasPrefix(l, "220 ") {
			t.Fatalf("session %d greeted %q", i, l)
		}
	}
	c, err := net.Dial("tcp", v.RelayAddr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if l, _ := bufio.NewReader(c).ReadString('\n'); !strings.HasPrefix(l, "421 4.7.0") {
		t.Errorf("third session greeted %q, want 421 4.7.0", l)
	}
	c.Close()
	for _, c := range held {
		c.Close()
	}
	waitFor(t, "a session slot", 60*time.Second, func() bool {
		return strings.HasPrefix(swaks(t, portOf(t, v.RelayAddr), "a@partner.test", "bob@example.test", "testdata/clean.eml"), "250")
	})

	// A body that never ends.
	pr, pw := net.Pipe()
	defer pw.Close()
	go func() {
		pw.Write([]byte("Subject: slow\r\n\r\n"))
		// then nothing: the client stalls
	}()
	req, _ := http.NewRequest("POST", "http://"+v.HTTPAddr+"/api/v1/scan", pr)
	req.Header.Set("Authorization", "Bearer scan-only-token-0001")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("stalled body: status %d, want 408", resp.StatusCode)
		}
		resp.Body.Close()
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("stalled body held the connection %s", d)
	}
}

// The milter's connection cap: beyond serve.milter.max_sessions Postfix
// finds the milter unavailable and, with milter_default_action = tempfail,
// asks the client to retry; nothing passes unscanned.
func TestMilterSessionCap(t *testing.T) {
	requireTools(t)
	sk := startSink(t, freePort(t))
	v := startVigie(t, func(c *config.Config) { c.Serve.Milter.MaxSessions = 1 }, nil)
	pf := startPostfix(t, v.MilterAddr, sk.port)
	// An SMTP session left open holds the one milter connection. (The
	// connection of a session that just ended may not be closed yet on our
	// side: until then Postfix is refused, and with smtpd_delay_reject it
	// says so at RCPT: try until a recipient is welcome.)
	var hold net.Conn
	waitFor(t, "a session holding the milter", 60*time.Second, func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", pf.port))
		if err != nil {
			return false
		}
		br := bufio.NewReader(c)
		last := func() string { // the last line of a reply
			for {
				l, err := br.ReadString('\n')
				if err != nil || len(l) < 4 || l[3] != '-' {
					return l
				}
			}
		}
		last()
		for _, cmd := range []string{"EHLO holder.partner.test", "MAIL FROM:<a@partner.test>", "RCPT TO:<bob@example.test>"} {
			fmt.Fprintf(c, "%s\r\n", cmd)
			if !strings.HasPrefix(last(), "250") {
				c.Close()
				return false
			}
		}
		hold = c
		return true
	})
	if r := swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"); !strings.HasPrefix(r, "4") {
		t.Errorf("second session beyond the milter's cap: %q, want a 4xx", r)
	}
	if n := len(sk.messages()); n != 0 {
		t.Errorf("%d delivered unscanned", n)
	}
	fmt.Fprintf(hold, "QUIT\r\n")
	hold.Close()
	waitFor(t, "the milter slot to free", 60*time.Second, func() bool {
		return strings.HasPrefix(swaks(t, pf.port, "claire.martin@partner.test", "bob@example.test", "testdata/clean.eml"), "250")
	})
	if m := sk.waitMessages(t, 1, 60*time.Second)[0]; !strings.Contains(m, "X-Vigie-Verdict: accept") {
		t.Errorf("delivered without our verdict")
	}
}
