package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/scan"
)

// testConfig is the embedded configuration with its data in a fresh
// directory.
func testConfig(t *testing.T) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	return cfg
}

func open(t *testing.T, cfg config.Config, o app.Options) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// Every App follows config.StoreDSN: the --store flag, else $VIGIE_STORE,
// else the configuration's store, else an SQLite file in data_dir.
func TestStoreRule(t *testing.T) {
	other := t.TempDir()
	tests := []struct {
		name, env, store, flag string
		want                   string // file that must exist, under other or data_dir ("")
	}{
		{name: "data_dir", want: "vigie.db"},
		{name: "configuration", store: "sqlite:" + filepath.Join(other, "cfg.db"), want: "cfg.db"},
		{name: "environment", env: "sqlite:" + filepath.Join(other, "env.db"), store: "sqlite:" + filepath.Join(other, "unused.db"), want: "env.db"},
		{name: "flag", env: "sqlite:" + filepath.Join(other, "unused.db"), flag: "sqlite:" + filepath.Join(other, "flag.db"), want: "flag.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(config.EnvStore, tt.env)
			cfg := testConfig(t)
			cfg.Store = tt.store
			open(t, cfg, app.Options{Store: tt.flag})
			dir := other
			if tt.want == "vigie.db" {
				dir = cfg.DataDir
			}
			if _, err := os.Stat(filepath.Join(dir, tt.want)); err != nil {
				t.Errorf("store not at %s: %v", tt.want, err)
			}
			if _, err := os.Stat(filepath.Join(other, "unused.db")); err == nil {
				t.Error("a store of lower precedence was opened")
			}
		})
	}
}

// What a command adds is what the gateway reads: `vigie ioc add` and `vigie
// serve` given one configuration use one store (the bug of issue 15: the
// command ignored data_dir and wrote elsewhere).
func TestCommandAndGatewayShareTheStore(t *testing.T) {
	t.Setenv(config.EnvStore, "")
	ctx := context.Background()
	cfg := testConfig(t)
	cli := open(t, cfg, app.Options{})
	if _, err := cli.Indicators().Add(ctx, ioc.NewIndicator{Value: "evil-login.example", AddedBy: "alice"}); err != nil {
		t.Fatal(err)
	}
	cli.Close()
	gw := open(t, cfg, app.Options{Serving: true})
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m, err := gw.Matcher(mctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.LookupDomain("www.evil-login.example"); !ok {
		t.Error("the gateway does not see the indicator the command added")
	}
}

// Services are built once per App, and the incident service sees what
// another App over the same store recorded.
func TestServicesBuiltOnce(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	a := open(t, cfg, app.Options{})
	if a.Indicators() != a.Indicators() || a.Accounts() != a.Accounts() {
		t.Error("indicator or account service built twice")
	}
	q1, err := a.Quarantine()
	if err != nil {
		t.Fatal(err)
	}
	q2, _ := a.Quarantine()
	t1, err := a.Trace()
	if err != nil {
		t.Fatal(err)
	}
	t2, _ := a.Trace()
	if q1 != q2 || t1 != t2 {
		t.Error("quarantine or trace opened twice")
	}
	svc, err := a.Incidents(nil)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Open(ctx, incident.OpenRequest{Type: incident.PhishingCampaign, Title: "Faux portail", By: "rssi"})
	if err != nil {
		t.Fatal(err)
	}
	b := app.With(cfg, a.DB, app.Options{})
	svc2, err := b.Incidents(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := svc2.Get(ctx, inc.ID); err != nil || got.Title != "Faux portail" {
		t.Errorf("second App: %+v %v", got, err)
	}
}

// The console is built from the App's services and the gateway's scanner.
func TestConsole(t *testing.T) {
	cfg := testConfig(t)
	a := open(t, cfg, app.Options{})
	sc, err := engine.New(&cfg, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := a.Console(app.Console{Scanner: func() *scan.Scanner { return sc }})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	ws.Handler(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/login", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("GET /login: %d", rec.Code)
	}
}
