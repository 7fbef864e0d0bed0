package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"vigie.dev/vigie/internal/quarantine"
)

// SQLite's quarantine search (migration 0060): the trigram index narrows a
// substring search to the rows that hold the text, and the LIKEs of
// quarantineWhere decide among them as they would among all rows, so the
// results are those of a scan. PostgreSQL's trigram index (0086) serves
// the LIKEs themselves.

// minTrigram is the shortest text the trigram index can look for; a
// shorter one is scanned for.
const minTrigram = 3

// searchIndexMax is the most rows the index hands over as the candidates
// of a search. A text found in more rows than that is scanned for: it is
// then common enough that the newest-first walk meets a page of it soon,
// and the console counts no further than 10,000 anyway; reading, fetching
// and sorting more candidates than that would cost more than the scan.
// (A variable for the tests' sake.)
var searchIndexMax = 10_000

// trigramPhrase makes a lower-cased search text one FTS5 phrase, which the
// trigram tokenizer matches wherever the text occurs as a substring, in
// any case; "" when the text is too short for it, holds a NUL (FTS5 would
// cut the query there) or is not UTF-8 (the tokenizer would read its
// bytes otherwise than where they stand in a stored text).
func trigramPhrase(v string) string {
	if utf8.RuneCountInString(v) < minTrigram || strings.ContainsRune(v, 0) || !utf8.ValidString(v) {
		return ""
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}

// where is quarantineWhere as one clause, narrowed on SQLite to the rows
// the trigram index finds the searched texts in when they are few enough.
// The index folds case at least as far as the lower-cased search_text and
// LIKE do, so the rows it finds are a superset of those the LIKEs keep.
func (q *Quarantine) where(ctx context.Context, qq quarantine.Query) (string, []any, error) {
	where, args, match, err := quarantineWhere(qq)
	if err != nil {
		return "", nil, err
	}
	if match != "" && q.db.dialect == SQLite {
		ids, err := q.searchCandidates(ctx, match)
		if err != nil {
			return "", nil, err
		}
		if ids != "" {
			where = append(where, `rowid IN (SELECT value FROM json_each(?))`)
			args = append(args, ids)
		}
	}
	if len(where) == 0 {
		return "1=1", args, nil
	}
	return strings.Join(where, " AND "), args, nil
}

// searchCandidates returns the rowids holding match as a JSON array, or ""
// when more than searchIndexMax rows hold it. FTS5 reads its posting lists
// lazily, so finding that a text is common costs no more than reading
// searchIndexMax rowids, and SQLite makes the array: one row comes back.
func (q *Quarantine) searchCandidates(ctx context.Context, match string) (string, error) {
	var (
		n   int
		ids string
	)
	err := q.db.QueryRow(ctx, `SELECT count(*), json_group_array(rowid) FROM
		(SELECT rowid FROM quarantine_search WHERE quarantine_search MATCH ? LIMIT ?)`, match, searchIndexMax+1).Scan(&n, &ids)
	if err != nil {
		return "", fmt.Errorf("store: search quarantine index: %w", err)
	}
	if n > searchIndexMax {
		return "", nil
	}
	return ids, nil
}
