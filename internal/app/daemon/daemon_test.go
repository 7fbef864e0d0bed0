package daemon_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomilter "github.com/emersion/go-milter"
	"github.com/emersion/go-smtp"

	"vigie.dev/vigie/internal/app/daemon"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/objstore/objstoretest"
)

// start runs the daemon in process, every listener on a free loopback
// port, the relay's next hop a go-smtp sink, with the configuration file
// cfgFile (re-read by Reload) changed by edit, and no live DNS.
func start(t *testing.T, cfgFile string, edit func(*config.Config)) (*daemon.Daemon, *gatewaytest.Sink) {
	t.Helper()
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{})
	cfg, err := config.Load(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.Serve.Milter.Listen = "127.0.0.1:0"
	cfg.Serve.Relay.Listen = "127.0.0.1:0"
	cfg.Serve.HTTP.Listen = "127.0.0.1:0"
	cfg.Serve.RBL.Listen = "127.0.0.1:0"
	cfg.Serve.Relay.Domains = []string{"example.test"}
	cfg.Serve.Relay.NextHop = sink.Addr
	cfg.Serve.Relay.RetryMin, cfg.Serve.Relay.RetryMax = 100*time.Millisecond, time.Second
	if edit != nil {
		edit(&cfg)
	}
	d, err := daemon.Start(context.Background(), cfg, daemon.Options{ConfigPath: cfgFile, Authenticator: gatewaytest.PassSPF{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		d.Shutdown(ctx)
	})
	return d, sink
}

// What `vigie serve` wires answers on every listener: a message through
// the relay reaches the next hop scanned, one through the milter gets its
// verdict, the HTTP API reports health and counts both, the blocklist
// listens; a reload applies the file's new settings, and after Shutdown
// nothing is greeted.
func TestServe(t *testing.T) {
	file := filepath.Join(t.TempDir(), "vigie.yaml")
	if err := os.WriteFile(file, []byte("policy:\n  subject_prefix: \"[SUSPECT]\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, sink := start(t, file, nil)
	// A plain message, dated now: the real scanner accepts it.
	msg := gatewaytest.Message("", "Date: "+time.Now().Format(time.RFC1123Z))
	if d.MilterAddr == "" || d.RelayAddr == "" || d.HTTPAddr == "" || d.RBLAddr == "" {
		t.Fatalf("listeners: milter %q relay %q http %q rbl %q", d.MilterAddr, d.RelayAddr, d.HTTPAddr, d.RBLAddr)
	}

	// The relay: scanned, queued, delivered to the next hop.
	c, err := smtp.Dial(d.RelayAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("alice@sender.example", []string{"bob@example.test"}, strings.NewReader(msg)); err != nil {
		t.Fatalf("relay: %v", err)
	}
	m := sink.Wait(t, 1, 60*time.Second)[0]
	if got := gatewaytest.Header(m.Data, gateway.HeaderVerdict); got != "accept" {
		t.Errorf("relay: %s %q, want accept", gateway.HeaderVerdict, got)
	}
	if !strings.Contains(gatewaytest.Header(m.Data, "Received"), "(Vigie)") {
		t.Errorf("relay: no Received field of ours:\n%s", m.Data)
	}

	// The milter: the verdict as header modifications.
	ms := gatewaytest.MilterSession(t, d.MilterAddr)
	mods, act := gatewaytest.MilterSend(t, ms, "4QxYz", msg)
	if act.Code != gomilter.ActAccept {
		t.Errorf("milter: %+v, want accept", act)
	}
	if v, ok := gatewaytest.MilterMod(mods, gomilter.ActAddHeader, gateway.HeaderVerdict); !ok || v.HeaderValue != "accept" {
		t.Errorf("milter: no %s: accept in %+v", gateway.HeaderVerdict, mods)
	}

	// The HTTP API: health, and the two verdicts counted.
	if got := httpGet(t, "http://"+d.HTTPAddr+"/healthz"); !strings.HasPrefix(got, "ok") {
		t.Errorf("/healthz: %q", got)
	}
	if h := d.Health(context.Background()); h != "" {
		t.Errorf("Health: %q, want nothing degraded", h)
	}
	metrics := httpGet(t, "http://"+d.HTTPAddr+"/metrics")
	if !strings.Contains(metrics, `action="accept"} 2`) {
		t.Errorf("/metrics does not count two accepted messages:\n%s", grepLines(metrics, "action="))
	}

	// Reload: the file's settings apply to the next message.
	if got := d.Gateway.Settings().SubjectPrefix; got != "[SUSPECT]" {
		t.Fatalf("subject prefix %q, want the file's", got)
	}
	if err := os.WriteFile(file, []byte("policy:\n  subject_prefix: \"[PHISHING?]\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := d.Gateway.Settings().SubjectPrefix; got != "[PHISHING?]" {
		t.Errorf("after Reload: subject prefix %q", got)
	}
	if err := os.WriteFile(file, []byte("policy: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.Reload(); err == nil {
		t.Error("Reload accepted a broken file")
	}
	if got := d.Gateway.Settings().SubjectPrefix; got != "[PHISHING?]" {
		t.Errorf("a failed reload changed the settings: %q", got)
	}

	// The MTAs hang up; then Shutdown ends without waiting for a deadline.
	c.Quit()
	ms.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := d.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if c, err := smtp.Dial(d.RelayAddr); err == nil {
		err = c.Hello("mx.sender.example")
		c.Close()
		if err == nil {
			t.Error("the relay greets after Shutdown")
		}
	}
}

// A listener that cannot listen stops Start with its name, and what was
// opened before it is closed again.
func TestStartFails(t *testing.T) {
	d, _ := start(t, "", nil)
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Serve.Milter.Listen = d.MilterAddr // taken
	cfg.Serve.Relay.Listen = "127.0.0.1:0"
	cfg.Serve.HTTP.Enabled, cfg.Serve.RBL.Enabled = false, false
	if _, err := daemon.Start(context.Background(), cfg, daemon.Options{Authenticator: gatewaytest.PassSPF{}}); err == nil || !strings.Contains(err.Error(), "milter") {
		t.Fatalf("Start on a taken milter address: %v", err)
	}
}

// A trusted relay that hands a message over is recorded as one of the
// organisation's own assets (the indicator guard then refuses to block
// it), and the message goes on to the next hop.
func TestTrustedRelayLearned(t *testing.T) {
	d, sink := start(t, "", func(c *config.Config) { c.Trust.Networks = []string{"127.0.0.0/8"} })
	msg := "Received: from mx.partner.example (mx.partner.example [198.51.100.7]) by mx1.example.test with ESMTP id 4QxYz; " +
		time.Now().Format(time.RFC1123Z) + "\r\n" + gatewaytest.Message("", "Date: "+time.Now().Format(time.RFC1123Z))
	c, err := smtp.Dial(d.RelayAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("alice@sender.example", []string{"bob@example.test"}, strings.NewReader(msg)); err != nil {
		t.Fatalf("relay: %v", err)
	}
	sink.Wait(t, 1, 60*time.Second)
	deadline := time.Now().Add(60 * time.Second)
	for {
		assets, err := d.DB.OwnAssets().List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range assets {
			if a.Kind == "ip" && a.Value == "127.0.0.1" && strings.HasPrefix(a.Source, "trusted relay") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("own assets %+v: the trusted relay 127.0.0.1 is not among them", assets)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// With the held messages in an object store (a real S3 server), the
// daemon refuses to start without its bucket, and /healthz reports the
// store down and back.
func TestObjectStoreHealth(t *testing.T) {
	srv := objstoretest.Start(t)
	srv.Bucket(t, "held")
	t.Setenv(config.SecretKeyEnv, srv.SecretKey)
	objects := config.ObjectStoreCfg{Endpoint: srv.Endpoint, Bucket: "absent", AccessKey: srv.AccessKey, Prefix: "held/", Timeout: time.Second}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Serve.Milter.Enabled, cfg.Serve.Relay.Enabled, cfg.Serve.HTTP.Enabled, cfg.Serve.RBL.Enabled = false, false, false, false
	cfg.Serve.Quarantine.ObjectStore = objects
	if _, err := daemon.Start(context.Background(), cfg, daemon.Options{Authenticator: gatewaytest.PassSPF{}}); err == nil ||
		!strings.Contains(err.Error(), `bucket "absent" does not exist`) {
		t.Errorf("Start with a missing bucket: %v", err)
	}
	objects.Bucket = "held"
	d, _ := start(t, "", func(c *config.Config) { c.Serve.Quarantine.ObjectStore = objects })
	if h := d.Health(context.Background()); h != "" {
		t.Errorf("Health: %q, want nothing degraded", h)
	}
	srv.Stop()
	if h := d.Health(context.Background()); !strings.Contains(h, "quarantine object store unreachable") {
		t.Errorf("Health with the store down: %q", h)
	}
	resp, err := http.Get("http://" + d.HTTPAddr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "object store unreachable") {
		t.Errorf("/healthz with the store down: %d %q", resp.StatusCode, body)
	}
	srv.Restart(t)
	if h := d.Health(context.Background()); h != "" {
		t.Errorf("Health once the store is back: %q", h)
	}
}
