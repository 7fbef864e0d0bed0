package suppliers

import (
	"context"
	"time"
)

// Supplier is one entry of the supplier register.
type Supplier struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Domain    string    `json:"domain,omitempty"`
	SIREN     string    `json:"siren,omitempty"`
	SIRET     string    `json:"siret,omitempty"`
	Country   string    `json:"country,omitempty"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// Bank-detail statuses.
const (
	BankConfirmed = "confirmed" // from the accounting export, or confirmed by a person
	BankLearned   = "learned"   // a supplier's first IBAN, from its authenticated mail
	BankPending   = "pending"   // a new IBAN of a supplier that had one: to be confirmed
)

// BankDetail is an IBAN seen for a supplier.
type BankDetail struct {
	SupplierID    int64     `json:"supplier_id"`
	IBAN          string    `json:"iban"`
	BIC           string    `json:"bic,omitempty"`
	Status        string    `json:"status"`
	FirstSeen     time.Time `json:"first_seen"`
	LastSeen      time.Time `json:"last_seen"`
	Seen          int64     `json:"seen"`
	Authenticated int64     `json:"authenticated"`
	Source        string    `json:"source"`
	ConfirmedBy   string    `json:"confirmed_by,omitempty"`
	ConfirmedAt   time.Time `json:"confirmed_at,omitzero"`
}

// Event is one line of the register's audit trail.
type Event struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	SupplierID int64     `json:"supplier_id,omitempty"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	Detail     string    `json:"detail,omitempty"`
}

// Repository keeps the supplier register (package store implements it
// over SQLite and PostgreSQL).
type Repository interface {
	// Revision changes whenever the register does.
	Revision(ctx context.Context) (int64, error)
	List(ctx context.Context) ([]Supplier, error)
	BankDetails(ctx context.Context, supplierID int64) ([]BankDetail, error)
	// Events returns a supplier's audit trail (0: every supplier's),
	// newest first.
	Events(ctx context.Context, supplierID int64, limit int) ([]Event, error)
	// Change runs fn in one transaction and bumps the revision.
	Change(ctx context.Context, fn func(w Tx) error) error
	// AddEvent appends to the audit trail outside a change (an alert sent).
	AddEvent(ctx context.Context, e Event) error
}

// Tx changes the register inside one transaction (Repository.Change).
type Tx interface {
	Add(s Supplier) (int64, error)
	Update(s Supplier) error
	// Find returns the suppliers with the SIREN or the domain given
	// (either may be empty).
	Find(siren, domain string) ([]Supplier, error)
	// Bank returns one bank detail; ok is false when the supplier never
	// had it.
	Bank(supplierID int64, iban string) (b BankDetail, ok bool, err error)
	CountBanks(supplierID int64) (int, error)
	AddBank(b BankDetail) error
	// SeeBank counts one more message carrying the bank detail.
	SeeBank(supplierID int64, iban string, at time.Time, authenticated bool) error
	// Confirm marks a bank detail confirmed by a person; false when there
	// is none.
	Confirm(supplierID int64, iban, by string, at time.Time) (bool, error)
	Event(e Event) error
}
