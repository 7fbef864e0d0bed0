package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/gateway/allow"
)

var _ allow.Repository = (*Gateway)(nil)

// AddAllow records a rule and returns its id.
func (g *Gateway) AddAllow(ctx context.Context, r allow.Rule) (int64, error) {
	var id int64
	err := g.db.QueryRow(ctx, `INSERT INTO allow_rules (kind, value, max_action, reason, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.Kind, r.Value, r.MaxAction, r.Reason, r.CreatedBy,
		r.CreatedAt.UnixMilli(), millis(r.ExpiresAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: add allow rule: %w", err)
	}
	return id, nil
}

// RemoveAllow marks a rule removed; ErrNotFound when it is not active.
func (g *Gateway) RemoveAllow(ctx context.Context, id int64, by string, at time.Time) error {
	res, err := g.db.Exec(ctx, `UPDATE allow_rules SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL`,
		at.UnixMilli(), by, id)
	if err != nil {
		return fmt.Errorf("store: remove allow rule %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// AllowRules returns the rules not removed (all of them with all), oldest first.
func (g *Gateway) AllowRules(ctx context.Context, all bool) ([]allow.Rule, error) {
	q := `SELECT id, kind, value, max_action, reason, created_by, created_at, expires_at, removed_at, removed_by FROM allow_rules`
	if !all {
		q += ` WHERE removed_at IS NULL`
	}
	rows, err := g.db.Query(ctx, q+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: allow rules: %w", err)
	}
	defer rows.Close()
	var out []allow.Rule
	for rows.Next() {
		var (
			r                allow.Rule
			created          int64
			expires, removed sql.NullInt64
		)
		if err := rows.Scan(&r.ID, &r.Kind, &r.Value, &r.MaxAction, &r.Reason, &r.CreatedBy, &created, &expires, &removed, &r.RemovedBy); err != nil {
			return nil, fmt.Errorf("store: allow rules: %w", err)
		}
		r.CreatedAt = time.UnixMilli(created).UTC()
		r.ExpiresAt, r.RemovedAt = fromMillis(expires), fromMillis(removed)
		out = append(out, r)
	}
	return out, rows.Err()
}
