package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"vigie.dev/vigie/internal/bayes"
)

// ChannelBayes is the change channel of the statistical classifier's tables.
const ChannelBayes = "bayes"

// Bayes is the classifier's repository.
type Bayes struct{ db *DB }

// Bayes returns the classifier repository of db.
func (db *DB) Bayes() *Bayes { return &Bayes{db: db} }

var _ bayes.Repository = (*Bayes)(nil)

// Watch implements bayes.Repository: the classifier's change channel.
func (b *Bayes) Watch(ctx context.Context) <-chan struct{} { return b.db.Watch(ctx, ChannelBayes) }

// State returns the totals.
func (b *Bayes) State(ctx context.Context) (bayes.StoreState, error) {
	var s bayes.StoreState
	err := b.db.QueryRow(ctx, `SELECT phish, ham, generation, tokenizer FROM bayes_state WHERE id = 1`).
		Scan(&s.Phish, &s.Ham, &s.Generation, &s.Tokenizer)
	if err != nil {
		return s, fmt.Errorf("store: bayes state: %w", err)
	}
	return s, nil
}

// TokenCount returns how many feature rows the store holds.
func (b *Bayes) TokenCount(ctx context.Context) (int64, error) {
	var n int64
	if err := b.db.QueryRow(ctx, `SELECT count(*) FROM bayes_tokens`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count bayes tokens: %w", err)
	}
	return n, nil
}

// Tokens calls fn with every feature row changed after revision since (all
// rows when since is 0) and returns the revision the caller is now up to
// date with. Rows hold absolute counts, so reading one twice is harmless.
func (b *Bayes) Tokens(ctx context.Context, since int64, fn func(bayes.TokenRow) error) (int64, error) {
	rev, err := b.db.Revision(ctx, ChannelBayes)
	if err != nil {
		return 0, err
	}
	rows, err := b.db.Query(ctx, `SELECT h, phish, ham, rev FROM bayes_tokens WHERE rev > ?`, since)
	if err != nil {
		return 0, fmt.Errorf("store: read bayes tokens: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t bayes.TokenRow
		var h, r int64
		if err := rows.Scan(&h, &t.Phish, &t.Ham, &r); err != nil {
			return 0, fmt.Errorf("store: read bayes tokens: %w", err)
		}
		t.Hash = uint64(h)
		rev = max(rev, r)
		if err := fn(t); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: read bayes tokens: %w", err)
	}
	return rev, nil
}

// Learned returns the class a digest was learned as ("" when never).
func (b *Bayes) Learned(ctx context.Context, digest string) (string, error) {
	var c string
	err := b.db.QueryRow(ctx, `SELECT class FROM bayes_messages WHERE digest = ?`, digest).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: bayes message %s: %w", digest, err)
	}
	return c, nil
}

type delta struct{ phish, ham int64 }

// Learn applies samples in one transaction and says what it did with each.
// A digest already learned as the same class is skipped; one learned as
// the other class is moved (its features are taken out of the old class);
// an empty class forgets. tokenizer is the caller's tokenizer version: an
// empty model takes it, a model built by another version is refused.
func (b *Bayes) Learn(ctx context.Context, tokenizer int, samples []bayes.Sample) ([]bayes.Outcome, error) {
	out := make([]bayes.Outcome, len(samples))
	now := time.Now()
	day := now.Unix() / 86400
	err := b.db.InTx(ctx, func(tx *Tx) error {
		rev, err := tx.Changed(ctx, ChannelBayes) // also serialises learners
		if err != nil {
			return err
		}
		var st bayes.StoreState
		if err := tx.QueryRow(ctx, `SELECT phish, ham, generation, tokenizer FROM bayes_state WHERE id = 1`).
			Scan(&st.Phish, &st.Ham, &st.Generation, &st.Tokenizer); err != nil {
			return fmt.Errorf("store: bayes state: %w", err)
		}
		if st.Tokenizer != tokenizer && st.Phish+st.Ham > 0 {
			return fmt.Errorf("%w (model %d, learner %d): reset it and learn again", bayes.ErrOtherTokenizer, st.Tokenizer, tokenizer)
		}
		deltas := map[uint64]delta{}
		add := func(hs []uint64, class string, sign int64) {
			for _, h := range hs {
				d := deltas[h]
				if class == "phish" {
					d.phish += sign
				} else {
					d.ham += sign
				}
				deltas[h] = d
			}
		}
		var dPhish, dHam int64
		count := func(class string, sign int64) {
			if class == "phish" {
				dPhish += sign
			} else {
				dHam += sign
			}
		}
		type learnedAs struct{ class, source string }
		known := map[string]learnedAs{} // digests changed in this batch
		for i, s := range samples {
			if s.Class != "" && s.Class != "phish" && s.Class != "ham" {
				return fmt.Errorf("store: bayes: unknown class %q", s.Class)
			}
			was, seen := known[s.Digest]
			if !seen {
				err := tx.QueryRow(ctx, `SELECT class, source FROM bayes_messages WHERE digest = ?`, s.Digest).Scan(&was.class, &was.source)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("store: bayes message %s: %w", s.Digest, err)
				}
			}
			prev := was.class
			switch {
			case prev == s.Class && s.Class == "":
				out[i] = bayes.OutcomeUnknown
				continue
			case prev == s.Class:
				out[i] = bayes.OutcomeDuplicate
				continue
			case s.Defers && prev != "" && was.source != bayes.SourceAutolearn:
				// A user's report or autolearn does not overrule a
				// person who judged the message the other way.
				out[i] = bayes.OutcomeKept
				continue
			case prev != "" && s.Class == "":
				out[i] = bayes.OutcomeForgotten
			case prev != "":
				out[i] = bayes.OutcomeRelearned
			default:
				out[i] = bayes.OutcomeLearned
			}
			if prev != "" {
				add(s.Hashes, prev, -1)
				count(prev, -1)
			}
			if s.Class != "" {
				add(s.Hashes, s.Class, 1)
				count(s.Class, 1)
			}
			known[s.Digest] = learnedAs{s.Class, s.Source}
			if err := putMessage(ctx, tx, s, prev, now); err != nil {
				return err
			}
		}
		if err := applyDeltas(ctx, tx, deltas, day, rev); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE bayes_state SET
			phish = CASE WHEN phish + ? < 0 THEN 0 ELSE phish + ? END,
			ham = CASE WHEN ham + ? < 0 THEN 0 ELSE ham + ? END,
			tokenizer = ? WHERE id = 1`, dPhish, dPhish, dHam, dHam, tokenizer)
		if err != nil {
			return fmt.Errorf("store: bayes state: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: bayes learn %d messages: %w", len(samples), err)
	}
	return out, nil
}

func putMessage(ctx context.Context, tx *Tx, s bayes.Sample, prev string, now time.Time) error {
	var err error
	switch {
	case s.Class == "":
		_, err = tx.Exec(ctx, `DELETE FROM bayes_messages WHERE digest = ?`, s.Digest)
	case prev != "":
		_, err = tx.Exec(ctx, `UPDATE bayes_messages SET class = ?, source = ?, learned_by = ?, learned_at = ?, tokens = ?
			WHERE digest = ?`, s.Class, s.Source, s.By, now.UnixMilli(), len(s.Hashes), s.Digest)
	default:
		_, err = tx.Exec(ctx, `INSERT INTO bayes_messages (digest, class, source, learned_by, learned_at, tokens)
			VALUES (?, ?, ?, ?, ?, ?)`, s.Digest, s.Class, s.Source, s.By, now.UnixMilli(), len(s.Hashes))
	}
	if err != nil {
		return fmt.Errorf("store: bayes message %s: %w", s.Digest, err)
	}
	return nil
}

// bayesBatch rows per multi-row upsert: 5 parameters a row stay far below
// both engines' parameter limits.
const bayesBatch = 500

// applyDeltas adds the per-feature changes. Increments (the common case)
// go in multi-row upserts; a feature losing counts is updated alone,
// clamped at zero, and created for the part that grows if it was missing.
func applyDeltas(ctx context.Context, tx *Tx, deltas map[uint64]delta, day, rev int64) error {
	type row struct {
		h uint64
		d delta
	}
	var up, down []row
	for h, d := range deltas {
		switch {
		case d.phish == 0 && d.ham == 0:
		case d.phish >= 0 && d.ham >= 0:
			up = append(up, row{h, d})
		default:
			down = append(down, row{h, d})
		}
	}
	for start := 0; start < len(up); start += bayesBatch {
		chunk := up[start:min(start+bayesBatch, len(up))]
		var q strings.Builder
		q.WriteString(`INSERT INTO bayes_tokens (h, phish, ham, seen, rev) VALUES `)
		args := make([]any, 0, 5*len(chunk))
		for i, r := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, int64(r.h), r.d.phish, r.d.ham, day, rev)
		}
		q.WriteString(` ON CONFLICT (h) DO UPDATE SET phish = bayes_tokens.phish + excluded.phish,
			ham = bayes_tokens.ham + excluded.ham, seen = excluded.seen, rev = excluded.rev`)
		if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("store: bayes tokens: %w", err)
		}
	}
	if len(down) == 0 {
		return nil
	}
	upd, err := tx.Prepare(ctx, `UPDATE bayes_tokens SET
		phish = CASE WHEN phish + ? < 0 THEN 0 ELSE phish + ? END,
		ham = CASE WHEN ham + ? < 0 THEN 0 ELSE ham + ? END,
		seen = ?, rev = ? WHERE h = ?`)
	if err != nil {
		return fmt.Errorf("store: bayes tokens: %w", err)
	}
	defer upd.Close()
	for _, r := range down {
		res, err := upd.ExecContext(ctx, r.d.phish, r.d.phish, r.d.ham, r.d.ham, day, rev, int64(r.h))
		if err != nil {
			return fmt.Errorf("store: bayes tokens: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 && (r.d.phish > 0 || r.d.ham > 0) {
			_, err := tx.Exec(ctx, `INSERT INTO bayes_tokens (h, phish, ham, seen, rev) VALUES (?, ?, ?, ?, ?)`,
				int64(r.h), max(r.d.phish, 0), max(r.d.ham, 0), day, rev)
			if err != nil {
				return fmt.Errorf("store: bayes tokens: %w", err)
			}
		}
	}
	return nil
}

// Prune deletes the least useful features — never seen again since learned
// once, then the rarest and oldest — until at most keep remain, when more
// than limit are stored. It returns how many went. Readers notice the new
// generation and reload.
func (b *Bayes) Prune(ctx context.Context, limit, keep int64) (int64, error) {
	n, err := b.TokenCount(ctx)
	if err != nil || n <= limit {
		return 0, err
	}
	var deleted int64
	err = b.db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Changed(ctx, ChannelBayes); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM bayes_tokens WHERE h IN
			(SELECT h FROM bayes_tokens ORDER BY phish + ham, seen LIMIT ?)`, n-keep)
		if err != nil {
			return err
		}
		deleted, _ = res.RowsAffected()
		_, err = tx.Exec(ctx, `UPDATE bayes_state SET generation = generation + 1 WHERE id = 1`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune bayes tokens: %w", err)
	}
	return deleted, nil
}

// Reset empties the model: every feature, every learned message.
func (b *Bayes) Reset(ctx context.Context) error {
	err := b.db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Changed(ctx, ChannelBayes); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM bayes_tokens`, `DELETE FROM bayes_messages`,
			`UPDATE bayes_state SET phish = 0, ham = 0, tokenizer = 0, generation = generation + 1 WHERE id = 1`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: reset bayes model: %w", err)
	}
	return nil
}

// Taught implements bayes.Repository: who taught the model what.
func (b *Bayes) Taught(ctx context.Context) ([]bayes.Taught, error) {
	rows, err := b.db.Query(ctx, `SELECT source, class, count(*) FROM bayes_messages GROUP BY source, class`)
	if err != nil {
		return nil, fmt.Errorf("store: bayes sources: %w", err)
	}
	defer rows.Close()
	var out []bayes.Taught
	for rows.Next() {
		var t bayes.Taught
		if err := rows.Scan(&t.Source, &t.Class, &t.Messages); err != nil {
			return nil, fmt.Errorf("store: bayes sources: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
