package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"vigie.dev/vigie/internal/quarantine"
)

// likeEscape makes s a literal inside a LIKE pattern (escape character \).
func likeEscape(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(s)) + "%"
}

// quarantineWhere turns a query into a WHERE clause. Substring searches
// are LIKEs on search_text and the named columns, the same on both
// databases; match is the same texts as a query of SQLite's trigram index
// ("" when there are none it can look for), which (*Quarantine).where
// uses to narrow the rows the LIKEs are tried on.
func quarantineWhere(q quarantine.Query) (where []string, args []any, match string, err error) {
	switch q.State {
	case "", "held":
		where = append(where, "released_at IS NULL AND deleted_at IS NULL")
	case "released":
		where = append(where, "released_at IS NOT NULL")
	case "deleted":
		where = append(where, "deleted_at IS NOT NULL")
	case "all":
	default:
		return nil, nil, "", fmt.Errorf("store: quarantine state %q (held, released, deleted, all)", q.State)
	}
	if !q.Since.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, q.Since.UnixMilli())
	}
	if !q.Until.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, q.Until.UnixMilli())
	}
	// Cheap comparisons first: they rule rows out before any LIKE runs.
	if s := strings.TrimSpace(q.Signal); s != "" {
		where = append(where, `(' ' || signals || ' ') LIKE ? ESCAPE '\'`)
		args = append(args, "% "+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToUpper(s))+" %")
	}
	if q.MinScore != 0 {
		where, args = append(where, "score >= ?"), append(args, q.MinScore)
	}
	if q.MaxScore != 0 {
		where, args = append(where, "score <= ?"), append(args, q.MaxScore)
	}
	var phrases []string
	like := func(cols []string, v string) {
		if v = strings.TrimSpace(v); v == "" {
			return
		}
		if p := trigramPhrase(strings.ToLower(v)); p != "" {
			phrases = append(phrases, p)
		}
		// The one-column search text rules most rows out before the
		// lower() of each named column is computed.
		where, args = append(where, `search_text LIKE ? ESCAPE '\'`), append(args, likeEscape(v))
		var or []string
		for _, c := range cols {
			or = append(or, "lower("+c+`) LIKE ? ESCAPE '\'`)
			args = append(args, likeEscape(v))
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if v := strings.TrimSpace(q.Text); v != "" {
		if p := trigramPhrase(strings.ToLower(v)); p != "" {
			phrases = append(phrases, p)
		}
		where, args = append(where, `search_text LIKE ? ESCAPE '\'`), append(args, likeEscape(v))
	}
	like([]string{"subject"}, q.Subject)
	like([]string{"from_addr", "from_name", "mail_from"}, q.Sender)
	like([]string{"rcpt_to"}, q.Rcpt)
	return where, args, strings.Join(phrases, " AND "), nil
}

// Page returns up to q.Limit entries and whether more lie beyond them in
// the paging direction (older for Before or no cursor, newer for After).
func (q *Quarantine) Page(ctx context.Context, qq quarantine.Query) ([]quarantine.Entry, bool, error) {
	where, args, err := q.where(ctx, qq)
	if err != nil {
		return nil, false, err
	}
	limit := qq.Limit
	if limit <= 0 {
		limit = 50
	}
	order := "DESC"
	switch {
	case qq.Before != nil:
		where += " AND (created_at < ? OR (created_at = ? AND id < ?))"
		ms := qq.Before.At.UnixMilli()
		args = append(args, ms, ms, qq.Before.ID)
	case qq.After != nil:
		where += " AND (created_at > ? OR (created_at = ? AND id > ?))"
		ms := qq.After.At.UnixMilli()
		args = append(args, ms, ms, qq.After.ID)
		order = "ASC"
	}
	args = append(args, limit+1)
	rows, err := q.db.Query(ctx, `SELECT `+quarantineCols+` FROM quarantine WHERE `+where+
		` ORDER BY created_at `+order+`, id `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, false, fmt.Errorf("store: page quarantine: %w", err)
	}
	defer rows.Close()
	var out []quarantine.Entry
	for rows.Next() {
		r, err := scanQuarantine(rows)
		if err != nil {
			return nil, false, fmt.Errorf("store: page quarantine: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("store: page quarantine: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	if order == "ASC" {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, more, nil
}

// Count returns how many entries match qq (its cursor and limit ignored),
// counting no further than max (0: no bound) so that a broad search over
// a huge quarantine stays cheap; the page says "more than max" then.
func (q *Quarantine) Count(ctx context.Context, qq quarantine.Query, max int) (int, error) {
	where, args, err := q.where(ctx, qq)
	if err != nil {
		return 0, err
	}
	stmt := `SELECT COUNT(*) FROM quarantine WHERE ` + where
	if max > 0 {
		stmt = `SELECT COUNT(*) FROM (SELECT 1 FROM quarantine WHERE ` + where + ` LIMIT ?) AS bounded`
		args = append(args, max+1)
	}
	var n int
	if err := q.db.QueryRow(ctx, stmt, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count quarantine: %w", err)
	}
	return n, nil
}

// MarkVerdict records the operator's decision on an entry ("phish",
// "ham"), whatever its state.
func (q *Quarantine) MarkVerdict(ctx context.Context, id, verdict, by string, at time.Time) error {
	res, err := q.db.Exec(ctx, `UPDATE quarantine SET verdict = ?, verdict_by = ?, verdict_at = ? WHERE id = ?`,
		verdict, by, at.UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("store: verdict on quarantine %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
