// Package daemon runs `vigie serve`. From the services package app builds
// (store, indicator matcher, classifier, quarantine, trace, allow rules,
// release key, console) it assembles the scanner, the gateway, the relay's
// queue and its next-hop client and the enabled listeners (milter, SMTP
// relay, HTTP API with /metrics and the console, the DNS blocklist), and
// owns their lifecycle: Start, Reload (rebuild the scanner from the
// configuration file and swap it in) and Shutdown (stop listening, answer
// the messages under way, flush the trace).
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/dberr"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/allow"
	"vigie.dev/vigie/internal/gateway/milter"
	"vigie.dev/vigie/internal/gateway/nexthop"
	"vigie.dev/vigie/internal/gateway/queue"
	"vigie.dev/vigie/internal/gateway/relay"
	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/quarantine"
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
	// App holds the services the daemon shares with the CLI.
	App        *app.App
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
	learned learned
	// swap serialises building a scanner and swapping it in with its
	// warning lists (Reload, followLearned): two rebuilds side by side
	// would otherwise leave the gateway on one's scanner and the
	// indicators' guard on the other's lists, or a rebuild from the
	// configuration before a reload replace the reload's scanner.
	swap    sync.Mutex
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
	if d.App, err = app.Open(ctx, cfg, app.Options{Serving: true, Log: log}); err != nil {
		return nil, err
	}
	d.DB = d.App.DB
	bg, stopBG := context.WithCancel(context.Background())
	d.stopBG = stopBG
	if d.Matcher, err = d.App.Matcher(bg); err != nil {
		return nil, err
	}
	if cfg.Bayes.Enabled {
		d.Bayes = d.App.Classifier(bg)
		d.Learner = d.App.Learner()
	}
	d.online = o.Authenticator
	if d.online == nil {
		a := engine.NewDNSAuth(&cfg)
		a.Checker.Logger = log
		d.online = a
	}
	var learnedNotices <-chan struct{}
	if cfg.Policy.Learned == config.LearnedFromStore {
		learnedNotices = d.App.LearnedWeights().Watch(bg)
		d.loadLearned(ctx)
	}
	sc, err := d.build(&cfg)
	if err != nil {
		return nil, err
	}
	if d.Quarantine, err = d.App.Quarantine(); err != nil {
		return nil, err
	}
	if d.Trace, err = d.App.Trace(); err != nil {
		return nil, err
	}
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		d.Quarantine.RunReplay(bg, 2*time.Second)
	}()
	if d.releaseKey, err = d.App.ReleaseKey(ctx); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	spool := filepath.Join(cfg.DataDir, "tmp")
	if err := os.MkdirAll(spool, 0o700); err != nil {
		return nil, fmt.Errorf("serve: spool dir: %w", err)
	}
	d.Allow = &allow.Rules{Repo: d.App.AllowRules(), Log: log, Snapshot: filepath.Join(cfg.DataDir, "allow-rules.json")}
	if err := d.Allow.Load(ctx); err != nil {
		if !dberr.Unavailable(err) {
			return nil, fmt.Errorf("serve: %w", err)
		}
		// A node starting while the database is down applies the
		// operators' exceptions of its local copy until the 30-second
		// reload reads them.
		if serr := d.Allow.LoadSnapshot(); serr != nil {
			log.Warn("database unreachable and no local copy: allow rules not loaded yet", "err", err, "copy_err", serr)
		} else {
			log.Warn("database unreachable: allow rules from the local copy", "err", err)
		}
	}
	d.Gateway = &gateway.Gateway{Quarantine: d.Quarantine, Trace: d.Trace, Metrics: d.Metrics, Log: log,
		MTA: d.Quarantine, Node: release.NodeName(&cfg), Releases: d.releaseKey, Allow: d.Allow, Budget: gateway.NewBudget(int64(cfg.Serve.MaxInflight))}
	d.bg.Add(1)
	go func() {
		defer d.bg.Done()
		d.Allow.Run(bg, 30*time.Second)
	}()
	d.Gateway.SetScanner(sc)
	d.App.SetWarningLists(sc.Lists)
	// Rebuilds for a new stored model start once the gateway holds the
	// first scanner: one earlier would swap into no gateway, or be undone
	// by the first scanner's swap above.
	if learnedNotices != nil {
		d.bg.Add(1)
		go func() {
			defer d.bg.Done()
			d.followLearned(bg, learnedNotices)
		}()
	}
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
		if err := d.startMilter(spool); err != nil {
			return nil, err
		}
	}
	if s.HTTP.Enabled {
		if err := d.startHTTP(bg, spool); err != nil {
			return nil, err
		}
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

// Reload re-reads the configuration file and swaps in a scanner built from
// it. Listener addresses, the store and the queue change only on restart.
func (d *Daemon) Reload() error {
	cfg, err := config.Load(d.o.ConfigPath)
	if err != nil {
		return err
	}
	d.swap.Lock()
	sc, err := d.build(&cfg)
	if err == nil {
		d.Gateway.SetScanner(sc)
		d.App.SetWarningLists(sc.Lists)
	}
	d.swap.Unlock()
	if err != nil {
		return err
	}
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
		FailOpen: cfg.Serve.FailOpen, Oversize: cfg.Serve.Oversize, BodyBanner: cfg.Invoice.BodyBanner}
}

// Health says what is degraded, "" when nothing is: the database or the
// quarantine's object store unreachable (mail still flows: indicators
// from memory or the local snapshot, trace records and held messages
// spooled to disk).
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
	if d.Allow != nil && d.Allow.FromSnapshot() {
		parts = append(parts, "allow rules from the local copy")
	}
	if d.LearnedFromCopy() {
		parts = append(parts, "learned weights from the local copy")
	}
	if d.Bayes != nil && d.Bayes.FromSnapshot() {
		parts = append(parts, "classifier from the local snapshot")
	}
	if n := d.Trace.Spooled(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d trace records spooled to local disk", n))
	}
	if err := d.Quarantine.CheckObjects(ctx); err != nil {
		parts = append(parts, "quarantine object store unreachable ("+err.Error()+")")
	}
	if n := d.Quarantine.Spooled(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d quarantine records spooled to local disk", n))
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
	if d.App != nil {
		errs = append(errs, d.App.Close())
	}
	return errors.Join(errs...)
}
