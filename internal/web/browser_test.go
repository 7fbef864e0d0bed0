package web_test

// End-to-end test of the console in headless Chromium (Debian's chromium,
// driven over CDP by chromedp): the gateway runs in-process with its relay
// delivering to Postfix's smtp-sink. scripts/install-test-deps.sh installs
// chromium and smtp-sink; without them the test is skipped locally and
// fails when CI=true. Screenshots land in testdata/screenshots/ (ignored
// by git: artefacts, not fixtures).

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/testenv"
)

const chromiumPath = "/usr/bin/chromium"

func requireBrowser(t *testing.T) {
	t.Helper()
	testenv.RequireFiles(t, "browser end-to-end test", "root (smtp-sink drops privileges to postfix)", chromiumPath, "/usr/sbin/smtp-sink")
}

// fakeAuth passes SPF for every envelope domain: no live DNS.
type fakeAuth struct{}

func (fakeAuth) Authenticate(_ context.Context, _ []byte, _ *message.Message, env *scan.Envelope) auth.Results {
	d := env.MailFrom[strings.LastIndexByte(env.MailFrom, '@')+1:]
	return auth.Results{Source: "dns", SPF: auth.Pass, SPFDomain: d}
}

// freePort is a port reserved for the test (see postfixtest.FreePort).
func freePort(t *testing.T) int { return postfixtest.FreePort(t) }

// startSink runs smtp-sink writing each message to its own file.
func startSink(t *testing.T) (addr, dir string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "vigie-web-sink-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	t.Cleanup(func() { os.RemoveAll(dir) })
	addr = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command("smtp-sink", "-u", "postfix", "-d", filepath.Join(dir, "%M."), addr, "100")
	if err := cmd.Start(); err != nil {
		t.Fatalf("smtp-sink: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	postfixtest.WaitListening(t, addr) // 60 s: a loaded machine starts processes slowly
	return addr, dir
}

// beacon counts requests: the hostile message points its script, image
// and style at it, so any hit means the message reached the network.
func beacon(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), &hits
}

// startChromium runs a headless Chromium at the size of a laptop screen
// (1366×900) for the test, with a deadline; it ends with the test.
func startChromium(t *testing.T, ctx context.Context, within time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profileDir(t)),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1366, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	bctx, cancelT := context.WithTimeout(bctx, within)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	return bctx
}

// profileDir is Chromium's profile directory for the test. Stopping the
// browser waits for its main process only; a helper process it started
// may still be writing the profile for a moment, so the directory is
// removed once nothing writes in it any more (t.TempDir's removal fails
// the test on the first "directory not empty").
func profileDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vigie-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(30 * time.Second)
		for {
			err := os.RemoveAll(dir)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("chromium profile: %v", err)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}

func waitFor(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestConsoleInChromium(t *testing.T) {
	requireBrowser(t)
	sinkAddr, sinkDir := startSink(t)
	beaconURL, hits := beacon(t)

	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Serve.Milter.Enabled, cfg.Serve.RBL.Enabled = false, false
	cfg.Serve.Relay.Listen, cfg.Serve.HTTP.Listen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Serve.Relay.Domains = []string{"example.test", "example-hopital.fr"}
	cfg.Serve.Relay.NextHop = sinkAddr
	cfg.Policy.RejectAt = 0 // hold phishing in quarantine instead of rejecting it
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Authenticator: fakeAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		d.Shutdown(ctx)
	})
	base := "http://" + d.HTTPAddr
	ctx := context.Background()
	if err := account.New(d.DB.Users(), account.Options{BcryptCost: 4}).Add(ctx, "claire", account.Analyst, "un mot de passe solide"); err != nil {
		t.Fatal(err)
	}

	// A phishing message whose HTML would call home if anything ran it.
	phish, err := os.ReadFile("../engine/testdata/chorus-pro-phish.eml")
	if err != nil {
		t.Fatal(err)
	}
	hostile := fmt.Sprintf(`<script>document.title=3D'PWNED';fetch('%[1]s/js');parent.postMessage('x','*')</script>`+
		`<img src=3D"%[1]s/img.png"><div style=3D"background:url(%[1]s/css)">tracker</div>`+
		`<iframe src=3D"%[1]s/frame"></iframe></body>`, beaconURL)
	phish = []byte(strings.Replace(string(phish), "</body>", hostile, 1))
	env := scan.Envelope{MailFrom: "notification-choruspro-fr@abatos.fr", RcptTo: []string{"compta@example-hopital.fr"}, HELO: "srv4821.hosting-ovh-example.com"}
	o := d.Gateway.Process(ctx, gateway.Job{Frontend: "relay", Raw: phish, Env: env, Timeout: 30 * time.Second})
	if o.Action != scan.Quarantine || o.QuarantineID == "" {
		t.Fatalf("phishing: action %s, want quarantine (%v)", o.Action, o.Err)
	}
	phishID := o.QuarantineID
	// A legitimate message held by mistake (a false positive to release).
	clean, err := os.ReadFile("../gateway/e2e/testdata/clean.eml")
	if err != nil {
		t.Fatal(err)
	}
	fp, err := d.Quarantine.Put(ctx, clean, quarantine.Meta{Frontend: "relay", Envelope: scan.Envelope{
		MailFrom: "claire.martin@partner.test", RcptTo: []string{"bob@example.test"}}},
		&scan.Verdict{Score: 6.1, Indicators: scan.Indicators{Subject: "Compte rendu de la reunion de jeudi", FromAddress: "claire.martin@partner.test"}})
	if err != nil {
		t.Fatal(err)
	}

	shots := "testdata/screenshots"
	os.MkdirAll(shots, 0o755)
	downloads := t.TempDir()
	bctx := startChromium(t, ctx, 2*time.Minute)

	var (
		mu       sync.Mutex
		requests []string
	)
	chromedp.ListenTarget(bctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		case *page.EventJavascriptDialogOpening:
			go chromedp.Run(bctx, page.HandleJavaScriptDialog(true))
		}
	})
	run := func(what string, acts ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(bctx, acts...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var b []byte
			if err := chromedp.FullScreenshot(&b, 100).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), b, 0o644)
		})
	}

	// Log in.
	run("log in", network.Enable(),
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(downloads).WithEventsEnabled(true),
		chromedp.Navigate(base+"/"), chromedp.WaitVisible("#user", chromedp.ByID), shot("login"),
		chromedp.SendKeys("#user", "claire", chromedp.ByID), chromedp.SendKeys("#password", "un mot de passe solide", chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID), chromedp.WaitVisible("#whoami", chromedp.ByID), shot("dashboard"))

	// The quarantined phishing message is listed.
	var list string
	run("quarantine list", chromedp.Navigate(base+"/quarantine"), chromedp.Text("#quarantine-list", &list, chromedp.ByID), shot("quarantine"))
	if !strings.Contains(list, "Facture en attente") || !strings.Contains(list, "Compte rendu") {
		t.Fatalf("quarantine list lacks the messages:\n%s", list)
	}

	// Open it: nothing leaves the page, nothing from the message runs.
	mu.Lock()
	requests = nil
	mu.Unlock()
	// The page's load event waits for its frames (HTML's "delay the load
	// event"): once the document is complete, the body frame has loaded and
	// made every request its content would.
	var reasons, title string
	run("message page", chromedp.Navigate(base+"/quarantine/"+phishID), chromedp.WaitVisible("#body-html", chromedp.ByID),
		chromedp.Poll(`document.readyState === "complete"`, nil, chromedp.WithPollingInterval(50*time.Millisecond)),
		chromedp.Text("#reasons", &reasons, chromedp.ByID), chromedp.Title(&title), shot("message"),
		chromedp.ActionFunc(func(ctx context.Context) error {
			// The full-page capture leaves out-of-process (sandboxed) frames
			// blank; an element capture shows the rendered body.
			var b []byte
			if err := chromedp.Screenshot("#body-html", &b, chromedp.ByID).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, "message-body.png"), b, 0o644)
		}))
	mu.Lock()
	for _, u := range requests {
		if !strings.HasPrefix(u, base+"/") {
			t.Errorf("the message page made a request outside the console: %s", u)
		}
	}
	if len(requests) == 0 {
		t.Error("no network event seen: is the Network domain watched?")
	}
	mu.Unlock()
	if n := hits.Load(); n != 0 {
		t.Errorf("the message reached the network: %d request(s) to the beacon", n)
	}
	if strings.Contains(title, "PWNED") {
		t.Error("the message's script ran")
	}
	if !strings.Contains(reasons, "LURE_INVOICE") || !strings.Contains(reasons, "facture") {
		t.Errorf("no reasons shown: %q", reasons)
	}

	// Release the false positive: it reaches the mailbox.
	run("release", chromedp.Navigate(base+"/quarantine/"+fp.ID), chromedp.Click("#release", chromedp.ByID),
		chromedp.WaitVisible("#flash", chromedp.ByID))
	waitFor(t, "the released message in smtp-sink", 60*time.Second, func() bool {
		ents, _ := os.ReadDir(sinkDir)
		for _, e := range ents {
			if b, _ := os.ReadFile(filepath.Join(sinkDir, e.Name())); strings.Contains(string(b), "Compte rendu") {
				return true
			}
		}
		return false
	})

	// Block the sender's domain: the next message from it is blocked.
	run("block domain", chromedp.Navigate(base+"/quarantine/"+phishID), chromedp.Click("#block-domain", chromedp.ByID),
		chromedp.WaitVisible("#flash", chromedp.ByID))
	next := []byte(strings.NewReplacer("claire.martin@partner.test", "paie@abatos.fr", "cr-reunion", "next").Replace(string(clean)))
	waitFor(t, "the domain block to apply", 60*time.Second, func() bool {
		o := d.Gateway.Process(ctx, gateway.Job{Frontend: "relay", Raw: next, NoQuarantine: true,
			Env: scan.Envelope{MailFrom: "paie@abatos.fr", RcptTo: []string{"bob@example.test"}}})
		return o.Action == scan.Quarantine || o.Action == scan.Reject
	})
	run("indicators page", chromedp.Navigate(base+"/indicators"), chromedp.WaitVisible("#ioc-list", chromedp.ByID), shot("indicators"))

	// Open an incident from the message, tick a P0 action, see it in the main courante.
	var loc string
	run("open incident", chromedp.Navigate(base+"/quarantine/"+phishID), chromedp.Click("#open-incident", chromedp.ByID),
		chromedp.WaitVisible("#checklist", chromedp.ByID), chromedp.Location(&loc))
	incURL, _, _ := strings.Cut(loc, "?")
	if !strings.HasPrefix(incURL, base+"/incidents/") {
		t.Fatalf("opening an incident led to %s", loc)
	}
	// Reload without the confirmation, so the next one shows the tick took.
	run("incident page", chromedp.Navigate(incURL), chromedp.WaitVisible("#checklist", chromedp.ByID))
	var timeline string
	run("tick P0", chromedp.SetValue(`tr.p-P0 select[name="status"]`, "done", chromedp.ByQuery),
		chromedp.Click(`tr.p-P0 button[data-save]`, chromedp.ByQuery), chromedp.WaitVisible("#flash", chromedp.ByID),
		chromedp.Text("#timeline", &timeline, chromedp.ByID), shot("incident"))
	if !strings.Contains(timeline, "(P0)") || !strings.Contains(timeline, "→ fait") {
		t.Errorf("the main courante lacks the P0 action:\n%s", timeline)
	}
	var chain string
	run("chain", chromedp.Text("#chain", &chain, chromedp.ByID))
	if !strings.Contains(chain, "vérifiée") {
		t.Errorf("hash chain status: %q", chain)
	}

	// Download the HTML report.
	run("report", chromedp.Click("#report-html", chromedp.ByID))
	waitFor(t, "the report download", 60*time.Second, func() bool {
		ents, _ := os.ReadDir(downloads)
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(downloads, e.Name()))
			if strings.Contains(string(b), "<html") && strings.Contains(string(b), "Facture") {
				return true
			}
		}
		return false
	})
	run("trace page", chromedp.Navigate(base+"/trace?since=1d"), chromedp.WaitVisible("#trace-list", chromedp.ByID), shot("trace"))
}
