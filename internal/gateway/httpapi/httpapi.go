// Package httpapi is the gateway's HTTP front end, for MTAs other than
// Postfix and for scripts (the role of rspamd's /checkv2):
//
//	POST /api/v1/scan     raw message in the body → verdict JSON
//	GET  /api/v1/trace    message trace search (same filters as the CLI)
//	GET  /metrics         Prometheus metrics (no token)
//	GET  /healthz         liveness (no token)
//
// /api/v1 requires "Authorization: Bearer TOKEN" with one of the configured
// tokens, or a web console session when Session is set (the console's
// cookie, plus its X-CSRF-Token header on POST); with neither the API
// refuses every request.
package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/trace"
)

// Searcher searches the message trace (package trace).
type Searcher interface {
	Search(ctx context.Context, q trace.Query) ([]trace.Record, error)
}

// Handler serves the API. Set the fields before use.
type Handler struct {
	Gateway  *gateway.Gateway
	Trace    Searcher // nil: /api/v1/trace answers 404
	Registry prometheus.Gatherer
	// Tokens are the bearer tokens; a scan-scope token may only scan, the
	// trace needs read or more.
	Tokens []Token
	// Session, when set, accepts a request without a bearer token that
	// carries a console session (package web's Server.APIAuth).
	Session func(r *http.Request) bool
	MaxSize int64         // request body limit; 50 MiB when zero
	Timeout time.Duration // scan deadline, waiting for memory included; 30 s when zero
	// BodyTimeout bounds the reading of a request body (2 min when zero):
	// a client trickling bytes does not hold a connection for ever.
	BodyTimeout time.Duration
	SpoolDir    string // temporary files of bodies under way
	Log         *slog.Logger
	// Health, when set, says what is degraded ("" when nothing is):
	// /healthz then answers 503 with the text, while mail still flows.
	Health func(ctx context.Context) string
}

// Token is a bearer token and its scope (config.TokenScopes).
type Token struct {
	Name, Value, Scope string
}

// scopeRank orders the scopes: scan < read < analyst < admin.
func scopeRank(s string) int {
	switch s {
	case "scan":
		return 1
	case "read":
		return 2
	case "analyst":
		return 3
	case "admin":
		return 4
	}
	return 0
}

// Routes returns the API's mux.
func (h *Handler) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /api/v1/scan", h.auth("scan", http.HandlerFunc(h.scan)))
	mux.Handle("GET /api/v1/trace", h.auth("read", http.HandlerFunc(h.trace)))
	if h.Registry != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(h.Registry, promhttp.HandlerOpts{}))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if h.Health != nil {
			if degraded := h.Health(r.Context()); degraded != "" {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusServiceUnavailable)
				io.WriteString(w, "degraded: "+degraded+"\n")
				return
			}
		}
		io.WriteString(w, "ok\n")
	})
	return mux
}

// auth checks the bearer token in constant time (against hashes, so the
// comparison does not leak the tokens' lengths either) and its scope: at
// least need. Every token is compared, so the time does not tell which
// one matched either.
func (h *Handler) auth(need string, next http.Handler) http.Handler {
	type sum struct {
		hash  [32]byte
		scope string
	}
	sums := make([]sum, len(h.Tokens))
	for i, t := range h.Tokens {
		sums[i] = sum{sha256.Sum256([]byte(t.Value)), t.Scope}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
		scope := ""
		for _, s := range sums {
			if subtle.ConstantTimeCompare(got[:], s.hash[:]) == 1 {
				scope = s.scope
			}
		}
		if !ok && h.Session != nil && h.Session(r) {
			next.ServeHTTP(w, r)
			return
		}
		if !ok || scope == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigie"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
			return
		}
		if scopeRank(scope) < scopeRank(need) {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "token scope " + scope + " may not do this (needs " + need + ")"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ScanResult is the answer of POST /api/v1/scan.
type ScanResult struct {
	Action  scan.Action     `json:"action"` // accept, tag, quarantine, reject, tempfail
	Score   float64         `json:"score"`
	Verdict *scan.Verdict   `json:"verdict,omitempty"`
	Headers []gateway.Field `json:"add_headers,omitempty"` // what the milter would add
	Subject string          `json:"rewrite_subject,omitempty"`
	Error   string          `json:"error,omitempty"`
}

func (h *Handler) scan(w http.ResponseWriter, r *http.Request) {
	limit := h.MaxSize
	if limit <= 0 {
		limit = 50 << 20
	}
	if r.ContentLength > limit {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "message too large"})
		return
	}
	env, err := envelope(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	bodyTimeout := h.BodyTimeout
	if bodyTimeout <= 0 {
		bodyTimeout = 2 * time.Minute
	}
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyTimeout))
	sp := gateway.Spool{Dir: h.SpoolDir}
	defer sp.Reset()
	if _, err := io.Copy(&sp, http.MaxBytesReader(w, r.Body, limit)); err != nil {
		var mbe *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &mbe):
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "message too large"})
		case errors.As(err, &ne) && ne.Timeout():
			writeJSON(w, http.StatusRequestTimeout, map[string]string{"error": "body not received in time"})
		default:
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "cannot read body"})
		}
		return
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	raw, done, err := h.Gateway.Load(&sp, timeout)
	if err != nil {
		if errors.Is(err, gateway.ErrBusy) {
			w.Header().Set("Retry-After", "5")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "busy, try again later"})
			return
		}
		h.Gateway.CountError("api")
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "cannot read body"})
		return
	}
	defer done()
	timeout = max(time.Until(deadline), time.Second)
	o := h.Gateway.Process(r.Context(), gateway.Job{
		Frontend: "api", Raw: raw, Env: env, Timeout: timeout, NoQuarantine: true,
	})
	res := ScanResult{Action: o.Action, Verdict: o.Verdict, Headers: o.Fields, Subject: o.Subject}
	if o.Verdict != nil {
		res.Score = o.Verdict.Score
	}
	status := http.StatusOK
	if o.Err != nil {
		res.Error = "scan failed"
		switch {
		case errors.Is(o.Err, gateway.ErrDeadline):
			res.Error = "scan deadline exceeded"
		case errors.Is(o.Err, gateway.ErrIncomplete):
			res.Error = "scan incomplete"
		}
		// Not judged: the scan failed, or it is incomplete and what ran
		// does not hold the message (the milter's and the relay's 451).
		// The incomplete verdict is in the body for the curious; the
		// status says it is no answer to act on.
		if o.Action == gateway.Tempfail {
			status = http.StatusServiceUnavailable
		}
	}
	writeJSON(w, status, res)
}

// envelope reads the connection metadata from query parameters or, as
// rspamd's clients send them, request headers.
func envelope(r *http.Request) (scan.Envelope, error) {
	get := func(q, hdr string) string {
		if v := r.URL.Query().Get(q); v != "" {
			return v
		}
		return r.Header.Get(hdr)
	}
	env := scan.Envelope{HELO: get("helo", "Helo"), MailFrom: strings.Trim(get("mail_from", "From"), "<>")}
	if strings.TrimSpace(get("mail_from", "From")) == scan.NullSender {
		env.MailFrom = scan.NullSender
	}
	if ip := get("ip", "IP"); ip != "" {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return env, errors.New("ip: not an IP address")
		}
		env.ClientIP = a.Unmap()
	}
	rcpts := r.URL.Query()["rcpt"]
	rcpts = append(rcpts, r.Header.Values("Rcpt")...)
	for _, rc := range rcpts {
		for _, one := range strings.Split(rc, ",") {
			if one = strings.Trim(strings.TrimSpace(one), "<>"); one != "" {
				env.RcptTo = append(env.RcptTo, one)
			}
		}
	}
	return env, nil
}

func (h *Handler) trace(w http.ResponseWriter, r *http.Request) {
	if h.Trace == nil {
		http.NotFound(w, r)
		return
	}
	v := r.URL.Query()
	q := trace.Query{Sender: v.Get("sender"), Rcpt: v.Get("rcpt"), Domain: v.Get("domain"), URL: v.Get("url"),
		IP: v.Get("ip"), Hash: v.Get("hash"), MsgID: v.Get("message_id"), Action: v.Get("action")}
	if s := v.Get("since"); s != "" {
		d, err := trace.ParseAge(s)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		q.Since = time.Now().Add(-d)
	}
	if l := v.Get("limit"); l != "" {
		q.Limit, _ = strconv.Atoi(l)
	}
	recs, err := h.Trace.Search(r.Context(), q)
	if err != nil {
		h.Gateway.CountError("api")
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "search failed"})
		return
	}
	if recs == nil {
		recs = []trace.Record{}
	}
	writeJSON(w, http.StatusOK, recs)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
