package quarantine

import (
	"context"
	"time"
)

// Entry is a quarantined message's metadata.
type Entry struct {
	ID         string
	CreatedAt  time.Time
	Frontend   string // milter, relay, api
	ClientIP   string
	MailFrom   string
	RcptTo     []string
	From       string
	Subject    string
	MessageID  string
	Score      float64
	Signals    []string
	Size       int64
	StoredSize int64
	SHA256     string
	// Path says where the compressed bytes are: a file relative to the
	// quarantine's directory, "" in the database (Bodies), "s3:" and a
	// key in the object store (Objects).
	Path       string
	ReleasedAt time.Time
	ReleasedBy string
	DeletedAt  time.Time
	DeletedBy  string
	FromName   string // the From header's display name
	// Verdict is the operator's decision: "phish" or "ham" ("" none yet).
	Verdict   string
	VerdictBy string
	VerdictAt time.Time
}

// Filter selects entries for List.
type Filter struct {
	Since time.Time // created at or after; zero: any
	// All includes released and deleted entries; by default only the
	// messages still held are listed.
	All   bool
	Limit int // 0: 100
}

// Query selects a page of the quarantine list, newest first.
// Paging is by keyset (the created_at and id of the page's edge), so the
// thousandth page costs what the first does.
type Query struct {
	Since, Until time.Time // created at or after Since, before Until; zero: unbounded
	// Text is searched in the subject, the sender (address and display
	// name, header and envelope) and the recipients; Subject, Sender and
	// Rcpt search one of them. All are case-insensitive substrings.
	Text, Subject, Sender, Rcpt string
	Signal                      string  // a signal name the verdict carried
	MinScore, MaxScore          float64 // 0: unbounded
	State                       string  // "" or "held", "released", "deleted", "all"
	// Before pages towards older entries, After towards newer ones; the
	// rows come back newest first either way.
	Before, After *Cursor
	Limit         int // 0: 50
}

// Cursor is the edge of a page: an entry's time and id.
type Cursor struct {
	At time.Time
	ID string
}

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

// MTA is what the gateway knows of a quarantined message beside its
// Entry: what the MTA did with it.
type MTA struct {
	ID         string // the quarantine entry
	MTAQueueID string // Postfix's queue id (milter) or the relay's
	MTAHold    bool   // Postfix holds a copy too (postsuper -H releases it)
	Truncated  bool   // our copy is only the scanned part of an oversize message
	ReleaseOf  string // SHA-256 named by the X-Vigie-Release field it carried
	// Node is the gateway node that received it (whose Postfix holds the
	// copy in hold mode); "" when recorded before nodes were named.
	Node string
}

// MTARepository records what the MTA did with held messages (package
// store implements it); a second record for one entry changes nothing.
type MTARepository interface {
	PutMTA(ctx context.Context, m MTA) error
}

// Repository keeps the entries' metadata and the operators' decisions
// (package store implements it over SQLite and PostgreSQL). Get and the
// Mark methods return an error wrapping dberr.ErrNotFound when there is no
// such entry, or none in the state the change needs.
type Repository interface {
	Insert(ctx context.Context, e Entry) error
	Get(ctx context.Context, id string) (Entry, error)
	// List returns entries, newest first.
	List(ctx context.Context, f Filter) ([]Entry, error)
	// Page returns a page of entries, newest first, and whether more
	// lie beyond it; Count counts what q selects, up to max (0: all).
	Page(ctx context.Context, q Query) ([]Entry, bool, error)
	Count(ctx context.Context, q Query, max int) (int, error)
	// Stored returns the entries whose bytes are still kept, oldest first.
	Stored(ctx context.Context) ([]Entry, error)
	// Held counts the messages still held and their original bytes.
	Held(ctx context.Context) (n int, bytes int64, err error)
	// MarkReleased needs a held entry; MarkDeleted one not deleted yet.
	MarkReleased(ctx context.Context, id, by string, at time.Time) error
	// Claim marks a held entry as being released by `by` until `until`
	// (several consoles or nodes may try at once): a *BusyError when
	// another claim on it has not expired at now, dberr.ErrNotFound when
	// it is not held. Unclaim ends by's claim (a failed delivery).
	Claim(ctx context.Context, id, by string, now, until time.Time) error
	Unclaim(ctx context.Context, id, by string) error
	MarkDeleted(ctx context.Context, id, by string, at time.Time) error
	MarkVerdict(ctx context.Context, id, verdict, by string, at time.Time) error

	// AddDecision records a decision and returns its id; the pending
	// ones (not learned yet) come back oldest first with their messages,
	// the recent ones and those on one entry without.
	AddDecision(ctx context.Context, d Decision) (int64, error)
	PendingDecisions(ctx context.Context, limit int) ([]Decision, error)
	RecentDecisions(ctx context.Context, limit int) ([]Decision, error)
	DecisionsFor(ctx context.Context, id string) ([]Decision, error)
	MarkLearned(ctx context.Context, decision int64, at time.Time) error
}

// Request is an end user's request, from their digest, to receive
// a held message.
type Request struct {
	ID           int64     `json:"id"`
	QuarantineID string    `json:"quarantine_id"`
	Rcpt         string    `json:"rcpt"`
	RequestedAt  time.Time `json:"requested_at"`
	ClientIP     string    `json:"client_ip,omitempty"`
	Status       string    `json:"status"` // pending, released, refused
	DecidedBy    string    `json:"decided_by,omitempty"`
	DecidedAt    time.Time `json:"decided_at,omitzero"`
}

// Requests keeps the end users' release requests and what their digests
// listed (package store implements it). Get and Find return an error
// wrapping dberr.ErrNotFound when there is no such request.
type Requests interface {
	// Request records a request, or returns the one already made for
	// the same message and recipient (a link clicked twice is one).
	Request(ctx context.Context, id, rcpt, clientIP string, at time.Time) (Request, error)
	Get(ctx context.Context, request int64) (Request, error)
	Find(ctx context.Context, id, rcpt string) (Request, error)
	// List returns the requests in a status ("" all), newest first.
	List(ctx context.Context, status string, limit int) ([]Request, error)
	// Decide closes a pending request (dberr.ErrNotFound if it is not).
	Decide(ctx context.Context, request int64, status, by string, at time.Time) error
	// DigestListed is when a recipient's last digest listed messages up
	// to; DigestSent records a digest sent.
	DigestListed(ctx context.Context, rcpt string) (time.Time, error)
	DigestSent(ctx context.Context, rcpt string, listedTo, at time.Time) error
}

// Bodies keeps the held messages' compressed bytes in the database itself
// (package store implements it), for a store several gateway nodes share:
// any node then reads, releases and deletes any held message, and a lost
// node loses none. An entry whose bytes are there has an empty Path.
// Repository.MarkDeleted drops the bytes with the entry's state.
type Bodies interface {
	// InsertWithBody records e and its gzip-compressed bytes in one
	// transaction; an entry already recorded under e.ID is left as it is
	// (a copy spooled during an outage may be replayed twice).
	InsertWithBody(ctx context.Context, e Entry, gz []byte) error
	// Body returns the compressed bytes (dberr.ErrNotFound: none kept).
	Body(ctx context.Context, id string) ([]byte, error)
}
