package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"vigie.dev/vigie/internal/account"
)

// Users is the repository of console accounts, sessions and the audit trail.
type Users struct{ db *DB }

// Users returns the account repository of db.
func (db *DB) Users() *Users { return &Users{db: db} }

var _ account.Repository = (*Users)(nil)

const userCols = `name, role, password_hash, created_at, updated_at, last_login_at`

func scanUser(sc interface{ Scan(...any) error }) (account.UserRecord, error) {
	var (
		u                account.UserRecord
		created, updated int64
		last             sql.NullInt64
	)
	if err := sc.Scan(&u.Name, &u.Role, &u.PasswordHash, &created, &updated, &last); err != nil {
		return u, err
	}
	u.CreatedAt, u.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	u.LastLoginAt = fromMillis(last)
	return u, nil
}

// Create adds an account; ErrExists when the name is taken.
func (r *Users) Create(ctx context.Context, u account.UserRecord) error {
	res, err := r.db.Exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, NULL)
		ON CONFLICT (name) DO NOTHING`, u.Name, u.Role, u.PasswordHash, u.CreatedAt.UnixMilli(), u.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: create user %s: %w", u.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: create user %s: %w", u.Name, ErrExists)
	}
	return nil
}

// Get returns an account, or ErrNotFound.
func (r *Users) Get(ctx context.Context, name string) (account.UserRecord, error) {
	u, err := scanUser(r.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("store: get user %s: %w", name, err)
	}
	return u, nil
}

// List returns every account, by name.
func (r *Users) List(ctx context.Context) ([]account.UserRecord, error) {
	rows, err := r.db.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []account.UserRecord
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Update changes an account's role and password hash ("" keeps them) and
// ends its sessions when the password changes.
func (r *Users) Update(ctx context.Context, name, role, hash string, now time.Time) error {
	return r.db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET
			role = CASE WHEN ? = '' THEN role ELSE ? END,
			password_hash = CASE WHEN ? = '' THEN password_hash ELSE ? END,
			updated_at = ? WHERE name = ?`, role, role, hash, hash, now.UnixMilli(), name)
		if err != nil {
			return fmt.Errorf("store: update user %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if hash != "" {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_name = ?`, name); err != nil {
				return fmt.Errorf("store: end sessions of %s: %w", name, err)
			}
		}
		return nil
	})
}

// Delete removes an account and its sessions.
func (r *Users) Delete(ctx context.Context, name string) error {
	return r.db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_name = ?`, name); err != nil {
			return fmt.Errorf("store: delete sessions of %s: %w", name, err)
		}
		res, err := tx.Exec(ctx, `DELETE FROM users WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("store: delete user %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// CreateSession stores a new session and records the login time.
func (r *Users) CreateSession(ctx context.Context, s account.SessionRecord) error {
	return r.db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_name, csrf, created_at, expires_at, client_ip)
			VALUES (?, ?, ?, ?, ?, ?)`, s.IDHash, s.User, s.CSRF, s.CreatedAt.UnixMilli(), s.ExpiresAt.UnixMilli(), s.ClientIP); err != nil {
			return fmt.Errorf("store: create session for %s: %w", s.User, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET last_login_at = ? WHERE name = ?`, s.CreatedAt.UnixMilli(), s.User); err != nil {
			return fmt.Errorf("store: record login of %s: %w", s.User, err)
		}
		return nil
	})
}

// Session returns a live session and its account; ErrNotFound when the
// session is unknown or expired at now.
func (r *Users) Session(ctx context.Context, idHash string, now time.Time) (account.SessionRecord, account.UserRecord, error) {
	var (
		s                account.SessionRecord
		created, expires int64
	)
	row := r.db.QueryRow(ctx, `SELECT s.id_hash, s.user_name, s.csrf, s.created_at, s.expires_at, s.client_ip,
		`+prefixCols("u.", userCols)+` FROM sessions s JOIN users u ON u.name = s.user_name
		WHERE s.id_hash = ? AND s.expires_at > ?`, idHash, now.UnixMilli())
	var (
		u                  account.UserRecord
		ucreated, uupdated int64
		last               sql.NullInt64
	)
	err := row.Scan(&s.IDHash, &s.User, &s.CSRF, &created, &expires, &s.ClientIP,
		&u.Name, &u.Role, &u.PasswordHash, &ucreated, &uupdated, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return s, u, ErrNotFound
	}
	if err != nil {
		return s, u, fmt.Errorf("store: get session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC()
	u.CreatedAt, u.UpdatedAt, u.LastLoginAt = time.UnixMilli(ucreated).UTC(), time.UnixMilli(uupdated).UTC(), fromMillis(last)
	return s, u, nil
}

func prefixCols(p, cols string) string {
	fs := strings.Split(cols, ",")
	for i, f := range fs {
		fs[i] = p + strings.TrimSpace(f)
	}
	return strings.Join(fs, ", ")
}

// DeleteSession ends one session (log-out).
func (r *Users) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := r.db.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// PurgeSessions deletes the sessions expired at now.
func (r *Users) PurgeSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := r.db.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("store: purge sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Audit records a state-changing action.
func (r *Users) Audit(ctx context.Context, a account.AuditEntry) error {
	if _, err := r.db.Exec(ctx, `INSERT INTO audit (at, actor, action, target, detail, client_ip) VALUES (?, ?, ?, ?, ?, ?)`,
		a.At.UnixMilli(), a.Actor, a.Action, a.Target, a.Detail, a.ClientIP); err != nil {
		return fmt.Errorf("store: audit %s by %s: %w", a.Action, a.Actor, err)
	}
	return nil
}

// AuditLog returns the latest limit actions (0: 200), newest first.
func (r *Users) AuditLog(ctx context.Context, limit int) ([]account.AuditEntry, error) {
	if limit <= 0 {
		limit = 200
	}
	rows, err := r.db.Query(ctx, `SELECT id, at, actor, action, target, detail, client_ip FROM audit
		ORDER BY at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: read audit: %w", err)
	}
	defer rows.Close()
	var out []account.AuditEntry
	for rows.Next() {
		var (
			a  account.AuditEntry
			at int64
		)
		if err := rows.Scan(&a.ID, &at, &a.Actor, &a.Action, &a.Target, &a.Detail, &a.ClientIP); err != nil {
			return nil, fmt.Errorf("store: read audit: %w", err)
		}
		a.At = time.UnixMilli(at).UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}
