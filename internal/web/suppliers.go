package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/suppliers"
)

// The supplier register (docs/invoice.md) as accounting sees it: the bank
// details each supplier has used, the new ones waiting for a call to a
// number already known, the register's audit trail — and the
// confirmation, which tells Vigie to trust an IBAN from then on, so it
// takes a user who may change the indicators, a reason (how it was
// checked), and lands in both the register's trail and the console's.

// SupplierRow is one supplier of the register page.
type SupplierRow struct {
	*suppliers.Entry
	Confirmed, Learned, Pending int
}

// PendingBank is a bank detail waiting for its confirmation.
type PendingBank struct {
	Supplier *suppliers.Entry     `json:"supplier"`
	Bank     suppliers.BankDetail `json:"bank"`
}

// SuppliersView is the register page.
type SuppliersView struct {
	Suppliers []SupplierRow     `json:"suppliers"`
	Pending   []PendingBank     `json:"pending"`
	Events    []suppliers.Event `json:"events"` // the newest changes, every supplier's
	Names     map[int64]string  `json:"-"`
}

var errNoRegister = errors.New("web: the supplier register is not configured")

func (s *Server) suppliersView(r *http.Request) (SuppliersView, error) {
	if s.o.Suppliers == nil {
		return SuppliersView{}, errNoRegister
	}
	book, err := suppliers.Load(r.Context(), s.o.Suppliers)
	if err != nil {
		return SuppliersView{}, err
	}
	v := SuppliersView{Names: map[int64]string{}}
	for _, e := range book.Entries() {
		row := SupplierRow{Entry: e}
		for _, b := range e.Banks {
			switch b.Status {
			case suppliers.BankConfirmed:
				row.Confirmed++
			case suppliers.BankLearned:
				row.Learned++
			case suppliers.BankPending:
				row.Pending++
				v.Pending = append(v.Pending, PendingBank{Supplier: e, Bank: b})
			}
		}
		v.Suppliers = append(v.Suppliers, row)
		v.Names[e.ID] = e.Name
	}
	// The suppliers with a bank detail to confirm first, then by name.
	slices.SortStableFunc(v.Suppliers, func(a, b SupplierRow) int {
		if (a.Pending > 0) != (b.Pending > 0) {
			if a.Pending > 0 {
				return -1
			}
			return 1
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	slices.SortFunc(v.Pending, func(a, b PendingBank) int { return b.Bank.FirstSeen.Compare(a.Bank.FirstSeen) })
	v.Events, err = s.o.Suppliers.Events(r.Context(), 0, 50)
	return v, err
}

func (s *Server) suppliersPage(w http.ResponseWriter, r *http.Request, p *principal) {
	v, err := s.suppliersView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, p, "suppliers", http.StatusOK, v)
}

func (s *Server) supplierList(r *http.Request, p *principal) (any, string, error) {
	v, err := s.suppliersView(r)
	return v, "", err
}

// supplierHistory is one supplier with its bank details and audit trail.
func (s *Server) supplierHistory(r *http.Request) (suppliers.History, error) {
	if s.o.Suppliers == nil {
		return suppliers.History{}, errNoRegister
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return suppliers.History{}, badf("%q is not a supplier number", r.PathValue("id"))
	}
	book, err := suppliers.Load(r.Context(), s.o.Suppliers)
	if err != nil {
		return suppliers.History{}, err
	}
	e, err := suppliers.Resolve(book, strconv.FormatInt(id, 10))
	if err != nil {
		return suppliers.History{}, err
	}
	return suppliers.HistoryOf(r.Context(), s.o.Suppliers, e)
}

func (s *Server) supplierPage(w http.ResponseWriter, r *http.Request, p *principal) {
	h, err := s.supplierHistory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, p, "supplier", http.StatusOK, h)
}

func (s *Server) supplierGet(r *http.Request, p *principal) (any, string, error) {
	h, err := s.supplierHistory(r)
	return h, "", err
}

// supplierConfirm confirms an IBAN of a supplier after a person checked it
// by calling a number already known: the reason says how.
func (s *Server) supplierConfirm(r *http.Request, p *principal) (any, string, error) {
	h, err := s.supplierHistory(r)
	if err != nil {
		return nil, "", err
	}
	q, err := readParams(r)
	if err != nil {
		return nil, "", err
	}
	iban := invoice.NormalizeIBAN(q.get("iban"))
	if !invoice.ValidIBAN(iban) {
		return nil, "", badfr("%q n'est pas un IBAN valide", "%q is not a valid IBAN", q.get("iban"))
	}
	reason := q.get("reason")
	if reason == "" {
		return nil, "", badfr("indiquez comment l'IBAN a été vérifié (motif) : un appel à un numéro déjà connu du fournisseur, par exemple",
			"say how the IBAN was checked (reason): a call to a number already known, say")
	}
	if b, ok := h.Entry.Bank(iban); !ok {
		return nil, "", fmt.Errorf("%w: IBAN %s of supplier %d", suppliers.ErrNotFound, invoice.MaskIBAN(iban), h.Entry.ID)
	} else if b.Status == suppliers.BankConfirmed {
		return nil, "", badfr("l'IBAN %s du fournisseur %d est déjà confirmé", "IBAN %s of supplier %d is already confirmed", invoice.MaskIBAN(iban), h.Entry.ID)
	}
	reg := &suppliers.Register{Store: s.o.Suppliers}
	if err := reg.Confirm(r.Context(), h.Entry.ID, iban, p.User, reason); err != nil {
		return nil, "", err
	}
	s.audit(r, p, "supplier.confirm", strconv.FormatInt(h.Entry.ID, 10), invoice.FormatIBAN(iban)+": "+reason)
	return map[string]any{"supplier": h.Entry.ID, "iban": iban, "confirmed_by": p.User},
		fmt.Sprintf("/suppliers/%d?done=iban-confirmed", h.Entry.ID), nil
}
