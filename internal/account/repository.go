package account

import (
	"context"
	"time"
)

// UserRecord is an account as the repository keeps it. PasswordHash is an
// encoded hash (bcrypt); the repository never sees a password.
type UserRecord struct {
	Name         string
	Role         string
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastLoginAt  time.Time
}

// SessionRecord is a session as the repository keeps it, keyed by the
// SHA-256 of its cookie.
type SessionRecord struct {
	IDHash    string
	User      string
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
	ClientIP  string
}

// AuditEntry is one state-changing action: who did what to what, when.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Target   string    `json:"target,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	ClientIP string    `json:"client_ip,omitempty"`
}

// Repository keeps the accounts, their sessions and the audit trail
// (package store implements it over SQLite and PostgreSQL). Create
// returns an error wrapping dberr.ErrExists for a taken name; Get,
// Update, Delete and Session one wrapping dberr.ErrNotFound.
type Repository interface {
	Create(ctx context.Context, u UserRecord) error
	Get(ctx context.Context, name string) (UserRecord, error)
	List(ctx context.Context) ([]UserRecord, error)
	// Update sets the role and the hash given ("" keeps them).
	Update(ctx context.Context, name, role, hash string, now time.Time) error
	Delete(ctx context.Context, name string) error
	CreateSession(ctx context.Context, s SessionRecord) error
	// Session returns a live session and its account, noting the login.
	Session(ctx context.Context, idHash string, now time.Time) (SessionRecord, UserRecord, error)
	DeleteSession(ctx context.Context, idHash string) error
	PurgeSessions(ctx context.Context, now time.Time) (int64, error)
	Audit(ctx context.Context, a AuditEntry) error
	// AuditLog returns the latest entries, newest first.
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error)
}
