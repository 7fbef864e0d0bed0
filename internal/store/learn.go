package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/quarantine"
)

// AddDecision records a decision and returns its id.
func (d *Quarantine) AddDecision(ctx context.Context, x quarantine.Decision) (int64, error) {
	var id int64
	err := d.db.QueryRow(ctx, `INSERT INTO learn_decisions (at, actor, quarantine_id, class, action, sha256, message, learned_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		x.At.UnixMilli(), x.Actor, x.QuarantineID, x.Class, x.Action, x.SHA256, x.Message, millis(x.LearnedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: add decision on %s: %w", x.QuarantineID, err)
	}
	return id, nil
}

// PendingDecisions returns up to limit decisions the classifier has not learned
// yet, oldest first, with their messages.
func (d *Quarantine) PendingDecisions(ctx context.Context, limit int) ([]quarantine.Decision, error) {
	return d.decisions(ctx, `WHERE learned_at IS NULL ORDER BY id LIMIT ?`, true, limit)
}

// RecentDecisions returns the latest decisions, newest first, without messages.
func (d *Quarantine) RecentDecisions(ctx context.Context, limit int) ([]quarantine.Decision, error) {
	return d.decisions(ctx, `ORDER BY id DESC LIMIT ?`, false, limit)
}

// DecisionsFor returns the decisions taken on one quarantined message.
func (d *Quarantine) DecisionsFor(ctx context.Context, qid string) ([]quarantine.Decision, error) {
	return d.decisions(ctx, `WHERE quarantine_id = ? ORDER BY id`, false, qid)
}

func (d *Quarantine) decisions(ctx context.Context, tail string, withMessage bool, arg any) ([]quarantine.Decision, error) {
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
	var out []quarantine.Decision
	for rows.Next() {
		var (
			x       quarantine.Decision
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
func (d *Quarantine) MarkLearned(ctx context.Context, id int64, at time.Time) error {
	if _, err := d.db.Exec(ctx, `UPDATE learn_decisions SET learned_at = ? WHERE id = ?`, at.UnixMilli(), id); err != nil {
		return fmt.Errorf("store: mark decision %d learned: %w", id, err)
	}
	return nil
}
