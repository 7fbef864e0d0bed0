package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/ioc"
)

// Journal appends an event; a zero At means now.
func (r *Indicators) Journal(ctx context.Context, e ioc.Event) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	var id any
	if e.IndicatorID > 0 {
		id = e.IndicatorID
	}
	_, err := r.db.Exec(ctx, `INSERT INTO indicator_events (at, actor, action, kind, value, indicator_id, reason, detail)
		VALUES (?,?,?,?,?,?,?,?)`, e.At.UnixMilli(), e.Actor, e.Action, e.Kind, e.Value, id, e.Reason, e.Detail)
	if err != nil {
		return fmt.Errorf("store: journal %s %s: %w", e.Action, e.Value, err)
	}
	return nil
}

// Events returns the journal entries about value ("" for all), newest
// first, at most limit (0: 1000).
func (r *Indicators) Events(ctx context.Context, value string, limit int) ([]ioc.Event, error) {
	if limit <= 0 {
		limit = 1000
	}
	q := `SELECT id, at, actor, action, kind, value, indicator_id, reason, detail FROM indicator_events`
	var args []any
	if value != "" {
		q += ` WHERE value = ?`
		args = append(args, value)
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit)
	rows, err := r.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: indicator journal: %w", err)
	}
	defer rows.Close()
	var out []ioc.Event
	for rows.Next() {
		var e ioc.Event
		var at int64
		var id sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Kind, &e.Value, &id, &e.Reason, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: indicator journal: %w", err)
		}
		e.At, e.IndicatorID = time.UnixMilli(at), id.Int64
		out = append(out, e)
	}
	return out, rows.Err()
}
