package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
)

// Incidents is the incident-response repository; it implements
// incident.Repository. Writers of one incident are serialised by the
// incident row's lock (PostgreSQL: SELECT … FOR UPDATE; SQLite: the
// database write lock taken at BEGIN), so the journal chain stays linear
// across goroutines, processes and nodes.
type Incidents struct{ db *DB }

// Incidents returns the incident repository of db.
func (db *DB) Incidents() *Incidents { return &Incidents{db: db} }

var _ incident.Repository = (*Incidents)(nil)

type querier interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

const incidentCols = `id, type, title, summary, status, perimeter, impact, urgency, severity, assignee,
	accounts, machines, personal_data, aware_at, playbook, opened_at, opened_by, closed_at, closed_by,
	journal_seq, journal_head, resolution`

func scanIncident(sc interface{ Scan(...any) error }) (incident.Incident, error) {
	var inc incident.Incident
	var accounts, machines string
	var personal int
	var aware, opened, closed sql.NullInt64
	err := sc.Scan(&inc.ID, &inc.Type, &inc.Title, &inc.Summary, &inc.Status, &inc.Perimeter, &inc.Impact,
		&inc.Urgency, &inc.Severity, &inc.Assignee, &accounts, &machines, &personal, &aware, &inc.Playbook,
		&opened, &inc.OpenedBy, &closed, &inc.ClosedBy, &inc.Journal.Seq, &inc.Journal.Hash, &inc.Resolution)
	if err != nil {
		return inc, err
	}
	inc.Accounts, inc.Machines = fromJSONList(accounts), fromJSONList(machines)
	inc.PersonalData = personal != 0
	inc.AwareAt, inc.OpenedAt, inc.ClosedAt = fromMillis(aware), fromMillis(opened), fromMillis(closed)
	return inc, nil
}

func toJSONList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l)
	return string(b)
}

func fromJSONList(s string) []string {
	var l []string
	if s != "" {
		json.Unmarshal([]byte(s), &l)
	}
	return l
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Create implements incident.Repository.
func (r *Incidents) Create(ctx context.Context, inc incident.Incident, items []incident.ChecklistItem, fn func(incident.Tx) error) (incident.Incident, error) {
	err := r.db.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO incidents (type, title, summary, status, perimeter, impact, urgency,
			severity, assignee, accounts, machines, personal_data, aware_at, playbook, opened_at, opened_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			inc.Type, inc.Title, inc.Summary, inc.Status, inc.Perimeter, inc.Impact, inc.Urgency, inc.Severity,
			inc.Assignee, toJSONList(inc.Accounts), toJSONList(inc.Machines), boolInt(inc.PersonalData),
			millis(inc.AwareAt), inc.Playbook, millis(inc.OpenedAt), inc.OpenedBy).Scan(&inc.ID)
		if err != nil {
			return fmt.Errorf("store: create incident: %w", err)
		}
		for i, it := range items {
			if _, err := tx.Exec(ctx, `INSERT INTO incident_checklist (incident_id, position, playbook, item_id, status)
				VALUES (?, ?, ?, ?, ?)`, inc.ID, i, it.Playbook, it.ItemID, it.Status); err != nil {
				return fmt.Errorf("store: create incident checklist: %w", err)
			}
		}
		t := &incidentTx{tx: tx, inc: inc}
		err = fn(t)
		inc.Journal = t.inc.Journal
		return err
	})
	if err != nil {
		return incident.Incident{}, err
	}
	return inc, nil
}

// Get implements incident.Repository.
func (r *Incidents) Get(ctx context.Context, id int64) (incident.Incident, error) {
	return getIncident(ctx, r.db, id, false)
}

func getIncident(ctx context.Context, q querier, id int64, lock bool) (incident.Incident, error) {
	query := `SELECT ` + incidentCols + ` FROM incidents WHERE id = ?`
	if lock {
		query += ` FOR UPDATE`
	}
	inc, err := scanIncident(q.QueryRow(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return inc, fmt.Errorf("incident %d: %w", id, incident.ErrNotFound)
	}
	if err != nil {
		return inc, fmt.Errorf("store: incident %d: %w", id, err)
	}
	return inc, nil
}

// List implements incident.Repository: newest first.
func (r *Incidents) List(ctx context.Context, f incident.ListFilter) ([]incident.Incident, error) {
	q := `SELECT ` + incidentCols + ` FROM incidents`
	var args []any
	if f.Status != "" {
		q += ` WHERE status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := r.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list incidents: %w", err)
	}
	defer rows.Close()
	var out []incident.Incident
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list incidents: %w", err)
		}
		out = append(out, inc)
	}
	return out, rows.Err()
}

// Load implements incident.Repository. It reads in one transaction so the
// journal and its head are consistent.
func (r *Incidents) Load(ctx context.Context, id int64) (incident.Case, error) {
	var c incident.Case
	stx, err := r.db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: r.db.dialect == Postgres})
	if err != nil {
		return c, fmt.Errorf("store: load incident %d: %w", id, err)
	}
	defer stx.Rollback()
	q := &Tx{tx: stx, db: r.db}
	if c.Incident, err = getIncident(ctx, q, id, false); err != nil {
		return c, err
	}
	if c.Checklist, err = checklist(ctx, q, id); err != nil {
		return c, err
	}
	if c.Evidence, err = evidenceRecords(ctx, q, id); err != nil {
		return c, err
	}
	if c.Indicators, err = indicators(ctx, q, id); err != nil {
		return c, err
	}
	if c.Journal, err = journalEntries(ctx, q, id); err != nil {
		return c, err
	}
	return c, nil
}

// Update implements incident.Repository.
func (r *Incidents) Update(ctx context.Context, id int64, fn func(incident.Tx) error) error {
	return r.db.InTx(ctx, func(tx *Tx) error {
		inc, err := getIncident(ctx, tx, id, tx.Dialect() == Postgres)
		if err != nil {
			return err
		}
		return fn(&incidentTx{tx: tx, inc: inc})
	})
}

type incidentTx struct {
	tx  *Tx
	inc incident.Incident
}

func (t *incidentTx) Incident() incident.Incident { return t.inc }

func (t *incidentTx) SaveIncident(ctx context.Context, inc incident.Incident) error {
	_, err := t.tx.Exec(ctx, `UPDATE incidents SET title = ?, summary = ?, status = ?, perimeter = ?, impact = ?,
		urgency = ?, severity = ?, assignee = ?, accounts = ?, machines = ?, personal_data = ?, aware_at = ?,
		closed_at = ?, closed_by = ?, resolution = ? WHERE id = ?`,
		inc.Title, inc.Summary, inc.Status, inc.Perimeter, inc.Impact, inc.Urgency, inc.Severity, inc.Assignee,
		toJSONList(inc.Accounts), toJSONList(inc.Machines), boolInt(inc.PersonalData), millis(inc.AwareAt),
		millis(inc.ClosedAt), inc.ClosedBy, inc.Resolution, t.inc.ID)
	if err != nil {
		return fmt.Errorf("store: save incident %d: %w", t.inc.ID, err)
	}
	inc.ID, inc.Journal = t.inc.ID, t.inc.Journal
	t.inc = inc
	return nil
}

func (t *incidentTx) Checklist(ctx context.Context) ([]incident.ChecklistItem, error) {
	return checklist(ctx, t.tx, t.inc.ID)
}

func checklist(ctx context.Context, q querier, id int64) ([]incident.ChecklistItem, error) {
	rows, err := q.Query(ctx, `SELECT playbook, item_id, status, assignee, note, updated_at, updated_by
		FROM incident_checklist WHERE incident_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("store: incident %d checklist: %w", id, err)
	}
	defer rows.Close()
	var out []incident.ChecklistItem
	for rows.Next() {
		it := incident.ChecklistItem{IncidentID: id}
		var updated sql.NullInt64
		if err := rows.Scan(&it.Playbook, &it.ItemID, &it.Status, &it.Assignee, &it.Note, &updated, &it.UpdatedBy); err != nil {
			return nil, fmt.Errorf("store: incident %d checklist: %w", id, err)
		}
		it.UpdatedAt = fromMillis(updated)
		out = append(out, it)
	}
	return out, rows.Err()
}

func (t *incidentTx) SaveItem(ctx context.Context, it incident.ChecklistItem) error {
	res, err := t.tx.Exec(ctx, `UPDATE incident_checklist SET status = ?, assignee = ?, note = ?, updated_at = ?,
		updated_by = ? WHERE incident_id = ? AND playbook = ? AND item_id = ?`,
		it.Status, it.Assignee, it.Note, millis(it.UpdatedAt), it.UpdatedBy, t.inc.ID, it.Playbook, it.ItemID)
	if err != nil {
		return fmt.Errorf("store: incident %d item %s: %w", t.inc.ID, it.ItemID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("incident %d item %s: %w", t.inc.ID, it.ItemID, incident.ErrNotFound)
	}
	return nil
}

func (t *incidentTx) AddEvidence(ctx context.Context, rec evidence.Record) (evidence.Record, error) {
	rec.IncidentID = t.inc.ID
	err := t.tx.QueryRow(ctx, `INSERT INTO incident_evidence (incident_id, sha256, size, name, media_type,
		added_at, added_by, note, source, collected_by, collected_at, subject)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		rec.IncidentID, rec.SHA256, rec.Size, rec.Name, rec.MediaType, millis(rec.AddedAt), rec.AddedBy, rec.Note,
		rec.Source, rec.CollectedBy, millis(rec.CollectedAt), rec.Subject).Scan(&rec.ID)
	if err != nil {
		return rec, fmt.Errorf("store: incident %d evidence: %w", t.inc.ID, err)
	}
	return rec, nil
}

func evidenceRecords(ctx context.Context, q querier, id int64) ([]evidence.Record, error) {
	rows, err := q.Query(ctx, `SELECT id, sha256, size, name, media_type, added_at, added_by, note,
		source, collected_by, collected_at, subject
		FROM incident_evidence WHERE incident_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: incident %d evidence: %w", id, err)
	}
	defer rows.Close()
	var out []evidence.Record
	for rows.Next() {
		r := evidence.Record{IncidentID: id}
		var added, collected sql.NullInt64
		if err := rows.Scan(&r.ID, &r.SHA256, &r.Size, &r.Name, &r.MediaType, &added, &r.AddedBy, &r.Note,
			&r.Source, &r.CollectedBy, &collected, &r.Subject); err != nil {
			return nil, fmt.Errorf("store: incident %d evidence: %w", id, err)
		}
		r.AddedAt, r.CollectedAt = fromMillis(added), fromMillis(collected)
		out = append(out, r)
	}
	return out, rows.Err()
}

const incidentIndicatorCols = `id, kind, value, origin, evidence, suggested, note, state, mode, ioc_id,
	expires_at, pushed_at, pushed_by, added_at`

func (t *incidentTx) Indicators(ctx context.Context) ([]incident.Indicator, error) {
	return indicators(ctx, t.tx, t.inc.ID)
}

func indicators(ctx context.Context, q querier, id int64) ([]incident.Indicator, error) {
	rows, err := q.Query(ctx, `SELECT `+incidentIndicatorCols+` FROM incident_indicators
		WHERE incident_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: incident %d indicators: %w", id, err)
	}
	defer rows.Close()
	var out []incident.Indicator
	for rows.Next() {
		ind := incident.Indicator{IncidentID: id}
		var exp, pushed, added sql.NullInt64
		if err := rows.Scan(&ind.ID, &ind.Kind, &ind.Value, &ind.Origin, &ind.Evidence, &ind.Suggested, &ind.Note,
			&ind.State, &ind.Mode, &ind.IOCID, &exp, &pushed, &ind.PushedBy, &added); err != nil {
			return nil, fmt.Errorf("store: incident %d indicators: %w", id, err)
		}
		ind.ExpiresAt, ind.PushedAt, ind.AddedAt = fromMillis(exp), fromMillis(pushed), fromMillis(added)
		out = append(out, ind)
	}
	return out, rows.Err()
}

func (t *incidentTx) SaveIndicator(ctx context.Context, ind incident.Indicator) (incident.Indicator, error) {
	ind.IncidentID = t.inc.ID
	err := t.tx.QueryRow(ctx, `INSERT INTO incident_indicators (incident_id, kind, value, origin, evidence,
		suggested, note, state, mode, ioc_id, expires_at, pushed_at, pushed_by, added_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident_id, kind, value) DO UPDATE SET state = excluded.state, mode = excluded.mode,
			ioc_id = excluded.ioc_id, expires_at = excluded.expires_at, pushed_at = excluded.pushed_at,
			pushed_by = excluded.pushed_by
		RETURNING id`,
		ind.IncidentID, ind.Kind, ind.Value, ind.Origin, ind.Evidence, ind.Suggested, ind.Note, ind.State, ind.Mode,
		ind.IOCID, millis(ind.ExpiresAt), millis(ind.PushedAt), ind.PushedBy, millis(ind.AddedAt)).Scan(&ind.ID)
	if err != nil {
		return ind, fmt.Errorf("store: incident %d indicator %s: %w", t.inc.ID, ind.Value, err)
	}
	return ind, nil
}

func (t *incidentTx) Evidence(ctx context.Context) ([]evidence.Record, error) {
	return evidenceRecords(ctx, t.tx, t.inc.ID)
}

func (t *incidentTx) Last(ctx context.Context) (*journal.Entry, error) {
	if t.inc.Journal.Seq == 0 {
		return nil, nil
	}
	es, err := queryJournal(ctx, t.tx, `WHERE incident_id = ? AND seq = ?`, t.inc.ID, t.inc.Journal.Seq)
	if err != nil {
		return nil, err
	}
	if len(es) != 1 {
		return nil, fmt.Errorf("store: incident %d: journal entry %d (the head) is missing", t.inc.ID, t.inc.Journal.Seq)
	}
	return &es[0], nil
}

func (t *incidentTx) Append(ctx context.Context, e journal.Entry) error {
	if e.IncidentID != t.inc.ID || e.Seq != t.inc.Journal.Seq+1 {
		return fmt.Errorf("store: incident %d: entry %d of incident %d does not follow the head %d", t.inc.ID, e.Seq, e.IncidentID, t.inc.Journal.Seq)
	}
	if _, err := t.tx.Exec(ctx, `INSERT INTO incident_journal (incident_id, seq, at, event_at, author, kind, text,
		accounts, machines, state, prev_hash, hash, seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.IncidentID, e.Seq, e.At.UnixMilli(), millis(e.EventAt), e.Author, e.Kind, e.Text, toJSONList(e.Accounts),
		toJSONList(e.Machines), e.State, e.Prev, e.Hash, e.Seal); err != nil {
		return fmt.Errorf("store: incident %d journal: %w", t.inc.ID, err)
	}
	if _, err := t.tx.Exec(ctx, `UPDATE incidents SET journal_seq = ?, journal_head = ? WHERE id = ?`,
		e.Seq, e.Hash, t.inc.ID); err != nil {
		return fmt.Errorf("store: incident %d journal head: %w", t.inc.ID, err)
	}
	t.inc.Journal = e.Head()
	return nil
}

func journalEntries(ctx context.Context, q querier, id int64) ([]journal.Entry, error) {
	return queryJournal(ctx, q, `WHERE incident_id = ?`, id)
}

func queryJournal(ctx context.Context, q querier, where string, args ...any) ([]journal.Entry, error) {
	rows, err := q.Query(ctx, `SELECT incident_id, seq, at, event_at, author, kind, text, accounts, machines, state,
		prev_hash, hash, seal FROM incident_journal `+where+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: journal: %w", err)
	}
	defer rows.Close()
	var out []journal.Entry
	for rows.Next() {
		var e journal.Entry
		var at int64
		var eventAt sql.NullInt64
		var accounts, machines string
		if err := rows.Scan(&e.IncidentID, &e.Seq, &at, &eventAt, &e.Author, &e.Kind, &e.Text, &accounts, &machines,
			&e.State, &e.Prev, &e.Hash, &e.Seal); err != nil {
			return nil, fmt.Errorf("store: journal: %w", err)
		}
		e.At, e.EventAt = time.UnixMilli(at).UTC(), fromMillis(eventAt)
		e.Accounts, e.Machines = fromJSONList(accounts), fromJSONList(machines)
		out = append(out, e)
	}
	return out, rows.Err()
}
