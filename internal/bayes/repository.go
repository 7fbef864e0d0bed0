package bayes

import (
	"context"
	"errors"
)

// ErrOtherTokenizer is returned when learning into a model that another
// tokenizer version built: the two sets of hashes cannot be mixed.
var ErrOtherTokenizer = errors.New("bayes: the stored model was learned with another tokenizer version")

// StoreState is the stored model's totals.
type StoreState struct {
	Phish, Ham int64 // messages learned
	// Generation changes when rows are deleted (pruning, reset): a reader
	// holding a copy must then reload it all.
	Generation int64
	Tokenizer  int // version of the tokenizer that built the model, 0 when empty
}

// TokenRow is one feature's counts as stored.
type TokenRow struct {
	Hash       uint64
	Phish, Ham int64
}

// Sample is one message to learn: its digest (the same content has
// the same digest), its class ("phish" or "ham"; "" forgets it) and its
// distinct feature hashes.
type Sample struct {
	Digest string
	Class  string
	Hashes []uint64
	Source string // "cli", "quarantine-release", "autolearn"...
	By     string
	// Defers marks a user's report or autolearn's judgement: it does not
	// overrule a person's decision. A message taught as the other class
	// by any source but autolearn stays as it is, OutcomeKept.
	Defers bool
}

// Outcome says what learning one sample did.
type Outcome string

const (
	OutcomeLearned   Outcome = "learned"
	OutcomeDuplicate Outcome = "duplicate" // already learned as that class
	OutcomeRelearned Outcome = "relearned" // was learned as the other class
	OutcomeForgotten Outcome = "forgotten"
	OutcomeUnknown   Outcome = "unknown" // forgetting a message never learned
	OutcomeKept      Outcome = "kept"    // a deferring sample met a person's decision the other way
)

// Taught counts the messages one source taught as one class.
type Taught struct {
	Source, Class string
	Messages      int
}

// Repository keeps the site's model: totals, per-feature counts with the
// revision of their last change, and the digests of the messages learned
// (package store implements it over SQLite and PostgreSQL).
type Repository interface {
	State(ctx context.Context) (StoreState, error)
	TokenCount(ctx context.Context) (int64, error)
	// Tokens calls fn with every feature changed after revision since and
	// returns the revision reached.
	Tokens(ctx context.Context, since int64, fn func(TokenRow) error) (int64, error)
	// Taught counts the messages learned by source and class.
	Taught(ctx context.Context) ([]Taught, error)
	// Learned returns the class a message digest was learned as ("" none).
	Learned(ctx context.Context, digest string) (string, error)
	// Learn applies samples in one transaction and says what each did;
	// it returns ErrOtherTokenizer into a model another version built.
	Learn(ctx context.Context, tokenizer int, samples []Sample) ([]Outcome, error)
	// Prune deletes the rarest and oldest features down to keep once
	// there are more than limit; Reset empties the model.
	Prune(ctx context.Context, limit, keep int64) (int64, error)
	Reset(ctx context.Context) error
	// Watch signals, best effort, that some node changed the model.
	Watch(ctx context.Context) <-chan struct{}
}
