package posture

import (
	"context"
	"time"
)

// Run is one stored audit: a posture report of a domain or a
// selftest run through a relay, as JSON.
type Run struct {
	ID      int64     `json:"id"`
	Kind    string    `json:"kind"` // posture, selftest
	Subject string    `json:"subject"`
	At      time.Time `json:"at"`
	Worst   string    `json:"worst"`
	Body    []byte    `json:"-"`
}

// Runs keeps the audits (package store implements it).
type Runs interface {
	// Add stores a run and returns its id.
	Add(ctx context.Context, r Run) (int64, error)
	// Latest returns the newest run of a kind for each subject, newest
	// first.
	Latest(ctx context.Context, kind string) ([]Run, error)
}
