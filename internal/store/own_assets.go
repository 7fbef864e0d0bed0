package store

import (
	"context"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/ioc"
)

// OwnAssets is the repository of learned own assets.
type OwnAssets struct{ db *DB }

// OwnAssets returns the learned-assets repository of db.
func (db *DB) OwnAssets() *OwnAssets { return &OwnAssets{db: db} }

var _ ioc.LearnedAssetLister = (*OwnAssets)(nil)

// Learn records that value (of kind) was seen as the organisation's at at.
func (r *OwnAssets) Learn(ctx context.Context, kind, value, source string, at time.Time) error {
	ms := at.UnixMilli()
	_, err := r.db.Exec(ctx, `INSERT INTO own_assets (kind, value, source, first_seen, last_seen) VALUES (?,?,?,?,?)
		ON CONFLICT (kind, value) DO UPDATE SET last_seen = CASE WHEN own_assets.last_seen < excluded.last_seen
			THEN excluded.last_seen ELSE own_assets.last_seen END`, kind, value, source, ms, ms)
	if err != nil {
		return fmt.Errorf("store: learn own asset %s %s: %w", kind, value, err)
	}
	return nil
}

// List returns every learned asset.
func (r *OwnAssets) List(ctx context.Context) ([]ioc.LearnedAsset, error) {
	rows, err := r.db.Query(ctx, `SELECT kind, value, source, first_seen, last_seen FROM own_assets ORDER BY kind, value`)
	if err != nil {
		return nil, fmt.Errorf("store: own assets: %w", err)
	}
	defer rows.Close()
	var out []ioc.LearnedAsset
	for rows.Next() {
		var a ioc.LearnedAsset
		var first, last int64
		if err := rows.Scan(&a.Kind, &a.Value, &a.Source, &first, &last); err != nil {
			return nil, fmt.Errorf("store: own assets: %w", err)
		}
		a.FirstSeen, a.LastSeen = time.UnixMilli(first), time.UnixMilli(last)
		out = append(out, a)
	}
	return out, rows.Err()
}
