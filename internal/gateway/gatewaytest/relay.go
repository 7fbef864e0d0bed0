package gatewaytest

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"vigie.dev/vigie/internal/gateway/nexthop"
	"vigie.dev/vigie/internal/gateway/queue"
	"vigie.dev/vigie/internal/gateway/relay"
)

// Relay runs package relay's server on 127.0.0.1:0 in front of e's
// gateway, for the domain example.test, its queue delivering to the next
// hop at next (a Sink's address) with package nexthop's client. configure,
// when not nil, sets the server up before it listens. It returns the
// server and its address; everything stops when the test ends, the queue
// after the server.
func (e *Env) Relay(t testing.TB, next string, configure func(*relay.Server)) (*relay.Server, string) {
	t.Helper()
	hop := &nexthop.Client{Addr: next, HELO: "relay.test"}
	t.Cleanup(hop.Close)
	q, err := queue.Open(filepath.Join(e.DataDir, "queue"), queue.Options{Deliverer: hop, RetryMin: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	qctx, stopQ := context.WithCancel(context.Background())
	qdone := make(chan struct{})
	go func() { q.Run(qctx); close(qdone) }()
	srv := &relay.Server{Gateway: e.Gateway, Queue: q, Domains: []string{"example.test"}, Hostname: "relay.test",
		Timeout: 10 * time.Second, SpoolDir: t.TempDir()}
	if configure != nil {
		configure(srv)
	}
	t.Cleanup(func() { stopQ(); <-qdone }) // after the server's shutdown (cleanups run last first)
	addr := Serve(t, srv.Serve, srv.Shutdown, func(err error) bool { return errors.Is(err, smtp.ErrServerClosed) })
	return srv, addr
}
