package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/suppliers"
)

// SuppliersChannel is the revision channel bumped by every change.
const SuppliersChannel = "suppliers"

// Suppliers is the supplier register's repository.
type Suppliers struct{ db *DB }

var (
	_ suppliers.Repository = (*Suppliers)(nil)
	_ suppliers.Tx         = (*SupplierTx)(nil)
)

// Suppliers returns the register of db.
func (db *DB) Suppliers() *Suppliers { return &Suppliers{db: db} }

// Revision changes whenever the register does.
func (s *Suppliers) Revision(ctx context.Context) (int64, error) {
	return s.db.Revision(ctx, SuppliersChannel)
}

const supplierCols = `id, name, domain, siren, siret, country, source, created_at`

func scanSupplier(r interface{ Scan(...any) error }) (suppliers.Supplier, error) {
	var s suppliers.Supplier
	var at int64
	err := r.Scan(&s.ID, &s.Name, &s.Domain, &s.SIREN, &s.SIRET, &s.Country, &s.Source, &at)
	s.CreatedAt = time.UnixMilli(at).UTC()
	return s, err
}

// List returns every supplier by name.
func (s *Suppliers) List(ctx context.Context) ([]suppliers.Supplier, error) {
	rows, err := s.db.Query(ctx, `SELECT `+supplierCols+` FROM suppliers ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: suppliers: %w", err)
	}
	defer rows.Close()
	var out []suppliers.Supplier
	for rows.Next() {
		x, err := scanSupplier(rows)
		if err != nil {
			return nil, fmt.Errorf("store: suppliers: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

const bankCols = `supplier_id, iban, bic, status, first_seen, last_seen, seen, authenticated, source, confirmed_by, confirmed_at`

// BankDetails returns the IBANs of one supplier (0: of every supplier),
// oldest first.
func (s *Suppliers) BankDetails(ctx context.Context, supplierID int64) ([]suppliers.BankDetail, error) {
	q := `SELECT ` + bankCols + ` FROM supplier_bank_details`
	var args []any
	if supplierID != 0 {
		q += ` WHERE supplier_id = ?`
		args = append(args, supplierID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY supplier_id, first_seen, iban`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: bank details: %w", err)
	}
	defer rows.Close()
	var out []suppliers.BankDetail
	for rows.Next() {
		var b suppliers.BankDetail
		var first, last, conf int64
		if err := rows.Scan(&b.SupplierID, &b.IBAN, &b.BIC, &b.Status, &first, &last, &b.Seen, &b.Authenticated,
			&b.Source, &b.ConfirmedBy, &conf); err != nil {
			return nil, fmt.Errorf("store: bank details: %w", err)
		}
		b.FirstSeen, b.LastSeen = time.UnixMilli(first).UTC(), time.UnixMilli(last).UTC()
		if conf != 0 {
			b.ConfirmedAt = time.UnixMilli(conf).UTC()
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Events returns a supplier's audit trail (0: the whole register's),
// newest first, at most limit lines.
func (s *Suppliers) Events(ctx context.Context, supplierID int64, limit int) ([]suppliers.Event, error) {
	q := `SELECT id, at, supplier_id, actor, action, detail FROM supplier_events`
	var args []any
	if supplierID != 0 {
		q += ` WHERE supplier_id = ?`
		args = append(args, supplierID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: supplier events: %w", err)
	}
	defer rows.Close()
	var out []suppliers.Event
	for rows.Next() {
		var e suppliers.Event
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.SupplierID, &e.Actor, &e.Action, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: supplier events: %w", err)
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// SupplierTx changes the register inside one transaction.
type SupplierTx struct {
	tx  *Tx
	ctx context.Context
}

// Change runs fn in a transaction and bumps the register's revision.
func (s *Suppliers) Change(ctx context.Context, fn func(w suppliers.Tx) error) error {
	return s.db.InTx(ctx, func(tx *Tx) error {
		if err := fn(&SupplierTx{tx: tx, ctx: ctx}); err != nil {
			return err
		}
		_, err := tx.Changed(ctx, SuppliersChannel)
		return err
	})
}

// Add inserts a supplier and returns its id.
func (w *SupplierTx) Add(s suppliers.Supplier) (int64, error) {
	var id int64
	err := w.tx.QueryRow(w.ctx, `INSERT INTO suppliers (name, domain, siren, siret, country, source, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.Name, s.Domain, s.SIREN, s.SIRET, s.Country, s.Source,
		s.CreatedAt.UnixMilli()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: add supplier %q: %w", s.Name, err)
	}
	return id, nil
}

// Update rewrites a supplier's identity fields.
func (w *SupplierTx) Update(s suppliers.Supplier) error {
	_, err := w.tx.Exec(w.ctx, `UPDATE suppliers SET name = ?, domain = ?, siren = ?, siret = ?, country = ? WHERE id = ?`,
		s.Name, s.Domain, s.SIREN, s.SIRET, s.Country, s.ID)
	if err != nil {
		return fmt.Errorf("store: update supplier %d: %w", s.ID, err)
	}
	return nil
}

// Find returns the suppliers with the given SIREN (when not empty) or
// domain (when not empty).
func (w *SupplierTx) Find(siren, domain string) ([]suppliers.Supplier, error) {
	rows, err := w.tx.Query(w.ctx, `SELECT `+supplierCols+` FROM suppliers
		WHERE (? <> '' AND siren = ?) OR (? <> '' AND domain = ?) ORDER BY id`, siren, siren, domain, domain)
	if err != nil {
		return nil, fmt.Errorf("store: find supplier: %w", err)
	}
	defer rows.Close()
	var out []suppliers.Supplier
	for rows.Next() {
		x, err := scanSupplier(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Bank returns one bank detail, ok false when the supplier never had it.
func (w *SupplierTx) Bank(supplierID int64, iban string) (suppliers.BankDetail, bool, error) {
	var b suppliers.BankDetail
	var first, last int64
	err := w.tx.QueryRow(w.ctx, `SELECT status, first_seen, last_seen, seen, authenticated FROM supplier_bank_details
		WHERE supplier_id = ? AND iban = ?`, supplierID, iban).Scan(&b.Status, &first, &last, &b.Seen, &b.Authenticated)
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	if err != nil {
		return b, false, fmt.Errorf("store: bank detail: %w", err)
	}
	b.SupplierID, b.IBAN = supplierID, iban
	b.FirstSeen, b.LastSeen = time.UnixMilli(first).UTC(), time.UnixMilli(last).UTC()
	return b, true, nil
}

// CountBanks returns how many IBANs a supplier has.
func (w *SupplierTx) CountBanks(supplierID int64) (int, error) {
	var n int
	err := w.tx.QueryRow(w.ctx, `SELECT COUNT(*) FROM supplier_bank_details WHERE supplier_id = ?`, supplierID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: bank details of %d: %w", supplierID, err)
	}
	return n, nil
}

// AddBank inserts a bank detail.
func (w *SupplierTx) AddBank(b suppliers.BankDetail) error {
	var conf int64
	if !b.ConfirmedAt.IsZero() {
		conf = b.ConfirmedAt.UnixMilli()
	}
	_, err := w.tx.Exec(w.ctx, `INSERT INTO supplier_bank_details (`+bankCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.SupplierID, b.IBAN, b.BIC, b.Status, b.FirstSeen.UnixMilli(), b.LastSeen.UnixMilli(), b.Seen, b.Authenticated,
		b.Source, b.ConfirmedBy, conf)
	if err != nil {
		return fmt.Errorf("store: add bank detail of %d: %w", b.SupplierID, err)
	}
	return nil
}

// SeeBank counts one more message carrying a bank detail.
func (w *SupplierTx) SeeBank(supplierID int64, iban string, at time.Time, authenticated bool) error {
	a := 0
	if authenticated {
		a = 1
	}
	_, err := w.tx.Exec(w.ctx, `UPDATE supplier_bank_details SET last_seen = ?, seen = seen + 1, authenticated = authenticated + ?
		WHERE supplier_id = ? AND iban = ?`, at.UnixMilli(), a, supplierID, iban)
	if err != nil {
		return fmt.Errorf("store: see bank detail of %d: %w", supplierID, err)
	}
	return nil
}

// Confirm marks a bank detail confirmed by a person.
func (w *SupplierTx) Confirm(supplierID int64, iban, by string, at time.Time) (bool, error) {
	r, err := w.tx.Exec(w.ctx, `UPDATE supplier_bank_details SET status = ?, confirmed_by = ?, confirmed_at = ?
		WHERE supplier_id = ? AND iban = ?`, suppliers.BankConfirmed, by, at.UnixMilli(), supplierID, iban)
	if err != nil {
		return false, fmt.Errorf("store: confirm bank detail of %d: %w", supplierID, err)
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// Event appends a line to the audit trail.
func (w *SupplierTx) Event(e suppliers.Event) error {
	_, err := w.tx.Exec(w.ctx, `INSERT INTO supplier_events (at, supplier_id, actor, action, detail) VALUES (?, ?, ?, ?, ?)`,
		e.At.UnixMilli(), e.SupplierID, e.Actor, e.Action, e.Detail)
	if err != nil {
		return fmt.Errorf("store: supplier event: %w", err)
	}
	return nil
}

// AddEvent appends a line to the audit trail outside a change of the
// register (an alert sent).
func (s *Suppliers) AddEvent(ctx context.Context, e suppliers.Event) error {
	_, err := s.db.Exec(ctx, `INSERT INTO supplier_events (at, supplier_id, actor, action, detail) VALUES (?, ?, ?, ?, ?)`,
		e.At.UnixMilli(), e.SupplierID, e.Actor, e.Action, e.Detail)
	if err != nil {
		return fmt.Errorf("store: supplier event: %w", err)
	}
	return nil
}
