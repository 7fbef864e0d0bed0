package mailboxtest

import (
	"context"
	"sync"

	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/mailbox"
)

// Ledger is an in-memory mailbox.Ledger for the connectors' tests (the
// real one is internal/store's).
type Ledger struct {
	mu   sync.Mutex
	rows []mailbox.Action
}

// Record implements mailbox.Ledger.
func (l *Ledger) Record(_ context.Context, a mailbox.Action) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a.ID = int64(len(l.rows) + 1)
	l.rows = append(l.rows, a)
	return a.ID, nil
}

// Actions implements mailbox.Ledger.
func (l *Ledger) Actions(_ context.Context, incident int64, kind, status string) ([]mailbox.Action, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []mailbox.Action
	for _, a := range l.rows {
		if a.IncidentID == incident && (kind == "" || a.Kind == kind) && (status == "" || a.Status == status) {
			out = append(out, a)
		}
	}
	return out, nil
}

// SetStatus implements mailbox.Ledger.
func (l *Ledger) SetStatus(_ context.Context, id int64, status, detail string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if id >= 1 && int(id) <= len(l.rows) {
		l.rows[id-1].Status, l.rows[id-1].Detail = status, detail
	}
	return nil
}

// Journal is an in-memory mailbox.Journal: the drafts written, in order.
type Journal struct {
	mu     sync.Mutex
	Drafts []journal.Draft
}

// Log implements mailbox.Journal.
func (j *Journal) Log(_ context.Context, _ int64, d journal.Draft) (journal.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.Drafts = append(j.Drafts, d)
	return journal.Entry{}, nil
}

// Texts returns the drafts' texts.
func (j *Journal) Texts() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]string, len(j.Drafts))
	for i, d := range j.Drafts {
		out[i] = d.Text
	}
	return out
}
