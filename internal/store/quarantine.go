package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"vigie.dev/vigie/internal/quarantine"
)

// quarantine.Entry is the metadata of one quarantined message; the bytes are
// in a file that package quarantine owns (Path, relative to its directory)
// or, for a store several nodes share, in quarantine_body (quarantine.Bodies).

// Quarantine is the quarantine metadata repository.
type Quarantine struct{ db *DB }

// Quarantine returns the quarantine repository of db.
func (db *DB) Quarantine() *Quarantine { return &Quarantine{db: db} }

var _ quarantine.Repository = (*Quarantine)(nil)

const quarantineCols = `id, created_at, frontend, client_ip, mail_from, rcpt_to, from_addr, subject,
	message_id, score, signals, size, stored_size, sha256, path, released_at, released_by, deleted_at, deleted_by,
	from_name, verdict, verdict_by, verdict_at`

// searchText is what the search box looks in, lower-cased here (the
// databases' lower() knows only ASCII).
func searchText(r quarantine.Entry) string {
	return strings.ToLower(strings.Join([]string{r.Subject, r.FromName, r.From, r.MailFrom, strings.Join(r.RcptTo, " ")}, " "))
}

// Insert records a quarantined message.
func (q *Quarantine) Insert(ctx context.Context, r quarantine.Entry) error {
	if _, err := q.db.Exec(ctx, insertQuarantine, insertArgs(r)...); err != nil {
		return fmt.Errorf("store: insert quarantine %s: %w", r.ID, err)
	}
	return nil
}

const insertQuarantine = `INSERT INTO quarantine (` + quarantineCols + `, search_text)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func insertArgs(r quarantine.Entry) []any {
	rcpt, _ := json.Marshal(nonNil(r.RcptTo))
	return []any{r.ID, r.CreatedAt.UnixMilli(), r.Frontend, r.ClientIP, r.MailFrom, string(rcpt), r.From, r.Subject,
		r.MessageID, r.Score, strings.Join(r.Signals, " "), r.Size, r.StoredSize, r.SHA256, r.Path,
		millis(r.ReleasedAt), r.ReleasedBy, millis(r.DeletedAt), r.DeletedBy,
		r.FromName, r.Verdict, r.VerdictBy, millis(r.VerdictAt), searchText(r)}
}

var _ quarantine.Bodies = (*Quarantine)(nil)

// InsertWithBody records a quarantined message and its compressed bytes
// in one transaction. An entry already recorded under the same id (a
// spooled copy replayed twice) is left as it is.
func (q *Quarantine) InsertWithBody(ctx context.Context, r quarantine.Entry, body []byte) error {
	err := q.db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, insertQuarantine+` ON CONFLICT (id) DO NOTHING`, insertArgs(r)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO quarantine_body (id, body) VALUES (?, ?)`, r.ID, body)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: insert quarantine %s: %w", r.ID, err)
	}
	return nil
}

// Body returns the compressed bytes kept in the database for an entry,
// or ErrNotFound (deleted, or kept in a file).
func (q *Quarantine) Body(ctx context.Context, id string) ([]byte, error) {
	var b []byte
	err := q.db.QueryRow(ctx, `SELECT body FROM quarantine_body WHERE id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: quarantine body %s: %w", id, err)
	}
	return b, nil
}

func scanQuarantine(sc interface{ Scan(...any) error }) (quarantine.Entry, error) {
	var (
		r                 quarantine.Entry
		created           int64
		rcpt, signals     string
		released, deleted sql.NullInt64
		verdictAt         sql.NullInt64
	)
	err := sc.Scan(&r.ID, &created, &r.Frontend, &r.ClientIP, &r.MailFrom, &rcpt, &r.From, &r.Subject,
		&r.MessageID, &r.Score, &signals, &r.Size, &r.StoredSize, &r.SHA256, &r.Path,
		&released, &r.ReleasedBy, &deleted, &r.DeletedBy, &r.FromName, &r.Verdict, &r.VerdictBy, &verdictAt)
	if err != nil {
		return r, err
	}
	r.CreatedAt = time.UnixMilli(created).UTC()
	r.ReleasedAt, r.DeletedAt, r.VerdictAt = fromMillis(released), fromMillis(deleted), fromMillis(verdictAt)
	_ = json.Unmarshal([]byte(rcpt), &r.RcptTo)
	r.Signals = strings.Fields(signals)
	return r, nil
}

// Get returns one entry, or ErrNotFound.
func (q *Quarantine) Get(ctx context.Context, id string) (quarantine.Entry, error) {
	r, err := scanQuarantine(q.db.QueryRow(ctx, `SELECT `+quarantineCols+` FROM quarantine WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("store: get quarantine %s: %w", id, err)
	}
	return r, nil
}

// List returns entries, newest first.
func (q *Quarantine) List(ctx context.Context, f quarantine.Filter) ([]quarantine.Entry, error) {
	where, args := []string{"1=1"}, []any{}
	if !f.All {
		where = append(where, "released_at IS NULL AND deleted_at IS NULL")
	}
	if !f.Since.IsZero() {
		where = append(where, "created_at >= ?")
		args = append(args, f.Since.UnixMilli())
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := q.db.Query(ctx, `SELECT `+quarantineCols+` FROM quarantine WHERE `+
		strings.Join(where, " AND ")+` ORDER BY created_at DESC, id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list quarantine: %w", err)
	}
	defer rows.Close()
	var out []quarantine.Entry
	for rows.Next() {
		r, err := scanQuarantine(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list quarantine: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkReleased records who released a held entry. It returns ErrNotFound
// when the entry does not exist or is no longer held.
func (q *Quarantine) MarkReleased(ctx context.Context, id, by string, at time.Time) error {
	return q.mark(ctx, `UPDATE quarantine SET released_at = ?, released_by = ?
		WHERE id = ? AND released_at IS NULL AND deleted_at IS NULL`, id, by, at)
}

// Claim marks a held entry as being released (quarantine.Repository).
func (q *Quarantine) Claim(ctx context.Context, id, by string, now, until time.Time) error {
	res, err := q.db.Exec(ctx, `UPDATE quarantine SET releasing_by = ?, releasing_until = ?
		WHERE id = ? AND released_at IS NULL AND deleted_at IS NULL
		AND (releasing_until IS NULL OR releasing_until < ?)`, by, until.UnixMilli(), id, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: claim quarantine %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var holder string
	var till sql.NullInt64
	err = q.db.QueryRow(ctx, `SELECT releasing_by, releasing_until FROM quarantine
		WHERE id = ? AND released_at IS NULL AND deleted_at IS NULL`, id).Scan(&holder, &till)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: claim quarantine %s: %w", id, err)
	}
	return &quarantine.BusyError{ID: id, By: holder, Until: fromMillis(till)}
}

// Unclaim ends by's claim on an entry.
func (q *Quarantine) Unclaim(ctx context.Context, id, by string) error {
	if _, err := q.db.Exec(ctx, `UPDATE quarantine SET releasing_by = '', releasing_until = NULL
		WHERE id = ? AND releasing_by = ?`, id, by); err != nil {
		return fmt.Errorf("store: unclaim quarantine %s: %w", id, err)
	}
	return nil
}

// MarkDeleted records who deleted an entry and drops its bytes when the
// database keeps them (a file is package quarantine's to remove).
func (q *Quarantine) MarkDeleted(ctx context.Context, id, by string, at time.Time) error {
	return q.db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE quarantine SET deleted_at = ?, deleted_by = ?
			WHERE id = ? AND deleted_at IS NULL`, at.UnixMilli(), by, id)
		if err != nil {
			return fmt.Errorf("store: update quarantine %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.Exec(ctx, `DELETE FROM quarantine_body WHERE id = ?`, id); err != nil {
			return fmt.Errorf("store: delete quarantine body %s: %w", id, err)
		}
		return nil
	})
}

func (q *Quarantine) mark(ctx context.Context, stmt, id, by string, at time.Time) error {
	res, err := q.db.Exec(ctx, stmt, at.UnixMilli(), by, id)
	if err != nil {
		return fmt.Errorf("store: update quarantine %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Stored returns the entries whose file is still on disk (not deleted),
// oldest first: the purge job walks them against retention and size limits.
func (q *Quarantine) Stored(ctx context.Context) ([]quarantine.Entry, error) {
	rows, err := q.db.Query(ctx, `SELECT `+quarantineCols+` FROM quarantine
		WHERE deleted_at IS NULL ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: stored quarantine: %w", err)
	}
	defer rows.Close()
	var out []quarantine.Entry
	for rows.Next() {
		r, err := scanQuarantine(rows)
		if err != nil {
			return nil, fmt.Errorf("store: stored quarantine: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Held counts the messages still held and their original size.
func (q *Quarantine) Held(ctx context.Context) (n int, bytes int64, err error) {
	err = q.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0) FROM quarantine
		WHERE released_at IS NULL AND deleted_at IS NULL`).Scan(&n, &bytes)
	if err != nil {
		return 0, 0, fmt.Errorf("store: held quarantine: %w", err)
	}
	return n, bytes, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
