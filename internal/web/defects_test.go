package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/trace"
)

// The defects found when the console was attacked and used (issue 18),
// one test each; browser_test.go drives the same ones in Chromium.

func TestNoOpenRedirect(t *testing.T) {
	f := newFixture(t)
	for _, next := range []string{"/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example", "%2f%2fevil.example",
		"/%5cevil.example", "//evil.example", "https://evil.example/", "/%20/evil.example", "/%E2%80%8B/evil.example", "javascript:alert(1)"} {
		w := f.do(t, "GET", "/lang/fr?next="+next, nil, "", "")
		if loc := w.Header().Get("Location"); loc != "/" {
			t.Errorf("next=%s: Location %q, want /", next, loc)
		}
	}
	w := f.do(t, "GET", "/lang/en?next=/quarantine%3Fsince%3D7d", nil, "", "")
	if loc := w.Header().Get("Location"); loc != "/quarantine?since=7d" {
		t.Errorf("a local next: Location %q", loc)
	}
}

func TestStaticServesNoTemplate(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/static/%2e%2e/templates/", "/static/%2e%2e/templates/layout.html", "/static/../templates/layout.html",
		"/static/%2e%2e%2ftemplates%2flayout.html", "/static/..%2ftemplates/layout.html"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.RawPath, r.URL.Path = p, strings.NewReplacer("%2e", ".", "%2f", "/").Replace(p)
		r.RequestURI = p
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, r)
		if strings.Contains(w.Body.String(), "{{") {
			t.Errorf("%s: %d, serves the templates:\n%.200s", p, w.Code, w.Body)
		}
	}
	if w := f.do(t, "GET", "/static/vigie.css", nil, "", ""); w.Code != 200 {
		t.Errorf("/static/vigie.css: %d", w.Code)
	}
}

func TestTraceCSVKeepsTheSearch(t *testing.T) {
	f := newFixture(t)
	for i := range 30 {
		v := &scan.Verdict{Action: scan.Accept, Envelope: scan.Envelope{MailFrom: "a@one.example", RcptTo: []string{"bob@example.test"}},
			Indicators: scan.Indicators{FromAddress: "a@one.example", Subject: "x"}}
		if i%3 == 0 {
			v.Envelope.MailFrom, v.Indicators.FromAddress = "paie@abatos.fr", "paie@abatos.fr"
		}
		f.s.o.Trace.Add(trace.FromVerdict("relay", "", v, "accept"))
	}
	f.s.o.Trace.Flush()
	c, _ := f.session(t, "luc")
	r := httptest.NewRequest("GET", "/trace?sender=paie%40abatos.fr&since=1d", nil)
	r.AddCookie(c)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	link := regexpFind(t, w.Body.String(), `id="csv" href="([^"]+)"`)
	link = strings.ReplaceAll(link, "&amp;", "&")
	if !strings.Contains(link, "sender=paie%40abatos.fr") {
		t.Fatalf("CSV link %q drops the search", link)
	}
	w = f.do(t, "GET", link, c, "", "")
	if rows := strings.Count(strings.TrimSpace(w.Body.String()), "\n"); rows != 10 {
		t.Errorf("CSV has %d rows, want the 10 of the search:\n%s", rows, w.Body)
	}
}

// failingRelay is a next hop that is down.
type failingRelay struct{}

func (failingRelay) Deliver(context.Context, string, []string, []byte) error {
	return errors.New("dial tcp 127.0.0.1:25: connect: connection refused")
}

func TestErrorsSayWhatHappened(t *testing.T) {
	f := newFixture(t)
	c, csrf := f.session(t, "anna")
	page := func(method, path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader("_csrf="+csrf))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Accept", "text/html")
		r.AddCookie(c)
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, r)
		return w
	}
	// Next hop down: 502, said in French, the message still held.
	f.s.o.Release = failingRelay{}
	w := page("POST", "/api/v1/quarantine/"+f.qid+"/release")
	if w.Code != http.StatusBadGateway || !strings.Contains(w.Body.String(), "reste en quarantaine") ||
		!strings.Contains(w.Body.String(), `href="/quarantine/`+f.qid+`"`) {
		t.Errorf("release with the next hop down: %d\n%s", w.Code, w.Body)
	}
	if e, _ := f.s.o.Quarantine.Get(context.Background(), f.qid); !e.ReleasedAt.IsZero() || !e.DeletedAt.IsZero() {
		t.Errorf("the message is no longer held: %+v", e)
	}
	jw := f.do(t, "POST", "/api/v1/quarantine/"+f.qid+"/release", c, csrf, "")
	if jw.Code != http.StatusBadGateway || !strings.Contains(jw.Body.String(), `"message"`) {
		t.Errorf("API release with the next hop down: %d %s", jw.Code, jw.Body)
	}
	// A deleted message: 410, who deleted it and when, in French.
	if w := f.do(t, "POST", "/api/v1/quarantine/"+f.qid+"/delete", c, csrf, ""); w.Code != 200 {
		t.Fatalf("delete: %d %s", w.Code, w.Body)
	}
	w = page("GET", "/quarantine/"+f.qid)
	if w.Code != http.StatusGone || !strings.Contains(w.Body.String(), "Ce message a été supprimé (par anna") {
		t.Errorf("deleted message: %d\n%s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "internal error") || strings.Contains(w.Body.String(), "Erreur interne") {
		t.Error("opaque internal error shown")
	}
}

func TestFailedLoginsAreAudited(t *testing.T) {
	f := newFixture(t)
	for range 3 {
		f.do(t, "POST", "/api/v1/session", nil, "", `{"user":"alice","password":"wrong password!"}`)
	}
	f.do(t, "POST", "/api/v1/session", nil, "", `{"user":"nobody\u0007","password":"wrong password!"}`)
	c, _ := f.session(t, "alice")
	r := httptest.NewRequest("GET", "/audit", nil)
	r.AddCookie(c)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	if n := strings.Count(w.Body.String(), "login.failed"); n != 4 {
		t.Errorf("audit page shows %d failed log-ins, want 4", n)
	}
}

func TestReaderCannotScan(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		user string
		want bool
	}{{"luc", false}, {"anna", true}, {"alice", true}} {
		c, csrf := f.session(t, tc.user)
		r := httptest.NewRequest("POST", "/api/v1/scan", nil)
		r.AddCookie(c)
		r.Header.Set(csrfHeader, csrf)
		if got := f.s.APIAuth(r); got != tc.want {
			t.Errorf("%s POST /api/v1/scan: allowed=%v, want %v", tc.user, got, tc.want)
		}
		r = httptest.NewRequest("GET", "/api/v1/trace", nil)
		r.AddCookie(c)
		if !f.s.APIAuth(r) {
			t.Errorf("%s GET /api/v1/trace refused", tc.user)
		}
	}
}

func TestLockOutPerAccountAndSource(t *testing.T) {
	f := newFixture(t)
	f.s.o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.9.0.0/24")}
	login := func(remote, xff, user, pw string) int {
		r := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"user":"`+user+`","password":"`+pw+`"}`))
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = remote
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, r)
		return w.Code
	}
	// alice logged in from her office before.
	if c := login("10.9.0.1:4000", "198.51.100.10", "alice", testPassword); c != 200 {
		t.Fatalf("first log-in: %d", c)
	}
	// 20 bad passwords through the proxy, from 20 addresses, on 20 names:
	// nobody else is locked out.
	for i := range 20 {
		login("10.9.0.1:4000", "203.0.113."+itoa(int64(i+1)), "user"+itoa(int64(i)), "wrong password!")
	}
	if c := login("10.9.0.1:4000", "198.51.100.20", "anna", testPassword); c != 200 {
		t.Errorf("anna behind the proxy after 20 failures elsewhere: %d", c)
	}
	// Five bad passwords on alice from one address lock that address out
	// of alice, not alice out of every address.
	for range 5 {
		login("10.9.0.1:4000", "203.0.113.66", "alice", "wrong password!")
	}
	if c := login("10.9.0.1:4000", "203.0.113.66", "alice", testPassword); c != 429 {
		t.Errorf("alice from the guessing address: %d, want 429", c)
	}
	if c := login("10.9.0.1:4000", "198.51.100.10", "alice", testPassword); c != 200 {
		t.Errorf("alice from her office: %d, want 200", c)
	}
	if c := login("10.9.0.1:4000", "198.51.100.77", "alice", testPassword); c != 200 {
		t.Errorf("alice from a new address: %d, want 200", c)
	}
	// X-Forwarded-For from a peer that is not a configured proxy is ignored:
	// forging it does not escape the lock-out of the real address.
	for range 5 {
		login("192.0.2.50:4000", "", "anna", "wrong password!")
	}
	if c := login("192.0.2.50:4000", "198.51.100.99", "anna", testPassword); c != 429 {
		t.Errorf("forged X-Forwarded-For escaped the lock-out: %d", c)
	}
	// A distributed guess on one account is slowed for new addresses only.
	for i := range 50 {
		login("10.9.0.1:4000", "198.18.0."+itoa(int64(i+1)), "alice", "wrong password!")
	}
	if c := login("10.9.0.1:4000", "198.18.1.1", "alice", testPassword); c != 429 {
		t.Errorf("alice from an unknown address during a distributed guess: %d, want 429", c)
	}
	if c := login("10.9.0.1:4000", "198.51.100.10", "alice", testPassword); c != 200 {
		t.Errorf("alice from her office during a distributed guess: %d, want 200", c)
	}
}

func TestSecureCookieBehindProxy(t *testing.T) {
	f := newFixture(t)
	f.s.o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	for _, tc := range []struct {
		remote string
		secure bool
	}{{"127.0.0.1:5000", true}, {"192.0.2.9:5000", false}} {
		r := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"user":"alice","password":"`+testPassword+`"}`))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Forwarded-Proto", "https")
		r.RemoteAddr = tc.remote
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, r)
		for _, c := range w.Result().Cookies() {
			if c.Name == sessionCookie && c.Secure != tc.secure {
				t.Errorf("from %s: Secure=%v, want %v", tc.remote, c.Secure, tc.secure)
			}
		}
	}
}

func regexpFind(t *testing.T, s, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in\n%.2000s", re, s)
	}
	return m[1]
}
