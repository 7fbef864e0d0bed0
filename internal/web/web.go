// Package web is Vigie's web console: server-rendered pages (html/template,
// assets embedded, no CDN, French by default with English available) over
// the same services the CLI uses — the quarantine, the message trace, the
// indicator store and the incident service, which package app builds and
// hands it (Options) — and the documented JSON API
// under /api/v1/ that both the console's forms and scripts call
// (docs/console.md). Authentication, roles, CSRF and the audit trail are in
// package account; this package only translates HTTP to service calls.
package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/posture"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
	"vigie.dev/vigie/internal/trace"
)

//go:embed templates static
var assets embed.FS

var staticFS = func() fs.FS {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err)
	}
	return sub
}()

// Options wire the console to the gateway's services. DB, Accounts,
// Quarantine, Trace, Indicators and Incidents are required.
type Options struct {
	// Requests are the end users' release requests (from their digest).
	Requests quarantine.Requests
	// Audits are the stored posture reports and selftest runs.
	Audits     posture.Runs
	Accounts   *account.Service
	Quarantine *quarantine.Store
	Release    quarantine.Deliverer // where a released message goes; nil: release fails
	Trace      *trace.Log
	Indicators *ioc.Service
	Incidents  *incident.Service
	// Suppliers is the supplier register (docs/invoice.md); nil leaves
	// its pages out.
	Suppliers suppliers.Repository
	// Explain re-reads a held message to show each reason with its detail
	// (the quarantine keeps only signal names); nil shows names and texts.
	Explain func(ctx context.Context, raw []byte, m *message.Message) *scan.Verdict
	// Signals explains the signals held messages carry (the scanner's
	// catalogue); nil shows their names.
	Signals *scan.Catalogue
	// Digest, when set, serves the release-request links of the end
	// users' daily digest (see DigestOptions).
	Digest *DigestOptions
	// Tokens are API bearer tokens acting as an admin named "api".
	Tokens []string
	// APITokens are API bearer tokens with the role they act with, as
	// "api:NAME" (the daemon passes the configured tokens of scope read,
	// analyst or admin; a scan-only token has no access here).
	APITokens []APIToken
	// SecureCookies forces the Secure flag (TLS terminated by a proxy);
	// it is set anyway on requests that arrived over TLS, directly or
	// through a trusted proxy's X-Forwarded-Proto.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; from any other peer they are ignored.
	TrustedProxies []netip.Prefix
	Now            func() time.Time
	Log            *slog.Logger
}

// Server is the console.
type Server struct {
	o     Options
	now   func() time.Time
	log   *slog.Logger
	pages map[string]*pageTemplate
	sums  []tokenSum

	mu    sync.Mutex
	hunts map[int64]incident.HuntResult // last retro-hunt per incident, for the board
	// sent and verified are the last correspondents search and journal
	// check per incident, for the board (the journal keeps both).
	sent     map[int64]incident.SentByResult
	verified map[int64]VerifyView
	// dashboards caches the dashboard per period (see cachedDashboard).
	dashboards map[string]*cachedDashboard

	bodyKey [32]byte // signs the framed message-body URLs
}

// New returns the console.
func New(o Options) (*Server, error) {
	s := &Server{o: o, now: o.Now, log: o.Log, hunts: map[int64]incident.HuntResult{},
		sent: map[int64]incident.SentByResult{}, verified: map[int64]VerifyView{},
		dashboards: map[string]*cachedDashboard{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, t := range o.Tokens {
		s.sums = append(s.sums, tokenSum{sha256.Sum256([]byte(t)), "api", account.Admin})
	}
	for _, t := range o.APITokens {
		s.sums = append(s.sums, tokenSum{sha256.Sum256([]byte(t.Token)), "api:" + t.Name, t.Role})
	}
	if _, err := rand.Read(s.bodyKey[:]); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	var err error
	if s.pages, err = loadPages(o.Signals); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the console and its API; requests it does not know go
// to fallback (the gateway's scan API, /metrics, /healthz).
func (s *Server) Handler(fallback http.Handler) http.Handler {
	mux := http.NewServeMux()
	// Only static/ is served: the templates beside it in the embedded
	// tree stay out of reach whatever the path says (/static/%2e%2e/…).
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(staticFS)))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginForm)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /lang/{lang}", s.setLang)

	page := func(pattern string, h func(http.ResponseWriter, *http.Request, *principal)) {
		mux.Handle(pattern, s.pageAuth(h))
	}
	page("GET /{$}", s.dashboardPage)
	page("GET /quarantine", s.quarantinePage)
	page("GET /quarantine/{id}", s.messagePage)
	page("GET /quarantine/requests", s.requestsPage)
	// End users' links from their digest: no account, the signed link is
	// the capability for one message.
	mux.HandleFunc("GET /digest/release", s.requestPage)
	mux.HandleFunc("POST /digest/release", s.requestPost)
	page("GET /trace", s.tracePage)
	page("GET /indicators", s.indicatorsPage)
	page("GET /incidents", s.incidentsPage)
	page("GET /incidents/{id}", s.incidentPage)
	page("GET /suppliers", s.suppliersPage)
	page("GET /suppliers/{id}", s.supplierPage)
	page("GET /audit", s.auditPage)
	page("GET /posture", s.posturePage)
	page("GET /account", s.accountPage)
	// The message body is framed by the message page: its own strict CSP.
	mux.Handle("GET /quarantine/{id}/body", http.HandlerFunc(s.messageBody))

	api := func(pattern string, perm account.Permission, h apiFunc) {
		mux.Handle(pattern, s.apiAuth(perm, h))
	}
	mux.Handle("POST /api/v1/session", http.HandlerFunc(s.loginAPI))
	mux.Handle("DELETE /api/v1/session", s.apiAuthRaw(account.Read, s.logoutAPI))
	api("GET /api/v1/me", account.Read, s.me)
	api("POST /api/v1/me/password", account.Read, s.changePassword)
	api("GET /api/v1/dashboard", account.Read, s.dashboardAPI)
	api("GET /api/v1/quarantine", account.Read, s.quarantineList)
	api("GET /api/v1/quarantine/{id}", account.Read, s.quarantineGet)
	mux.Handle("GET /api/v1/quarantine/{id}/raw", s.apiAuthRaw(account.Read, s.quarantineRaw))
	api("POST /api/v1/quarantine/{id}/release", account.Quarantine, s.quarantineAction(quarantine.Release))
	api("POST /api/v1/quarantine/{id}/delete", account.Quarantine, s.quarantineAction(quarantine.Delete))
	api("POST /api/v1/quarantine/{id}/phish", account.Quarantine, s.quarantineAction(quarantine.Phish))
	api("POST /api/v1/quarantine/{id}/not-phish", account.Quarantine, s.quarantineAction(quarantine.NotPhish))
	mux.Handle("POST /api/v1/quarantine/bulk", s.apiAuthRaw(account.Quarantine, s.quarantineBulk))
	api("GET /api/v1/release-requests", account.Quarantine, s.requestList)
	api("POST /api/v1/release-requests/{id}/approve", account.Quarantine, s.requestDecide(true))
	api("POST /api/v1/release-requests/{id}/refuse", account.Quarantine, s.requestDecide(false))
	api("POST /api/v1/quarantine/{id}/incident", account.Incidents, s.quarantineIncident)
	mux.Handle("GET /api/v1/trace.csv", s.apiAuthRaw(account.Read, s.traceCSV))
	api("GET /api/v1/indicators", account.Read, s.indicatorList)
	api("POST /api/v1/indicators", account.Indicators, s.indicatorAdd)
	api("POST /api/v1/indicators/import", account.Indicators, s.indicatorImport)
	api("POST /api/v1/indicators/{id}/mode", account.Indicators, s.indicatorMode)
	api("POST /api/v1/indicators/{id}/expiry", account.Indicators, s.indicatorExpiry)
	api("POST /api/v1/indicators/{id}/remove", account.Indicators, s.indicatorRemove)
	api("GET /api/v1/incidents", account.Read, s.incidentList)
	api("POST /api/v1/incidents", account.Incidents, s.incidentOpen)
	api("GET /api/v1/incidents/{id}", account.Read, s.incidentGet)
	api("POST /api/v1/incidents/{id}/checklist/{item}", account.Incidents, s.incidentCheck)
	api("POST /api/v1/incidents/{id}/journal", account.Incidents, s.incidentLog)
	api("POST /api/v1/incidents/{id}/evidence", account.Incidents, s.incidentEvidence)
	mux.Handle("GET /api/v1/incidents/{id}/evidence/{sha256}", s.apiAuthRaw(account.Read, s.incidentEvidenceGet))
	api("POST /api/v1/incidents/{id}/block", account.Incidents, s.incidentBlock)
	api("POST /api/v1/incidents/{id}/hunt", account.Incidents, s.incidentHunt)
	api("POST /api/v1/incidents/{id}/close", account.Incidents, s.incidentClose)
	api("POST /api/v1/incidents/{id}/reopen", account.Incidents, s.incidentReopen)
	api("POST /api/v1/incidents/{id}/correspondents", account.Incidents, s.incidentCorrespondents)
	api("POST /api/v1/incidents/{id}/verify", account.Read, s.incidentVerify)
	mux.Handle("POST /api/v1/incidents/{id}/report", s.apiAuthRaw(account.Incidents, s.incidentReport))
	api("GET /api/v1/suppliers", account.Read, s.supplierList)
	api("GET /api/v1/suppliers/{id}", account.Read, s.supplierGet)
	api("POST /api/v1/suppliers/{id}/confirm", account.Indicators, s.supplierConfirm)
	api("GET /api/v1/audit", account.Accounts, s.auditAPI)
	api("GET /api/v1/users", account.Accounts, s.userList)
	if fallback != nil {
		mux.Handle("/", fallback)
	}
	return securityHeaders(mux)
}

// APIAuth tells the gateway's own API (httpapi) whether a request without
// a bearer token carries a console session allowed to make it: any role
// may read (GET /api/v1/trace); POST /api/v1/scan writes a trace record,
// so it needs the CSRF header and a role that may change things.
func (s *Server) APIAuth(r *http.Request) bool {
	p, _ := s.fromSession(r)
	if p == nil {
		return false
	}
	if safeMethod(r.Method) {
		return true
	}
	return p.can(account.Scan) && p.sess.CheckCSRF(r.Header.Get(csrfHeader))
}

// APIToken is a bearer token of the console's API and its role.
type APIToken struct {
	Name, Token string
	Role        account.Role
}

type tokenSum struct {
	hash [32]byte
	user string
	role account.Role
}

// token returns the principal of the API bearer token r carries, if any.
// Every token is compared, in constant time.
func (s *Server) token(r *http.Request) (*principal, bool) {
	tok, ok := bearer(r)
	if !ok || len(s.sums) == 0 {
		return nil, false
	}
	got := sha256.Sum256([]byte(tok))
	var p *principal
	for _, sum := range s.sums {
		if subtle.ConstantTimeCompare(got[:], sum.hash[:]) == 1 {
			p = &principal{User: sum.user, Role: sum.role, ip: s.clientIP(r)}
		}
	}
	return p, p != nil
}

// PurgeLoop deletes expired sessions every hour until ctx ends; it first
// computes the dashboards so that the first view answers at once, and
// hands the classifier the decisions it has not learned yet.
func (s *Server) PurgeLoop(ctx context.Context) {
	if l := s.o.Quarantine.Learner; l != nil {
		if n, err := s.o.Quarantine.Replay(ctx, l); err != nil && ctx.Err() == nil {
			s.log.Warn("replaying decisions to the classifier", "learned", n, "err", err)
		} else if n > 0 {
			s.log.Info("decisions replayed to the classifier", "learned", n)
		}
	}
	for _, p := range []string{"24h", "7d"} {
		if _, err := s.cachedDashboard(ctx, p); err != nil && ctx.Err() == nil {
			s.log.Warn("dashboard", "err", err)
		}
	}
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := s.o.Accounts.PurgeSessions(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("session purge failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// securityHeaders sets the console's defaults; the message body handler
// overrides the CSP with a stricter one.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-src 'self'; "+
			"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
