package suppliers

import (
	"fmt"
	"io"
	"text/tabwriter"

	"vigie.dev/vigie/internal/invoice"
)

func statusFR(s string) string {
	switch s {
	case BankConfirmed:
		return "confirmé"
	case BankLearned:
		return "appris"
	case BankPending:
		return "À CONFIRMER"
	}
	return s
}

// WriteText prints a supplier's bank details and audit trail, in French
// or English: for `vigie suppliers show` and the incident's evidence.
func (h History) WriteText(w io.Writer, lang string) {
	t := func(fr, en string) string {
		if lang == "en" {
			return en
		}
		return fr
	}
	e := h.Entry
	fmt.Fprintf(w, "%s %d : %s\n", t("Fournisseur", "Supplier"), e.ID, e.Name)
	fmt.Fprintf(w, "  %s %s   SIREN %s   SIRET %s   %s %s   %s %s\n", t("domaine", "domain"), or(e.Domain, "?"), or(e.SIREN, "?"),
		or(e.SIRET, "?"), t("pays", "country"), or(e.Country, "?"), t("source", "source"), e.Source)
	fmt.Fprintln(w, t("Coordonnées bancaires :", "Bank details:"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, t("  IBAN\tBIC\tÉTAT\tPREMIER VU\tDERNIER VU\tVU (AUTHENTIFIÉ)\tSOURCE\tCONFIRMÉ PAR",
		"  IBAN\tBIC\tSTATUS\tFIRST SEEN\tLAST SEEN\tSEEN (AUTHENTICATED)\tSOURCE\tCONFIRMED BY"))
	for _, b := range e.Banks {
		status := b.Status
		if lang != "en" {
			status = statusFR(status)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%d (%d)\t%s\t%s\n", invoice.FormatIBAN(b.IBAN), b.BIC, status,
			b.FirstSeen.Format("2006-01-02 15:04"), b.LastSeen.Format("2006-01-02 15:04"), b.Seen, b.Authenticated, b.Source, b.ConfirmedBy)
	}
	tw.Flush()
	fmt.Fprintln(w, t("Journal :", "Audit trail:"))
	for _, ev := range h.Events {
		fmt.Fprintf(w, "  %s  %-10s %-14s %s\n", ev.At.Format("2006-01-02 15:04"), ev.Actor, ev.Action, ev.Detail)
	}
}
