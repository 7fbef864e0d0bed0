package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/gateway/allow"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/weights"
)

// privatePostgres starts a PostgreSQL cluster of the test's own (the
// shared test cluster cannot be stopped under the other packages) with
// scripts/pg-test-start.sh, and returns its DSN and functions that stop
// and restart it with its data.
func privatePostgres(t *testing.T) (dsn string, stop, start func()) {
	t.Helper()
	requirePostgres(t)
	if os.Geteuid() != 0 {
		t.Skip("stopping a private PostgreSQL cluster runs pg_ctl as the postgres user: run as root (scripts/test.sh does)")
	}
	dir, err := os.MkdirTemp("/tmp", "vigie-pgdown-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	port := freePort(t)
	script, _ := filepath.Abs("../../../scripts/pg-test-start.sh")
	// Durable commits: the server is crashed (pg_ctl -m immediate) and
	// what it acknowledged must survive, as in production.
	env := append(os.Environ(), fmt.Sprintf("PGPORT=%d", port), "VIGIE_PG_DIR="+filepath.Join(dir, "data"), "VIGIE_PG_DURABLE=1")
	run := func(args ...string) string {
		cmd := exec.Command(script, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pg-test-start.sh %v: %v %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	dsn = run()
	t.Cleanup(func() { run("stop"); os.RemoveAll(dir) })
	bin := filepath.Dir(mustGlobLast(t, "/usr/lib/postgresql/*/bin/pg_ctl"))
	stop = func() {
		out, err := exec.Command("su", "postgres", "-s", "/bin/sh", "-c",
			fmt.Sprintf("'%s/pg_ctl' -D '%s' -m immediate -w stop", bin, filepath.Join(dir, "data"))).CombinedOutput()
		if err != nil {
			t.Fatalf("pg_ctl stop: %v %s", err, out)
		}
	}
	start = func() { run() }
	return dsn, stop, start
}

func mustGlobLast(t *testing.T, pattern string) string {
	m, _ := filepath.Glob(pattern)
	if len(m) == 0 {
		t.Skip("no " + pattern)
	}
	return m[len(m)-1]
}

// PostgreSQL goes down under a running node, and a node starts while it is
// down (issue 14, point 7): mail is still scanned with the indicators in
// memory or in the local snapshot (and, issue 22, with the allow rules,
// learned weights and classifier of their local copies), /healthz says
// degraded, the indicator API answers 503, trace records are spooled to
// disk and replayed, once each, when the database is back.
func TestPostgresDown(t *testing.T) {
	dsn, pgStop, pgStart := privatePostgres(t)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ioc.NewService(db.Indicators(), ioc.ServiceOptions{}).Add(ctx, ioc.NewIndicator{Kind: ioc.KindHost,
		Value: "factures-campagne.example", Reason: "campagne", AddedBy: "e2e"}); err != nil {
		t.Fatal(err)
	}
	// What a node starting during the outage takes from its local copies.
	if _, err := db.Gateway().AddAllow(ctx, allow.Rule{Kind: allow.Recipient, Value: "secu@example.test", MaxAction: "accept",
		Reason: "report mailbox", CreatedBy: "e2e", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	m, err := weights.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	model, _ := m.Marshal()
	if _, err := db.Weights().SaveModel(ctx, model, "e2e", time.Now()); err != nil {
		t.Fatal(err)
	}
	db.Close()

	const token = "pgdown-admin-token-0001"
	dataDir := t.TempDir()
	edit := func(c *config.Config) {
		c.DataDir = dataDir
		c.Store = dsn
		c.Serve.HTTP.Tokens = []config.APIToken{{Name: "ops", Token: token, Scope: "admin"}}
		c.Serve.RBL.Enabled = false
		c.Policy.Learned = config.LearnedFromStore
	}
	d := startVigie(t, edit, nil)
	snap := filepath.Join(dataDir, "indicators.snapshot")
	waitFor(t, "the indicator snapshot", 30*time.Second, func() bool { _, err := os.Stat(snap); return err == nil })

	api := func(addr, method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if strings.HasPrefix(path, "/api/v1/indicators") {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	n := 0
	scan := func(addr string) string {
		n++
		msg := fmt.Sprintf("From: Facturation <factures@fournisseur-exemple.fr>\r\nTo: compta@example.test\r\nSubject: Facture %d\r\n"+
			"Message-ID: <pgdown-%d@fournisseur-exemple.fr>\r\nDate: Tue, 12 Mar 2024 10:00:00 +0100\r\nContent-Type: text/html\r\n\r\n"+
			`<p>Bonjour, votre document :</p><a href="https://factures-campagne.example/doc">voir</a>`, n, n)
		code, body := api(addr, "POST", "/api/v1/scan", msg)
		if code != 200 {
			t.Fatalf("scan: %d %s", code, body)
		}
		return body
	}
	if body := scan(d.HTTPAddr); !strings.Contains(body, "IOC_") {
		t.Fatalf("the indicator did not match before the outage: %s", body)
	}
	if code, body := api(d.HTTPAddr, "GET", "/healthz", ""); code != 200 {
		t.Fatalf("healthz before the outage: %d %s", code, body)
	}

	pgStop()
	if code, body := api(d.HTTPAddr, "GET", "/healthz", ""); code != 503 || !strings.Contains(body, "database unreachable") {
		t.Errorf("healthz with the database down: %d %s", code, body)
	}
	if code, body := api(d.HTTPAddr, "POST", "/api/v1/indicators", `{"value":"other-campaign.example"}`); code != 503 {
		t.Errorf("indicator API with the database down: %d %s, want 503", code, body)
	}
	for range 2 {
		if body := scan(d.HTTPAddr); !strings.Contains(body, "IOC_") {
			t.Errorf("indicator from memory did not match with the database down: %s", body)
		}
	}
	waitFor(t, "records spooled", 30*time.Second, func() bool { return d.Trace.Spooled() >= 2 })

	// A node restarted while the database is down starts from its snapshot.
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	d.Shutdown(sctx)
	cancel()
	d2 := startVigie(t, edit, nil)
	if !d2.Matcher.FromSnapshot() || !d2.Allow.FromSnapshot() || !d2.LearnedFromCopy() || d2.Bayes == nil || !d2.Bayes.FromSnapshot() {
		t.Errorf("restarted node from its local copies: indicators %v, allow rules %v, learned weights %v, classifier %v",
			d2.Matcher.FromSnapshot(), d2.Allow.FromSnapshot(), d2.LearnedFromCopy(), d2.Bayes != nil && d2.Bayes.FromSnapshot())
	}
	if body := scan(d2.HTTPAddr); !strings.Contains(body, "IOC_") {
		t.Errorf("indicator from the snapshot did not match: %s", body)
	}
	waitFor(t, "records spooled by the new node", 30*time.Second, func() bool { return d2.Trace.Spooled() >= 3 })
	if code, body := api(d2.HTTPAddr, "GET", "/healthz", ""); code != 503 || !strings.Contains(body, "indicators from the local snapshot") ||
		!strings.Contains(body, "allow rules from the local copy") || !strings.Contains(body, "learned weights from the local copy") ||
		!strings.Contains(body, "classifier from the local snapshot") {
		t.Errorf("healthz of a node started from its snapshots: %d %s", code, body)
	}

	pgStart()
	waitFor(t, "the spool replayed", 90*time.Second, func() bool { return d2.Trace.Spooled() == 0 })
	waitFor(t, "healthz ok again", 60*time.Second, func() bool {
		code, _ := api(d2.HTTPAddr, "GET", "/healthz", "")
		return code == 200
	})
	db, err = store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM trace WHERE message_id LIKE 'pgdown-%'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Errorf("%d trace records in the database after the replay, want %d (one per scanned message)", got, n)
	}
	var buf bytes.Buffer
	fmt.Fprint(&buf, got)
}
