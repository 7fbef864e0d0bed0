package incident

import (
	"context"
	"errors"
	"time"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/scan"
)

// ErrNotFound is returned for an unknown incident or checklist item.
var ErrNotFound = errors.New("incident: not found")

// Repository stores incidents. Every change goes through Update, which
// runs with the incident locked against other writers (in this process and
// in others sharing the database) so the journal chain stays linear.
// internal/store implements it on SQLite and PostgreSQL.
type Repository interface {
	// Create stores a new incident with its checklist, then runs fn (which
	// writes the first journal entry) in the same transaction, and returns
	// the incident with its number.
	Create(ctx context.Context, inc Incident, items []ChecklistItem, fn func(Tx) error) (Incident, error)
	Get(ctx context.Context, id int64) (Incident, error)
	List(ctx context.Context, f ListFilter) ([]Incident, error)
	// Load reads the whole case (ChecklistItem.Def left empty).
	Load(ctx context.Context, id int64) (Case, error)
	// Update runs fn in a transaction holding the incident's lock; an
	// error from fn rolls everything back, journal entries included.
	Update(ctx context.Context, id int64, fn func(Tx) error) error
}

// Tx is the view of one incident inside Repository.Update.
type Tx interface {
	Incident() Incident
	SaveIncident(ctx context.Context, inc Incident) error
	Checklist(ctx context.Context) ([]ChecklistItem, error)
	SaveItem(ctx context.Context, it ChecklistItem) error
	Evidence(ctx context.Context) ([]evidence.Record, error)
	AddEvidence(ctx context.Context, r evidence.Record) (evidence.Record, error)
	Indicators(ctx context.Context) ([]Indicator, error)
	// SaveIndicator inserts a new (kind, value) or updates the existing one.
	SaveIndicator(ctx context.Context, ind Indicator) (Indicator, error)
	// Last returns the incident's newest journal entry (nil for none).
	Last(ctx context.Context) (*journal.Entry, error)
	// Append stores a sealed entry that follows Last; the incident's
	// journal head moves to it.
	Append(ctx context.Context, e journal.Entry) error
}

// Push asks the indicator store to add one indicator.
type Push struct {
	Kind    string
	Value   string
	Mode    string        // block or watch
	TTL     time.Duration // 0: the store's default for incident blocks
	Source  string        // "incident:N"
	Reason  string
	AddedBy string
}

// PushResult is what the indicator store kept.
type PushResult struct {
	ID        int64
	Value     string // as normalised by the store
	ExpiresAt time.Time
}

// IndicatorSink is the indicator store the gateway reads (internal/ioc).
type IndicatorSink interface {
	AddIndicator(ctx context.Context, p Push) (PushResult, error)
}

// Scanner scans a reported message (scan.Scanner).
type Scanner interface {
	Scan(ctx context.Context, raw []byte, env scan.Envelope) *scan.Verdict
}

// TraceQuery selects trace records that carry any of the observables.
type TraceQuery struct {
	Since, Until time.Time
	Senders      []string // e-mail addresses (From, envelope, Reply-To)
	IPs          []string
	Domains      []string // sender or URL domains, subdomains included
	Hosts        []string // exact URL hosts
	URLs         []string
	SHA256       []string
	Fuzzy        []string
}

// TraceRecord is one message of the trace that matched.
type TraceRecord struct {
	Time       time.Time `json:"time"`
	MessageID  string    `json:"message_id,omitempty"`
	From       string    `json:"from,omitempty"`
	MailFrom   string    `json:"mail_from,omitempty"`
	ClientIP   string    `json:"client_ip,omitempty"`
	Subject    string    `json:"subject,omitempty"`
	Recipients []string  `json:"recipients"`
	Action     string    `json:"action"`            // delivered, tagged, quarantined, rejected
	Matched    []string  `json:"matched,omitempty"` // the observables that matched
	Score      float64   `json:"score,omitempty"`
	Signals    []string  `json:"signals,omitempty"` // the verdict's signals
}

// TraceSearcher searches the message trace (internal/trace).
type TraceSearcher interface {
	Search(ctx context.Context, q TraceQuery) ([]TraceRecord, error)
}
