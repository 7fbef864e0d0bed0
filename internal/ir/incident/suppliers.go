package incident

import (
	"context"
	"fmt"
	"strings"

	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/scan"
)

// SupplierDoc is one supplier's history as a document for the case file.
type SupplierDoc struct {
	Supplier string // the supplier's name
	Name     string // file name of the document
	Text     string
}

// SupplierHistory gives the history of the suppliers a reported message
// speaks for or imitates (internal/suppliers, through internal/ir/bridge).
type SupplierHistory interface {
	History(ctx context.Context, raw []byte, v *scan.Verdict) ([]SupplierDoc, error)
}

// invoiceSignals mark a message about bank details: invoice or
// bank-detail fraud (issue 21, docs/invoice.md).
var invoiceSignals = []string{"IBAN_CHANGED", "BANK_DETAILS_CHANGE_REQUEST", "BANK_DETAILS_NEW_DOMAIN", "INVOICE_LOOKALIKE_SUPPLIER",
	"IBAN_FIRST_SEEN_UNAUTHENTICATED", "IBAN_COUNTRY_MISMATCH", "LURE_BANK_DETAILS", "FACTORING_NOTICE_UNKNOWN_FACTOR"}

// bankFraud returns the invoice-fraud signals of a verdict.
func bankFraud(v *scan.Verdict) []string {
	var out []string
	for _, n := range invoiceSignals {
		if v.Has(n) {
			out = append(out, n)
		}
	}
	return out
}

// attachSupplierHistory points the incident at the fraud steps of its
// checklist (F.1 alert accounting, F.2 check recent bank-detail changes
// and payments) and attaches the history of the suppliers concerned, so
// that accounting checks the right IBANs against the right payments.
func (s *Service) attachSupplierHistory(ctx context.Context, id int64, raw []byte, v *scan.Verdict, by string) error {
	sigs := bankFraud(v)
	if len(sigs) == 0 {
		return nil
	}
	var docs []SupplierDoc
	if s.suppliers != nil && raw != nil {
		var err error
		if docs, err = s.suppliers.History(ctx, raw, v); err != nil {
			s.log.Warn("supplier history not read", "incident", id, "err", err)
		}
	}
	var names []string
	for _, d := range docs {
		names = append(names, d.Supplier)
	}
	text := fmt.Sprintf("Fraude à la facture ou au RIB possible (%s) : alerter la comptabilité (F.1), vérifier les changements de RIB et les paiements récents (F.2)", strings.Join(sigs, ", "))
	if len(v.Indicators.IBANs) > 0 {
		text += " ; IBAN du message : " + strings.Join(v.Indicators.IBANs, ", ")
	}
	if len(names) > 0 {
		text += " ; historique joint : " + strings.Join(names, ", ")
	} else {
		text += " ; aucun fournisseur du registre n'est concerné"
	}
	if _, err := s.journalAny(ctx, id, journal.Draft{Author: "vigie", Kind: journal.Finding, Text: text + "."}); err != nil {
		return err
	}
	for _, d := range docs {
		if _, _, err := s.AddEvidence(ctx, id, EvidenceRequest{Name: d.Name, Content: strings.NewReader(d.Text),
			MediaType: "text/plain; charset=utf-8", Note: "historique du fournisseur " + d.Supplier + " (registre des fournisseurs)",
			Source: "registre des fournisseurs de Vigie", CollectedBy: "vigie", By: by}); err != nil {
			return err
		}
	}
	return nil
}
