package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
)

// consolePassword is the password of the accounts consoleDaemon makes.
const consolePassword = "un mot de passe solide"

// consoleDaemon runs the gateway with its console on free loopback ports,
// mail going to smtp-sink, with the accounts given; it stops with the test.
func consoleDaemon(t *testing.T, users map[string]account.Role) (d *daemon.Daemon, base string, acc *account.Service) {
	t.Helper()
	return consoleDaemonWith(t, users, nil)
}

// consoleDaemonWith is consoleDaemon with the configuration changed by edit.
func consoleDaemonWith(t *testing.T, users map[string]account.Role, edit func(*config.Config)) (d *daemon.Daemon, base string, acc *account.Service) {
	t.Helper()
	sinkAddr, _ := startSink(t)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Serve.Milter.Enabled, cfg.Serve.RBL.Enabled = false, false
	cfg.Serve.Relay.Listen, cfg.Serve.HTTP.Listen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Serve.Relay.Domains = []string{"example-hopital.fr"}
	cfg.Serve.Relay.NextHop = sinkAddr
	if edit != nil {
		edit(&cfg)
	}
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Authenticator: fakeAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		d.Shutdown(ctx)
	})
	acc = account.New(d.DB.Users(), account.Options{BcryptCost: 4})
	for name, role := range users {
		if err := acc.Add(context.Background(), name, role, consolePassword); err != nil {
			t.Fatal(err)
		}
	}
	return d, "http://" + d.HTTPAddr, acc
}

// browserSession is a headless Chromium that accepts the console's
// confirmation dialogs.
type browserSession struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func newBrowserSession(t *testing.T, base string, within time.Duration) *browserSession {
	t.Helper()
	bctx := startChromium(t, context.Background(), within)
	chromedp.ListenTarget(bctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go chromedp.Run(bctx, page.HandleJavaScriptDialog(true))
		}
	})
	return &browserSession{t: t, ctx: bctx, base: base}
}

// run performs the actions, failing the test with what on error.
func (b *browserSession) run(what string, acts ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, acts...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// login logs user in afresh (an earlier session's cookie is dropped).
func (b *browserSession) login(user string, first ...chromedp.Action) {
	b.t.Helper()
	acts := append(first, network.ClearBrowserCookies(), chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible("#user", chromedp.ByID),
		chromedp.SendKeys("#user", user, chromedp.ByID), chromedp.SendKeys("#password", consolePassword, chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID), chromedp.WaitVisible("#whoami", chromedp.ByID))
	b.run("log in "+user, acts...)
}
