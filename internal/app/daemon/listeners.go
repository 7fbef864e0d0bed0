package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/httpapi"
	"vigie.dev/vigie/internal/gateway/milter"
	"vigie.dev/vigie/internal/gateway/queue"
	"vigie.dev/vigie/internal/gateway/rcptverify"
	"vigie.dev/vigie/internal/gateway/relay"
	"vigie.dev/vigie/internal/rbl"
)

// startMilter listens for the MTA's milter connections.
func (d *Daemon) startMilter(spool string) error {
	s, log := d.cfg.Serve, d.log
	ln, err := milter.Listen(s.Milter.Listen, milter.Socket{Mode: os.FileMode(s.Milter.SocketMode), Group: s.Milter.SocketGroup})
	if err != nil {
		return fmt.Errorf("serve: milter: %w", err)
	}
	d.MilterAddr = ln.Addr().String()
	d.milter = &milter.Server{Gateway: d.Gateway, Timeout: s.Milter.Timeout,
		Discard: s.Milter.Quarantine == "discard", MaxSize: int64(d.cfg.Limits.MaxSize), SpoolDir: spool,
		Limit: gateway.Limit{Max: s.Milter.MaxSessions, IdleTimeout: s.Milter.IdleTimeout, OnRefuse: func() { d.Gateway.CountError("milter_busy") }},
		Log:   log}
	d.serve("milter", func() error { return d.milter.Serve(ln) })
	log.Info("milter listening", "addr", d.MilterAddr)
	return nil
}

// startHTTP serves the scan API, /metrics and the console.
func (d *Daemon) startHTTP(bg context.Context, spool string) error {
	s, log := d.cfg.Serve, d.log
	ln, err := net.Listen("tcp", s.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("serve: http: %w", err)
	}
	d.HTTPAddr = ln.Addr().String()
	tokens, err := s.HTTP.APITokens()
	if err != nil {
		ln.Close()
		return fmt.Errorf("serve: %w", err)
	}
	var apiTokens []httpapi.Token
	for _, t := range tokens {
		apiTokens = append(apiTokens, httpapi.Token{Name: t.Name, Value: t.Token, Scope: t.Scope})
		log.Info("api token", "name", t.Name, "scope", t.Scope)
	}
	h := &httpapi.Handler{Gateway: d.Gateway, Trace: d.Trace, Registry: d.Metrics.Registry,
		Tokens: apiTokens, MaxSize: int64(d.cfg.Limits.MaxSize), Timeout: s.Relay.Timeout,
		BodyTimeout: s.HTTP.BodyTimeout, SpoolDir: spool, Log: log, Health: d.Health}
	handler, err := d.console(bg, h)
	if err != nil {
		ln.Close()
		return err
	}
	ln = gateway.Limit{Max: s.HTTP.MaxConnections, OnRefuse: func() { d.Gateway.CountError("http_busy") }}.Listen(ln)
	d.http = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	if s.HTTP.TLSCert != "" {
		// HTTPS: the certificate pair is re-read on Reload (SIGHUP), so a
		// renewed certificate applies without a restart.
		d.httpCert = &certFiles{cert: s.HTTP.TLSCert, key: s.HTTP.TLSKey}
		if err := d.httpCert.load(); err != nil {
			ln.Close()
			return fmt.Errorf("serve: http: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: d.httpCert.get})
	}
	d.serve("http", func() error {
		if err := d.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	log.Info("http listening", "addr", d.HTTPAddr)
	return nil
}

// console builds the web console around the API handler h: the console's
// pages, and its JSON API beside h's; h accepts the console's session.
func (d *Daemon) console(bg context.Context, h *httpapi.Handler) (http.Handler, error) {
	// Releases from the console are signed, and checked not to come back.
	ws, err := d.App.Console(app.Console{Scanner: d.Gateway.Scanner, Learner: d.Learner,
		Release: d.App.Releaser(d.releaseKey, d.nexthop.HELO)})
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	d.Console = ws
	h.Session = ws.APIAuth
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		ws.PurgeLoop(bg)
	}()
	if d.cfg.Serve.Digest.Enabled {
		d.bg.Add(1)
		go func() {
			defer d.bg.Done()
			ws.DigestLoop(bg)
		}()
	}
	return ws.Handler(h.Routes()), nil
}

// serve runs a listener's loop and reports its failure on Err.
func (d *Daemon) serve(name string, run func() error) {
	go func() {
		if err := run(); err != nil {
			select {
			case d.errs <- fmt.Errorf("serve: %s: %w", name, err):
			default:
			}
		}
	}()
}

// startRelay opens the queue, starts its delivery workers and the SMTP listener.
func (d *Daemon) startRelay(hostname string) error {
	s := d.cfg.Serve.Relay
	var err error
	d.Queue, err = queue.Open(filepath.Join(d.cfg.DataDir, "queue"), queue.Options{
		Deliverer: d.nexthop, Workers: s.Workers, RetryMin: s.RetryMin, RetryMax: s.RetryMax,
		MaxAge: s.MaxAge, Hostname: hostname, Log: d.log,
		OnDepth: func(n int) { d.Metrics.QueueDepth.Set(float64(n)) },
	})
	if err != nil {
		return fmt.Errorf("serve: queue: %w", err)
	}
	qctx, stopQ := context.WithCancel(context.Background())
	d.stopQ = stopQ
	d.queueW.Add(1)
	go func() {
		defer d.queueW.Done()
		d.Queue.Run(qctx)
	}()
	var tlsCfg *tls.Config
	if s.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.TLSCert, s.TLSKey)
		if err != nil {
			return fmt.Errorf("serve: relay: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", s.Listen)
	if err != nil {
		return fmt.Errorf("serve: relay: %w", err)
	}
	d.RelayAddr = ln.Addr().String()
	d.relay = &relay.Server{Gateway: d.Gateway, Queue: d.Queue, Domains: s.Domains, Hostname: hostname,
		TLS: tlsCfg, MaxSize: int64(s.MaxSize), ScanSize: int64(d.cfg.Limits.MaxSize), MaxRcpt: s.MaxRecipients,
		Timeout: s.Timeout, SpoolDir: filepath.Join(d.cfg.DataDir, "tmp"),
		Limit: gateway.Limit{Max: s.MaxSessions, OnRefuse: func() { d.Gateway.CountError("relay_busy") }}, Log: d.log}
	if s.VerifyRecipients {
		d.relay.Verify = &rcptverify.Verifier{Addr: s.NextHop, HELO: hostname, Sender: "double-bounce@" + hostname,
			PositiveTTL: s.VerifyPositiveTTL, NegativeTTL: s.VerifyNegativeTTL}
	}
	d.serve("relay", func() error { return d.relay.Serve(ln) })
	d.log.Info("relay listening", "addr", d.RelayAddr, "domains", s.Domains, "next_hop", s.NextHop)
	return nil
}

// startRBL serves the indicator store as a DNS blocklist on UDP and TCP.
func (d *Daemon) startRBL(ctx context.Context, c config.RBLCfg) error {
	pc, ln, err := rbl.Listen(c.Listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	d.RBLAddr = pc.LocalAddr().String()
	// The MTAs that query the blocklist are never limited: Postfix reads
	// a dropped or truncated answer as "not listed", and blocks would be
	// bypassed under load. Only other clients are limited.
	rate := rbl.RateLimit{PerSecond: c.RateLimit, Exempt: d.cfg.RBLExempt()}
	if c.RateLimit == 0 {
		rate.PerSecond = -1
	}
	srv := &rbl.Server{Zones: rbl.Zones{IP: c.IPZone, Domain: c.DomainZone, URL: c.URLZone},
		RateLimit: rate, Logger: d.log, Registerer: d.Metrics.Registry}
	if err := srv.SetSource(rbl.Indicators{M: d.Matcher}); err != nil {
		pc.Close()
		ln.Close()
		return fmt.Errorf("serve: rbl: %w", err)
	}
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		if err := srv.Serve(ctx, pc, ln); err != nil && ctx.Err() == nil {
			select {
			case d.errs <- fmt.Errorf("serve: rbl: %w", err):
			default:
			}
		}
	}()
	return nil
}

// certFiles is a certificate pair read from files, swapped whole on load.
type certFiles struct {
	cert, key string
	cur       atomic.Pointer[tls.Certificate]
}

func (c *certFiles) load() error {
	pair, err := tls.LoadX509KeyPair(c.cert, c.key)
	if err != nil {
		return fmt.Errorf("tls certificate %s: %w", c.cert, err)
	}
	c.cur.Store(&pair)
	return nil
}

func (c *certFiles) get(*tls.ClientHelloInfo) (*tls.Certificate, error) { return c.cur.Load(), nil }
