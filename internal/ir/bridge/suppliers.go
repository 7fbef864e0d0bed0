package bridge

import (
	"context"
	"fmt"
	"strings"

	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
)

// Suppliers adapts the supplier register to incident.SupplierHistory: the
// suppliers a reported message speaks for or imitates, each with its bank
// details over time and its audit trail, in French.
type Suppliers struct {
	Store  suppliers.Repository
	Limits message.Limits
}

// History implements incident.SupplierHistory.
func (s Suppliers) History(ctx context.Context, raw []byte, _ *scan.Verdict) ([]incident.SupplierDoc, error) {
	lim := s.Limits
	if lim.MaxSize == 0 {
		lim = message.DefaultLimits()
	}
	m := message.Parse(raw, lim)
	book, err := suppliers.Load(ctx, s.Store)
	if err != nil {
		return nil, fmt.Errorf("bridge: supplier register: %w", err)
	}
	var out []incident.SupplierDoc
	for _, e := range suppliers.Concerned(book, m, invoice.Extract(m, invoice.Limits{})) {
		h, err := suppliers.HistoryOf(ctx, s.Store, e)
		if err != nil {
			return out, fmt.Errorf("bridge: supplier %d: %w", e.ID, err)
		}
		var b strings.Builder
		h.WriteText(&b, "fr")
		out = append(out, incident.SupplierDoc{Supplier: e.Name, Name: fmt.Sprintf("historique-fournisseur-%d.txt", e.ID), Text: b.String()})
	}
	return out, nil
}
