package web_test

// The console for daily use (issue 18) in headless Chromium: 2,000 held
// messages paged, searched and decided in bulk; every defect of the issue;
// the end users' digest delivered through a real Postfix and its release
// link followed to the admin's approval. Waits are on conditions, with
// generous deadlines: the machine may be busy.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/testenv"
	"vigie.dev/vigie/internal/trace"
)

const heldCount = 2000

// sinkHas waits for a message in smtp-sink's directory that contains all
// of want, and returns it.
func sinkHas(t *testing.T, dir string, within time.Duration, want ...string) string {
	t.Helper()
	var found string
	waitFor(t, fmt.Sprintf("a delivered message with %q", want), within, func() bool {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
			ok := len(b) > 0
			for _, w := range want {
				ok = ok && bytes.Contains(b, []byte(w))
			}
			if ok {
				found = string(b)
				return true
			}
		}
		return false
	})
	return found
}

func TestConsoleDailyUseInChromium(t *testing.T) {
	requireBrowser(t)
	testenv.RequireFiles(t, "the daily-use test", "", "/usr/sbin/postfix")
	sinkAddr, sinkDir := startSink(t)
	pf := startPostfix(t, sinkAddr)
	beaconURL, hits := beacon(t)

	httpPort := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Serve.Milter.Enabled, cfg.Serve.RBL.Enabled = false, false
	cfg.Serve.Relay.Listen, cfg.Serve.HTTP.Listen = "127.0.0.1:0", fmt.Sprintf("127.0.0.1:%d", httpPort)
	cfg.Serve.Relay.Domains = []string{"example-hopital.fr"}
	cfg.Serve.Relay.NextHop = pf.addr() // releases and digests go through Postfix
	cfg.Serve.Digest = config.DigestCfg{Enabled: true, At: "08:00", BaseURL: base, From: "vigie@example-hopital.fr", LinkTTL: 7 * 24 * time.Hour}
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{Authenticator: fakeAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		d.Shutdown(ctx)
	})
	ctx := context.Background()
	acc := account.New(d.DB.Users(), account.Options{BcryptCost: 4})
	for _, u := range []struct {
		name string
		role account.Role
	}{{"alice", account.Admin}, {"luc", account.Reader}} {
		if err := acc.Add(ctx, u.name, u.role, "Brume-Tilleul-Quai-47"); err != nil {
			t.Fatal(err)
		}
	}

	// 2,000 held messages, every tenth to alice.martin.
	start := time.Now()
	put := func(raw string, rcpt string, score float64, subject, from string) quarantine.Entry {
		t.Helper()
		e, err := d.Quarantine.Put(ctx, []byte(raw), quarantine.Meta{Frontend: "relay", Envelope: scan.Envelope{MailFrom: from, RcptTo: []string{rcpt}}},
			&scan.Verdict{Score: score, Signals: []scan.Signal{{Name: "LURE_PAYROLL"}}, Indicators: scan.Indicators{FromAddress: from, Subject: subject}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for i := range heldCount {
		rcpt := fmt.Sprintf("agent%d@example-hopital.fr", i%7)
		if i%10 == 0 {
			rcpt = "alice.martin@example-hopital.fr"
		}
		subject := fmt.Sprintf("Bulletin de salaire n°%d", i)
		put(fmt.Sprintf("From: \"Service Paie %d\" <paie%d@abatos.fr>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%d@abatos.fr>\r\n\r\nVotre bulletin %d.\r\n",
			i, i, rcpt, subject, i, i), rcpt, float64(5+i%10), subject, fmt.Sprintf("paie%d@abatos.fr", i))
	}
	// A message whose style hides url() behind a CSS escape.
	cssMsg := put(fmt.Sprintf("From: Newsletter <news@lettre.example>\r\nTo: agent1@example-hopital.fr\r\nSubject: Lettre CSS\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/html; charset=utf-8\r\n\r\n<div style=\"background:\\75 rl(%s/css-escaped)\">lettre</div>\r\n", beaconURL),
		"agent1@example-hopital.fr", 6, "Lettre CSS", "news@lettre.example")
	// The message bob will ask for from his digest.
	convocation := put("From: \"Direction des soins\" <direction@partenaire.example>\r\nTo: bob@example-hopital.fr\r\nSubject: Convocation au comite\r\n\r\nBonjour Bob.\r\n",
		"bob@example-hopital.fr", 6.2, "Convocation au comite", "direction@partenaire.example")
	// A phish sent from a big provider's mailbox: blocking its domain would
	// block everyone's mail from it.
	gmail := put("From: \"Support RH\" <rh.support.2026@gmail.com>\r\nTo: agent2@example-hopital.fr\r\nSubject: Mise a jour de votre dossier\r\n\r\nCliquez.\r\n",
		"agent2@example-hopital.fr", 9, "Mise a jour de votre dossier", "rh.support.2026@gmail.com")
	total := heldCount + 3
	t.Logf("%d messages put in quarantine in %s", total, time.Since(start).Round(time.Millisecond))
	// Trace records for the CSV export: 10 of 40 from one sender.
	for i := range 40 {
		from := "news@autre.example"
		if i%4 == 0 {
			from = "paie@abatos.fr"
		}
		d.Trace.Add(trace.FromVerdict("relay", "", &scan.Verdict{Action: scan.Accept, Envelope: scan.Envelope{MailFrom: from, RcptTo: []string{"bob@example-hopital.fr"}},
			Indicators: scan.Indicators{FromAddress: from, Subject: fmt.Sprintf("Trace %d", i)}}, "accept"))
	}
	d.Trace.Flush()

	downloads := t.TempDir()
	bctx := startChromium(t, ctx, 8*time.Minute)
	chromedp.ListenTarget(bctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go chromedp.Run(bctx, page.HandleJavaScriptDialog(true))
		}
	})
	run := func(what string, acts ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(bctx, acts...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		var s string
		run("read "+sel, chromedp.WaitVisible(sel, chromedp.ByQuery), chromedp.Text(sel, &s, chromedp.ByQuery))
		return s
	}
	eval := func(js string, out any) {
		t.Helper()
		run("evaluate "+js, chromedp.Evaluate(js, out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	}
	// navClick clicks a link or button that loads another page and waits
	// until that page has loaded (an element the old page also has would
	// not tell them apart).
	navClick := func(what, sel string) {
		t.Helper()
		var before string
		run(what, chromedp.Location(&before), chromedp.Click(sel, chromedp.ByQuery), chromedp.ActionFunc(func(ctx context.Context) error {
			for {
				var loc, state string
				if err := chromedp.Location(&loc).Do(ctx); err == nil && loc != before {
					if err := chromedp.Evaluate(`document.readyState`, &state).Do(ctx); err == nil && state == "complete" {
						return nil
					}
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(100 * time.Millisecond):
				}
			}
		}))
	}
	rowIDs := func() []string {
		t.Helper()
		var ids []string
		eval(`Array.from(document.querySelectorAll("#quarantine-list tbody tr[data-id]")).map(r => r.dataset.id)`, &ids)
		return ids
	}
	login := func(user, pw, then string) {
		t.Helper()
		run("log in as "+user, chromedp.Navigate(base+"/login"), chromedp.WaitVisible("#user", chromedp.ByID),
			chromedp.SendKeys("#user", user, chromedp.ByID), chromedp.SendKeys("#password", pw, chromedp.ByID),
			chromedp.Click("#login", chromedp.ByID), chromedp.WaitVisible(then, chromedp.ByQuery))
	}
	logout := func() {
		t.Helper()
		run("log out", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#whoami", chromedp.ByID),
			chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery), chromedp.WaitVisible("#user", chromedp.ByID))
	}
	run("downloads", browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(downloads).WithEventsEnabled(true))

	// Open redirect: the language switch needs no log-in and stays on the site.
	var loc string
	run("open redirect", chromedp.Navigate(base+"/lang/fr?next=/%09/evil.example"), chromedp.WaitReady("body", chromedp.ByQuery), chromedp.Location(&loc))
	if !strings.HasPrefix(loc, base+"/") {
		t.Errorf("/lang/fr?next=/%%09/evil.example led to %s", loc)
	}
	// The templates beside the static files are not served.
	var static string
	run("static", chromedp.Navigate(base+"/static/%2e%2e/templates/layout.html"), chromedp.WaitReady("body", chromedp.ByQuery),
		chromedp.OuterHTML("html", &static, chromedp.ByQuery))
	if strings.Contains(static, "{{") {
		t.Error("/static/%2e%2e/templates/ serves the templates")
	}
	// A failed log-in, then the admin's.
	login("alice", "mauvais mot de passe", ".error")
	if msg := text(".error"); !strings.Contains(msg, "incorrect") {
		t.Errorf("failed log-in says %q", msg)
	}
	login("alice", "Brume-Tilleul-Quai-47", "#whoami")

	// Paging: 50 compact rows a page, forward and back, no sideways scroll.
	run("quarantine", chromedp.Navigate(base+"/quarantine"), chromedp.WaitVisible("#quarantine-list", chromedp.ByID))
	if got := text("#total"); !strings.Contains(got, fmt.Sprint(total)) {
		t.Errorf("total shows %q, want %d", got, total)
	}
	page1 := rowIDs()
	if len(page1) != 50 {
		t.Fatalf("first page: %d rows", len(page1))
	}
	var wide bool
	eval(`document.documentElement.scrollWidth > window.innerWidth`, &wide)
	if wide {
		t.Error("the quarantine list scrolls sideways at 1366 px")
	}
	var rowHeight float64
	eval(`document.querySelector("#quarantine-list tbody tr").getBoundingClientRect().height`, &rowHeight)
	if rowHeight > 30 {
		t.Errorf("rows are %.0f px tall, want compact (≤ 30)", rowHeight)
	}
	if from := text(`#quarantine-list tbody tr td.from`); !strings.Contains(from, "Support RH") || !strings.Contains(from, "rh.support.2026@gmail.com") {
		t.Errorf("the sender's display name is not shown: %q", from)
	}
	navClick("page 2", "#page-older")
	page2 := rowIDs()
	navClick("page 3", "#page-older")
	navClick("back to page 2", "#page-newer")
	if back := rowIDs(); len(page2) != 50 || page2[0] == page1[0] || len(back) != 50 || back[0] != page2[0] || back[49] != page2[49] {
		t.Errorf("paging: page 2 %v…, back %v…", page2[:1], back[:1])
	}
	run("shot", shotTo("quarantine-2000"))

	// Search by subject and by the sender's display name.
	run("search", chromedp.Navigate(base+"/quarantine"), chromedp.WaitVisible("#q", chromedp.ByID), chromedp.SendKeys("#q", "n°1234", chromedp.ByID))
	navClick("search go", "#search-go")
	if ids := rowIDs(); len(ids) != 1 || !strings.Contains(text("#quarantine-list tbody"), "Service Paie 1234") {
		t.Errorf("search n°1234: %d rows: %s", len(ids), text("#quarantine-list tbody"))
	}
	run("search name", chromedp.Navigate(base+"/quarantine?q="+"Direction+des+soins"), chromedp.WaitVisible("#total", chromedp.ByID))
	if ids := rowIDs(); len(ids) != 1 || ids[0] != convocation.ID {
		t.Errorf("search by display name: %v", ids)
	}

	// Bulk "c'est du phishing" over a whole search (200 messages), confirmed.
	run("search alice", chromedp.Navigate(base+"/quarantine?rcpt=alice.martin"), chromedp.WaitVisible("#scope-search", chromedp.ByID))
	if got := text("#total"); !strings.Contains(got, "200") {
		t.Fatalf("alice.martin's messages: %q", got)
	}
	run("bulk phish", chromedp.Click("#scope-search", chromedp.ByID), chromedp.Click("#bulk-phish", chromedp.ByID),
		chromedp.WaitVisible("#confirm-yes", chromedp.ByID))
	if what, learn := text("#confirm-what"), text("#learn-notice"); !strings.Contains(what, "200") || !strings.Contains(learn, "Vigie apprendra de cette décision") {
		t.Errorf("confirmation: %q / %q", what, learn)
	}
	run("confirm", shotTo("bulk-confirm"), chromedp.Click("#confirm-yes", chromedp.ByID), chromedp.WaitVisible("#flash", chromedp.ByID))
	if flash := text("#flash"); !strings.Contains(flash, "200 message(s) déclaré(s) comme hameçonnage ; 0 en échec") {
		t.Errorf("bulk phish: %q", flash)
	}
	if pending, _ := d.Quarantine.Decisions(ctx, "", 1000); len(pending) != 200 {
		t.Errorf("%d decisions recorded, want 200", len(pending))
	}
	// Bulk release of three ticked rows: they reach the mailbox through Postfix.
	run("agent3", chromedp.Navigate(base+"/quarantine?rcpt=agent3%40"), chromedp.WaitVisible("#quarantine-list", chromedp.ByID))
	var picked []string
	eval(`Array.from(document.querySelectorAll('#quarantine-list input[name="ids"]')).slice(0, 3).map(c => { c.click(); return c.value })`, &picked)
	if got := text("#selected-count"); !strings.Contains(got, "3 message(s)") {
		t.Errorf("selection count: %q", got)
	}
	run("bulk release", chromedp.Click("#bulk-release", chromedp.ByID), chromedp.WaitVisible("#confirm-yes", chromedp.ByID),
		chromedp.Click("#confirm-yes", chromedp.ByID), chromedp.WaitVisible("#flash", chromedp.ByID))
	if flash := text("#flash"); !strings.Contains(flash, "3 message(s) libéré(s) ; 0 en échec") {
		t.Errorf("bulk release: %q", flash)
	}
	for _, id := range picked {
		e, _ := d.Quarantine.Get(ctx, id)
		sinkHas(t, sinkDir, time.Minute, "Subject: "+e.Subject+"\n")
	}

	// A release while the next hop is down says so, in French, and keeps the message.
	pf.stop()
	waitFor(t, "postfix to stop", 30*time.Second, func() bool { return !dialOK(pf.addr()) })
	run("release, next hop down", chromedp.Navigate(base+"/quarantine/"+convocation.ID), chromedp.WaitVisible("#release", chromedp.ByID),
		chromedp.Click("#release", chromedp.ByID), chromedp.WaitVisible("#error", chromedp.ByID))
	if msg := text("#error"); !strings.Contains(msg, "reste en quarantaine") {
		t.Errorf("next hop down: %q", msg)
	}
	run("back to the message", chromedp.Click("#back-message", chromedp.ByID), chromedp.WaitVisible("#state", chromedp.ByID))
	if st := text("#state"); !strings.Contains(st, "retenu") {
		t.Errorf("the message is no longer held: %q", st)
	}
	pf.start(t)

	// A deleted message: who deleted it, when; not an opaque 500.
	gone := picked[0]
	delID := rowIDsOf(t, d, "agent4@")
	run("delete", chromedp.Navigate(base+"/quarantine/"+delID), chromedp.WaitVisible("#delete", chromedp.ByID),
		chromedp.Click("#delete", chromedp.ByID), chromedp.WaitVisible("#flash", chromedp.ByID))
	run("deleted message", chromedp.Navigate(base+"/quarantine/"+delID), chromedp.WaitVisible("#error", chromedp.ByID))
	if msg := text("#error"); !strings.Contains(msg, "supprimé (par alice") {
		t.Errorf("deleted message: %q", msg)
	}
	_ = gone

	// The CSS-escaped url() never reaches the framed body.
	var src string
	run("css message", chromedp.Navigate(base+"/quarantine/"+cssMsg.ID), chromedp.WaitVisible("#body-html", chromedp.ByID),
		chromedp.AttributeValue("#body-html", "src", &src, nil, chromedp.ByID))
	resp, err := http.Get(base + src)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if bytes.Contains(body, []byte("css-escaped")) || !bytes.Contains(body, []byte("lettre")) {
		t.Errorf("sanitised body keeps the escaped url(): %s", body)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the message reached the network: %d request(s)", n)
	}

	// The console's block buttons go through the indicator service's guard:
	// gmail.com is refused with the reason, the sender's address is not.
	run("block gmail.com", chromedp.Navigate(base+"/quarantine/"+gmail.ID), chromedp.WaitVisible("#block-domain", chromedp.ByID),
		chromedp.Click("#block-domain", chromedp.ByID), chromedp.WaitVisible("#error", chromedp.ByID))
	if msg := text("#error"); !strings.Contains(msg, "refusé") {
		t.Errorf("blocking gmail.com: %q", msg)
	}
	run("block the sender", chromedp.Navigate(base+"/quarantine/"+gmail.ID), chromedp.WaitVisible("#block-sender", chromedp.ByID),
		chromedp.Click("#block-sender", chromedp.ByID), chromedp.WaitVisible("#flash", chromedp.ByID))

	// The trace's CSV export keeps the search.
	run("trace", chromedp.Navigate(base+"/trace?sender=paie%40abatos.fr&since=1d"), chromedp.WaitVisible("#csv", chromedp.ByID),
		chromedp.Click("#csv", chromedp.ByID))
	var csv string
	waitFor(t, "the CSV download", time.Minute, func() bool {
		ents, _ := os.ReadDir(downloads)
		for _, e := range ents {
			if b, _ := os.ReadFile(filepath.Join(downloads, e.Name())); bytes.HasPrefix(b, []byte("time,")) {
				csv = string(b)
				return true
			}
		}
		return false
	})
	if rows := strings.Count(strings.TrimSpace(csv), "\n"); rows != 10 {
		t.Errorf("CSV export: %d rows, want the search's 10", rows)
	}

	// The failed log-in is on the audit page.
	if audit := func() string {
		run("audit", chromedp.Navigate(base+"/audit"), chromedp.WaitVisible("table", chromedp.ByQuery))
		return text("main")
	}(); !strings.Contains(audit, "login.failed") {
		t.Error("the failed log-in is not on the audit page")
	}

	// The end users' digest, through Postfix: bob asks for his message, the admin approves.
	if n, err := d.Console.SendDigests(ctx); err != nil || n == 0 {
		t.Fatalf("digests: %d, %v", n, err)
	}
	digest := sinkHas(t, sinkDir, 2*time.Minute, "To: <bob@example-hopital.fr>", "Auto-Submitted: auto-generated")
	_, qp, _ := strings.Cut(digest, "\n\n")
	plain, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(qp)))
	m := regexp.MustCompile(`Convocation au comite\s+Demander la libération : (\S+)`).FindSubmatch(plain)
	if m == nil {
		t.Fatalf("no release link for bob's message in the digest:\n%s", plain)
	}
	link := string(m[1])
	if !strings.HasPrefix(link, base+"/digest/release?t=") {
		t.Fatalf("release link %q", link)
	}
	logout()
	run("bob's link", chromedp.Navigate(link), chromedp.WaitVisible("#request-release", chromedp.ByID))
	if s := text("#request-subject"); !strings.Contains(s, "Convocation") {
		t.Errorf("request page shows %q", s)
	}
	run("ask", chromedp.Click("#request-release", chromedp.ByID), chromedp.WaitVisible("#request-status", chromedp.ByID))
	if s := text("#request-status"); !strings.Contains(s, "transmise à l'administrateur") {
		t.Errorf("request status: %q", s)
	}
	run("tampered link", chromedp.Navigate(strings.Replace(link, "t=", "t=x", 1)), chromedp.WaitVisible("#request-error", chromedp.ByID))

	// The read-only role cannot call the scan API (it would write the trace).
	login("luc", "Brume-Tilleul-Quai-47", "#whoami")
	var status float64
	eval(`fetch("/api/v1/me").then(r => r.json()).then(me => fetch("/api/v1/scan", {method: "POST", headers: {"X-CSRF-Token": me.csrf}, body: "Subject: x\r\n\r\nx"})).then(r => r.status)`, &status)
	if status == 200 {
		t.Error("the read-only role called POST /api/v1/scan")
	}
	// The password rule refuses a common password with digits added.
	changePW := func(newPW string) {
		t.Helper()
		run("change password", chromedp.Navigate(base+"/account"), chromedp.WaitVisible("#current", chromedp.ByID),
			chromedp.SendKeys("#current", "Brume-Tilleul-Quai-47", chromedp.ByID), chromedp.SendKeys("#new", newPW, chromedp.ByID),
			chromedp.SendKeys("#confirm", newPW, chromedp.ByID))
		navClick("submit the password", "#change-password")
	}
	changePW("password1234")
	if msg := text("#error"); !strings.Contains(msg, "plus courants") {
		t.Errorf("password1234: %q", msg)
	}
	changePW("Lune-Verger-Brique-83")
	if msg := text("#flash"); !strings.Contains(msg, "Mot de passe changé") {
		t.Errorf("a strong password: %q", msg)
	}

	login("alice", "Brume-Tilleul-Quai-47", "#whoami")
	run("requests", chromedp.Navigate(base+"/quarantine"), chromedp.WaitVisible("#requests-link", chromedp.ByID),
		chromedp.Click("#requests-link", chromedp.ByID), chromedp.WaitVisible("#requests-list", chromedp.ByID))
	if s := text("#requests-list"); !strings.Contains(s, "bob@example-hopital.fr") || !strings.Contains(s, "Convocation") {
		t.Errorf("requests page: %q", s)
	}
	run("approve", chromedp.Click("button[data-approve]", chromedp.ByQuery), chromedp.WaitVisible("#flash", chromedp.ByID), shotTo("requests"))
	sinkHas(t, sinkDir, 2*time.Minute, "Subject: Convocation au comite", "Bonjour Bob.")
	if e, _ := d.Quarantine.Get(ctx, convocation.ID); e.ReleasedAt.IsZero() {
		t.Error("bob's message is still held after the approval")
	}
}

// rowIDsOf returns the id of a held message to one recipient.
func rowIDsOf(t *testing.T, d *daemon.Daemon, rcpt string) string {
	t.Helper()
	es, _, err := d.Quarantine.Page(context.Background(), storeQuery(rcpt))
	if err != nil || len(es) == 0 {
		t.Fatalf("no held message to %s: %v", rcpt, err)
	}
	return es[0].ID
}

func shotTo(name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var b []byte
		if err := chromedp.FullScreenshot(&b, 90).Do(ctx); err != nil {
			return err
		}
		os.MkdirAll("testdata/screenshots", 0o755)
		return os.WriteFile(filepath.Join("testdata/screenshots", name+".png"), b, 0o644)
	})
}

func storeQuery(rcpt string) quarantine.Query {
	return quarantine.Query{Rcpt: rcpt, Limit: 1}
}
