package trace

import (
	"context"
	"time"
)

// Row is a record as the repository keeps it: what the gateway saw and
// decided for one scanned message. Terms are its searchable values, derived from
// the other fields (Record.terms).
type Row struct {
	ID           int64
	At           time.Time
	Frontend     string
	QueueID      string // the MTA's queue id (milter) or ours (relay)
	ClientIP     string
	HELO         string
	MailFrom     string
	RcptTo       []string
	From         string
	Subject      string
	MessageID    string
	Action       string
	Score        float64
	Signals      []string
	URLs         []string
	Domains      []string
	Attachments  []string // SHA-256
	Fuzzy        string
	QuarantineID string
	Terms        []Term
	// UID identifies the record across retries: a record inserted twice
	// (replayed from the spool after a crash) is stored once. "" for none.
	UID string
}

// Term is one searchable value of a trace record.
type Term struct {
	Kind  string // sender, rcpt, domain, url, ip, hash
	Value string
}

// Filter selects trace records; set fields are ANDed.
type Filter struct {
	Terms  []Term // each must match (url also matches as a prefix)
	Since  time.Time
	Until  time.Time
	Action string
	Limit  int // 0: 1000
}

// Summary is what the console's dashboard counts of one record.
type Summary struct {
	At                       time.Time
	Action                   string
	Signals                  []string
	From, MailFrom, ClientIP string
}

// Repository keeps the trace (package store implements it over SQLite
// and PostgreSQL). Insert stores a row once per UID, however often it is
// given; Search returns rows newest first.
type Repository interface {
	Insert(ctx context.Context, rows []Row) error
	Search(ctx context.Context, f Filter) ([]Row, error)
	// Summaries calls fn with the records since a time, newest first, at
	// most limit of them; it stops when fn returns false.
	Summaries(ctx context.Context, since time.Time, limit int, fn func(Summary) bool) error
	// Purge deletes the rows older than before and counts them.
	Purge(ctx context.Context, before time.Time) (int64, error)
}
