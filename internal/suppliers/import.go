package suppliers

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/textmatch"
)

// Row is one line of an accounting export.
type Row struct {
	Line    int
	Name    string
	SIRET   string // SIRET or SIREN
	IBAN    string
	BIC     string
	Domain  string
	Country string
}

// LineError is a line of the export that cannot be imported.
type LineError struct {
	Line   int
	Field  string
	Value  string
	FR, EN string
}

func (e LineError) Error() string { return e.Message("en") }

// Message says the error in the language asked for.
func (e LineError) Message(lang string) string {
	if lang == "en" {
		return strings.TrimSpace(fmt.Sprintf("line %d: %s %s", e.Line, e.EN, quote(e.Value)))
	}
	return strings.TrimSpace(fmt.Sprintf("ligne %d : %s %s", e.Line, e.FR, quote(e.Value)))
}

func quote(v string) string {
	if v == "" {
		return ""
	}
	return "« " + v + " »"
}

// ImportError gathers the line errors of a refused import: nothing was
// imported.
type ImportError struct{ Lines []LineError }

func (e *ImportError) Error() string { return e.Message("en") }

// Message lists the errors in the language asked for.
func (e *ImportError) Message(lang string) string {
	var b strings.Builder
	if lang == "en" {
		fmt.Fprintf(&b, "%d line(s) refused, nothing imported:", len(e.Lines))
	} else {
		fmt.Fprintf(&b, "%d ligne(s) refusée(s), rien n'a été importé :", len(e.Lines))
	}
	for _, l := range e.Lines {
		b.WriteString("\n  " + l.Message(lang))
	}
	return b.String()
}

// maxImportBytes and maxImportRows bound an export.
const (
	maxImportBytes = 32 << 20
	maxImportRows  = 200_000
	maxLineErrors  = 100
)

// columns maps the header names of French and English exports.
var columns = map[string]string{
	"fournisseur": "name", "nom": "name", "raison sociale": "name", "supplier": "name", "name": "name", "supplier name": "name",
	"nom fournisseur": "name", "siret": "siret", "siren": "siret", "iban": "iban", "bic": "bic", "swift": "bic",
	"domaine": "domain", "domain": "domain", "email": "domain", "courriel": "domain", "pays": "country", "country": "country",
}

// ParseCSV reads an accounting export: a header line naming at least the
// supplier name, SIRET and IBAN columns (French or English names, comma
// or semicolon separated, as spreadsheets write them), then one line per
// supplier's bank account. Every line is checked; any error refuses the
// whole file with every line in fault.
func ParseCSV(r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("suppliers: read export: %w", err)
	}
	if len(data) > maxImportBytes {
		return nil, fmt.Errorf("suppliers: export over %d MiB", maxImportBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &ImportError{Lines: []LineError{{Line: 1, FR: "en-tête illisible", EN: "unreadable header"}}}
	}
	idx := map[string]int{}
	for i, h := range header {
		if c, ok := columns[textmatch.Normalize(h)]; ok {
			if _, dup := idx[c]; !dup {
				idx[c] = i
			}
		}
	}
	var errs []LineError
	for _, c := range []string{"name", "siret", "iban"} {
		if _, ok := idx[c]; !ok {
			errs = append(errs, LineError{Line: 1, Field: c, FR: "colonne manquante :", EN: "missing column:", Value: c})
		}
	}
	if len(errs) > 0 {
		return nil, &ImportError{Lines: errs}
	}
	var rows []Row
	for {
		line := 0
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			errs = append(errs, LineError{Line: line, FR: "ligne CSV illisible", EN: "unreadable CSV line"})
			if len(errs) >= maxLineErrors {
				break
			}
			continue
		}
		if len(rec) > 0 {
			line, _ = cr.FieldPos(0)
		}
		if len(rows) >= maxImportRows {
			errs = append(errs, LineError{Line: line, FR: "trop de lignes", EN: "too many lines"})
			break
		}
		get := func(c string) string {
			if i, ok := idx[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		row := Row{Line: line, Name: get("name"), SIRET: strings.NewReplacer(" ", "", ".", "").Replace(get("siret")),
			IBAN: invoice.NormalizeIBAN(get("iban")), BIC: strings.ToUpper(get("bic")), Country: strings.ToUpper(get("country"))}
		if d := strings.ToLower(get("domain")); d != "" {
			if i := strings.LastIndexByte(d, '@'); i >= 0 {
				d = d[i+1:]
			}
			row.Domain = Registrable(d)
		}
		errs = append(errs, row.check()...)
		if len(errs) >= maxLineErrors {
			break
		}
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, &ImportError{Lines: errs}
	}
	return rows, nil
}

func (r Row) check() []LineError {
	var errs []LineError
	bad := func(field, value, fr, en string) {
		errs = append(errs, LineError{Line: r.Line, Field: field, Value: value, FR: fr, EN: en})
	}
	if r.Name == "" {
		bad("name", "", "nom du fournisseur manquant", "supplier name missing")
	}
	switch {
	case r.SIRET == "":
		bad("siret", "", "SIRET manquant", "SIRET missing")
	case len(r.SIRET) == 14 && !invoice.ValidSIRET(r.SIRET), len(r.SIRET) == 9 && !invoice.ValidSIREN(r.SIRET):
		bad("siret", r.SIRET, "SIRET/SIREN invalide (clé de contrôle)", "invalid SIRET/SIREN (check key)")
	case len(r.SIRET) != 14 && len(r.SIRET) != 9:
		bad("siret", r.SIRET, "SIRET/SIREN invalide (14 ou 9 chiffres attendus)", "invalid SIRET/SIREN (14 or 9 digits expected)")
	}
	switch {
	case r.IBAN == "":
		bad("iban", "", "IBAN manquant", "IBAN missing")
	case invoice.IBANLength(r.IBAN[:min(2, len(r.IBAN))]) != len(r.IBAN):
		bad("iban", r.IBAN, "IBAN invalide (longueur pour son pays)", "invalid IBAN (length for its country)")
	case !invoice.ValidIBAN(r.IBAN):
		bad("iban", r.IBAN, "IBAN invalide (clé de contrôle)", "invalid IBAN (check digits)")
	}
	if r.BIC != "" && !invoice.ValidBIC(r.BIC) {
		bad("bic", r.BIC, "BIC invalide", "invalid BIC")
	}
	if r.Country != "" && invoice.IBANLength(r.Country) == 0 && len(r.Country) != 2 {
		bad("country", r.Country, "pays invalide (code ISO à deux lettres)", "invalid country (two-letter ISO code)")
	}
	return errs
}

// ImportReport counts what an import changed.
type ImportReport struct {
	Rows, NewSuppliers, NewIBANs, Confirmed, Unchanged int
}

// Import writes the rows of an accounting export: the export is the
// accounting department's own record, so its IBANs are confirmed (a
// pending IBAN the export lists becomes confirmed). All rows or none.
func (r *Register) Import(ctx context.Context, rows []Row, file, by string) (ImportReport, error) {
	rep := ImportReport{Rows: len(rows)}
	at := r.now()
	err := r.Store.Change(ctx, func(w Tx) error {
		rep = ImportReport{Rows: len(rows)}
		for _, row := range rows {
			siren := invoice.SIRENOf(row.SIRET)
			cands, err := w.Find(siren, row.Domain)
			if err != nil {
				return err
			}
			var sup *Supplier
			for i := range cands {
				if cands[i].SIREN == siren {
					sup = &cands[i]
					break
				}
			}
			if sup == nil {
				ns := Supplier{Name: row.Name, Domain: row.Domain, SIREN: siren, Country: row.Country, Source: "import", CreatedAt: at}
				if len(row.SIRET) == 14 {
					ns.SIRET = row.SIRET
				}
				if ns.Country == "" {
					ns.Country = "FR" // a SIREN is French
				}
				id, err := w.Add(ns)
				if err != nil {
					return err
				}
				ns.ID = id
				sup = &ns
				rep.NewSuppliers++
			} else if sup.Domain == "" && row.Domain != "" {
				sup.Domain = row.Domain
				if err := w.Update(*sup); err != nil {
					return err
				}
			}
			b, ok, err := w.Bank(sup.ID, row.IBAN)
			if err == nil && (!ok || b.Status != BankConfirmed) {
				err = w.Event(Event{At: at, SupplierID: sup.ID, Actor: by, Action: "import",
					Detail: fmt.Sprintf("%s, %s:%d", invoice.FormatIBAN(row.IBAN), file, row.Line)})
			}
			switch {
			case err != nil:
				return err
			case !ok:
				if err := w.AddBank(BankDetail{SupplierID: sup.ID, IBAN: row.IBAN, BIC: row.BIC, Status: BankConfirmed,
					FirstSeen: at, LastSeen: at, Source: fmt.Sprintf("import:%s:%d", file, row.Line), ConfirmedBy: by, ConfirmedAt: at}); err != nil {
					return err
				}
				rep.NewIBANs++
			case b.Status != BankConfirmed:
				if _, err := w.Confirm(sup.ID, row.IBAN, by, at); err != nil {
					return err
				}
				rep.Confirmed++
			default:
				rep.Unchanged++
			}
		}
		return w.Event(Event{At: at, Actor: by, Action: "import",
			Detail: fmt.Sprintf("%s : %d lignes, %d fournisseurs nouveaux, %d IBAN nouveaux, %d confirmés", file, rep.Rows,
				rep.NewSuppliers, rep.NewIBANs, rep.Confirmed)})
	})
	return rep, err
}
