// Package app is Vigie's composition root: the one place that builds, from
// the configuration, the services every front end shares — the store (one
// DSN rule, config.StoreDSN), the indicator service and matcher, the
// quarantine, the message trace, the incident service (bridge.NewService),
// the classifier's learner, the supplier register, the console's accounts
// and the console itself. `vigie serve` (package daemon) and every command
// of cmd/vigie get their services here, so that they agree on the database,
// the data directory and the guards; they only translate their own
// protocol, flags or pages into calls on those services.
//
// Services are built on first use and kept: an App built once serves a
// whole command, or the daemon's whole life. Close releases what was built.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/checks/links"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/gateway/allow"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/bridge"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/objstore"
	"vigie.dev/vigie/internal/posture"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/suppliers"
	"vigie.dev/vigie/internal/trace"
	"vigie.dev/vigie/internal/warninglist"
	"vigie.dev/vigie/internal/weights"
)

// Options say what the configuration does not.
type Options struct {
	// Store is a --store flag: "" follows config.StoreDSN ($VIGIE_STORE,
	// the configuration's store, an SQLite file in data_dir).
	Store string
	// Serving is set by the gateway daemon: a PostgreSQL store that is
	// down is opened anyway (mail flows on the indicators' snapshot and
	// the trace spools to data_dir), and the indicator matcher keeps a
	// snapshot there.
	Serving bool
	// Log receives the services' logs; nil discards them.
	Log *slog.Logger
}

// App holds the services of one configuration.
type App struct {
	Config config.Config
	DB     *store.DB
	Log    *slog.Logger
	// Degraded says the database could not be reached when a serving App
	// opened it; it is being retried.
	Degraded bool

	o     Options
	ownDB bool

	mu         sync.Mutex
	indicators *ioc.Service
	lists      *warninglist.Set // SetWarningLists'
	quarantine *quarantine.Store
	trace      *trace.Log
	accounts   *account.Service
	// matchers are the matchers Matcher started, stopped and waited for
	// by Close.
	matchers []startedMatcher
}

type startedMatcher struct {
	m    *ioc.Matcher
	stop context.CancelFunc
}

// Load reads the configuration file at path ("" for the embedded
// defaults) and opens its store.
func Load(ctx context.Context, path string, o Options) (*App, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	return Open(ctx, cfg, o)
}

// Open opens the store of cfg (migrating it) and returns its App.
func Open(ctx context.Context, cfg config.Config, o Options) (*App, error) {
	a := newApp(cfg, o)
	dsn := cfg.StoreDSN(o.Store)
	var err error
	if o.Serving {
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("app: data dir: %w", err)
		}
		// A node of several starts even when PostgreSQL is down: it
		// filters with its last snapshot of the indicators and spools
		// its trace.
		a.DB, a.Degraded, err = store.OpenOrDegraded(ctx, dsn, a.Log)
	} else {
		a.DB, err = store.Open(ctx, dsn, a.Log)
	}
	if err != nil {
		return nil, err
	}
	a.ownDB = true
	return a, nil
}

// With returns the App of cfg over a store already open (tests, or a
// command that opened it itself); Close leaves db open.
func With(cfg config.Config, db *store.DB, o Options) *App {
	a := newApp(cfg, o)
	a.DB = db
	return a
}

func newApp(cfg config.Config, o Options) *App {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &App{Config: cfg, Log: log, o: o}
}

// Close stops the matchers it started (waiting for a snapshot being
// written), flushes the trace and closes the store (when Open opened it).
func (a *App) Close() error {
	a.mu.Lock()
	tl, ms := a.trace, a.matchers
	a.matchers = nil
	a.mu.Unlock()
	for _, sm := range ms {
		sm.stop()
		sm.m.Wait()
	}
	if tl != nil {
		tl.Close()
	}
	if a.ownDB {
		return a.DB.Close()
	}
	return nil
}

// path names a file or directory under the data directory.
func (a *App) path(elem ...string) string {
	return filepath.Join(append([]string{a.Config.DataDir}, elem...)...)
}

// Indicators is the indicator service every front end uses: guarded by
// the warning lists, the organisation's own assets from the configuration
// and those learned at work (the trusted relays the gateway saw), feed
// entries living ioc.feed_ttl.
func (a *App) Indicators() *ioc.Service {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.indicators == nil {
		guard := ioc.NewGuard(a.lists, ioc.Assets(a.Config.Assets()))
		guard.LoadLists = func() *warninglist.Set {
			s, err := engine.WarningLists(&a.Config, a.Log)
			if err != nil {
				a.Log.Error("warning lists: the embedded ones guard the indicators", "err", err)
				return nil
			}
			return s
		}
		guard.UserSite = links.UserSite
		guard.LearnFrom(ioc.LearnedAssets(a.DB.OwnAssets()), time.Minute)
		a.indicators = ioc.NewService(a.DB.Indicators(), ioc.ServiceOptions{Log: a.Log, Guard: guard, FeedTTL: a.Config.IOC.FeedTTL})
	}
	return a.indicators
}

// SetWarningLists makes the indicators' guard consult s, the lists of the
// scanner the daemon built or rebuilt (engine.WarningLists), so that the
// guard and the scanner read the same lists after a reload.
func (a *App) SetWarningLists(s *warninglist.Set) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lists = s
	if a.indicators != nil {
		a.indicators.Guard().SetLists(s)
	}
}

// Matcher loads the indicators the scanner and the DNSBL consult and keeps
// them in step with the store until ctx ends or the App is closed. A serving App keeps a
// snapshot in data_dir and starts from it when the store is down.
func (a *App) Matcher(ctx context.Context) (*ioc.Matcher, error) {
	o := ioc.MatcherOptions{Log: a.Log}
	if a.o.Serving {
		o.Snapshot = a.path("indicators.snapshot")
	}
	ctx, stop := context.WithCancel(ctx)
	m, err := ioc.Start(ctx, a.DB.Indicators(), o)
	if err != nil {
		stop()
		return nil, err
	}
	a.mu.Lock()
	a.matchers = append(a.matchers, startedMatcher{m: m, stop: stop})
	a.mu.Unlock()
	return m, nil
}

// Quarantine is the quarantine: its metadata in the store, the messages'
// bytes in files under data_dir/quarantine with SQLite (one node) and in
// the database itself with PostgreSQL (several nodes: any node reads,
// releases and deletes any held message, docs/cluster.md), or, when
// serve.quarantine.object_store names one, in an S3-compatible bucket
// (whose absence or refusal is an error here, at startup). A serving App
// spools under data_dir/spool/quarantine the copies the database or the
// object store cannot take while it is down.
func (a *App) Quarantine() (*quarantine.Store, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.quarantine == nil {
		o := quarantine.Options{Log: a.Log, MTA: a.DB.Gateway()}
		if a.DB.Dialect() == store.Postgres {
			o.Bodies = a.DB.Quarantine()
		}
		if oc := a.Config.Serve.Quarantine.ObjectStore; oc.Enabled() {
			b, err := openObjects(oc)
			if err != nil {
				return nil, err
			}
			o.Objects, o.ObjectPrefix = b, oc.Prefix
		}
		if a.o.Serving && (o.Bodies != nil || o.Objects != nil) {
			o.SpoolDir = a.path("spool", "quarantine")
		}
		q, err := quarantine.OpenWith(a.path("quarantine"), a.DB.Quarantine(), o)
		if err != nil {
			return nil, err
		}
		a.quarantine = q
	}
	return a.quarantine, nil
}

// openObjects opens the object store's bucket, checking it is there. Its
// settings are checked first, as Load does, for a configuration built in
// code: never a key written at the bucket's root.
func openObjects(oc config.ObjectStoreCfg) (*objstore.Bucket, error) {
	if err := oc.Validate(); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	secret, err := oc.SecretKey()
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := objstore.Open(ctx, objstore.Config{Endpoint: oc.Endpoint, Bucket: oc.Bucket, Region: oc.Region,
		AccessKey: oc.AccessKey, SecretKey: secret, CAFile: oc.CAFile, Timeout: oc.Timeout})
	if err != nil {
		return nil, fmt.Errorf("app: quarantine object store: %w", err)
	}
	return b, nil
}

// Trace is the message trace; a serving App spools what the database
// refuses under data_dir/spool/trace.
func (a *App) Trace() (*trace.Log, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.trace == nil {
		o := trace.Options{Log: a.Log}
		if a.o.Serving {
			o.SpoolDir = a.path("spool", "trace")
		}
		tl, err := trace.OpenWith(a.DB.Trace(), o)
		if err != nil {
			return nil, err
		}
		a.trace = tl
	}
	return a.trace, nil
}

// Incidents builds the incident service (bridge.NewService) over the
// store, the indicator service and the trace. scanner analyses reported
// messages; nil keeps them without analysis.
func (a *App) Incidents(scanner incident.Scanner) (*incident.Service, error) {
	tl, err := a.Trace()
	if err != nil {
		return nil, err
	}
	return bridge.NewService(bridge.Deps{Config: a.Config, Incidents: a.DB.Incidents(), Indicators: a.Indicators(),
		Trace: tl, Suppliers: a.DB.Suppliers(), Audits: a.DB.PostureRuns(), Scanner: scanner, Log: a.Log})
}

// Accounts are the console's accounts, sessions and audit trail.
func (a *App) Accounts() *account.Service {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.accounts == nil {
		a.accounts = account.New(a.DB.Users(), account.Options{Log: a.Log})
	}
	return a.accounts
}

// Learner teaches the site's classifier (whether or not bayes.enabled
// lets the gateway consult it).
func (a *App) Learner() *bayes.Learner {
	return &bayes.Learner{Repo: a.DB.Bayes(), Limits: a.Config.MessageLimits(), MaxTokens: a.Config.Bayes.MaxTokens, Log: a.Log}
}

// Classifier is the site's model kept in step with the store until ctx
// ends; nil when bayes.enabled is false. A serving App keeps a copy in
// data_dir and starts from it when the store is down.
func (a *App) Classifier(ctx context.Context) *bayes.Live {
	if !a.Config.Bayes.Enabled {
		return nil
	}
	b := a.Config.Bayes
	o := bayes.LiveOptions{Log: a.Log, Options: bayes.Options{MinLearned: b.MinLearned, MaxTokens: b.MaxTokens}}
	if a.o.Serving {
		o.Snapshot = a.path("bayes.snapshot")
	}
	return bayes.Start(ctx, a.DB.Bayes(), o)
}

// LearnedWeights are the learned models saved in the store, which nodes
// with policy.learned: store score with.
func (a *App) LearnedWeights() weights.Repository { return a.DB.Weights() }

// Suppliers is the supplier register's storage.
func (a *App) Suppliers() suppliers.Repository { return a.DB.Suppliers() }

// AllowRules are the operators' exceptions as stored.
func (a *App) AllowRules() allow.Repository { return a.DB.Gateway() }

// Audits are the stored posture reports and selftest runs.
func (a *App) Audits() posture.Runs { return a.DB.PostureRuns() }

// Bayes is the site's classifier as stored (what `vigie learn status`
// shows and `vigie learn reset` empties).
func (a *App) Bayes() bayes.Repository { return a.DB.Bayes() }
