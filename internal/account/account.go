// Package account holds the web console's local accounts: roles and what
// each may do, password hashing (bcrypt), sessions stored server-side by the
// hash of their cookie, log-in throttling per user and per client address,
// and the audit trail of state-changing actions. The console, the JSON API
// and `vigie user` all go through Service.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"golang.org/x/crypto/bcrypt"

	"vigie.dev/vigie/internal/dberr"
)

// Role is what an account may do.
type Role string

const (
	Admin   Role = "admin"   // everything, accounts and the audit trail included
	Analyst Role = "analyst" // everything on mail, indicators and incidents
	Reader  Role = "lecture" // read-only
)

// Roles lists the roles, most powerful first.
var Roles = []Role{Admin, Analyst, Reader}

// ParseRole accepts a role name ("reader" and "read-only" mean lecture).
func ParseRole(s string) (Role, error) {
	switch s {
	case "admin":
		return Admin, nil
	case "analyst", "analyste":
		return Analyst, nil
	case "lecture", "reader", "read-only":
		return Reader, nil
	}
	return "", fmt.Errorf("account: unknown role %q (admin, analyst, lecture)", s)
}

// Permission names a class of actions.
type Permission string

const (
	Read       Permission = "read"       // see everything but accounts
	Quarantine Permission = "quarantine" // release, delete
	Indicators Permission = "indicators" // block, watch, expiry, import, remove
	Incidents  Permission = "incidents"  // open, check, log, evidence, block, hunt, reports
	Accounts   Permission = "accounts"   // manage accounts, read the audit trail
	Scan       Permission = "scan"       // submit a message to the scanner (writes the trace)
)

// Can reports whether role r grants p.
func (r Role) Can(p Permission) bool {
	switch r {
	case Admin:
		return true
	case Analyst:
		return p != Accounts
	case Reader:
		return p == Read
	}
	return false
}

// MinPassword is the shortest password accepted (ANSSI recommends 12
// characters or more for accounts without multi-factor authentication).
const MinPassword = 12

var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$`)

// Errors of Service.
var (
	ErrBadCredentials = errors.New("account: wrong user name or password")
	ErrNoSession      = errors.New("account: no such session")
	ErrNotFound       = errors.New("account: no such account")
	ErrExists         = errors.New("account: account exists")
)

// ThrottledError is returned by Login while a user or address is locked out.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("account: too many failed log-ins, retry in %s", e.RetryAfter.Round(time.Second))
}

// User is an account as shown (without its hash).
type User struct {
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	CreatedAt   time.Time `json:"created_at"`
	LastLoginAt time.Time `json:"last_login_at,omitzero"`
}

// Session is a logged-in user. Token is the cookie value, known only when
// the session is created.
type Session struct {
	Token     string    `json:"-"`
	User      string    `json:"user"`
	Role      Role      `json:"role"`
	CSRF      string    `json:"csrf"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Options tune a Service; the zero value is usable.
type Options struct {
	Now        func() time.Time
	BcryptCost int           // 0: 12
	SessionTTL time.Duration // 0: 12 hours
	Throttle   ThrottleOptions
	Log        *slog.Logger
}

// Service manages accounts and sessions.
type Service struct {
	users Repository
	now   func() time.Time
	cost  int
	ttl   time.Duration
	// Failures are counted per account and address pair (the usual
	// allowance), per address (four times it: several users may share
	// one), and per account from anywhere (ten times it, a distributed
	// guess) — the last never locks out an address the account has
	// logged in from before, so a guesser cannot lock the admin out
	// everywhere. Nothing is global.
	byPair *Throttle
	byIP   *Throttle
	byUser *Throttle
	known  knownAddrs
	log    *slog.Logger
	dummy  []byte // a hash to compare against for unknown users
}

// New returns a Service over repo.
func New(repo Repository, o Options) *Service {
	s := &Service{users: repo, now: o.Now, cost: o.BcryptCost, ttl: o.SessionTTL, log: o.Log}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cost == 0 {
		s.cost = 12
	}
	if s.ttl == 0 {
		s.ttl = 12 * time.Hour
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	o.Throttle.Now = s.now
	s.byPair = NewThrottle(o.Throttle)
	ipo, uo := s.byPair.o, s.byPair.o
	ipo.Free *= 4
	uo.Free *= 10
	s.byIP, s.byUser = NewThrottle(ipo), NewThrottle(uo)
	s.known = knownAddrs{m: map[string]map[string]time.Time{}}
	s.dummy, _ = bcrypt.GenerateFromPassword([]byte("vigie-no-such-user"), s.cost)
	return s
}

func (s *Service) hash(user, password string) (string, error) {
	if err := CheckPassword(user, password); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return "", fmt.Errorf("account: hash password: %w", err)
	}
	return string(h), nil
}

// Add creates an account.
func (s *Service) Add(ctx context.Context, name string, role Role, password string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("account: %q is not a valid user name (letters, digits, . _ @ -)", name)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	h, err := s.hash(name, password)
	if err != nil {
		return err
	}
	err = s.users.Create(ctx, UserRecord{Name: name, Role: string(role), PasswordHash: h, CreatedAt: s.now()})
	if errors.Is(err, dberr.ErrExists) {
		return fmt.Errorf("account: %s: %w", name, ErrExists)
	}
	return err
}

// SetPassword changes a password and ends the account's sessions.
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	h, err := s.hash(name, password)
	if err != nil {
		return err
	}
	return s.notFound(name, s.users.Update(ctx, name, "", h, s.now()))
}

// ChangePassword is a user's own change: the current password is checked
// first (a failure counts against the account and address like a failed
// log-in), then the new one must pass CheckPassword. The account's
// sessions end.
func (s *Service) ChangePassword(ctx context.Context, name, current, password, clientIP string) error {
	pair := name + "\x00" + clientIP
	if wait := max(s.byPair.Wait(pair), s.byIP.Wait(clientIP)); wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	u, err := s.users.Get(ctx, name)
	if err != nil {
		return s.notFound(name, err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
		s.byPair.Fail(pair)
		s.byIP.Fail(clientIP)
		return ErrBadCredentials
	}
	return s.SetPassword(ctx, name, password)
}

// SetRole changes an account's role.
func (s *Service) SetRole(ctx context.Context, name string, role Role) error {
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	return s.notFound(name, s.users.Update(ctx, name, string(role), "", s.now()))
}

// Remove deletes an account and its sessions.
func (s *Service) Remove(ctx context.Context, name string) error {
	return s.notFound(name, s.users.Delete(ctx, name))
}

func (s *Service) notFound(name string, err error) error {
	if errors.Is(err, dberr.ErrNotFound) {
		return fmt.Errorf("account: %s: %w", name, ErrNotFound)
	}
	return err
}

// List returns every account.
func (s *Service) List(ctx context.Context) ([]User, error) {
	rows, err := s.users.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(rows))
	for _, r := range rows {
		out = append(out, User{Name: r.Name, Role: Role(r.Role), CreatedAt: r.CreatedAt, LastLoginAt: r.LastLoginAt})
	}
	return out, nil
}

// Login checks a password and opens a session. Failures count against
// the account at this address, the address, and the account (see
// Service); past an allowance Login answers a *ThrottledError without
// looking at the password.
func (s *Service) Login(ctx context.Context, name, password, clientIP string) (Session, error) {
	pair := name + "\x00" + clientIP
	wait := max(s.byPair.Wait(pair), s.byIP.Wait(clientIP))
	if !s.known.has(name, clientIP, s.now()) {
		wait = max(wait, s.byUser.Wait(name))
	}
	if wait > 0 {
		return Session{}, &ThrottledError{RetryAfter: wait}
	}
	u, err := s.users.Get(ctx, name)
	if err != nil && !errors.Is(err, dberr.ErrNotFound) {
		return Session{}, err
	}
	hash := []byte(u.PasswordHash)
	if err != nil {
		hash = s.dummy // same work whether or not the account exists
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil {
		s.byPair.Fail(pair)
		s.byIP.Fail(clientIP)
		s.byUser.Fail(name)
		s.log.Warn("console log-in failed", "user", name, "client_ip", clientIP)
		return Session{}, ErrBadCredentials
	}
	s.byPair.Succeed(pair)
	s.known.add(u.Name, clientIP, s.now())
	tok, csrf := randomToken(), randomToken()
	now := s.now()
	sess := Session{Token: tok, User: u.Name, Role: Role(u.Role), CSRF: csrf, ExpiresAt: now.Add(s.ttl)}
	if err := s.users.CreateSession(ctx, SessionRecord{IDHash: tokenHash(tok), User: u.Name, CSRF: csrf,
		CreatedAt: now, ExpiresAt: sess.ExpiresAt, ClientIP: clientIP}); err != nil {
		return Session{}, err
	}
	return sess, nil
}

// Session returns the live session of a cookie value.
func (s *Service) Session(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrNoSession
	}
	row, u, err := s.users.Session(ctx, tokenHash(token), s.now())
	if errors.Is(err, dberr.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	return Session{User: u.Name, Role: Role(u.Role), CSRF: row.CSRF, ExpiresAt: row.ExpiresAt}, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.users.DeleteSession(ctx, tokenHash(token))
}

// PurgeSessions deletes expired sessions.
func (s *Service) PurgeSessions(ctx context.Context) (int64, error) {
	return s.users.PurgeSessions(ctx, s.now())
}

// Audit records a state-changing action; the time is filled in.
func (s *Service) Audit(ctx context.Context, a AuditEntry) {
	if a.At.IsZero() {
		a.At = s.now()
	}
	if err := s.users.Audit(ctx, a); err != nil {
		s.log.Error("audit record lost", "actor", a.Actor, "action", a.Action, "target", a.Target, "err", err)
	}
}

// AuditLog returns the latest actions, newest first.
func (s *Service) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	return s.users.AuditLog(ctx, limit)
}

// CheckCSRF compares a submitted token with the session's in constant time.
func (sess Session) CheckCSRF(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
