package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Decision is an operator's decision that teaches the classifier.
type Decision struct {
	ID           int64     `json:"id"`
	At           time.Time `json:"at"`
	Actor        string    `json:"actor"`
	QuarantineID string    `json:"quarantine_id"`
	Class        string    `json:"class"`  // phish or ham
	Action       string    `json:"action"` // release, phish, not-phish, request
	SHA256       string    `json:"sha256"`
	Message      []byte    `json:"-"` // gzip-compressed original
	LearnedAt    time.Time `json:"learned_at,omitzero"`
}

// Decisions is the repository of learning decisions.
type Decisions struct{ db *DB }

// Decisions returns the decisions repository of db.
func (db *DB) Decisions() *Decisions { return &Decisions{db: db} }

// Add records a decision and returns its id.
func (d *Decisions) Add(ctx context.Context, x Decision) (int64, error) {
	var id int64
	err := d.db.QueryRow(ctx, `INSERT INTO learn_decisions (at, actor, quarantine_id, class, action, sha256, message, learned_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		x.At.UnixMilli(), x.Actor, x.QuarantineID, x.Class, x.Action, x.SHA256, x.Message, millis(x.LearnedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: add decision on %s: %w", x.QuarantineID, err)
	}
	return id, nil
}

// Pending returns up to limit decisions the classifier has not learned
// yet, oldest first, with their messages.
func (d *Decisions) Pending(ctx context.Context, limit int) ([]Decision, error) {
	return d.list(ctx, `WHERE learned_at IS NULL ORDER BY id LIMIT ?`, true, limit)
}

// Recent returns the latest decisions, newest first, without messages.
func (d *Decisions) Recent(ctx context.Context, limit int) ([]Decision, error) {
	return d.list(ctx, `ORDER BY id DESC LIMIT ?`, false, limit)
}

// ForMessage returns the decisions taken on one quarantined message.
func (d *Decisions) ForMessage(ctx context.Context, qid string) ([]Decision, error) {
	return d.list(ctx, `WHERE quarantine_id = ? ORDER BY id`, false, qid)
}

func (d *Decisions) list(ctx context.Context, tail string, withMessage bool, arg any) ([]Decision, error) {
	msg := "x''"
	if d.db.dialect == Postgres {
		msg = "''::bytea"
	}
	if withMessage {
		msg = "message"
	}
	rows, err := d.db.Query(ctx, `SELECT id, at, actor, quarantine_id, class, action, sha256, `+msg+`, learned_at
		FROM learn_decisions `+tail, arg)
	if err != nil {
		return nil, fmt.Errorf("store: list decisions: %w", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var (
			x       Decision
			at      int64
			learned sql.NullInt64
		)
		if err := rows.Scan(&x.ID, &at, &x.Actor, &x.QuarantineID, &x.Class, &x.Action, &x.SHA256, &x.Message, &learned); err != nil {
			return nil, fmt.Errorf("store: list decisions: %w", err)
		}
		x.At, x.LearnedAt = time.UnixMilli(at).UTC(), fromMillis(learned)
		out = append(out, x)
	}
	return out, rows.Err()
}

// MarkLearned records that the classifier took decision id.
func (d *Decisions) MarkLearned(ctx context.Context, id int64, at time.Time) error {
	if _, err := d.db.Exec(ctx, `UPDATE learn_decisions SET learned_at = ? WHERE id = ?`, at.UnixMilli(), id); err != nil {
		return fmt.Errorf("store: mark decision %d learned: %w", id, err)
	}
	return nil
}
