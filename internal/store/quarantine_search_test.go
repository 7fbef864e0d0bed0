package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/testenv"
)

// searchCorpus is held messages whose texts try the index's edges: case
// beyond ASCII, accents, quotes, LIKE's wildcards, an emoji, a word met in
// many rows and one met in one, a display name, several recipients.
func searchCorpus() []quarantine.Entry {
	base := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	fixed := []struct{ subject, fromName, from, mailFrom string }{
		{"Facture N°2026-118 en attente de RÈGLEMENT", "Service Comptabilité", "compta@abatos.fr", "bounce@abatos.fr"},
		{`Votre "colis" est arrivé`, "La Poste", "noreply@laposte-suivi.example", "noreply@laposte-suivi.example"},
		{"Remise 100% garantie_sans frais", "ÉLODIE Martin", "elodie@partner.test", "srs=elodie@partner.test"},
		{"Réunion de jeudi 🙂 ordre du jour", "Claire MARTIN", "claire.martin@partner.test", "claire.martin@partner.test"},
		{"ÇA CONCERNE L'ÉTÉ", "", "ete@example.test", ""},
		{"", "", "", ""},
		{"tab\there and\\backslash", "x", "y@z.example", "y@z.example"},
	}
	var es []quarantine.Entry
	for i := range 240 {
		f := fixed[i%len(fixed)]
		subject := f.subject
		if i >= len(fixed) {
			subject = fmt.Sprintf("%s (relance %d)", subject, i)
		}
		es = append(es, quarantine.Entry{
			ID: fmt.Sprintf("q%04d", i), CreatedAt: base.Add(time.Duration(i%97) * time.Minute), Frontend: "relay",
			MailFrom: f.mailFrom, RcptTo: []string{fmt.Sprintf("agent%d@chu-exemple.fr", i%13), "Direction@CHU-exemple.fr"}[:1+i%2],
			From: f.from, FromName: f.fromName, Subject: subject, Score: float64(i % 30),
			Size: 100, StoredSize: 80, SHA256: "x", Path: "x",
		})
	}
	return es
}

// scanIDs is the search without the index: the WHERE clause both
// databases run, over every row.
func scanIDs(t *testing.T, db *DB, qq quarantine.Query) []string {
	t.Helper()
	where, args, _, err := quarantineWhere(qq)
	if err != nil {
		t.Fatal(err)
	}
	clause := "1=1"
	if len(where) > 0 {
		clause = strings.Join(where, " AND ")
	}
	rows, err := db.Query(context.Background(), `SELECT id FROM quarantine WHERE `+clause+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

func pageIDs(t *testing.T, q *Quarantine, qq quarantine.Query) []string {
	t.Helper()
	qq.Limit = 1000
	es, _, err := q.Page(context.Background(), qq)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

// needles are the texts searched for: fixed edge cases, and n substrings
// of every length cut at random from the rows' texts, some upper-cased.
func needles(es []quarantine.Entry, n int) []string {
	out := []string{"règlement", "RÈGLEMENT", "Règl", "ÉTÉ", "été", "ça c", `"colis"`, `"`, `""`, "100%", "100% g", "e_s",
		"%", "_", "🙂", "jeudi 🙂 o", "\\back", "\t", "comptabilit", "abatos.fr", "direction@chu", "agent1", "agent12@",
		"relance 2", "relance 239", "absent-partout", "fa", "f", "  ", "re\x00la", "\xff\xfe", "ré"}
	r := rand.New(rand.NewPCG(18, 60))
	for range n {
		e := es[r.IntN(len(es))]
		s := []rune(searchText(e))
		if len(s) == 0 {
			continue
		}
		i := r.IntN(len(s))
		j := min(len(s), i+1+r.IntN(10))
		n := string(s[i:j])
		if r.IntN(3) == 0 {
			n = strings.ToUpper(n)
		}
		out = append(out, n)
	}
	return out
}

// TestQuarantineSearchIndexKeepsResults: on SQLite, every search through
// the trigram index returns exactly the rows, in the order, that the scan
// of every row returns, for the search box and each field, held and all.
func TestQuarantineSearchIndexKeepsResults(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "v.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := db.Quarantine()
	es := searchCorpus()
	for _, e := range es {
		if err := q.Insert(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range es[:40] {
		if err := q.MarkDeleted(ctx, e.ID, "test", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// SQLite under the race detector answers some 50 times slower.
	random := 120
	if testenv.RaceEnabled {
		random = 12
	}
	indexed, found := 0, 0
	for i, n := range needles(es, random) {
		state := []string{"", "all"}[i%2]
		for _, qq := range []quarantine.Query{{Text: n}, {Subject: n, MinScore: 10}, {Sender: n}, {Rcpt: n}} {
			qq.State = state
			want := scanIDs(t, db, qq)
			if got := pageIDs(t, q, qq); !slices.Equal(got, want) {
				t.Errorf("%+v: index gave %d rows %v, the scan %d %v", qq, len(got), got, len(want), want)
			}
			if qq.Text != "" {
				if n, err := q.Count(ctx, qq, 0); err != nil || n != len(want) {
					t.Errorf("%+v: count %d (%v), the scan %d", qq, n, err, len(want))
				}
			}
			if _, _, match, _ := quarantineWhere(qq); match != "" {
				indexed++
				if len(want) > 0 {
					found++
				}
			}
		}
	}
	if indexed < 2*random || found < random {
		t.Errorf("the index served %d searches (%d with results): too few to tell", indexed, found)
	}
	checkSearchIndex(t, db)
}

// TestTrigramPhrase: the texts the index may be asked for.
func TestTrigramPhrase(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ab", ""}, {"été", `"été"`}, {"é🙂", ""}, {`a"b`, `"a""b"`}, {"a\x00bc", ""}, {"\xff\xfe\xfd", ""}, {"100%", `"100%"`},
	} {
		if got := trigramPhrase(c.in); got != c.want {
			t.Errorf("trigramPhrase(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// checkSearchIndex runs FTS5's integrity check against the table.
func checkSearchIndex(t *testing.T, db *DB) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `INSERT INTO quarantine_search (quarantine_search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("search index out of step with the quarantine: %v", err)
	}
}

// TestQuarantineSearchIndexFollowsWrites: a row added, a search text
// rewritten and a row deleted are seen by the index at once.
func TestQuarantineSearchIndexFollowsWrites(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "v.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := db.Quarantine()
	for _, e := range searchCorpus()[:10] {
		if err := q.Insert(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if got := pageIDs(t, q, quarantine.Query{Text: "laposte"}); !slices.Equal(got, []string{"q0008", "q0001"}) {
		t.Fatalf("before: %v", got)
	}
	if _, err := db.Exec(ctx, `UPDATE quarantine SET search_text = 'colis retenu en douane' WHERE id = 'q0001'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM quarantine WHERE id = 'q0008'`); err != nil {
		t.Fatal(err)
	}
	if got := pageIDs(t, q, quarantine.Query{Text: "laposte"}); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
	if got := pageIDs(t, q, quarantine.Query{Text: "en douane"}); !slices.Equal(got, []string{"q0001"}) {
		t.Errorf("new text: %v", got)
	}
	// A row whose search text was empty (never indexed text) takes one.
	if _, err := db.Exec(ctx, `UPDATE quarantine SET search_text = '' WHERE id = 'q0002'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE quarantine SET search_text = 'avis de passage' WHERE id = 'q0002'`); err != nil {
		t.Fatal(err)
	}
	if got := pageIDs(t, q, quarantine.Query{Text: "de passage"}); !slices.Equal(got, []string{"q0002"}) {
		t.Errorf("text given to an empty row: %v", got)
	}
	checkSearchIndex(t, db)
}

// TestQuarantineSearchIndexMigration: migration 0060 builds the index of a
// database that already holds messages, whether it is applied after 0065
// (search_text there: the index is built from it) or before (an older
// database: 0065 fills search_text and the triggers index it).
func TestQuarantineSearchIndexMigration(t *testing.T) {
	ctx := context.Background()
	t.Run("after 0065", func(t *testing.T) {
		path := "sqlite:" + filepath.Join(t.TempDir(), "v.db")
		db, err := Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		q := db.Quarantine()
		for _, e := range searchCorpus()[:20] {
			if err := q.Insert(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range []string{`DROP TABLE quarantine_search`, `DROP TRIGGER quarantine_search_insert`, `DROP TRIGGER quarantine_search_delete`,
			`DROP TRIGGER quarantine_search_update`, `DELETE FROM schema_migrations WHERE version = 60`} {
			if _, err := db.Exec(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		db, err = Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkSearchIndex(t, db)
		if got := pageIDs(t, db.Quarantine(), quarantine.Query{Text: "règlement"}); !slices.Equal(got, []string{"q0014", "q0007", "q0000"}) {
			t.Errorf("after the migration: %v", got)
		}
	})
	t.Run("before 0065", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "v.db")
		raw, err := sql.Open("sqlite", file)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := loadMigrations(SQLite)
		if err != nil {
			t.Fatal(err)
		}
		stmts := []string{`CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`}
		for _, m := range ms {
			if m.version <= 50 {
				stmts = append(stmts, m.sql, fmt.Sprintf(`INSERT INTO schema_migrations VALUES (%d, '%s', 0)`, m.version, m.name))
			}
		}
		stmts = append(stmts, `INSERT INTO quarantine (id, created_at, frontend, mail_from, rcpt_to, from_addr, subject, size, stored_size, sha256, path)
			VALUES ('old1', 1, 'relay', 'bounce@abatos.fr', '["compta@chu-exemple.fr"]', 'compta@abatos.fr', 'Facture en attente', 1, 1, 'x', 'x'),
			('old2', 2, 'milter', 'a@b.example', '[]', 'a@b.example', 'Autre chose', 1, 1, 'x', 'x')`)
		for _, s := range stmts {
			if _, err := raw.Exec(s); err != nil {
				t.Fatalf("%.80s: %v", s, err)
			}
		}
		raw.Close()
		db, err := Open(ctx, "sqlite:"+file, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkSearchIndex(t, db)
		for text, want := range map[string][]string{"facture en": {"old1"}, "abatos": {"old1"}, "b.example": {"old2"}, "chu-exemple": {"old1"}} {
			if got := pageIDs(t, db.Quarantine(), quarantine.Query{Text: text}); !slices.Equal(got, want) {
				t.Errorf("%q after 0060 then 0065: %v, want %v", text, got, want)
			}
		}
	})
}

// TestSearchCandidatesCap: a text held by more rows than the index hands
// over is scanned for, with the same results.
func TestSearchCandidatesCap(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "v.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	defer func(max int) { searchIndexMax = max }(searchIndexMax)
	searchIndexMax = 50
	err = db.InTx(ctx, func(tx *Tx) error {
		for i := range 1005 {
			if _, err := tx.Exec(ctx, `INSERT INTO quarantine (id, created_at, frontend, size, stored_size, sha256, path, search_text)
				VALUES (?, ?, 'relay', 1, 1, 'x', 'x', ?)`, fmt.Sprintf("c%05d", i), i, fmt.Sprintf("facture %d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	q := db.Quarantine()
	if ids, err := q.searchCandidates(ctx, `"facture"`); ids != "" || err != nil {
		t.Errorf("common text: %d bytes of candidates, %v; want none (scan)", len(ids), err)
	}
	if ids, err := q.searchCandidates(ctx, `"facture 100"`); err != nil || ids != "[101,1001,1002,1003,1004,1005]" {
		t.Errorf("rare text: candidates %.100s, %v; want facture 100 and 1000 to 1004", ids, err)
	}
	for _, qq := range []quarantine.Query{{Text: "facture"}, {Text: "facture 100"}, {Text: "ture 9"}} {
		if n, err := q.Count(ctx, qq, 0); err != nil || n != len(scanIDs(t, db, qq)) {
			t.Errorf("%+v: count %d (%v), the scan %d", qq, n, err, len(scanIDs(t, db, qq)))
		}
	}
}
