package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/quarantine"
)

// Gateway is the gateway's repository: quarantine_mta and gateway_secrets.
type Gateway struct{ db *DB }

// Gateway returns the gateway repository of db.
func (db *DB) Gateway() *Gateway { return &Gateway{db: db} }

var (
	_ release.Repository = (*Gateway)(nil)
	_ release.Secrets    = (*Gateway)(nil)
)

// PutMTA records what the MTA did with a quarantined message; a second
// record for one entry (a spooled record replayed) changes nothing.
func (g *Gateway) PutMTA(ctx context.Context, m quarantine.MTA) error {
	_, err := g.db.Exec(ctx, `INSERT INTO quarantine_mta (quarantine_id, mta_queue_id, mta_hold, truncated, release_of, node)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (quarantine_id) DO NOTHING`, m.ID, m.MTAQueueID, boolInt(m.MTAHold), boolInt(m.Truncated), m.ReleaseOf, m.Node)
	if err != nil {
		return fmt.Errorf("store: quarantine_mta %s: %w", m.ID, err)
	}
	return nil
}

// MTA returns what was recorded for a quarantine entry; an entry without
// a record (quarantined before, or by the API) gives the zero value.
func (g *Gateway) MTA(ctx context.Context, id string) (quarantine.MTA, error) {
	m := quarantine.MTA{ID: id}
	var hold, trunc int
	err := g.db.QueryRow(ctx, `SELECT mta_queue_id, mta_hold, truncated, release_of, node FROM quarantine_mta
		WHERE quarantine_id = ?`, id).Scan(&m.MTAQueueID, &hold, &trunc, &m.ReleaseOf, &m.Node)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("store: quarantine_mta %s: %w", id, err)
	}
	m.MTAHold, m.Truncated = hold != 0, trunc != 0
	return m, nil
}

// HeldBySHA256 returns the newest held entry whose bytes have that
// SHA-256, or ErrNotFound.
func (g *Gateway) HeldBySHA256(ctx context.Context, sum string) (quarantine.Entry, error) {
	r, err := scanQuarantine(g.db.QueryRow(ctx, `SELECT `+quarantineCols+` FROM quarantine
		WHERE sha256 = ? AND released_at IS NULL AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`, sum))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("store: quarantine by sha256: %w", err)
	}
	return r, nil
}

// ReleasedAgain returns the entries created at or after since that carried
// a release of the message with SHA-256 sum: a release that looped back
// into the quarantine.
func (g *Gateway) ReleasedAgain(ctx context.Context, sum string, since time.Time) ([]string, error) {
	rows, err := g.db.Query(ctx, `SELECT m.quarantine_id FROM quarantine_mta m JOIN quarantine q ON q.id = m.quarantine_id
		WHERE m.release_of = ? AND q.created_at >= ? ORDER BY q.created_at`, sum, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("store: released again: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: released again: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Secret returns the secret called name, storing the one generate makes
// when there is none yet (every node of a database then shares it).
func (g *Gateway) Secret(ctx context.Context, name string, generate func() (string, error)) (string, error) {
	var v string
	err := g.db.QueryRow(ctx, `SELECT value FROM gateway_secrets WHERE name = ?`, name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: secret %s: %w", name, err)
	}
	fresh, err := generate()
	if err != nil {
		return "", err
	}
	if _, err := g.db.Exec(ctx, `INSERT INTO gateway_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
		return "", fmt.Errorf("store: secret %s: %w", name, err)
	}
	if err := g.db.QueryRow(ctx, `SELECT value FROM gateway_secrets WHERE name = ?`, name).Scan(&v); err != nil {
		return "", fmt.Errorf("store: secret %s: %w", name, err)
	}
	return v, nil
}
