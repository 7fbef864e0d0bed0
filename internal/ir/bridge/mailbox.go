package bridge

import (
	"context"

	"vigie.dev/vigie/internal/mailbox"
	"vigie.dev/vigie/internal/store"
)

// MailboxLedger adapts the store's mailbox ledger to mailbox.Ledger.
type MailboxLedger struct{ L *store.MailboxLedger }

// Record implements mailbox.Ledger.
func (b MailboxLedger) Record(ctx context.Context, a mailbox.Action) (int64, error) {
	return b.L.Record(ctx, store.MailboxAction(a))
}

// Actions implements mailbox.Ledger.
func (b MailboxLedger) Actions(ctx context.Context, incidentID int64, kind, status string) ([]mailbox.Action, error) {
	rows, err := b.L.Actions(ctx, incidentID, kind, status)
	out := make([]mailbox.Action, len(rows))
	for i, r := range rows {
		out[i] = mailbox.Action(r)
	}
	return out, err
}

// SetStatus implements mailbox.Ledger.
func (b MailboxLedger) SetStatus(ctx context.Context, id int64, status, detail string) error {
	return b.L.SetStatus(ctx, id, status, detail)
}
