package store

import (
	"context"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/posture"
)

// PostureRuns is the repository of audits.
type PostureRuns struct{ db *DB }

// PostureRuns returns the audit repository of db.
func (db *DB) PostureRuns() *PostureRuns { return &PostureRuns{db: db} }

var _ posture.Runs = (*PostureRuns)(nil)

// maxPostureBody bounds a stored report.
const maxPostureBody = 4 << 20

// Add stores a run and returns its id.
func (p *PostureRuns) Add(ctx context.Context, r posture.Run) (int64, error) {
	if len(r.Body) > maxPostureBody {
		return 0, fmt.Errorf("store: %s report of %s: %d bytes, over %d", r.Kind, r.Subject, len(r.Body), maxPostureBody)
	}
	var id int64
	err := p.db.QueryRow(ctx, `INSERT INTO posture_runs (kind, subject, at, worst, body) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		r.Kind, r.Subject, r.At.UnixMilli(), r.Worst, string(r.Body)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: %s report of %s: %w", r.Kind, r.Subject, err)
	}
	return id, nil
}

// Latest returns the newest run of kind for each subject, newest first.
func (p *PostureRuns) Latest(ctx context.Context, kind string) ([]posture.Run, error) {
	rows, err := p.db.Query(ctx, `SELECT r.id, r.kind, r.subject, r.at, r.worst, r.body FROM posture_runs r
		WHERE r.kind = ? AND r.id = (SELECT MAX(id) FROM posture_runs WHERE kind = r.kind AND subject = r.subject)
		ORDER BY r.at DESC, r.id DESC LIMIT 100`, kind)
	if err != nil {
		return nil, fmt.Errorf("store: latest %s reports: %w", kind, err)
	}
	defer rows.Close()
	var out []posture.Run
	for rows.Next() {
		var r posture.Run
		var at int64
		var body string
		if err := rows.Scan(&r.ID, &r.Kind, &r.Subject, &at, &r.Worst, &body); err != nil {
			return nil, fmt.Errorf("store: latest %s reports: %w", kind, err)
		}
		r.At, r.Body = time.UnixMilli(at).UTC(), []byte(body)
		out = append(out, r)
	}
	return out, rows.Err()
}
