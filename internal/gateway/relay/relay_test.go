package relay_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/queue"
	"vigie.dev/vigie/internal/gateway/rcptverify"
	"vigie.dev/vigie/internal/gateway/relay"
	"vigie.dev/vigie/internal/gateway/release"
)

// harness is a relay on 127.0.0.1:0 whose queue delivers to a sink.
type harness struct {
	env  *gatewaytest.Env
	srv  *relay.Server
	sink *gatewaytest.Sink
	addr string
}

func start(t *testing.T, set gateway.Settings, configure func(*relay.Server, *gatewaytest.Sink)) *harness {
	t.Helper()
	env := gatewaytest.New(t, set)
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{Refuse: map[string]*smtp.SMTPError{
		"nobody@example.test": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}}})
	srv, addr := env.Relay(t, sink.Addr, func(s *relay.Server) {
		if configure != nil {
			configure(s, sink)
		}
	})
	return &harness{env: env, srv: srv, sink: sink, addr: addr}
}

// client opens an SMTP session with go-smtp's client, up to EHLO.
func (h *harness) client(t *testing.T) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(h.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("mx.sender.example"); err != nil {
		t.Fatal(err)
	}
	return c
}

// send runs one transaction and returns the reply to the end of DATA.
func send(t *testing.T, c *smtp.Client, to []string, raw string) (string, error) {
	t.Helper()
	if err := c.Mail("alice@sender.example", nil); err != nil {
		return "", err
	}
	for _, r := range to {
		if err := c.Rcpt(r, nil); err != nil {
			return "", err
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", err
	}
	if _, err := w.Write([]byte(raw)); err != nil {
		return "", err
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", err
	}
	return resp.StatusText, nil
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestVerdicts(t *testing.T) {
	tests := []struct {
		name      string
		verdict   string
		settings  gateway.Settings
		wantCode  int    // 0: accepted for delivery or kept
		delivered bool   // the next hop gets it
		subject   string // its Subject there
		unscanned bool   // it is marked X-Vigie-Verdict: unscanned
	}{
		{name: "accept", delivered: true, subject: "Facture 42"},
		{name: "tag", verdict: "tag", settings: gateway.Settings{SubjectPrefix: "[SUSPECT]"}, delivered: true, subject: "[SUSPECT] Facture 42"},
		{name: "quarantine", verdict: "quarantine"},
		{name: "reject", verdict: "reject", wantCode: 550},
		{name: "scan too slow", verdict: "slow", wantCode: 451},
		{name: "fail-open", verdict: "slow", settings: gateway.Settings{FailOpen: true}, delivered: true, subject: "Facture 42", unscanned: true},
		// A check that failed: 451 before the message is acknowledged.
		{name: "check failed", verdict: "panic", wantCode: 451},
		{name: "check failed, fail-open", verdict: "panic", settings: gateway.Settings{FailOpen: true}, delivered: true, subject: "Facture 42", unscanned: true},
		{name: "check failed after a quarantine", verdict: "quarantine panic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, tt.settings, func(s *relay.Server, _ *gatewaytest.Sink) { s.Timeout = 300 * time.Millisecond })
			reply, err := send(t, h.client(t), []string{"bob@example.test"}, gatewaytest.Message(tt.verdict, "X-Vigie-Score: -10"))
			if tt.wantCode != 0 {
				if smtpCode(err) != tt.wantCode {
					t.Fatalf("end of DATA: %v, want %d", err, tt.wantCode)
				}
			} else if err != nil || !strings.Contains(reply, "queued as ") {
				t.Fatalf("end of DATA: %q %v, want queued", reply, err)
			}
			if !tt.delivered {
				if strings.HasPrefix(tt.verdict, "quarantine") {
					recs := h.env.Records(t)
					if len(recs) != 1 || recs[0].QuarantineID == "" || recs[0].Frontend != "relay" {
						t.Errorf("trace %+v, want one quarantined relay record", recs)
					}
				}
				// Nothing reaches the next hop; the queue is empty.
				if n := h.srv.Queue.(*queue.Queue).Len(); n != 0 || len(h.sink.Mails()) != 0 {
					t.Errorf("queued %d, delivered %d: want nothing passed on", n, len(h.sink.Mails()))
				}
				return
			}
			m := h.sink.Wait(t, 1, 30*time.Second)[0]
			if m.From != "alice@sender.example" || len(m.To) != 1 || m.To[0] != "bob@example.test" {
				t.Errorf("envelope at the next hop: %+v", m)
			}
			if !strings.HasPrefix(string(m.Data), "Received: from mx.sender.example ([127.0.0.1]) by relay.test (Vigie) with ESMTP id ") {
				t.Errorf("no Received field on top:\n%s", m.Data)
			}
			if got := gatewaytest.Header(m.Data, "Subject"); got != tt.subject {
				t.Errorf("Subject %q, want %q", got, tt.subject)
			}
			if got := gatewaytest.Header(m.Data, gateway.HeaderVerdict); tt.unscanned != (got == "unscanned") {
				t.Errorf("%s: %q", gateway.HeaderVerdict, got)
			}
			if got := gatewaytest.Header(m.Data, gateway.HeaderScore); got == "-10" {
				t.Error("the sender's X-Vigie-Score went through")
			}
			if strings.Count(string(m.Data), gateway.HeaderScore+":") > 1 {
				t.Errorf("two %s fields:\n%s", gateway.HeaderScore, m.Data)
			}
		})
	}
}

func TestRecipients(t *testing.T) {
	h := start(t, gateway.Settings{}, func(s *relay.Server, sink *gatewaytest.Sink) {
		s.MaxRcpt = 2
		s.Verify = &rcptverify.Verifier{Addr: sink.Addr, HELO: "relay.test"}
	})
	tests := []struct {
		rcpt string
		want int
	}{
		{"bob@other.example", 550},              // not ours: never an open relay
		{"bob%other.example@example.test", 550}, // the percent hack
		{"bob", 501},
		{"nobody@example.test", 550}, // the next hop does not know it
		{"bob@EXAMPLE.test", 0},
		{"carol@example.test", 0},
		{"dave@example.test", 452}, // MaxRcpt
	}
	c := h.client(t)
	if err := c.Mail("alice@sender.example", nil); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		if err := c.Rcpt(tt.rcpt, nil); smtpCode(err) != tt.want {
			t.Errorf("RCPT TO:<%s>: %v, want %d", tt.rcpt, err, tt.want)
		}
	}
}

func TestSize(t *testing.T) {
	h := start(t, gateway.Settings{}, func(s *relay.Server, _ *gatewaytest.Sink) { s.MaxSize = 1000 })
	c := h.client(t)
	if err := c.Mail("alice@sender.example", &smtp.MailOptions{Size: 5000}); smtpCode(err) != 552 {
		t.Errorf("MAIL FROM SIZE=5000 over 1000: %v, want 552", err)
	}
	c.Reset()
	big := gatewaytest.Message("") + strings.Repeat(strings.Repeat("x", 70)+"\r\n", 30)
	if _, err := send(t, c, []string{"bob@example.test"}, big); smtpCode(err) != 552 {
		t.Errorf("2 KB message over 1000 bytes: %v, want 552", err)
	}
}

func TestOversize(t *testing.T) {
	tests := []struct {
		policy  string
		want    int
		verdict string
	}{
		{gateway.OversizeReject, 552, ""},
		{gateway.OversizeAccept, 0, "oversize"},
		{gateway.OversizeScan, 0, "accept"},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			h := start(t, gateway.Settings{Oversize: tt.policy}, func(s *relay.Server, _ *gatewaytest.Sink) { s.ScanSize = 64 })
			_, err := send(t, h.client(t), []string{"bob@example.test"}, gatewaytest.Message(""))
			if smtpCode(err) != tt.want && !(tt.want == 0 && err == nil) {
				t.Fatalf("end of DATA: %v, want %d", err, tt.want)
			}
			if tt.verdict != "" {
				m := h.sink.Wait(t, 1, 30*time.Second)[0]
				if got := gatewaytest.Header(m.Data, gateway.HeaderVerdict); got != tt.verdict {
					t.Errorf("%s: %q, want %q", gateway.HeaderVerdict, got, tt.verdict)
				}
			}
		})
	}
}

func TestStartTLS(t *testing.T) {
	h := start(t, gateway.Settings{}, func(s *relay.Server, _ *gatewaytest.Sink) { s.TLS = gatewaytest.ServerTLS(t) })
	c, err := smtp.DialStartTLS(h.addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := send(t, c, []string{"bob@example.test"}, gatewaytest.Message("")); err != nil {
		t.Fatal(err)
	}
	m := h.sink.Wait(t, 1, 30*time.Second)[0]
	if !strings.Contains(gatewaytest.Header(m.Data, "Received"), "with ESMTPS id") {
		t.Errorf("Received does not say ESMTPS:\n%s", m.Data)
	}
}

// A release signed with the gateway's key passes unscanned.
func TestRelease(t *testing.T) {
	key := release.Key("0123456789abcdef0123456789abcdef")
	h := start(t, gateway.Settings{}, nil)
	h.env.Gateway.Releases = key
	held := gatewaytest.Message("reject")
	if _, err := send(t, h.client(t), []string{"bob@example.test"}, gatewaytest.Message("reject", release.Header+": "+key.Sign([]byte(held), time.Now()))); err != nil {
		t.Fatalf("signed release: %v", err)
	}
	m := h.sink.Wait(t, 1, 30*time.Second)[0]
	if got := gatewaytest.Header(m.Data, gateway.HeaderVerdict); got != "released" {
		t.Errorf("%s: %q, want released", gateway.HeaderVerdict, got)
	}
	if gatewaytest.Header(m.Data, release.Header) != "" {
		t.Error("the release field went through")
	}
	if _, err := send(t, h.client(t), []string{"bob@example.test"}, gatewaytest.Message("reject", release.Header+": sha256=00; t=1; mac=AAAA")); smtpCode(err) != 550 {
		t.Errorf("forged release: %v, want the scan's 550", err)
	}
}

// Once shutting down, the relay greets no new client.
func TestShutdown(t *testing.T) {
	h := start(t, gateway.Settings{}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err := smtp.Dial(h.addr); err == nil {
		err = c.Hello("mx.sender.example")
		c.Close()
		if err == nil {
			t.Error("a new session was greeted during shutdown")
		}
	}
}

// A client that keeps its connection open between messages, as Postfix's
// connection cache does, does not hold the stop: it is told 421 and the
// relay stops at once, while a client in the middle of a transaction may
// finish it.
func TestShutdownEndsIdleSessions(t *testing.T) {
	h := start(t, gateway.Settings{}, nil)
	idle, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	lines := bufio.NewReader(idle)
	readReply := func() string {
		t.Helper()
		idle.SetReadDeadline(time.Now().Add(30 * time.Second))
		var all string
		for {
			l, err := lines.ReadString('\n')
			if err != nil {
				t.Fatalf("idle client: %v after %q", err, all)
			}
			all += l
			if len(l) < 4 || l[3] != '-' {
				return all
			}
		}
	}
	readReply() // greeting
	io.WriteString(idle, "EHLO mx.sender.example\r\n")
	readReply()
	busy := h.client(t)
	defer busy.Close()
	if err := busy.Mail("alice@sender.example", nil); err != nil {
		t.Fatal(err)
	}
	if err := busy.Rcpt("bob@example.test", nil); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		stopped <- h.srv.Shutdown(ctx)
	}()
	// The idle session is told 421 by the relay without saying anything.
	if r := readReply(); !strings.HasPrefix(r, "421 ") {
		t.Fatalf("idle session told %q, want 421", r)
	}
	// The session in a transaction finishes its message.
	w, err := busy.Data()
	if err != nil {
		t.Fatalf("DATA during shutdown: %v", err)
	}
	if _, err := io.WriteString(w, gatewaytest.Message("accept")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("message in flight refused during shutdown: %v", err)
	}
	busy.Quit()
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("shutdown still waiting 30 s after the last session ended")
	}
	h.sink.Wait(t, 1, 30*time.Second)
}
