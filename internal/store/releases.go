package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/quarantine"
)

// Releases is the repository of release requests and digest state.
type Releases struct{ db *DB }

// Releases returns the release-request repository of db.
func (db *DB) Releases() *Releases { return &Releases{db: db} }

var _ quarantine.Requests = (*Releases)(nil)

const releaseCols = `id, quarantine_id, rcpt, requested_at, client_ip, status, decided_by, decided_at`

func scanRelease(sc interface{ Scan(...any) error }) (quarantine.Request, error) {
	var (
		r         quarantine.Request
		at        int64
		decidedAt sql.NullInt64
	)
	err := sc.Scan(&r.ID, &r.QuarantineID, &r.Rcpt, &at, &r.ClientIP, &r.Status, &r.DecidedBy, &decidedAt)
	r.RequestedAt, r.DecidedAt = time.UnixMilli(at).UTC(), fromMillis(decidedAt)
	return r, err
}

// Request records a request, or returns the one already made for the same
// message and recipient (a link clicked twice is one request).
func (r *Releases) Request(ctx context.Context, qid, rcpt, clientIP string, at time.Time) (quarantine.Request, error) {
	_, err := r.db.Exec(ctx, `INSERT INTO release_requests (quarantine_id, rcpt, requested_at, client_ip, status)
		VALUES (?, ?, ?, ?, 'pending') ON CONFLICT (quarantine_id, rcpt) DO NOTHING`, qid, rcpt, at.UnixMilli(), clientIP)
	if err != nil {
		return quarantine.Request{}, fmt.Errorf("store: release request %s for %s: %w", qid, rcpt, err)
	}
	rr, err := scanRelease(r.db.QueryRow(ctx, `SELECT `+releaseCols+` FROM release_requests WHERE quarantine_id = ? AND rcpt = ?`, qid, rcpt))
	if err != nil {
		return rr, fmt.Errorf("store: release request %s for %s: %w", qid, rcpt, err)
	}
	return rr, nil
}

// Get returns one request, or ErrNotFound.
func (r *Releases) Get(ctx context.Context, id int64) (quarantine.Request, error) {
	rr, err := scanRelease(r.db.QueryRow(ctx, `SELECT `+releaseCols+` FROM release_requests WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return rr, ErrNotFound
	}
	if err != nil {
		return rr, fmt.Errorf("store: release request %d: %w", id, err)
	}
	return rr, nil
}

// Find returns the request for a message and recipient, or ErrNotFound.
func (r *Releases) Find(ctx context.Context, qid, rcpt string) (quarantine.Request, error) {
	rr, err := scanRelease(r.db.QueryRow(ctx, `SELECT `+releaseCols+` FROM release_requests WHERE quarantine_id = ? AND rcpt = ?`, qid, rcpt))
	if errors.Is(err, sql.ErrNoRows) {
		return rr, ErrNotFound
	}
	if err != nil {
		return rr, fmt.Errorf("store: release request %s for %s: %w", qid, rcpt, err)
	}
	return rr, nil
}

// List returns the requests in a status ("" any), newest first.
func (r *Releases) List(ctx context.Context, status string, limit int) ([]quarantine.Request, error) {
	if limit <= 0 {
		limit = 200
	}
	q, args := `SELECT `+releaseCols+` FROM release_requests`, []any{}
	if status != "" {
		q, args = q+` WHERE status = ?`, append(args, status)
	}
	rows, err := r.db.Query(ctx, q+` ORDER BY requested_at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: list release requests: %w", err)
	}
	defer rows.Close()
	var out []quarantine.Request
	for rows.Next() {
		rr, err := scanRelease(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list release requests: %w", err)
		}
		out = append(out, rr)
	}
	return out, rows.Err()
}

// Decide closes a pending request; ErrNotFound if it is not pending.
func (r *Releases) Decide(ctx context.Context, id int64, status, by string, at time.Time) error {
	res, err := r.db.Exec(ctx, `UPDATE release_requests SET status = ?, decided_by = ?, decided_at = ?
		WHERE id = ? AND status = 'pending'`, status, by, at.UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("store: decide release request %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DigestListed returns up to when the last digest to rcpt listed held
// messages (zero: never).
func (r *Releases) DigestListed(ctx context.Context, rcpt string) (time.Time, error) {
	var ms int64
	err := r.db.QueryRow(ctx, `SELECT listed_to FROM digest_state WHERE rcpt = ?`, rcpt).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: digest state of %s: %w", rcpt, err)
	}
	return time.UnixMilli(ms).UTC(), nil
}

// DigestSent records that a digest listing messages held before listedTo
// went to rcpt.
func (r *Releases) DigestSent(ctx context.Context, rcpt string, listedTo, at time.Time) error {
	_, err := r.db.Exec(ctx, `INSERT INTO digest_state (rcpt, listed_to, sent_at) VALUES (?, ?, ?)
		ON CONFLICT (rcpt) DO UPDATE SET listed_to = excluded.listed_to, sent_at = excluded.sent_at`,
		rcpt, listedTo.UnixMilli(), at.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: digest state of %s: %w", rcpt, err)
	}
	return nil
}
