package store

import (
	"context"
	"fmt"
	"time"
)

// MailboxAction is one line of the mailbox ledger: a message moved, a rule
// disabled, or a mailbox that could not be treated.
type MailboxAction struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"incident_id"`
	Run        string    `json:"run"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Kind       string    `json:"kind"`
	Connector  string    `json:"connector"`
	Mailbox    string    `json:"mailbox"`
	Folder     string    `json:"folder,omitempty"`
	Dest       string    `json:"dest,omitempty"`
	MessageID  string    `json:"message_id,omitempty"`
	SHA256     string    `json:"sha256,omitempty"`
	Ref        string    `json:"ref,omitempty"`
	Status     string    `json:"status"`
	Detail     string    `json:"detail,omitempty"`
}

// MailboxLedger is the repository of mailbox actions.
type MailboxLedger struct{ db *DB }

// MailboxLedger returns the ledger of db.
func (db *DB) MailboxLedger() *MailboxLedger { return &MailboxLedger{db: db} }

// Record stores an action and returns its id.
func (l *MailboxLedger) Record(ctx context.Context, a MailboxAction) (int64, error) {
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
func (l *MailboxLedger) Actions(ctx context.Context, incidentID int64, kind, status string) ([]MailboxAction, error) {
	rows, err := l.db.Query(ctx, `SELECT id, incident_id, run, at, actor, kind, connector, mailbox, folder, dest, message_id,
		sha256, ref, status, detail FROM mailbox_actions WHERE incident_id = ? AND (? = '' OR kind = ?) AND (? = '' OR status = ?)
		ORDER BY id`, incidentID, kind, kind, status, status)
	if err != nil {
		return nil, fmt.Errorf("store: mailbox actions: %w", err)
	}
	defer rows.Close()
	var out []MailboxAction
	for rows.Next() {
		var a MailboxAction
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
