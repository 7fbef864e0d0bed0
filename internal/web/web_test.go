package web

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/checks/links"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/bridge"
	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/trace"
)

const testPassword = "correct horse battery"

// fakeRelay records released messages.
type fakeRelay struct {
	mu  sync.Mutex
	got [][]byte
}

func (f *fakeRelay) Deliver(_ context.Context, _ string, _ []string, raw []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, raw)
	return nil
}

type fixture struct {
	s     *Server
	db    *store.DB
	h     http.Handler
	relay *fakeRelay
	qid   string
	incID int64
	trace *trace.Log
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "vigie.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	q, err := quarantine.Open(filepath.Join(dir, "quarantine"), db.Quarantine(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tl := trace.Open(db.Trace(), nil)
	t.Cleanup(tl.Close)
	ev, err := evidence.Open(filepath.Join(dir, "evidence"))
	if err != nil {
		t.Fatal(err)
	}
	guard := ioc.NewGuard(nil, ioc.Assets{}) // as package app gives it
	guard.UserSite = links.UserSite
	iocs := ioc.NewService(db.Indicators(), ioc.ServiceOptions{Guard: guard})
	inc, err := incident.New(incident.Options{Repo: db.Incidents(), Evidence: ev,
		Indicators: bridge.Indicators{Service: iocs}, Trace: bridge.Trace{Log: tl}})
	if err != nil {
		t.Fatal(err)
	}
	acc := account.New(db.Users(), account.Options{BcryptCost: 4})
	for _, u := range []struct {
		name string
		role account.Role
	}{{"alice", account.Admin}, {"anna", account.Analyst}, {"luc", account.Reader}} {
		if err := acc.Add(ctx, u.name, u.role, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{relay: &fakeRelay{}, db: db, trace: tl}
	f.s, err = New(Options{Requests: db.Releases(), Audits: db.PostureRuns(), Accounts: acc, Quarantine: q, Release: f.relay, Trace: tl, Indicators: iocs,
		Incidents: inc, Suppliers: db.Suppliers(), Tokens: []string{"s3cret-token"}})
	if err != nil {
		t.Fatal(err)
	}
	f.h = f.s.Handler(http.NotFoundHandler())
	raw, err := os.ReadFile("../engine/testdata/chorus-pro-phish.eml")
	if err != nil {
		t.Fatal(err)
	}
	v := &scan.Verdict{Action: scan.Quarantine, Score: 9.5, Signals: []scan.Signal{{Name: "IOC_BLOCK_DOMAIN"}}}
	e, err := q.Put(ctx, raw, quarantine.Meta{Frontend: "relay", Envelope: scan.Envelope{MailFrom: "x@abatos.fr",
		RcptTo: []string{"bob@example.test"}, ClientIP: netip.MustParseAddr("192.0.2.7")}}, v)
	if err != nil {
		t.Fatal(err)
	}
	f.qid = e.ID
	i, err := inc.Open(ctx, incident.OpenRequest{Type: incident.PhishingCampaign, Title: "Test", PersonalData: true, By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	f.incID = i.ID
	return f
}

// session logs user in and returns the cookie and CSRF token.
func (f *fixture) session(t *testing.T, user string) (*http.Cookie, string) {
	t.Helper()
	w := f.do(t, "POST", "/api/v1/session", nil, "", `{"user":"`+user+`","password":"`+testPassword+`"}`)
	if w.Code != 200 {
		t.Fatalf("log-in %s: %d %s", user, w.Code, w.Body)
	}
	var s account.Session
	json.Unmarshal(w.Body.Bytes(), &s)
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie {
			return c, s.CSRF
		}
	}
	t.Fatal("no session cookie")
	return nil, ""
}

func (f *fixture) do(t *testing.T, method, path string, c *http.Cookie, csrf, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if strings.HasPrefix(body, "{") {
		r.Header.Set("Content-Type", "application/json")
	} else if body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c != nil {
		r.AddCookie(c)
	}
	if csrf != "" {
		r.Header.Set(csrfHeader, csrf)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

func TestCookieFlags(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name   string
		tls    bool
		secure bool
	}{{"plain HTTP", false, false}, {"TLS", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"user": {"alice"}, "password": {testPassword}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			f.h.ServeHTTP(w, r)
			if w.Code != http.StatusSeeOther {
				t.Fatalf("status %d", w.Code)
			}
			var c *http.Cookie
			for _, x := range w.Result().Cookies() {
				if x.Name == sessionCookie {
					c = x
				}
			}
			if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure != tc.secure || len(c.Value) < 40 {
				t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Secure=%v, a long random value", c, tc.secure)
			}
		})
	}
}

func TestCSRFRequired(t *testing.T) {
	f := newFixture(t)
	c, csrf := f.session(t, "anna")
	body := `{"value":"evil.example","mode":"block"}`
	for _, tc := range []struct {
		name  string
		token string
		want  int
	}{{"no token", "", 403}, {"wrong token", "x" + csrf, 403}, {"right token", csrf, 200}} {
		if w := f.do(t, "POST", "/api/v1/indicators", c, tc.token, body); w.Code != tc.want {
			t.Errorf("%s: status %d, want %d: %s", tc.name, w.Code, tc.want, w.Body)
		}
	}
	// A form without the _csrf field is refused too.
	if w := f.do(t, "POST", "/api/v1/quarantine/"+f.qid+"/delete", c, "", "x=1"); w.Code != 403 {
		t.Errorf("form without _csrf: %d", w.Code)
	}
	if w := f.do(t, "POST", "/api/v1/quarantine/"+f.qid+"/delete", c, "", "_csrf="+url.QueryEscape(csrf)); w.Code != 200 {
		t.Errorf("form with _csrf: %d %s", w.Code, w.Body)
	}
	// Reads need no token.
	if w := f.do(t, "GET", "/api/v1/quarantine?all=1", c, "", ""); w.Code != 200 {
		t.Errorf("GET: %d", w.Code)
	}
	// The gateway's own API takes the session with the header.
	r := httptest.NewRequest("POST", "/api/v1/scan", nil)
	r.AddCookie(c)
	if f.s.APIAuth(r) {
		t.Error("APIAuth accepted a POST without CSRF header")
	}
	r.Header.Set(csrfHeader, csrf)
	if !f.s.APIAuth(r) {
		t.Error("APIAuth refused a POST with the CSRF header")
	}
}

func TestRoles(t *testing.T) {
	f := newFixture(t)
	inc := "/api/v1/incidents/" + itoa(f.incID)
	calls := []struct{ method, path, body string }{
		{"POST", "/api/v1/quarantine/" + f.qid + "/release", ""},
		{"POST", "/api/v1/quarantine/" + f.qid + "/delete", ""},
		{"POST", "/api/v1/quarantine/" + f.qid + "/incident", ""},
		{"POST", "/api/v1/indicators", `{"value":"evil.example"}`},
		{"POST", "/api/v1/indicators/1/mode", `{"mode":"watch"}`},
		{"POST", "/api/v1/indicators/1/remove", ""},
		{"POST", inc + "/block", `{"value":["domain:evil.example"]}`},
		{"POST", inc + "/checklist/x", `{"status":"done"}`},
		{"POST", inc + "/journal", `{"kind":"action","text":"x"}`},
		{"POST", inc + "/close", ""},
		{"POST", "/api/v1/incidents", `{"type":"phishing-campaign","title":"x"}`},
		{"GET", "/api/v1/audit", ""},
	}
	c, csrf := f.session(t, "luc")
	for _, call := range calls {
		if w := f.do(t, call.method, call.path, c, csrf, call.body); w.Code != http.StatusForbidden {
			t.Errorf("lecture %s %s: %d, want 403", call.method, call.path, w.Code)
		}
	}
	for _, path := range []string{"/api/v1/quarantine", "/api/v1/quarantine/" + f.qid, "/api/v1/indicators", "/api/v1/incidents", inc, "/api/v1/dashboard"} {
		if w := f.do(t, "GET", path, c, "", ""); w.Code != 200 {
			t.Errorf("lecture GET %s: %d %s", path, w.Code, w.Body)
		}
	}
	if len(f.relay.got) != 0 {
		t.Fatal("a read-only user released a message")
	}
	// An analyst may release, and it is audited.
	c, csrf = f.session(t, "anna")
	if w := f.do(t, "POST", "/api/v1/quarantine/"+f.qid+"/release", c, csrf, ""); w.Code != 200 || len(f.relay.got) != 1 {
		t.Fatalf("analyst release: %d %s", w.Code, w.Body)
	}
	if w := f.do(t, "GET", "/api/v1/audit", c, "", ""); w.Code != 403 {
		t.Errorf("analyst reads the audit trail: %d", w.Code)
	}
	log, _ := f.s.o.Accounts.AuditLog(context.Background(), 10)
	if len(log) == 0 || log[0].Action != "quarantine.release" || log[0].Actor != "anna" || log[0].Target != f.qid {
		t.Errorf("audit: %+v", log)
	}
}

func TestLoginThrottling(t *testing.T) {
	f := newFixture(t)
	bad := `{"user":"alice","password":"wrong password!"}`
	for i := range 5 {
		if w := f.do(t, "POST", "/api/v1/session", nil, "", bad); w.Code != 401 {
			t.Fatalf("failure %d: %d", i+1, w.Code)
		}
	}
	w := f.do(t, "POST", "/api/v1/session", nil, "", bad)
	if w.Code != 429 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("6th failure: %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	// Locked out even with the right password, but another user is not.
	if w := f.do(t, "POST", "/api/v1/session", nil, "", `{"user":"alice","password":"`+testPassword+`"}`); w.Code != 429 {
		t.Errorf("right password while locked: %d", w.Code)
	}
	if w := f.do(t, "POST", "/api/v1/session", nil, "", `{"user":"anna","password":"`+testPassword+`"}`); w.Code != 200 {
		t.Errorf("other user: %d", w.Code)
	}
}

func TestBearerToken(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer nope", 401}, {"Bearer s3cret-token", 200}} {
		r := httptest.NewRequest("POST", "/api/v1/indicators", strings.NewReader(`{"value":"evil.example"}`))
		r.Header.Set("Content-Type", "application/json")
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%q: %d, want %d", tc.auth, w.Code, tc.want)
		}
	}
}

var missingKey = regexp.MustCompile(`⟦[^⟧]*⟧`)

// page renders the console page at path for the session cookie c in
// language lang.
func (f *fixture) page(c *http.Cookie, lang, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(c)
	r.AddCookie(&http.Cookie{Name: langCookie, Value: lang})
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

// A message passed on unscanned (serve.fail_open, its scan incomplete or
// failed) is traced as "unscanned": the trace page and the dashboard
// name it in both languages.
func TestUnscannedInTrace(t *testing.T) {
	f := newFixture(t)
	f.trace.Add(trace.FromVerdict("relay", "Q9", &scan.Verdict{Action: scan.Accept, Partial: true,
		Envelope: scan.Envelope{MailFrom: "a@one.example", RcptTo: []string{"bob@example.test"}}}, "unscanned"))
	f.trace.Flush()
	c, _ := f.session(t, "alice")
	for _, l := range []string{"fr", "en"} {
		for _, p := range []string{"/", "/trace?since=7d"} {
			w := f.page(c, l, p)
			body := w.Body.String()
			if w.Code != 200 || !strings.Contains(body, "unscanned") && !strings.Contains(body, "sans analyse") {
				t.Errorf("%s %s: %d, unscanned not shown", l, p, w.Code)
			}
			if m := missingKey.FindAllString(body, -1); m != nil {
				t.Errorf("%s %s: missing translations %v", l, p, m)
			}
		}
	}
}

// TestPagesRender renders every page in both languages and looks for
// untranslated keys and template errors.
func TestPagesRender(t *testing.T) {
	f := newFixture(t)
	c, _ := f.session(t, "alice")
	pages := []string{"/", "/?period=7d", "/quarantine", "/quarantine?all=1&signal=IOC_BLOCK_DOMAIN&min_score=1", "/quarantine/" + f.qid,
		"/trace?since=7d", "/indicators", "/incidents", "/incidents?status=all", "/incidents/" + itoa(f.incID), "/audit", "/login",
		"/quarantine/requests", "/quarantine?q=facture&state=all&since=7d", "/account", "/posture", "/suppliers"}
	for _, l := range []string{"fr", "en"} {
		for _, p := range pages {
			w := f.page(c, l, p)
			body := w.Body.String()
			if w.Code != 200 {
				t.Errorf("%s %s: %d %s", l, p, w.Code, body)
				continue
			}
			if m := missingKey.FindAllString(body, -1); m != nil {
				t.Errorf("%s %s: missing translations %v", l, p, m)
			}
		}
	}
	for k := range catalogue["fr"] {
		if _, ok := catalogue["en"][k]; !ok {
			t.Errorf("%s: no English", k)
		}
	}
}

func TestMessageBodyIsolated(t *testing.T) {
	f := newFixture(t)
	c, _ := f.session(t, "luc")
	// The page frames the body through a signed URL: the sandboxed frame
	// gets no cookie, so the URL itself is the capability.
	r := httptest.NewRequest("GET", "/quarantine/"+f.qid, nil)
	r.AddCookie(c)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	m := regexp.MustCompile(`<iframe id="body-html" sandbox="" src="([^"]+)"`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatal("no framed body on the message page")
	}
	bodyURL := html.UnescapeString(m[1])
	for _, bad := range []string{"/quarantine/" + f.qid + "/body", "/quarantine/" + f.qid + "/body?t=1.00", strings.Replace(bodyURL, f.qid, "other", 1)} {
		w = httptest.NewRecorder()
		f.h.ServeHTTP(w, httptest.NewRequest("GET", bad, nil))
		if w.Code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", bad, w.Code)
		}
	}
	r = httptest.NewRequest("GET", bodyURL, nil)
	w = httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("signed body URL: status %d", w.Code)
	}
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "img-src data:", "sandbox"} {
		if !strings.Contains(csp, want) {
			t.Errorf("body CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(strings.ToLower(w.Body.String()), "<script") {
		t.Error("script in the rendered body")
	}
	r = httptest.NewRequest("GET", "/quarantine/"+f.qid, nil)
	r.AddCookie(c)
	w = httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	if !strings.Contains(w.Body.String(), `sandbox=""`) && strings.Contains(w.Body.String(), "<iframe") {
		t.Error("iframe without an empty sandbox")
	}
}

func TestCSVCells(t *testing.T) {
	got := cells("=HYPERLINK(\"x\")", "+1", "@SUM", "ok", "")
	want := []string{"'=HYPERLINK(\"x\")", "'+1", "'@SUM", "ok", ""}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cells[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{"/quarantine": "/quarantine", "//evil.example/": "/", "https://evil.example": "/",
		"": "/", "/\\evil.example": "/"} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
