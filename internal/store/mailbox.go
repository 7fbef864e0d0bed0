package store

import (
	"context"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/mailbox"
)

var _ mailbox.Ledger = (*MailboxLedger)(nil)

// MailboxLedger is the repository of mailbox actions (mailbox.Ledger).
type MailboxLedger struct{ db *DB }

// MailboxLedger returns the ledger of db.
func (db *DB) MailboxLedger() *MailboxLedger { return &MailboxLedger{db: db} }

// Record stores an action and returns its id.
func (l *MailboxLedger) Record(ctx context.Context, a mailbox.Action) (int64, error) {
	var id int64
	err := l.db.QueryRow(ctx, `INSERT INTO mailbox_actions (incident_id, run, at, actor, kind, connector, mailbox, folder,
		dest, message_id, sha256, ref, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.IncidentID, a.Run, a.At.UnixMilli(), a.Actor, a.Kind, a.Connector, a.Mailbox, a.Folder, a.Dest, a.MessageID,
		a.SHA256, a.Ref, a.Status, a.Detail).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: mailbox action: %w", err)
	}
	return id, nil
}

// Actions returns an incident's actions of one kind ("" for all) and one
// status ("" for all), oldest first.
func (l *MailboxLedger) Actions(ctx context.Context, incidentID int64, kind, status string) ([]mailbox.Action, error) {
	rows, err := l.db.Query(ctx, `SELECT id, incident_id, run, at, actor, kind, connector, mailbox, folder, dest, message_id,
		sha256, ref, status, detail FROM mailbox_actions WHERE incident_id = ? AND (? = '' OR kind = ?) AND (? = '' OR status = ?)
		ORDER BY id`, incidentID, kind, kind, status, status)
	if err != nil {
		return nil, fmt.Errorf("store: mailbox actions: %w", err)
	}
	defer rows.Close()
	var out []mailbox.Action
	for rows.Next() {
		var a mailbox.Action
		var at int64
		if err := rows.Scan(&a.ID, &a.IncidentID, &a.Run, &at, &a.Actor, &a.Kind, &a.Connector, &a.Mailbox, &a.Folder,
			&a.Dest, &a.MessageID, &a.SHA256, &a.Ref, &a.Status, &a.Detail); err != nil {
			return nil, fmt.Errorf("store: mailbox actions: %w", err)
		}
		a.At = time.UnixMilli(at).UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetStatus changes an action's status (a purge undone by a restore).
func (l *MailboxLedger) SetStatus(ctx context.Context, id int64, status, detail string) error {
	if _, err := l.db.Exec(ctx, `UPDATE mailbox_actions SET status = ?, detail = ? WHERE id = ?`, status, detail, id); err != nil {
		return fmt.Errorf("store: mailbox action %d: %w", id, err)
	}
	return nil
}
