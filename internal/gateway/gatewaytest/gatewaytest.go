// Package gatewaytest gives the front ends' in-process tests (milter,
// relay, next hop) what they run against: a gateway over a real SQLite
// store, quarantine and trace whose scanner decides by a test header, and
// an SMTP server (go-smtp's own) standing for the next hop, recording what
// it is given; the relay wired in front of such a gateway, a go-milter
// client session as Postfix opens one, and an authenticator that needs no
// DNS, for the tests of releases and of the daemon. Tests talk to the
// front ends with go-milter's and go-smtp's clients; the real-Postfix
// tests in package e2e stay beside them.
package gatewaytest

import (
	"context"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/trace"
)

// VerdictHeader chooses a test message's fate: "tag", "quarantine",
// "reject", "slow" (the check runs until the scan's deadline: the front
// end's, or the scanner's own when shorter) or "panic" (the check fails,
// SCAN_CHECK_ERROR). Words may follow each other ("quarantine slow": a
// check that holds the message, then runs into the deadline). A message
// without it is accepted.
const VerdictHeader = "X-Test-Verdict"

// Env is a gateway and the stores behind it.
type Env struct {
	Gateway    *gateway.Gateway
	DB         *store.DB
	Quarantine *quarantine.Store
	Trace      *trace.Log
	DataDir    string
}

// New builds an Env whose gateway answers with settings s. Everything is
// closed when the test ends.
func New(t testing.TB, s gateway.Settings) *Env {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(dir, "vigie.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	q, err := quarantine.Open(filepath.Join(dir, "quarantine"), db.Quarantine(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tl := trace.Open(db.Trace(), nil)
	t.Cleanup(tl.Close)
	g := &gateway.Gateway{Quarantine: q, Trace: tl, Metrics: gateway.NewMetrics(), MTA: db.Gateway(),
		Log: slog.New(slog.DiscardHandler)}
	g.SetScanner(Scanner())
	g.Configure(s)
	return &Env{Gateway: g, DB: db, Quarantine: q, Trace: tl, DataDir: dir}
}

// Scanner runs the test check alone: its signals force the action the
// message's VerdictHeader names.
func Scanner() *scan.Scanner {
	p := scan.DefaultPolicy()
	p.Actions = map[string]scan.Action{"TEST_TAG": scan.Tag, "TEST_QUARANTINE": scan.Quarantine, "TEST_REJECT": scan.Reject}
	return &scan.Scanner{Checks: []scan.Check{verdictCheck{}}, Policy: p, Timeout: time.Minute}
}

type verdictCheck struct{}

func (verdictCheck) Name() string { return "test" }

func (verdictCheck) Check(ctx context.Context, in *scan.Input, out *scan.Emitter) {
	for _, v := range strings.Fields(strings.ToLower(in.Msg.Header.Get(VerdictHeader))) {
		switch v {
		case "tag", "quarantine", "reject":
			out.Emit("TEST_"+strings.ToUpper(v), "")
		case "slow":
			<-ctx.Done()
			return
		case "panic":
			panic("test check failed")
		}
	}
}

// Records returns the trace records, flushed first, newest first.
func (e *Env) Records(t testing.TB) []trace.Record {
	t.Helper()
	e.Trace.Flush()
	recs, err := e.Trace.Search(context.Background(), trace.Query{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// Serve runs a front end's serve loop on 127.0.0.1:0 and returns the
// address; when the test ends it calls shutdown and checks that both
// ended cleanly (a front end shut down by the test itself may say so
// again: ignore tells such an error apart).
func Serve(t testing.TB, serve func(net.Listener) error, shutdown func(context.Context) error, ignore func(error) bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := shutdown(ctx); err != nil && (ignore == nil || !ignore(err)) {
			t.Error(err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// Message is a small invoice mail from alice@sender.example to
// bob@example.test whose fate verdict names (see VerdictHeader; ""
// accepts it), with extra header fields below the usual ones.
func Message(verdict string, extra ...string) string {
	h := []string{"From: Alice <alice@sender.example>", "To: bob@example.test", "Subject: Facture 42", "Message-ID: <m1@sender.example>"}
	if verdict != "" {
		h = append(h, VerdictHeader+": "+verdict)
	}
	h = append(h, extra...)
	return strings.Join(h, "\r\n") + "\r\n\r\nBonjour,\r\nla facture est jointe.\r\n"
}

// ClosedAddr returns a local address nothing listens on.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// PassSPF stands in for live DNS authentication (scan.Authenticator):
// every message passes SPF for its envelope domain.
type PassSPF struct{}

// Authenticate implements scan.Authenticator.
func (PassSPF) Authenticate(_ context.Context, _ []byte, _ *message.Message, env *scan.Envelope) auth.Results {
	d := env.MailFrom[strings.LastIndexByte(env.MailFrom, '@')+1:]
	return auth.Results{Source: "dns", SPF: auth.Pass, SPFDomain: d}
}
