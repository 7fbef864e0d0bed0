package weights

import (
	"context"
	"time"
)

// Repository keeps the site's learned model in the database every gateway
// node reads (package store implements it), for policy.learned: store.
type Repository interface {
	// SaveModel records a model file (Marshal's output) as the current
	// one and returns its id; every node is told (Watch).
	SaveModel(ctx context.Context, model []byte, by string, at time.Time) (int64, error)
	// CurrentModel returns the latest model saved and its id (0: none).
	CurrentModel(ctx context.Context) (model []byte, id int64, err error)
	// Watch signals, until ctx ends, that the current model may have
	// changed (on this node at once, on the others within a second).
	Watch(ctx context.Context) <-chan struct{}
}
