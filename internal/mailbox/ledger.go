package mailbox

import (
	"context"
	"time"

	"vigie.dev/vigie/internal/ir/journal"
)

// Action is one line of the ledger of what Vigie did in mailboxes.
type Action struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"incident_id"`
	Run        string    `json:"run"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Kind       string    `json:"kind"` // purge, restore, disable
	Connector  string    `json:"connector"`
	Mailbox    string    `json:"mailbox"`
	Folder     string    `json:"folder,omitempty"` // where the message was
	Dest       string    `json:"dest,omitempty"`   // where it went
	MessageID  string    `json:"message_id,omitempty"`
	SHA256     string    `json:"sha256,omitempty"`
	Ref        string    `json:"ref,omitempty"` // the server's id in Dest, or the rule id
	Status     string    `json:"status"`
	Detail     string    `json:"detail,omitempty"`
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
	StatusManual   = "manual"    // selected to disable, left to a person: the system can only delete it
)

// Ledger stores actions (package store implements it).
type Ledger interface {
	Record(ctx context.Context, a Action) (int64, error)
	Actions(ctx context.Context, incidentID int64, kind, status string) ([]Action, error)
	SetStatus(ctx context.Context, id int64, status, detail string) error
}

// Journal is the incident's main courante (incident.Service).
type Journal interface {
	Log(ctx context.Context, id int64, d journal.Draft) (journal.Entry, error)
}
