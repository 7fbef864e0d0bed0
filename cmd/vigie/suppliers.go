package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/suppliers"
)

func init() {
	register(command{Name: "suppliers list", Summary: "list the supplier register (bank details seen per supplier)", Run: runSuppliersList})
	register(command{Name: "suppliers show", Summary: "a supplier's bank details over time and its audit trail", Run: runSuppliersShow})
	register(command{Name: "suppliers import", Summary: "import the accounting export (CSV: supplier name, SIRET, IBAN)", Run: runSuppliersImport})
	register(command{Name: "suppliers confirm", Summary: "confirm a supplier's new IBAN after checking it by phone", Run: runSuppliersConfirm})
}

// suppliersCmd opens the register with the incident commands' flags
// (--store, --config, --by, --lang).
func suppliersCmd(ctx context.Context, name string, args []string, n int, usageFR, usageEN string, stderr io.Writer) (*supplierRun, error) {
	r := &supplierRun{incidentCmd: newIncidentCmd(name, args, stderr)}
	c := r.incidentCmd
	asJSON := c.fs.Bool("json", false, c.t("sortie JSON", "JSON output"))
	reason := c.fs.String("reason", "", c.t("comment la confirmation a été faite (« appel au 01… connu »)", "how it was confirmed (\"called the known number 01…\")"))
	pos, err := c.parse(args)
	if err != nil {
		return r, err
	}
	if len(pos) != n {
		return r, c.usage("usage : vigie %s", "usage: vigie %s", name+" "+c.t(usageFR, usageEN))
	}
	r.pos, r.json, r.reason = pos, *asJSON, *reason
	a, err := app.Load(ctx, c.config, app.Options{Store: c.store, Log: cliLog(c.stderr)})
	if err != nil {
		return r, err
	}
	r.app = a
	if r.book, err = suppliers.Load(ctx, a.Suppliers()); err != nil {
		a.Close()
		return r, err
	}
	return r, nil
}

// supplierRun is a parsed suppliers command with its register open.
type supplierRun struct {
	*incidentCmd
	pos    []string
	json   bool
	reason string
	app    *app.App
	book   *suppliers.Book
}

func runSuppliersList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := suppliersCmd(ctx, "suppliers list", args, 0, "[--json]", "[--json]", stderr)
	if err != nil {
		return err
	}
	defer c.app.Close()
	book := c.book
	if c.json {
		return writeJSON(stdout, book.Entries())
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, c.t("N°\tFOURNISSEUR\tDOMAINE\tSIREN\tIBAN (confirmés/appris/à confirmer)\tDERNIER VU", "ID\tSUPPLIER\tDOMAIN\tSIREN\tIBANS (confirmed/learned/pending)\tLAST SEEN"))
	for _, e := range book.Entries() {
		n := map[string]int{}
		var last string
		for _, b := range e.Banks {
			n[b.Status]++
			if d := b.LastSeen.Format("2006-01-02"); d > last {
				last = d
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d/%d/%d\t%s\n", e.ID, e.Name, e.Domain, e.SIREN, n[suppliers.BankConfirmed], n[suppliers.BankLearned], n[suppliers.BankPending], last)
	}
	if book.Len() == 0 {
		fmt.Fprintln(tw, c.t("(registre vide : vigie suppliers import EXPORT.csv)", "(empty register: vigie suppliers import EXPORT.csv)"))
	}
	return tw.Flush()
}

func runSuppliersShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := suppliersCmd(ctx, "suppliers show", args, 1, "N°|SIRET|SIREN|DOMAINE|NOM [--json]", "ID|SIRET|SIREN|DOMAIN|NAME [--json]", stderr)
	if err != nil {
		return err
	}
	defer c.app.Close()
	e, err := suppliers.Resolve(c.book, c.pos[0])
	if err != nil {
		return supplierErr(c.incidentCmd, err, c.pos[0])
	}
	h, err := suppliers.HistoryOf(ctx, c.app.Suppliers(), e)
	if err != nil {
		return err
	}
	if c.json {
		return writeJSON(stdout, h)
	}
	h.WriteText(stdout, c.lang)
	return nil
}

func supplierErr(c *incidentCmd, err error, ref string) error {
	if errors.Is(err, suppliers.ErrNotFound) {
		return errors.New(c.t(fmt.Sprintf("aucun fournisseur ne correspond à %q (vigie suppliers list)", ref), err.Error()))
	}
	return err
}

func runSuppliersImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := suppliersCmd(ctx, "suppliers import", args, 1, "EXPORT.csv [--by NOM]", "EXPORT.csv [--by NAME]", stderr)
	if err != nil {
		return err
	}
	defer c.app.Close()
	f, err := os.Open(c.pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := suppliers.ParseCSV(f)
	var ie *suppliers.ImportError
	if errors.As(err, &ie) {
		return errors.New(ie.Message(c.lang))
	}
	if err != nil {
		return err
	}
	reg := &suppliers.Register{Store: c.app.Suppliers()}
	rep, err := reg.Import(ctx, rows, filepath.Base(c.pos[0]), c.author())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, c.t("%d lignes importées : %d fournisseurs nouveaux, %d IBAN nouveaux, %d IBAN confirmés, %d inchangés\n",
		"%d lines imported: %d new suppliers, %d new IBANs, %d IBANs confirmed, %d unchanged\n"),
		rep.Rows, rep.NewSuppliers, rep.NewIBANs, rep.Confirmed, rep.Unchanged)
	return nil
}

func runSuppliersConfirm(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := suppliersCmd(ctx, "suppliers confirm", args, 2, "FOURNISSEUR IBAN [--reason TEXTE] [--by NOM]",
		"SUPPLIER IBAN [--reason TEXT] [--by NAME]", stderr)
	if err != nil {
		return err
	}
	defer c.app.Close()
	e, err := suppliers.Resolve(c.book, c.pos[0])
	if err != nil {
		return supplierErr(c.incidentCmd, err, c.pos[0])
	}
	iban := invoice.NormalizeIBAN(c.pos[1])
	if !invoice.ValidIBAN(iban) {
		return c.usage("%q n'est pas un IBAN valide", "%q is not a valid IBAN", c.pos[1])
	}
	reg := &suppliers.Register{Store: c.app.Suppliers()}
	if err := reg.Confirm(ctx, e.ID, iban, c.author(), c.reason); err != nil {
		if errors.Is(err, suppliers.ErrNotFound) {
			return errors.New(c.t(fmt.Sprintf("l'IBAN %s n'a jamais été vu pour %s", invoice.FormatIBAN(iban), e.Name), err.Error()))
		}
		return err
	}
	fmt.Fprintf(stdout, c.t("IBAN %s de %s confirmé par %s\n", "IBAN %s of %s confirmed by %s\n"), invoice.FormatIBAN(iban), e.Name, c.author())
	return nil
}
