package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/weights"
)

// ChannelWeights is the change channel of the learned weights.
const ChannelWeights = "weights"

// Weights is the repository of the learned models (weights.Repository).
type Weights struct{ db *DB }

// Weights returns the learned-weights repository of db.
func (db *DB) Weights() *Weights { return &Weights{db: db} }

var _ weights.Repository = (*Weights)(nil)

// SaveModel records model as the current one.
func (w *Weights) SaveModel(ctx context.Context, model []byte, by string, at time.Time) (int64, error) {
	var id int64
	err := w.db.InTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO learned_weights (created_at, created_by, model) VALUES (?, ?, ?) RETURNING id`,
			at.UnixMilli(), by, string(model)).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Changed(ctx, ChannelWeights)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: save learned weights: %w", err)
	}
	return id, nil
}

// CurrentModel returns the latest model and its id, or id 0.
func (w *Weights) CurrentModel(ctx context.Context) ([]byte, int64, error) {
	var id int64
	var model string
	err := w.db.QueryRow(ctx, `SELECT id, model FROM learned_weights ORDER BY id DESC LIMIT 1`).Scan(&id, &model)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: learned weights: %w", err)
	}
	return []byte(model), id, nil
}

// Watch signals changes of the learned weights.
func (w *Weights) Watch(ctx context.Context) <-chan struct{} { return w.db.Watch(ctx, ChannelWeights) }
