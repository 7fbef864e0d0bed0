package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ioc"
)

// ChannelIndicators is the change channel of the indicators table.
const ChannelIndicators = "indicators"

// Indicators is the indicator repository.
type Indicators struct{ db *DB }

// Indicators returns the indicator repository of db.
func (db *DB) Indicators() *Indicators { return &Indicators{db: db} }

var _ ioc.Repository = (*Indicators)(nil)

// Watch implements ioc.Repository: the indicators' change channel.
func (r *Indicators) Watch(ctx context.Context) <-chan struct{} {
	return r.db.Watch(ctx, ChannelIndicators)
}

const indicatorCols = `id, kind, value, mode, source, reason, added_by, created_at, updated_at,
	expires_at, removed_at, removed_by, hits, last_hit_at, rev, tags, confidence, tlp, first_hit_at, rbl_code`

func scanIndicator(sc interface{ Scan(...any) error }, r *ioc.Row) error {
	var created, updated, expires, removed, lastHit, firstHit, confidence sql.NullInt64
	err := sc.Scan(&r.ID, &r.Kind, &r.Value, &r.Mode, &r.Source, &r.Reason, &r.AddedBy,
		&created, &updated, &expires, &removed, &r.RemovedBy, &r.Hits, &lastHit, &r.Rev,
		&r.Tags, &confidence, &r.TLP, &firstHit, &r.Code)
	if err != nil {
		return err
	}
	r.CreatedAt, r.UpdatedAt = fromMillis(created), fromMillis(updated)
	r.ExpiresAt, r.RemovedAt, r.LastHitAt = fromMillis(expires), fromMillis(removed), fromMillis(lastHit)
	r.FirstHitAt, r.Confidence = fromMillis(firstHit), int(confidence.Int64)
	return nil
}

// upsertBatch bounds the rows per INSERT statement: 14 parameters a row stay
// far below SQLite's 32766 and PostgreSQL's 65535 parameter limits, and
// multi-row statements make bulk imports an order of magnitude faster than
// one statement per row.
const upsertBatch = 500

// Upsert adds rows as live indicators in one transaction and returns their
// ids in order. A row whose (kind, value) is already live is merged into
// the existing one and never weakens it: the mode becomes block if either
// is block (allow, given explicitly, wins), the expiry the later of the two
// (none beats any); when the mode is raised (watch to block, anything to
// allow) the row takes the new source, reason and author, since they are
// now why it acts; given tags, confidence and TLP replace the old ones;
// the other fields stay. Rows repeating a (kind, value) within the call
// are merged the same way. CreatedAt defaults to now.
func (r *Indicators) Upsert(ctx context.Context, rows []ioc.Row) ([]int64, error) {
	ids := make([]int64, len(rows))
	if len(rows) == 0 {
		return ids, nil
	}
	now := time.Now()
	err := r.db.InTx(ctx, func(tx *Tx) error {
		rev, err := tx.Changed(ctx, ChannelIndicators)
		if err != nil {
			return err
		}
		for start := 0; start < len(rows); start += upsertBatch {
			end := min(start+upsertBatch, len(rows))
			if err := upsertChunk(ctx, tx, rows[start:end], ids[start:end], rev, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: upsert %d indicators: %w", len(rows), err)
	}
	return ids, nil
}

type kindValue struct{ kind, value string }

func upsertChunk(ctx context.Context, tx *Tx, rows []ioc.Row, ids []int64, rev int64, now time.Time) error {
	// PostgreSQL refuses to update one row twice in a statement: merge
	// duplicates first, remembering which input rows share a slot.
	slot := make(map[kindValue]int, len(rows))
	merged := make([]ioc.Row, 0, len(rows))
	where := make([]int, len(rows))
	for i, row := range rows {
		k := kindValue{row.Kind, row.Value}
		if j, ok := slot[k]; ok {
			merged[j] = mergeRows(merged[j], row)
			where[i] = j
			continue
		}
		slot[k] = len(merged)
		where[i] = len(merged)
		merged = append(merged, row)
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO indicators (kind, value, mode, source, reason, added_by,
		created_at, updated_at, expires_at, rev, tags, confidence, tlp, rbl_code) VALUES `)
	args := make([]any, 0, len(merged)*14)
	for i, row := range merged {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
		created := row.CreatedAt
		if created.IsZero() {
			created = now
		}
		var conf any
		if row.Confidence > 0 {
			conf = int64(row.Confidence)
		}
		args = append(args, row.Kind, row.Value, row.Mode, row.Source, row.Reason, row.AddedBy,
			created.UnixMilli(), now.UnixMilli(), millis(row.ExpiresAt), rev, row.Tags, conf, row.TLP, row.Code)
	}
	q.WriteString(` ON CONFLICT (kind, value) WHERE removed_at IS NULL DO UPDATE SET
		source = CASE WHEN ` + raised + ` THEN excluded.source ELSE indicators.source END,
		reason = CASE WHEN ` + raised + ` THEN excluded.reason ELSE indicators.reason END,
		added_by = CASE WHEN ` + raised + ` THEN excluded.added_by ELSE indicators.added_by END,
		mode = CASE WHEN excluded.mode = 'allow' OR indicators.mode = 'allow' THEN 'allow'
			WHEN indicators.mode = 'block' OR excluded.mode = 'block' THEN 'block' ELSE 'watch' END,
		tags = CASE WHEN excluded.tags = '' THEN indicators.tags ELSE excluded.tags END,
		confidence = COALESCE(excluded.confidence, indicators.confidence),
		tlp = CASE WHEN excluded.tlp = '' THEN indicators.tlp ELSE excluded.tlp END,
		rbl_code = CASE WHEN excluded.rbl_code = 0 THEN indicators.rbl_code ELSE excluded.rbl_code END,
		expires_at = CASE
			WHEN indicators.expires_at IS NULL OR excluded.expires_at IS NULL THEN NULL
			WHEN excluded.expires_at > indicators.expires_at THEN excluded.expires_at
			ELSE indicators.expires_at END,
		updated_at = excluded.updated_at,
		rev = excluded.rev
		RETURNING id, kind, value`)
	res, err := tx.Query(ctx, q.String(), args...)
	if err != nil {
		return err
	}
	defer res.Close()
	got := make(map[kindValue]int64, len(merged))
	for res.Next() {
		var id int64
		var k kindValue
		if err := res.Scan(&id, &k.kind, &k.value); err != nil {
			return err
		}
		got[k] = id
	}
	if err := res.Err(); err != nil {
		return err
	}
	for i := range rows {
		ids[i] = got[kindValue{merged[where[i]].Kind, merged[where[i]].Value}]
	}
	return nil
}

// raised is true in the upsert when the new row raises the mode.
const raised = `(excluded.mode <> indicators.mode AND (excluded.mode = 'allow' OR excluded.mode = 'block' AND indicators.mode = 'watch'))`

// mergeRows applies the Upsert merge rule to two rows of one (kind, value).
func mergeRows(old, add ioc.Row) ioc.Row {
	if add.Mode != old.Mode && (add.Mode == "allow" || add.Mode == "block" && old.Mode == "watch") {
		old.Mode, old.Source, old.Reason, old.AddedBy = add.Mode, add.Source, add.Reason, add.AddedBy
	}
	if add.Tags != "" {
		old.Tags = add.Tags
	}
	if add.Confidence > 0 {
		old.Confidence = add.Confidence
	}
	if add.TLP != "" {
		old.TLP = add.TLP
	}
	if add.Code != 0 {
		old.Code = add.Code
	}
	switch {
	case old.ExpiresAt.IsZero() || add.ExpiresAt.IsZero():
		old.ExpiresAt = time.Time{}
	case add.ExpiresAt.After(old.ExpiresAt):
		old.ExpiresAt = add.ExpiresAt
	}
	return old
}

// Get returns the indicator with the given id, live or not.
func (r *Indicators) Get(ctx context.Context, id int64) (ioc.Row, error) {
	var row ioc.Row
	err := scanIndicator(r.db.QueryRow(ctx, `SELECT `+indicatorCols+` FROM indicators WHERE id = ?`, id), &row)
	if errors.Is(err, sql.ErrNoRows) {
		return row, fmt.Errorf("store: indicator %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return row, fmt.Errorf("store: get indicator %d: %w", id, err)
	}
	return row, nil
}

func indicatorWhere(f ioc.RowFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.Mode != "" {
		add("mode = ?", f.Mode)
	}
	if f.Source != "" {
		add("source = ?", f.Source)
	}
	if f.Value != "" {
		add("value = ?", f.Value)
	}
	if f.AfterID > 0 {
		add("id > ?", f.AfterID)
	}
	if !f.History {
		now := f.Now
		if now.IsZero() {
			now = time.Now()
		}
		add("removed_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", now.UnixMilli())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Each calls fn for every indicator matching f, in id order, streaming
// rows without holding them all in memory. fn must not use the store.
func (r *Indicators) Each(ctx context.Context, f ioc.RowFilter, fn func(*ioc.Row) error) error {
	w, args := indicatorWhere(f)
	q := `SELECT ` + indicatorCols + ` FROM indicators` + w + ` ORDER BY id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := r.db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: list indicators: %w", err)
	}
	defer rows.Close()
	var row ioc.Row
	for rows.Next() {
		row = ioc.Row{}
		if err := scanIndicator(rows, &row); err != nil {
			return fmt.Errorf("store: list indicators: %w", err)
		}
		if err := fn(&row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: list indicators: %w", err)
	}
	return nil
}

// List returns the indicators matching f.
func (r *Indicators) List(ctx context.Context, f ioc.RowFilter) ([]ioc.Row, error) {
	var out []ioc.Row
	err := r.Each(ctx, f, func(row *ioc.Row) error { out = append(out, *row); return nil })
	return out, err
}

// Changes calls fn for every row changed after revision since (live,
// expired or removed alike) in revision order, and returns the revision
// the caller has now seen. Start from 0 to read everything.
func (r *Indicators) Changes(ctx context.Context, since int64, fn func(*ioc.Row) error) (int64, error) {
	// Read the revision first: rows committed later carry a higher one and
	// are fetched next time, rows committed before are all visible now.
	rev, err := r.db.Revision(ctx, ChannelIndicators)
	if err != nil {
		return since, err
	}
	if rev == since {
		return since, nil
	}
	rows, err := r.db.Query(ctx, `SELECT `+indicatorCols+` FROM indicators WHERE rev > ? AND rev <= ? ORDER BY rev, id`, since, rev)
	if err != nil {
		return since, fmt.Errorf("store: indicator changes since %d: %w", since, err)
	}
	defer rows.Close()
	var row ioc.Row
	for rows.Next() {
		row = ioc.Row{}
		if err := scanIndicator(rows, &row); err != nil {
			return since, fmt.Errorf("store: indicator changes: %w", err)
		}
		if err := fn(&row); err != nil {
			return since, err
		}
	}
	if err := rows.Err(); err != nil {
		return since, fmt.Errorf("store: indicator changes: %w", err)
	}
	return rev, nil
}

// update runs one UPDATE on a live indicator under a new revision.
func (r *Indicators) update(ctx context.Context, id int64, what, set string, args ...any) error {
	err := r.db.InTx(ctx, func(tx *Tx) error {
		rev, err := tx.Changed(ctx, ChannelIndicators)
		if err != nil {
			return err
		}
		args = append(args, time.Now().UnixMilli(), rev, id)
		res, err := tx.Exec(ctx, `UPDATE indicators SET `+set+`, updated_at = ?, rev = ? WHERE id = ? AND removed_at IS NULL`, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: %s indicator %d: %w", what, id, err)
	}
	return nil
}

// Remove marks a live indicator removed; its row stays as history.
func (r *Indicators) Remove(ctx context.Context, id int64, by string, at time.Time) error {
	return r.update(ctx, id, "remove", "removed_at = ?, removed_by = ?", at.UnixMilli(), by)
}

// SetMode changes a live indicator's mode.
func (r *Indicators) SetMode(ctx context.Context, id int64, mode string) error {
	return r.update(ctx, id, "set mode of", "mode = ?", mode)
}

// SetExpiry changes a live indicator's expiry; the zero time means never.
func (r *Indicators) SetExpiry(ctx context.Context, id int64, expires time.Time) error {
	return r.update(ctx, id, "set expiry of", "expires_at = ?", millis(expires))
}

// RecordHits adds hit counts (indicator id -> hits) and sets the last hit
// time. Hits do not change what matches, so they bump no revision.
func (r *Indicators) RecordHits(ctx context.Context, hits map[int64]int64, at time.Time) error {
	if len(hits) == 0 {
		return nil
	}
	err := r.db.InTx(ctx, func(tx *Tx) error {
		st, err := tx.Prepare(ctx, `UPDATE indicators SET hits = hits + ?,
			first_hit_at = COALESCE(first_hit_at, ?),
			last_hit_at = CASE WHEN last_hit_at IS NULL OR last_hit_at < ? THEN ? ELSE last_hit_at END
			WHERE id = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		ms := at.UnixMilli()
		for id, n := range hits {
			if _, err := st.ExecContext(ctx, n, ms, ms, ms, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: record hits of %d indicators: %w", len(hits), err)
	}
	return nil
}

// Count returns the number of indicators matching f.
func (r *Indicators) Count(ctx context.Context, f ioc.RowFilter) (int64, error) {
	w, args := indicatorWhere(f)
	var n int64
	if err := r.db.QueryRow(ctx, `SELECT count(*) FROM indicators`+w, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count indicators: %w", err)
	}
	return n, nil
}
