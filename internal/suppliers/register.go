package suppliers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/invoice"
)

// Register changes the supplier register; every change is journaled in
// its audit trail with who made it and why.
type Register struct {
	Store Repository
	Now   func() time.Time
}

func (r *Register) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC().Truncate(time.Millisecond)
	}
	return time.Now().UTC().Truncate(time.Millisecond)
}

// Sighting is what an authenticated message says about its sender.
type Sighting struct {
	Domain    string   // the From's organisational domain (authenticated)
	Name      string   // seller name of the invoice, else the display name
	SIREN     string   // from a structured invoice or the text
	SIRET     string   // idem
	Country   string   // seller country of a structured invoice
	IBANs     []string // valid IBANs the message carries
	BIC       string   // when the message carries one BIC
	MessageID string
}

// Outcome says what learning did, for the log.
type Outcome struct {
	SupplierID int64
	Created    bool
	NewIBANs   []string // added (learned or pending)
	Pending    []string // of which pending
	Refused    string   // why nothing was learned, when nothing was
}

// Learn records what an authenticated message carries. The supplier is
// found by SIREN, else by domain, else created. A SIREN that names a known
// supplier writing from another domain is learned only when the message
// also carries one of that supplier's known IBANs: otherwise anyone with
// an authenticated domain could attach himself to a supplier.
func (r *Register) Learn(ctx context.Context, s Sighting) (Outcome, error) {
	var out Outcome
	if s.Domain == "" || len(s.IBANs) == 0 {
		out.Refused = "no domain or no IBAN"
		return out, nil
	}
	at := r.now()
	err := r.Store.Change(ctx, func(w Tx) error {
		out = Outcome{}
		cands, err := w.Find(s.SIREN, s.Domain)
		if err != nil {
			return err
		}
		var sup *Supplier
		for i := range cands {
			if cands[i].Domain == s.Domain || sup == nil && (s.SIREN != "" && cands[i].SIREN == s.SIREN) {
				sup = &cands[i]
			}
		}
		if sup != nil && sup.Domain != s.Domain {
			vouched := false
			for _, iban := range s.IBANs {
				if b, ok, _ := w.Bank(sup.ID, iban); ok && b.Status != BankPending {
					vouched = true
				}
			}
			if !vouched {
				out.SupplierID = sup.ID
				out.Refused = "SIREN of a supplier known under another domain, without its known IBAN"
				return w.Event(Event{At: at, SupplierID: sup.ID, Actor: "gateway", Action: "learn-refused",
					Detail: fmt.Sprintf("%s (%s) : SIREN %s sans IBAN connu, message %s", s.Domain, s.Name, s.SIREN, s.MessageID)})
			}
			if sup.Domain == "" {
				sup.Domain = s.Domain
				if err := w.Update(*sup); err != nil {
					return err
				}
			}
		}
		if sup == nil {
			ns := Supplier{Name: s.Name, Domain: s.Domain, SIREN: s.SIREN, SIRET: s.SIRET, Country: s.Country,
				Source: "mail", CreatedAt: at}
			if ns.Name == "" {
				ns.Name = s.Domain
			}
			id, err := w.Add(ns)
			if err != nil {
				return err
			}
			ns.ID = id
			sup, out.Created = &ns, true
			if err := w.Event(Event{At: at, SupplierID: id, Actor: "gateway", Action: "learn-supplier",
				Detail: fmt.Sprintf("%s, message %s", s.Domain, s.MessageID)}); err != nil {
				return err
			}
		} else if sup.SIREN == "" && s.SIREN != "" || sup.Country == "" && s.Country != "" {
			sup.SIREN, sup.SIRET, sup.Country = or(sup.SIREN, s.SIREN), or(sup.SIRET, s.SIRET), or(sup.Country, s.Country)
			if err := w.Update(*sup); err != nil {
				return err
			}
		}
		out.SupplierID = sup.ID
		for _, iban := range s.IBANs {
			if _, ok, err := w.Bank(sup.ID, iban); err != nil {
				return err
			} else if ok {
				if err := w.SeeBank(sup.ID, iban, at, true); err != nil {
					return err
				}
				continue
			}
			n, err := w.CountBanks(sup.ID)
			if err != nil {
				return err
			}
			status := BankLearned
			if n > 0 {
				status = BankPending
				out.Pending = append(out.Pending, iban)
			}
			bic := ""
			if len(s.IBANs) == 1 {
				bic = s.BIC
			}
			if err := w.AddBank(BankDetail{SupplierID: sup.ID, IBAN: iban, BIC: bic, Status: status, FirstSeen: at,
				LastSeen: at, Seen: 1, Authenticated: 1, Source: "mail:" + s.MessageID}); err != nil {
				return err
			}
			out.NewIBANs = append(out.NewIBANs, iban)
			if err := w.Event(Event{At: at, SupplierID: sup.ID, Actor: "gateway", Action: "iban-" + status,
				Detail: fmt.Sprintf("%s, message %s", invoice.FormatIBAN(iban), s.MessageID)}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ErrNotFound is returned when a reference names no supplier.
var ErrNotFound = errors.New("suppliers: no such supplier")

// Resolve finds one supplier by id, SIREN, SIRET, domain or exact name.
func Resolve(b *Book, ref string) (*Entry, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && len(ref) < 9 {
		for _, e := range b.entries {
			if e.ID == id {
				return e, nil
			}
		}
	}
	var found []*Entry
	d := strings.ReplaceAll(ref, " ", "")
	for _, e := range b.entries {
		if e.SIREN != "" && (e.SIREN == d || e.SIRET == d || invoice.SIRENOf(d) == e.SIREN && len(d) == 9) ||
			strings.EqualFold(e.Domain, ref) || strings.EqualFold(e.Name, ref) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: %q", ErrNotFound, ref)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("suppliers: %q names %d suppliers: give the id", ref, len(found))
}

// Confirm marks an IBAN of a supplier confirmed by a person (after a call
// to a number already known, say).
func (r *Register) Confirm(ctx context.Context, supplierID int64, iban, by, why string) error {
	iban = invoice.NormalizeIBAN(iban)
	if strings.TrimSpace(by) == "" {
		return errors.New("suppliers: confirm: who confirms is required")
	}
	at := r.now()
	return r.Store.Change(ctx, func(w Tx) error {
		ok, err := w.Confirm(supplierID, iban, by, at)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: IBAN %s of supplier %d", ErrNotFound, invoice.MaskIBAN(iban), supplierID)
		}
		return w.Event(Event{At: at, SupplierID: supplierID, Actor: by, Action: "confirm",
			Detail: strings.TrimSpace(invoice.FormatIBAN(iban) + " " + why)})
	})
}

// History is a supplier with its bank details and audit trail.
type History struct {
	Entry  *Entry  `json:"supplier"`
	Events []Event `json:"events"`
}

// HistoryOf returns a supplier's history.
func HistoryOf(ctx context.Context, s Repository, e *Entry) (History, error) {
	ev, err := s.Events(ctx, e.ID, 200)
	return History{Entry: e, Events: ev}, err
}
