package mailbox

import (
	"context"
	"time"

	"vigie.dev/vigie/internal/ir/journal"
)

// Action is one line of the ledger of what Vigie did in mailboxes.
type Action struct {
	ID         int64
	IncidentID int64
	Run        string
	At         time.Time
	Actor      string
	Kind       string // purge, restore, disable
	Connector  string
	Mailbox    string
	Folder     string // where the message was
	Dest       string // where it went
	MessageID  string
	SHA256     string
	Ref        string // the server's id in Dest, or the rule id
	Status     string
	Detail     string
}

// Action kinds and statuses.
const (
	KindPurge   = "purge"
	KindRestore = "restore"
	KindDisable = "disable"

	StatusDone     = "done"
	StatusRestored = "restored"  // a purge undone
	StatusFailed   = "failed"    // the mailbox or message could not be treated
	StatusNotFound = "not-found" // no copy left where it was expected
	StatusAlready  = "already"   // already in the quarantine folder
)

// Ledger stores actions (internal/store.MailboxLedger).
type Ledger interface {
	Record(ctx context.Context, a Action) (int64, error)
	Actions(ctx context.Context, incidentID int64, kind, status string) ([]Action, error)
	SetStatus(ctx context.Context, id int64, status, detail string) error
}

// Journal is the incident's main courante (incident.Service).
type Journal interface {
	Log(ctx context.Context, id int64, d journal.Draft) (journal.Entry, error)
}
