package store

import (
	"context"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/ioc"
)

// InsertHistory restores removed indicators from a backup as history
// rows: they never match, and a row already present (same kind, value,
// creation and removal times) is not inserted twice, so restoring the
// same backup twice changes nothing. It returns how many rows it added.
func (r *Indicators) InsertHistory(ctx context.Context, rows []ioc.Row) (int, error) {
	added := 0
	err := r.db.InTx(ctx, func(tx *Tx) error {
		rev, err := tx.Changed(ctx, ChannelIndicators)
		if err != nil {
			return err
		}
		now := time.Now().UnixMilli()
		for _, row := range rows {
			if row.RemovedAt.IsZero() {
				return fmt.Errorf("indicator %s %s is not removed", row.Kind, row.Value)
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM indicators WHERE kind = ? AND value = ? AND created_at = ? AND removed_at = ?`,
				row.Kind, row.Value, row.CreatedAt.UnixMilli(), row.RemovedAt.UnixMilli()).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			var conf any
			if row.Confidence > 0 {
				conf = int64(row.Confidence)
			}
			_, err := tx.Exec(ctx, `INSERT INTO indicators (kind, value, mode, source, reason, added_by, created_at, updated_at,
				expires_at, removed_at, removed_by, hits, last_hit_at, rev, tags, confidence, tlp, first_hit_at, rbl_code)
				VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				row.Kind, row.Value, row.Mode, row.Source, row.Reason, row.AddedBy, row.CreatedAt.UnixMilli(), now,
				millis(row.ExpiresAt), row.RemovedAt.UnixMilli(), row.RemovedBy, row.Hits, millis(row.LastHitAt), rev,
				row.Tags, conf, row.TLP, millis(row.FirstHitAt), row.Code)
			if err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: restore %d removed indicators: %w", len(rows), err)
	}
	return added, nil
}

// MergeSightings raises live indicators' hit counts and widens their
// first and last hit times to what a backup says; it never lowers them,
// so restoring twice counts nothing twice. Sightings change no match, so
// no revision is bumped.
func (r *Indicators) MergeSightings(ctx context.Context, s map[int64]ioc.Sighting) error {
	if len(s) == 0 {
		return nil
	}
	err := r.db.InTx(ctx, func(tx *Tx) error {
		for id, v := range s {
			set := "hits = CASE WHEN hits < ? THEN ? ELSE hits END"
			args := []any{v.Hits, v.Hits}
			if !v.First.IsZero() {
				set += ", first_hit_at = CASE WHEN first_hit_at IS NULL OR first_hit_at > ? THEN ? ELSE first_hit_at END"
				args = append(args, v.First.UnixMilli(), v.First.UnixMilli())
			}
			if !v.Last.IsZero() {
				set += ", last_hit_at = CASE WHEN last_hit_at IS NULL OR last_hit_at < ? THEN ? ELSE last_hit_at END"
				args = append(args, v.Last.UnixMilli(), v.Last.UnixMilli())
			}
			if _, err := tx.Exec(ctx, "UPDATE indicators SET "+set+" WHERE id = ?", append(args, id)...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: merge sightings of %d indicators: %w", len(s), err)
	}
	return nil
}
