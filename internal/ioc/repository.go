package ioc

import (
	"context"
	"time"
)

// Row is one indicator as the repository keeps it: kinds and modes as
// plain strings, tags joined by commas, a zero time for NULL. Indicator is
// the same indicator for everyone else (fromRow and toRow convert).
type Row struct {
	ID        int64
	Kind      string
	Value     string
	Mode      string
	Source    string
	Reason    string
	AddedBy   string
	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time
	RemovedAt time.Time
	RemovedBy string
	Hits      int64
	LastHitAt time.Time
	Rev       int64 // revision of the last change that touched the row

	Tags       string // comma-separated, lower-case
	Confidence int    // 1-100; 0 unknown (stored NULL)
	TLP        string // clear, green, amber, amber+strict, red; "" unmarked
	FirstHitAt time.Time
	Code       int // DNSBL answer 127.0.0.Code given by an rbldnsd zone; 0: by mode and source
}

// RowFilter selects rows for List, Each and Count. The zero value
// selects live (not removed, not expired at Now) indicators of every kind.
type RowFilter struct {
	Kind    string
	Mode    string
	Source  string
	Value   string    // exact value
	History bool      // include removed and expired rows
	Now     time.Time // expiry reference; zero means time.Now()
	AfterID int64     // keyset pagination: only ids > AfterID
	Limit   int       // 0: no limit
}

// Event is one entry of the indicator journal: who did what to
// which value, and why. The journal is append-only.
type Event struct {
	ID          int64
	At          time.Time
	Actor       string
	Action      string // e.g. "force-add", "remove", "refuse"
	Kind        string
	Value       string
	IndicatorID int64
	Reason      string // the person's reason
	Detail      string // what Vigie adds (the guard's finding...)
}

// Sighting is what a backup says of an indicator's hits.
type Sighting struct {
	Hits        int64
	First, Last time.Time
}

// LearnedAsset is one asset of the organisation learned at work (see
// migration 0047 of package store): a trusted relay's address.
type LearnedAsset struct {
	Kind, Value, Source string
	FirstSeen, LastSeen time.Time
}

// Repository keeps the indicators, their history and journal (package
// store implements it over SQLite and PostgreSQL; every node of a cluster
// sees the same rows). Get returns an error wrapping dberr.ErrNotFound for
// a missing id, the id-taking updates for a missing or no longer live one.
type Repository interface {
	// Upsert adds live rows, merging each into the live row of the same
	// kind and value without ever weakening it, and returns their ids.
	Upsert(ctx context.Context, rows []Row) ([]int64, error)
	Get(ctx context.Context, id int64) (Row, error)
	// Each streams the rows f selects in id order; fn must not call the
	// repository.
	Each(ctx context.Context, f RowFilter, fn func(*Row) error) error
	List(ctx context.Context, f RowFilter) ([]Row, error)
	Count(ctx context.Context, f RowFilter) (int64, error)
	// Changes calls fn with every row changed after revision since and
	// returns the revision reached (the matcher's incremental sync).
	Changes(ctx context.Context, since int64, fn func(*Row) error) (int64, error)
	Remove(ctx context.Context, id int64, by string, at time.Time) error
	SetMode(ctx context.Context, id int64, mode string) error
	SetExpiry(ctx context.Context, id int64, expires time.Time) error
	// RecordHits adds sightings (hits by id) seen at a time.
	RecordHits(ctx context.Context, hits map[int64]int64, at time.Time) error
	// InsertHistory restores removed and expired rows of a backup, once;
	// MergeSightings raises live rows' sightings to a backup's.
	InsertHistory(ctx context.Context, rows []Row) (int, error)
	MergeSightings(ctx context.Context, s map[int64]Sighting) error
	// Journal appends to the indicator journal; Events reads it, newest
	// first, for one value or all ("").
	Journal(ctx context.Context, e Event) error
	Events(ctx context.Context, value string, limit int) ([]Event, error)
	// Watch signals, best effort, that some node changed the indicators.
	Watch(ctx context.Context) <-chan struct{}
}

// LearnedAssetLister lists the organisation's assets learned at work.
type LearnedAssetLister interface {
	List(ctx context.Context) ([]LearnedAsset, error)
}
