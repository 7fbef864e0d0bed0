// Package daemon assembles `vigie serve` from the configuration: the store,
// the indicator matcher, the scanner, quarantine, trace, the relay's queue
// and its next-hop client, and the enabled listeners (milter, SMTP relay,
// HTTP API with /metrics, the DNS blocklist). It owns their lifecycle: Start,
// Reload (rebuild the scanner from the configuration file and swap it in)
// and Shutdown (stop listening, answer the messages under way, flush the
// trace).
package daemon

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/durable"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/allow"
	"vigie.dev/vigie/internal/gateway/httpapi"
	"vigie.dev/vigie/internal/gateway/milter"
	"vigie.dev/vigie/internal/gateway/nexthop"
	"vigie.dev/vigie/internal/gateway/queue"
	"vigie.dev/vigie/internal/gateway/rcptverify"
	"vigie.dev/vigie/internal/gateway/relay"
	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/rbl"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/suppliers"
	"vigie.dev/vigie/internal/trace"
	"vigie.dev/vigie/internal/web"
)

// Options add what the configuration does not hold.
type Options struct {
	ConfigPath string // re-read by Reload; "" reloads the defaults
	Log        *slog.Logger
	// Authenticator replaces the live DNS authenticator (tests).
	Authenticator scan.Authenticator
}

// Daemon is a running gateway.
type Daemon struct {
	Gateway    *gateway.Gateway
	Metrics    *gateway.Metrics
	Quarantine *quarantine.Store
	Trace      *trace.Log
	Queue      *queue.Queue
	DB         *store.DB
	Matcher    *ioc.Matcher
	// Allow holds the operators' exceptions (reloaded every 30 s and on Reload).
	Allow *allow.Rules
	// Bayes is the site's classifier kept in step with the store (nil when
	// bayes.enabled is false); Learner teaches it.
	Bayes   *bayes.Live
	Learner *bayes.Learner

	// Addresses actually listened on ("" when disabled), for tests that
	// configure port 0.
	MilterAddr, RelayAddr, HTTPAddr, RBLAddr string

	cfg     config.Config
	o       Options
	log     *slog.Logger
	online  scan.Authenticator
	nexthop *nexthop.Client
	// releaseKey signs releases and verifies them on the way back.
	releaseKey release.Key

	milter *milter.Server
	relay  *relay.Server
	http   *http.Server
	// httpCert is the console's HTTPS certificate, reloaded on SIGHUP.
	httpCert *certFiles
	// Console is the web console served with the HTTP API.
	Console *web.Server

	// suppliers is the supplier register as the invoice checks read it.
	suppliers *suppliers.Cache

	stopBG context.CancelFunc
	bg     sync.WaitGroup

	relaysMu sync.Mutex
	relays   map[netip.Addr]time.Time // trusted relays recorded, and when
	queueW   sync.WaitGroup
	stopQ    context.CancelFunc
	errs     chan error
}

// Start opens everything and starts listening. Errors from listeners that
// fail later arrive on Err.
func Start(ctx context.Context, cfg config.Config, o Options) (_ *Daemon, err error) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Daemon{cfg: cfg, o: o, log: log, Metrics: gateway.NewMetrics(), errs: make(chan error, 4)}
	defer func() {
		if err != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			d.Shutdown(sctx)
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("serve: data dir: %w", err)
	}
	dsn := cfg.StoreDSN("")
	// A node of several starts even when PostgreSQL is down: it filters
	// with its last snapshot of the indicators and spools its trace.
	if d.DB, _, err = store.OpenOrDegraded(ctx, dsn, log); err != nil {
		return nil, err
	}
	bg, stopBG := context.WithCancel(context.Background())
	d.stopBG = stopBG
	if d.Matcher, err = ioc.Start(bg, d.DB.Indicators(), ioc.MatcherOptions{Log: log,
		Snapshot: filepath.Join(cfg.DataDir, "indicators.snapshot")}); err != nil {
		return nil, err
	}
	if cfg.Bayes.Enabled {
		d.Bayes = bayes.Start(bg, d.DB.Bayes(), bayes.LiveOptions{Log: log,
			Options: bayes.Options{MinLearned: cfg.Bayes.MinLearned, MaxTokens: cfg.Bayes.MaxTokens}})
		d.Learner = &bayes.Learner{Repo: d.DB.Bayes(), Limits: cfg.MessageLimits(), MaxTokens: cfg.Bayes.MaxTokens, Log: log}
	}
	d.online = o.Authenticator
	if d.online == nil {
		a := engine.NewDNSAuth(&cfg)
		a.Checker.Logger = log
		d.online = a
	}
	sc, err := d.build(&cfg)
	if err != nil {
		return nil, err
	}
	if d.Quarantine, err = quarantine.Open(filepath.Join(cfg.DataDir, "quarantine"), d.DB.Quarantine(), log); err != nil {
		return nil, err
	}
	if d.Trace, err = trace.OpenWith(d.DB.Trace(), trace.Options{Log: log, SpoolDir: filepath.Join(cfg.DataDir, "spool", "trace")}); err != nil {
		return nil, err
	}
	if d.releaseKey, err = loadReleaseKey(ctx, d.DB, cfg.DataDir, log); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	spool := filepath.Join(cfg.DataDir, "tmp")
	if err := os.MkdirAll(spool, 0o700); err != nil {
		return nil, fmt.Errorf("serve: spool dir: %w", err)
	}
	d.Allow = &allow.Rules{Repo: d.DB.Gateway(), Log: log}
	if err := d.Allow.Load(ctx); err != nil {
		if !store.Unavailable(err) {
			return nil, fmt.Errorf("serve: %w", err)
		}
		// A node starting while the database is down filters without the
		// operators' exceptions until the 30-second reload reads them.
		log.Warn("database unreachable: allow rules not loaded yet", "err", err)
	}
	d.Gateway = &gateway.Gateway{Quarantine: d.Quarantine, Trace: d.Trace, Metrics: d.Metrics, Log: log,
		MTA: d.DB.Gateway(), Releases: d.releaseKey, Allow: d.Allow, Budget: gateway.NewBudget(int64(cfg.Serve.MaxInflight))}
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		d.Allow.Run(bg, 30*time.Second)
	}()
	d.Gateway.SetScanner(sc)
	d.Gateway.Configure(settings(&cfg))
	if d.Learner != nil {
		if al := autolearn(&cfg, d.Learner, log); al != nil {
			d.Gateway.Observer = al
			d.bg.Add(1)
			go func() {
				defer d.bg.Done()
				al.Run(bg)
			}()
		}
	}
	s := cfg.Serve
	hostname := s.Relay.Hostname
	if hostname == "" {
		hostname, _ = os.Hostname()
	}
	d.nexthop = &nexthop.Client{Addr: s.Relay.NextHop, HELO: hostname, MaxIdle: s.Relay.Workers}
	d.watchSuppliers(bg, &cfg)

	if s.Relay.Enabled {
		if err := d.startRelay(hostname); err != nil {
			return nil, err
		}
	}
	if s.Milter.Enabled {
		ln, err := milter.Listen(s.Milter.Listen, milter.Socket{Mode: os.FileMode(s.Milter.SocketMode), Group: s.Milter.SocketGroup})
		if err != nil {
			return nil, fmt.Errorf("serve: milter: %w", err)
		}
		d.MilterAddr = ln.Addr().String()
		d.milter = &milter.Server{Gateway: d.Gateway, Timeout: s.Milter.Timeout,
			Discard: s.Milter.Quarantine == "discard", MaxSize: int64(cfg.Limits.MaxSize), SpoolDir: spool,
			Limit: gateway.Limit{Max: s.Milter.MaxSessions, IdleTimeout: s.Milter.IdleTimeout, OnRefuse: func() { d.Gateway.CountError("milter_busy") }},
			Log:   log}
		d.serve("milter", func() error { return d.milter.Serve(ln) })
		log.Info("milter listening", "addr", d.MilterAddr)
	}
	if s.HTTP.Enabled {
		ln, err := net.Listen("tcp", s.HTTP.Listen)
		if err != nil {
			return nil, fmt.Errorf("serve: http: %w", err)
		}
		d.HTTPAddr = ln.Addr().String()
		tokens, err := s.HTTP.APITokens()
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("serve: %w", err)
		}
		var apiTokens []httpapi.Token
		for _, t := range tokens {
			apiTokens = append(apiTokens, httpapi.Token{Name: t.Name, Value: t.Token, Scope: t.Scope})
			log.Info("api token", "name", t.Name, "scope", t.Scope)
		}
		h := &httpapi.Handler{Gateway: d.Gateway, Trace: d.Trace, Registry: d.Metrics.Registry,
			Tokens: apiTokens, MaxSize: int64(cfg.Limits.MaxSize), Timeout: s.Relay.Timeout,
			BodyTimeout: s.HTTP.BodyTimeout, SpoolDir: spool, Log: log, Health: d.Health}
		handler, err := d.console(bg, h)
		if err != nil {
			ln.Close()
			return nil, err
		}
		ln = gateway.Limit{Max: s.HTTP.MaxConnections, OnRefuse: func() { d.Gateway.CountError("http_busy") }}.Listen(ln)
		d.http = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
		if s.HTTP.TLSCert != "" {
			// HTTPS: the certificate pair is re-read on Reload (SIGHUP), so a
			// renewed certificate applies without a restart.
			d.httpCert = &certFiles{cert: s.HTTP.TLSCert, key: s.HTTP.TLSKey}
			if err := d.httpCert.load(); err != nil {
				ln.Close()
				return nil, fmt.Errorf("serve: http: %w", err)
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
	}
	if s.RBL.Enabled {
		if err := d.startRBL(bg, s.RBL); err != nil {
			return nil, err
		}
	}
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		d.purgeLoop(bg)
	}()
	return d, nil
}

// console builds the web console around the API handler h: the console's
// pages, and its JSON API beside h's; h accepts the console's session.
func (d *Daemon) console(bg context.Context, h *httpapi.Handler) (http.Handler, error) {
	// Releases from the console are signed, and checked not to come back.
	rel := release.ForConfig(&d.cfg, d.DB.Gateway(), d.releaseKey, d.nexthop.HELO, d.log)
	ws, err := web.ForGateway(web.Gateway{DB: d.DB, DataDir: d.cfg.DataDir, Config: d.cfg, Gateway: d.Gateway, Quarantine: d.Quarantine,
		Trace: d.Trace, Release: rel, APITokens: consoleTokens(d.cfg.Serve.HTTP), Learner: d.Learner, Log: d.log})
	if err != nil {
		return nil, fmt.Errorf("serve: console: %w", err)
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

// consoleTokens are the API tokens that may use the console's API, with
// the console role their scope stands for (scan-only tokens may not).
func consoleTokens(h config.HTTPCfg) []web.APIToken {
	tokens, _ := h.APITokens() // validated at load
	roles := map[string]account.Role{"read": account.Reader, "analyst": account.Analyst, "admin": account.Admin}
	var out []web.APIToken
	for _, t := range tokens {
		if r, ok := roles[t.Scope]; ok {
			out = append(out, web.APIToken{Name: t.Name, Token: t.Token, Role: r})
		}
	}
	return out
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

// purgeLoop applies the quarantine and trace retention every hour.
func (d *Daemon) purgeLoop(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		s := d.cfg.Serve
		if n, err := d.Quarantine.Purge(ctx, s.Quarantine.Retention, int64(s.Quarantine.MaxBytes)); err != nil {
			d.log.Warn("quarantine purge failed", "err", err)
		} else if n > 0 {
			d.log.Info("quarantine purged", "messages", n)
		}
		if n, err := d.Trace.Purge(ctx, s.Trace.Retention); err != nil {
			d.log.Warn("trace purge failed", "err", err)
		} else if n > 0 {
			d.log.Info("trace purged", "records", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (d *Daemon) build(cfg *config.Config) (*scan.Scanner, error) {
	if d.suppliers == nil {
		d.suppliers = &suppliers.Cache{Store: d.DB.Suppliers(), Log: d.log}
	}
	o := engine.Options{Log: d.log, Online: d.online, Indicators: d.Matcher, Suppliers: d.suppliers,
		OnTrustedRelay: d.learnRelay}
	if d.Bayes != nil {
		o.Bayes = d.Bayes.Model
	}
	return engine.New(cfg, o)
}

// watchSuppliers adds the supplier register's watcher to the gateway's
// observers: it learns authenticated bank details and alerts accounting
// (docs/invoice.md).
func (d *Daemon) watchSuppliers(bg context.Context, cfg *config.Config) {
	from := cfg.Invoice.AlertFrom
	if from == "" && len(cfg.Org.Domains) > 0 {
		from = "vigie@" + cfg.Org.Domains[0]
	}
	w := &suppliers.Watcher{Register: &suppliers.Register{Store: d.DB.Suppliers()}, Books: d.suppliers,
		Mailer: nexthop.Release{Client: d.nexthop}, Mailbox: cfg.Invoice.AccountingMailbox, From: from,
		Learn: cfg.Invoice.Learn, Limits: cfg.MessageLimits(), Log: d.log}
	w.Start()
	d.Gateway.Observer = observers{d.Gateway.Observer, w}
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		w.Run(bg)
	}()
}

// observers lets several observers see every verdict.
type observers []interface {
	Observe(raw []byte, v *scan.Verdict)
}

func (o observers) Observe(raw []byte, v *scan.Verdict) {
	for _, x := range o {
		if x != nil {
			x.Observe(raw, v)
		}
	}
}

// autolearn builds the classifier's autolearner from the configuration,
// nil when both of its halves are off.
func autolearn(cfg *config.Config, l *bayes.Learner, log *slog.Logger) *bayes.AutoLearn {
	c := cfg.Bayes.Autolearn
	if !c.Phish && !c.Ham {
		return nil
	}
	a := bayes.NewAutoLearn(l, log)
	if c.Phish {
		a.PhishScore = c.PhishScore
		if a.PhishScore <= 0 {
			a.PhishScore = cfg.Policy.RejectAt
		}
	}
	a.Ham, a.HamScore = c.Ham, c.HamScore
	return a
}

// loadReleaseKey reads the release key from the database and keeps a
// copy in data_dir, so that a node started while PostgreSQL is down still
// honours the releases signed with it.
func loadReleaseKey(ctx context.Context, db *store.DB, dataDir string, log *slog.Logger) (release.Key, error) {
	path := filepath.Join(dataDir, "release.key")
	k, err := release.LoadKey(ctx, db.Gateway())
	if err == nil {
		if b, rerr := os.ReadFile(path); rerr != nil || string(b) != hex.EncodeToString(k) {
			if werr := durable.WriteFile(path, []byte(hex.EncodeToString(k))); werr != nil {
				log.Warn("release key: local copy not written", "err", werr)
			}
			os.Chmod(path, 0o600)
		}
		return k, nil
	}
	if !store.Unavailable(err) {
		return nil, err
	}
	b, rerr := os.ReadFile(path)
	if k2, derr := hex.DecodeString(strings.TrimSpace(string(b))); rerr == nil && derr == nil && len(k2) >= 16 {
		log.Warn("database unreachable: release key from the local copy", "err", err)
		return k2, nil
	}
	// No copy yet: a key of this run only; releases signed elsewhere are
	// not honoured until the node restarts with the database.
	log.Warn("database unreachable and no local release key: releases signed by other nodes are not honoured", "err", err)
	var r [32]byte
	rand.Read(r[:])
	return release.Key(r[:]), nil
}

// learnRelay records a trusted relay's address as the organisation's own
// (store own_assets), at most once an hour per address, without slowing
// the message: the indicator guard then refuses to block it.
func (d *Daemon) learnRelay(ip netip.Addr, rdns string) {
	ip = ip.Unmap()
	d.relaysMu.Lock()
	if d.relays == nil {
		d.relays = map[netip.Addr]time.Time{}
	}
	if last, ok := d.relays[ip]; ok && time.Since(last) < time.Hour {
		d.relaysMu.Unlock()
		return
	}
	d.relays[ip] = time.Now()
	d.relaysMu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := d.DB.OwnAssets().Learn(ctx, "ip", ip.String(), "trusted relay "+rdns, time.Now()); err != nil {
			d.log.Warn("trusted relay not recorded as an own asset", "ip", ip, "err", err)
			d.relaysMu.Lock()
			delete(d.relays, ip) // try again with the next message
			d.relaysMu.Unlock()
		}
	}()
}

// Reload re-reads the configuration file and swaps in a scanner built from
// it. Listener addresses, the store and the queue change only on restart.
func (d *Daemon) Reload() error {
	cfg, err := config.Load(d.o.ConfigPath)
	if err != nil {
		return err
	}
	sc, err := d.build(&cfg)
	if err != nil {
		return err
	}
	d.Gateway.SetScanner(sc)
	d.Gateway.Configure(settings(&cfg))
	if err := d.Allow.Load(context.Background()); err != nil {
		d.log.Warn("allow rules not reloaded, previous ones kept", "err", err)
	}
	if d.httpCert != nil {
		if err := d.httpCert.load(); err != nil {
			return err
		}
	}
	d.log.Info("configuration reloaded", "file", d.o.ConfigPath, "subject_prefix", cfg.Policy.SubjectPrefix)
	return nil
}

// settings are the parts of cfg a reload applies besides the scanner.
func settings(cfg *config.Config) gateway.Settings {
	return gateway.Settings{AuthServID: cfg.Auth.AuthServID, SubjectPrefix: cfg.Policy.SubjectPrefix,
		FailOpen: cfg.Serve.FailOpen, Oversize: cfg.Serve.Oversize}
}

// Health says what is degraded, "" when nothing is: the database
// unreachable (mail still flows: indicators from memory or the local
// snapshot, trace records spooled to disk).
func (d *Daemon) Health(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var parts []string
	if err := d.DB.Ping(ctx); err != nil {
		parts = append(parts, "database unreachable ("+err.Error()+")")
	}
	if d.Matcher != nil && d.Matcher.FromSnapshot() {
		parts = append(parts, "indicators from the local snapshot")
	}
	if n := d.Trace.Spooled(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d trace records spooled to local disk", n))
	}
	return strings.Join(parts, "; ")
}

// Err delivers the failure of a listener after Start.
func (d *Daemon) Err() <-chan error { return d.errs }

// Shutdown stops listening, answers the messages under way, stops the queue
// workers once their deliveries end, flushes the trace and closes the store.
func (d *Daemon) Shutdown(ctx context.Context) error {
	var errs []error
	if d.milter != nil {
		errs = append(errs, d.milter.Shutdown(ctx))
	}
	if d.relay != nil {
		errs = append(errs, d.relay.Shutdown(ctx))
	}
	if d.http != nil {
		errs = append(errs, d.http.Shutdown(ctx))
	}
	if d.Gateway != nil {
		d.Gateway.Wait()
	}
	if d.stopQ != nil {
		d.stopQ()
		d.queueW.Wait()
	}
	if d.Trace != nil {
		d.Trace.Close()
	}
	if d.stopBG != nil {
		d.stopBG()
		d.bg.Wait()
	}
	if d.nexthop != nil {
		d.nexthop.Close()
	}
	if d.DB != nil {
		errs = append(errs, d.DB.Close())
	}
	return errors.Join(errs...)
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
