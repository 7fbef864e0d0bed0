package milter_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	gomilter "github.com/emersion/go-milter"

	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/milter"
	"vigie.dev/vigie/internal/gateway/release"
)

// harness is a milter.Server on 127.0.0.1:0 over a gatewaytest gateway.
type harness struct {
	env  *gatewaytest.Env
	srv  *milter.Server
	addr string
}

func start(t *testing.T, set gateway.Settings, configure func(*milter.Server)) *harness {
	t.Helper()
	env := gatewaytest.New(t, set)
	srv := &milter.Server{Gateway: env.Gateway, Timeout: 10 * time.Second, SpoolDir: t.TempDir()}
	if configure != nil {
		configure(srv)
	}
	addr := gatewaytest.Serve(t, srv.Serve, srv.Shutdown, nil)
	return &harness{env: env, srv: srv, addr: addr}
}

// session opens a milter session the way Postfix's smtpd does, up to HELO.
func (h *harness) session(t *testing.T) *gomilter.ClientSession {
	return gatewaytest.MilterSession(t, h.addr)
}

var (
	send = gatewaytest.MilterSend
	mod  = gatewaytest.MilterMod
)

func TestAnswers(t *testing.T) {
	tests := []struct {
		name     string
		verdict  string
		settings gateway.Settings
		discard  bool
		wantCode gomilter.ActionCode
		wantSMTP int
		check    func(t *testing.T, mods []gomilter.ModifyAction)
	}{
		{name: "accept", wantCode: gomilter.ActAccept, check: func(t *testing.T, mods []gomilter.ModifyAction) {
			if m, ok := mod(mods, gomilter.ActAddHeader, gateway.HeaderVerdict); !ok || m.HeaderValue != "accept" {
				t.Errorf("no %s: accept in %+v", gateway.HeaderVerdict, mods)
			}
			if _, ok := mod(mods, gomilter.ActChangeHeader, "Subject"); ok {
				t.Error("an accepted message's Subject changed")
			}
		}},
		{name: "tag", verdict: "tag", settings: gateway.Settings{SubjectPrefix: "[SUSPECT]"}, wantCode: gomilter.ActAccept,
			check: func(t *testing.T, mods []gomilter.ModifyAction) {
				if m, ok := mod(mods, gomilter.ActChangeHeader, "Subject"); !ok || m.HeaderIndex != 1 || m.HeaderValue != "[SUSPECT] Facture 42" {
					t.Errorf("Subject not prefixed: %+v", mods)
				}
				if m, ok := mod(mods, gomilter.ActAddHeader, gateway.HeaderSignals); !ok || m.HeaderValue != "TEST_TAG" {
					t.Errorf("no %s: TEST_TAG in %+v", gateway.HeaderSignals, mods)
				}
			}},
		{name: "quarantine held", verdict: "quarantine", wantCode: gomilter.ActAccept, check: func(t *testing.T, mods []gomilter.ModifyAction) {
			m, ok := mod(mods, gomilter.ActQuarantine, "")
			if !ok || !strings.HasPrefix(m.Reason, "vigie quarantine ") {
				t.Errorf("not put on hold: %+v", mods)
			}
		}},
		{name: "quarantine discarded", verdict: "quarantine", discard: true, wantCode: gomilter.ActDiscard},
		{name: "reject", verdict: "reject", wantCode: gomilter.ActReplyCode, wantSMTP: 550},
		{name: "scan too slow", verdict: "slow", wantCode: gomilter.ActReplyCode, wantSMTP: 451},
		{name: "fail-open", verdict: "slow", settings: gateway.Settings{FailOpen: true}, wantCode: gomilter.ActAccept,
			check: func(t *testing.T, mods []gomilter.ModifyAction) {
				if m, ok := mod(mods, gomilter.ActAddHeader, gateway.HeaderVerdict); !ok || m.HeaderValue != "unscanned" {
					t.Errorf("no %s: unscanned in %+v", gateway.HeaderVerdict, mods)
				}
			}},
		// A check that failed leaves a verdict without its view: not one
		// to pass the message on (gateway.ErrIncomplete).
		{name: "check failed", verdict: "panic", wantCode: gomilter.ActReplyCode, wantSMTP: 451},
		{name: "check failed, fail-open", verdict: "panic", settings: gateway.Settings{FailOpen: true}, wantCode: gomilter.ActAccept,
			check: func(t *testing.T, mods []gomilter.ModifyAction) {
				if m, ok := mod(mods, gomilter.ActAddHeader, gateway.HeaderVerdict); !ok || m.HeaderValue != "unscanned" {
					t.Errorf("no %s: unscanned in %+v", gateway.HeaderVerdict, mods)
				}
				if _, ok := mod(mods, gomilter.ActAddHeader, gateway.HeaderScore); ok {
					t.Errorf("a score for an incomplete scan: %+v", mods)
				}
			}},
		{name: "check failed after a quarantine", verdict: "quarantine panic", wantCode: gomilter.ActAccept, check: func(t *testing.T, mods []gomilter.ModifyAction) {
			if _, ok := mod(mods, gomilter.ActQuarantine, ""); !ok {
				t.Errorf("not put on hold: %+v", mods)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, tt.settings, func(s *milter.Server) { s.Discard, s.Timeout = tt.discard, 300*time.Millisecond })
			mods, act := send(t, h.session(t), "Q42", gatewaytest.Message(tt.verdict))
			if act.Code != tt.wantCode || act.SMTPCode != tt.wantSMTP {
				t.Fatalf("answer %c %d %q, want %c %d", act.Code, act.SMTPCode, act.SMTPText, tt.wantCode, tt.wantSMTP)
			}
			if tt.check != nil {
				tt.check(t, mods)
			}
		})
	}
}

// What the MTA told the milter reaches the trace and the quarantine.
func TestEnvelopeRecorded(t *testing.T) {
	h := start(t, gateway.Settings{}, nil)
	_, act := send(t, h.session(t), "Q7", gatewaytest.Message("quarantine"))
	if act.Code != gomilter.ActAccept {
		t.Fatalf("answer %c", act.Code)
	}
	recs := h.env.Records(t)
	if len(recs) != 1 {
		t.Fatalf("%d trace records, want 1", len(recs))
	}
	r := recs[0]
	if r.Frontend != "milter" || r.QueueID != "Q7" || r.ClientIP != "192.0.2.7" || r.HELO != "mx.sender.example" ||
		r.MailFrom != "alice@sender.example" || len(r.RcptTo) != 1 || r.Action != "quarantine" || r.QuarantineID == "" {
		t.Errorf("trace record %+v", r)
	}
	e, err := h.env.Quarantine.Get(context.Background(), r.QuarantineID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Subject != "Facture 42" || e.Frontend != "milter" {
		t.Errorf("quarantine entry %+v", e)
	}
	m, err := h.env.DB.Gateway().MTA(context.Background(), r.QuarantineID)
	if err != nil {
		t.Fatal(err)
	}
	if m.MTAQueueID != "Q7" || !m.MTAHold {
		t.Errorf("MTA details %+v, want queue id Q7 held by Postfix", m)
	}
}

// Fields only Vigie may write are removed, whatever the verdict, and the
// session goes on with the next message on the same connection.
func TestForgedFieldsRemoved(t *testing.T) {
	h := start(t, gateway.Settings{AuthServID: "vigie.example.test"}, nil)
	s := h.session(t)
	raw := gatewaytest.Message("", "X-Vigie-Verdict: accept", "X-Vigie-Score: -10",
		"Authentication-Results: vigie.example.test; dmarc=pass header.from=sender.example")
	for i, qid := range []string{"Q1", "Q2"} {
		mods, act := send(t, s, qid, raw)
		if act.Code != gomilter.ActAccept {
			t.Fatalf("message %d: answer %c", i, act.Code)
		}
		for _, name := range []string{"X-Vigie-Verdict", "X-Vigie-Score", "Authentication-Results"} {
			m, ok := mod(mods, gomilter.ActChangeHeader, name)
			if !ok || m.HeaderValue != "" || m.HeaderIndex != 1 {
				t.Errorf("message %d: forged %s not removed: %+v", i, name, mods)
			}
		}
	}
	if n := len(h.env.Records(t)); n != 2 {
		t.Errorf("%d trace records, want 2", n)
	}
}

func TestOversize(t *testing.T) {
	tests := []struct {
		policy   string
		wantCode gomilter.ActionCode
		wantSMTP int
		verdict  string // X-Vigie-Verdict added
	}{
		{gateway.OversizeReject, gomilter.ActReplyCode, 552, ""},
		{gateway.OversizeAccept, gomilter.ActAccept, 0, "oversize"},
		{gateway.OversizeScan, gomilter.ActAccept, 0, "accept"},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			h := start(t, gateway.Settings{Oversize: tt.policy}, func(s *milter.Server) { s.MaxSize = 64 })
			mods, act := send(t, h.session(t), "Q1", gatewaytest.Message(""))
			if act.Code != tt.wantCode || act.SMTPCode != tt.wantSMTP {
				t.Fatalf("answer %c %d, want %c %d", act.Code, act.SMTPCode, tt.wantCode, tt.wantSMTP)
			}
			if tt.verdict != "" {
				if m, ok := mod(mods, gomilter.ActAddHeader, gateway.HeaderVerdict); !ok || m.HeaderValue != tt.verdict {
					t.Errorf("no %s: %s in %+v", gateway.HeaderVerdict, tt.verdict, mods)
				}
			}
		})
	}
}

// A release signed with the gateway's key passes unscanned; a forged one
// is scanned like any other message.
func TestRelease(t *testing.T) {
	key := release.Key("0123456789abcdef0123456789abcdef")
	h := start(t, gateway.Settings{}, nil)
	h.env.Gateway.Releases = key
	held := gatewaytest.Message("reject")
	// The releasing side wrote the banner (a suspect invoice's warning): it stays.
	signed := gatewaytest.Message("reject", release.Header+": "+key.Sign([]byte(held), time.Now()), gateway.HeaderBanner+": RIB à vérifier")
	mods, act := send(t, h.session(t), "Q1", signed)
	if act.Code != gomilter.ActAccept {
		t.Fatalf("signed release: answer %c %d", act.Code, act.SMTPCode)
	}
	if m, ok := mod(mods, gomilter.ActAddHeader, gateway.HeaderVerdict); !ok || m.HeaderValue != "released" {
		t.Errorf("no %s: released in %+v", gateway.HeaderVerdict, mods)
	}
	if m, ok := mod(mods, gomilter.ActChangeHeader, release.Header); !ok || m.HeaderValue != "" {
		t.Errorf("release field not removed: %+v", mods)
	}
	if _, ok := mod(mods, gomilter.ActChangeHeader, gateway.HeaderBanner); ok {
		t.Errorf("the release's banner was removed: %+v", mods)
	}
	forged := gatewaytest.Message("reject", release.Header+": sha256=00; t=1; mac=AAAA")
	if _, act := send(t, h.session(t), "Q2", forged); act.Code != gomilter.ActReplyCode || act.SMTPCode != 550 {
		t.Errorf("forged release: answer %c %d, want the scan's 550", act.Code, act.SMTPCode)
	}
	// A sender's banner under a release that does not verify goes.
	forged = gatewaytest.Message("", release.Header+": sha256=00; t=1; mac=AAAA", gateway.HeaderBanner+": RIB vérifié, payez")
	mods, act = send(t, h.session(t), "Q3", forged)
	if m, ok := mod(mods, gomilter.ActChangeHeader, gateway.HeaderBanner); act.Code != gomilter.ActAccept || !ok || m.HeaderValue != "" {
		t.Errorf("forged release's banner not removed: %c %+v", act.Code, mods)
	}
}

// Once shutting down, the milter answers new messages with a tempfail:
// the MTA keeps them for later.
func TestShutdownTempfails(t *testing.T) {
	h := start(t, gateway.Settings{}, nil)
	s := h.session(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	act, err := s.Mail("<alice@sender.example>", nil)
	if err != nil {
		t.Fatal(err)
	}
	if act.Code != gomilter.ActReplyCode || act.SMTPCode != 451 {
		t.Errorf("MAIL during shutdown: answer %c %d, want 451", act.Code, act.SMTPCode)
	}
}

func TestListenUnixSocket(t *testing.T) {
	path := t.TempDir() + "/milter.sock"
	ln, err := milter.Listen("unix:"+path, milter.Socket{Mode: 0o600})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := milter.Listen("unix:"+path, milter.Socket{}); err == nil {
		t.Error("a socket in use was taken over")
	}
	ln.Close()
	// A socket file left behind by a dead process is replaced.
	l2, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l2.(*net.UnixListener).SetUnlinkOnClose(false)
	l2.Close()
	ln, err = milter.Listen("unix:"+path, milter.Socket{})
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	ln.Close()
}
