package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/httpapi"
)

func server(t *testing.T) *httptest.Server {
	t.Helper()
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	sc, err := engine.New(&cfg, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := gateway.NewMetrics()
	g := &gateway.Gateway{Metrics: m}
	g.Configure(gateway.Settings{AuthServID: "vigie"})
	g.SetScanner(sc)
	h := &httpapi.Handler{Gateway: g, Registry: m.Registry, Tokens: []httpapi.Token{{Name: "mta", Value: "s3cret", Scope: "scan"}, {Name: "siem", Value: "r3ader", Scope: "read"}}}
	srv := httptest.NewServer(h.Routes())
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, token, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Rcpt", "bob@example.test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestScanNeedsToken(t *testing.T) {
	srv := server(t)
	for _, tok := range []string{"", "wrong", "s3cret2", "s3cre"} {
		if r := post(t, srv.URL+"/api/v1/scan", tok, "Subject: x\r\n\r\nhi\r\n"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("token %q: status %d, want 401", tok, r.StatusCode)
		}
	}
	// No token configured: the API is closed.
	h := &httpapi.Handler{Gateway: &gateway.Gateway{}}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/api/v1/scan", strings.NewReader("x"))
	req.Header.Set("Authorization", "Bearer ")
	h.Routes().ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("no tokens configured: status %d, want 401", rec.Code)
	}
}

// A scan-scope token scans and nothing else; the trace needs read.
func TestTokenScopes(t *testing.T) {
	srv := server(t)
	get := func(token string) int {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/trace?domain=example.test", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := get("s3cret"); c != http.StatusForbidden {
		t.Errorf("scan token on the trace: %d, want 403", c)
	}
	if c := get("r3ader"); c == http.StatusUnauthorized || c == http.StatusForbidden {
		t.Errorf("read token on the trace: %d", c)
	}
	for _, tok := range []string{"s3cret", "r3ader"} {
		if r := post(t, srv.URL+"/api/v1/scan", tok, "Subject: x\r\n\r\nhi\r\n"); r.StatusCode != http.StatusOK {
			t.Errorf("token %s scanning: %d", tok, r.StatusCode)
		}
	}
}

func TestScanVerdict(t *testing.T) {
	srv := server(t)
	raw, err := os.ReadFile("../../engine/testdata/chorus-pro-phish.eml")
	if err != nil {
		t.Fatal(err)
	}
	r := post(t, srv.URL+"/api/v1/scan?ip=203.0.113.7&helo=srv4821.example.net&mail_from=x@abatos.fr", "s3cret", string(raw))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	var res struct {
		Action  string  `json:"action"`
		Score   float64 `json:"score"`
		Verdict struct {
			Signals  []struct{ Name string }
			Envelope struct {
				ClientIP string   `json:"client_ip"`
				RcptTo   []string `json:"rcpt_to"`
			}
		}
	}
	if err := json.NewDecoder(r.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	if res.Action != "reject" || res.Score < 15 || len(res.Verdict.Signals) == 0 {
		t.Errorf("verdict %+v", res)
	}
	if res.Verdict.Envelope.ClientIP != "203.0.113.7" || len(res.Verdict.Envelope.RcptTo) != 1 {
		t.Errorf("metadata not passed: %+v", res.Verdict.Envelope)
	}
	if r := post(t, srv.URL+"/api/v1/scan?ip=not-an-ip", "s3cret", "x"); r.StatusCode != http.StatusBadRequest {
		t.Errorf("bad ip: status %d", r.StatusCode)
	}
	// Garbage is a message too: it gets a verdict.
	if r := post(t, srv.URL+"/api/v1/scan", "s3cret", "\x00\xff\r\n\r\n--"); r.StatusCode != http.StatusOK {
		t.Errorf("garbage: status %d", r.StatusCode)
	}
	m, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Body.Close()
	var b strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := m.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	for _, want := range []string{`vigie_messages_total{action="reject"} 1`, "vigie_scan_seconds_count 2", "vigie_queue_depth"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// An incomplete scan below quarantine is answered as one that could not
// be scanned: 503 like a failed scan (the milter's and the relay's 451),
// not 200 with an action a client reading the status alone would take
// for a verdict; with fail_open, 200 and the unscanned field.
func TestScanIncomplete(t *testing.T) {
	for _, tt := range []struct {
		failOpen bool
		status   int
		action   string
	}{{false, http.StatusServiceUnavailable, string(gateway.Tempfail)}, {true, http.StatusOK, "accept"}} {
		env := gatewaytest.New(t, gateway.Settings{FailOpen: tt.failOpen})
		h := &httpapi.Handler{Gateway: env.Gateway, Registry: env.Gateway.Metrics.Registry, Tokens: []httpapi.Token{{Name: "mta", Value: "s3cret", Scope: "scan"}}}
		srv := httptest.NewServer(h.Routes())
		t.Cleanup(srv.Close)
		r := post(t, srv.URL+"/api/v1/scan", "s3cret", gatewaytest.Message("panic"))
		var res struct {
			Action string `json:"action"`
			Error  string `json:"error"`
		}
		if err := json.NewDecoder(r.Body).Decode(&res); err != nil {
			t.Fatal(err)
		}
		if r.StatusCode != tt.status || res.Action != tt.action || res.Error != "scan incomplete" {
			t.Errorf("fail_open %v: status %d, %+v; want %d, %s", tt.failOpen, r.StatusCode, res, tt.status, tt.action)
		}
	}
}
