package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode"

	"vigie.dev/vigie/internal/account"
)

const (
	sessionCookie = "vigie_session"
	langCookie    = "vigie_lang"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "_csrf"
)

// Refusals, with their catalogue key for people.
var (
	errUnauthorized = errors.New("unauthorized")
	errCSRF         = errors.New("missing or wrong CSRF token")
	errRole         = errors.New("your role may not do this")
	denyKeys        = map[error]string{errUnauthorized: "err.unauthorized", errCSRF: "err.csrf", errRole: "err.role"}
)

// deny refuses a request: English for scripts, the reader's language on a page.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, code int, err error) {
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vigie"`)
	}
	if !wantsHTML(r) {
		writeJSON(w, code, apiError{Error: err.Error(), Message: tr(lang(r), denyKeys[err])})
		return
	}
	s.failStatus(w, r, code, tr(lang(r), denyKeys[err]))
}

// principal is who makes a request: a console session or an API token.
type principal struct {
	User string
	Role account.Role
	sess account.Session // zero for a token
	ip   string
}

func (p *principal) can(perm account.Permission) bool { return p.Role.Can(perm) }

func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

func bearer(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(tok), ok
}

// clientIP is the address a request comes from: the connection's, or,
// when the connection comes from a configured reverse proxy, the nearest
// address in X-Forwarded-For that is not one of the proxies (the
// left-most entries are the client's to write, so they are not trusted).
// Throttling and the audit trail key on it.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.trusted(host) {
		return host
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a := strings.TrimSpace(parts[j])
			if ap, err := netip.ParseAddrPort(a); err == nil {
				a = ap.Addr().String()
			}
			if _, err := netip.ParseAddr(a); err != nil {
				return host // garbage in the chain: stop at the proxy
			}
			if !s.trusted(a) {
				return a
			}
			host = a
		}
	}
	return host
}

// trusted reports whether addr is one of the configured reverse proxies.
func (s *Server) trusted(addr string) bool {
	if len(s.o.TrustedProxies) == 0 {
		return false
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.o.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// overTLS reports whether the browser reached the console over HTTPS:
// directly, or through a trusted proxy that says so in X-Forwarded-Proto.
func (s *Server) overTLS(r *http.Request) bool {
	if r.TLS != nil || s.o.SecureCookies {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return s.trusted(host) && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

func (s *Server) fromSession(r *http.Request) (*principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, account.ErrNoSession
	}
	sess, err := s.o.Accounts.Session(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	return &principal{User: sess.User, Role: sess.Role, sess: sess, ip: s.clientIP(r)}, nil
}

// authenticate finds the principal: a bearer token first, else the
// session cookie, which needs the CSRF token on a state change.
func (s *Server) authenticate(r *http.Request) (*principal, int, error) {
	if _, ok := bearer(r); ok {
		if p, ok := s.token(r); ok {
			return p, 0, nil
		}
		return nil, http.StatusUnauthorized, errUnauthorized
	}
	p, err := s.fromSession(r)
	if err != nil {
		return nil, http.StatusUnauthorized, errUnauthorized
	}
	if !safeMethod(r.Method) {
		got := r.Header.Get(csrfHeader)
		if got == "" {
			got = formValue(r, csrfField)
		}
		if !p.sess.CheckCSRF(got) {
			return nil, http.StatusForbidden, errCSRF
		}
	}
	return p, 0, nil
}

// formValue reads a form field without consuming a JSON body.
func formValue(r *http.Request, name string) string {
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "multipart/form-data") {
		if r.MultipartForm == nil {
			r.ParseMultipartForm(maxUpload)
		}
		return r.FormValue(name)
	}
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return r.PostFormValue(name)
	}
	return ""
}

// pageAuth serves a console page to a logged-in user, else sends the
// browser to the log-in page.
func (s *Server) pageAuth(h func(http.ResponseWriter, *http.Request, *principal)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.fromSession(r)
		if err != nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r, p)
	})
}

// apiFunc handles an API call and returns what to answer: JSON for
// scripts, a redirect to next for the console's forms.
type apiFunc func(r *http.Request, p *principal) (result any, next string, err error)

// apiAuth authenticates, checks the CSRF token and the permission, then
// answers JSON, or a redirect for a browser form.
func (s *Server) apiAuth(perm account.Permission, h apiFunc) http.Handler {
	return s.apiAuthRaw(perm, func(w http.ResponseWriter, r *http.Request, p *principal) {
		res, next, err := h(r, p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if wantsHTML(r) {
			if n := formValue(r, "_next"); n != "" {
				next = n
			}
			http.Redirect(w, r, localPath(next), http.StatusSeeOther)
			return
		}
		writeJSON(w, http.StatusOK, res)
	})
}

// apiAuthRaw is apiAuth for handlers that write their own answer (downloads).
func (s *Server) apiAuthRaw(perm account.Permission, h func(http.ResponseWriter, *http.Request, *principal)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, code, err := s.authenticate(r)
		if err != nil {
			s.deny(w, r, code, err)
			return
		}
		if !p.can(perm) {
			s.deny(w, r, http.StatusForbidden, errRole)
			return
		}
		h(w, r, p)
	})
}

// audit records a state change by p.
func (s *Server) audit(r *http.Request, p *principal, action, target, detail string) {
	s.o.Accounts.Audit(r.Context(), account.AuditEntry{Actor: p.User, Action: action, Target: target, Detail: detail, ClientIP: p.ip})
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, value string, expires time.Time) {
	c := &http.Cookie{Name: sessionCookie, Value: value, Path: "/", HttpOnly: true,
		Secure: s.overTLS(r), SameSite: http.SameSiteStrictMode}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.Expires = expires
	}
	http.SetCookie(w, c)
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, nil, "login", http.StatusOK, map[string]string{"Next": localPath(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, user, password string) (account.Session, error) {
	ip := s.clientIP(r)
	sess, err := s.o.Accounts.Login(r.Context(), user, password, ip)
	if err != nil {
		// Failed and refused log-ins go to the audit trail, not only to
		// the server log: the admin reads attacks where they read actions.
		var th *account.ThrottledError
		switch {
		case errors.As(err, &th):
			s.o.Accounts.Audit(r.Context(), account.AuditEntry{Actor: auditName(user), Action: "login.throttled", ClientIP: ip,
				Detail: "retry in " + th.RetryAfter.Round(time.Second).String()})
		case errors.Is(err, account.ErrBadCredentials):
			s.o.Accounts.Audit(r.Context(), account.AuditEntry{Actor: auditName(user), Action: "login.failed", ClientIP: ip})
		}
		return sess, err
	}
	s.setSessionCookie(w, r, sess.Token, sess.ExpiresAt)
	s.o.Accounts.Audit(r.Context(), account.AuditEntry{Actor: sess.User, Action: "login", ClientIP: ip})
	return sess, nil
}

// auditName keeps a typed user name printable and short: it is the
// attacker's text.
func auditName(u string) string {
	u = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, u)
	if len(u) > 64 {
		u = u[:64]
	}
	if u == "" {
		return "(vide)"
	}
	return u
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.PostFormValue("next"))
	_, err := s.login(w, r, r.PostFormValue("user"), r.PostFormValue("password"))
	if err != nil {
		status, key := http.StatusUnauthorized, "login.failed"
		var th *account.ThrottledError
		if errors.As(err, &th) {
			status, key = http.StatusTooManyRequests, "login.throttled"
			w.Header().Set("Retry-After", fmt.Sprint(int(th.RetryAfter.Seconds()+1)))
		} else if !errors.Is(err, account.ErrBadCredentials) {
			s.log.Error("log-in failed", "err", err)
			status, key = http.StatusInternalServerError, "error.internal"
		}
		s.render(w, r, nil, "login", status, map[string]string{"Next": next, "Error": key})
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// loginAPI opens a session for a script: {"user", "password"} in, the
// CSRF token to send back in X-CSRF-Token out, the cookie set.
func (s *Server) loginAPI(w http.ResponseWriter, r *http.Request) {
	in, err := readParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sess, err := s.login(w, r, in.get("user"), in.get("password"))
	l := lang(r)
	var th *account.ThrottledError
	switch {
	case errors.As(err, &th):
		w.Header().Set("Retry-After", fmt.Sprint(int(th.RetryAfter.Seconds()+1)))
		writeJSON(w, http.StatusTooManyRequests, apiError{"too many failed log-ins", tr(l, "login.throttled")})
	case errors.Is(err, account.ErrBadCredentials):
		writeJSON(w, http.StatusUnauthorized, apiError{"wrong user name or password", tr(l, "login.failed")})
	case err != nil:
		s.log.Error("log-in failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{"internal error", tr(l, "error.internal")})
	default:
		writeJSON(w, http.StatusOK, sess)
	}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	p, code, err := s.authenticate(r)
	if err != nil {
		s.deny(w, r, code, err)
		return
	}
	s.endSession(w, r, p)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) logoutAPI(w http.ResponseWriter, r *http.Request, p *principal) {
	s.endSession(w, r, p)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request, p *principal) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.o.Accounts.Logout(r.Context(), c.Value)
	}
	s.setSessionCookie(w, r, "", time.Time{})
	s.audit(r, p, "logout", "", "")
}

func (s *Server) me(r *http.Request, p *principal) (any, string, error) {
	return map[string]any{"user": p.User, "role": p.Role, "csrf": p.sess.CSRF}, "/", nil
}

// setLang switches the console's language (a preference, not a state
// change of Vigie, so a plain link).
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if _, ok := catalogue[l]; !ok {
		http.NotFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.overTLS(r)})
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
}

func (s *Server) userList(r *http.Request, p *principal) (any, string, error) {
	users, err := s.o.Accounts.List(r.Context())
	return users, "", err
}

func (s *Server) auditAPI(r *http.Request, p *principal) (any, string, error) {
	rows, err := s.o.Accounts.AuditLog(r.Context(), 500)
	return rows, "", err
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, p *principal) {
	if !p.can(account.Accounts) {
		s.deny(w, r, http.StatusForbidden, errRole)
		return
	}
	rows, err := s.o.Accounts.AuditLog(r.Context(), 500)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.o.Accounts.List(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, p, "audit", http.StatusOK, map[string]any{"Audit": rows, "Users": users})
}

// localPath keeps a redirect target on this site: an absolute path, with
// no scheme or host, no backslash, and no control or space character
// (browsers drop tabs and newlines from URLs, so "/\t/evil.example"
// would become "//evil.example", another site).
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") {
		return "/"
	}
	for _, c := range p {
		if c < 0x21 || c == 0x7f || c == '\\' || unicode.IsSpace(c) || unicode.Is(unicode.Cf, c) {
			return "/"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		strings.HasPrefix(u.Path, "//") || strings.Contains(u.Path, "\\") {
		return "/"
	}
	return p
}

// accountPage lets a user change their own password.
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, p *principal) {
	s.render(w, r, p, "account", http.StatusOK, nil)
}

// changePassword checks the current password and sets the new one (the
// same rule as `vigie user passwd`); the sessions end, so the browser
// goes to the log-in page.
func (s *Server) changePassword(r *http.Request, p *principal) (any, string, error) {
	if p.sess.CSRF == "" {
		return nil, "", badfr("un jeton d'API n'a pas de mot de passe", "an API token has no password")
	}
	q, err := readParams(r)
	if err != nil {
		return nil, "", err
	}
	if q.get("new") != q.get("confirm") {
		return nil, "", badfr("les deux saisies du nouveau mot de passe diffèrent", "the two new passwords differ")
	}
	err = s.o.Accounts.ChangePassword(r.Context(), p.User, q.get("current"), q.get("new"), p.ip)
	var pe *account.PasswordError
	switch {
	case errors.As(err, &pe):
		return nil, "", badRequest{frenchError{err: errors.New(pe.EN), fr: pe.FR}}
	case errors.Is(err, account.ErrBadCredentials):
		return nil, "", badfr("le mot de passe actuel est incorrect", "the current password is wrong")
	case err != nil:
		return nil, "", err
	}
	s.audit(r, p, "user.passwd", p.User, "by the user")
	return map[string]bool{"changed": true}, "/login?done=password", nil
}
