package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/invoice/invoicetest"
)

// The register from the command line: an export with errors is refused
// whole with its line numbers (non-zero exit), a good one imported, listed,
// shown, and a new IBAN confirmed; French first, English on request.
func TestSuppliersCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(envStore, "sqlite:"+filepath.Join(dir, "vigie.db"))
	siret := invoicetest.SIRET(invoicetest.SIREN("90000001"), "0001")
	iban := invoicetest.IBAN("FR", "99999000010000000000001")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("Fournisseur;SIRET;IBAN\nPapeterie Fictive;"+siret+";"+iban+"\nBlanchisserie;123;FR76 1234\n"), 0o600)
	_, errs, code := runCmd(t, "suppliers", "import", bad)
	if code == 0 || !strings.Contains(errs, "ligne 3 : SIRET/SIREN invalide") || !strings.Contains(errs, "rien n'a été importé") {
		t.Fatalf("bad export: exit %d\n%s", code, errs)
	}
	_, errs, _ = runCmd(t, "suppliers", "import", bad, "--lang", "en")
	if !strings.Contains(errs, "line 3: invalid IBAN") {
		t.Errorf("English: %s", errs)
	}
	if out, _, _ := runCmd(t, "suppliers", "list"); !strings.Contains(out, "registre vide") {
		t.Errorf("a refused import wrote something:\n%s", out)
	}
	good := filepath.Join(dir, "export.csv")
	os.WriteFile(good, []byte("Fournisseur;SIRET;IBAN;Domaine\nPapeterie Fictive SARL;"+siret+";"+invoice.FormatIBAN(iban)+";papeterie-fictive.example\n"), 0o600)
	out, errs, code := runCmd(t, "suppliers", "import", good, "--by", "alice")
	if code != 0 || !strings.Contains(out, "1 lignes importées : 1 fournisseurs nouveaux, 1 IBAN nouveaux") {
		t.Fatalf("import: exit %d %s %s", code, out, errs)
	}
	out, _, _ = runCmd(t, "suppliers", "list")
	if !strings.Contains(out, "Papeterie Fictive SARL") || !strings.Contains(out, "papeterie-fictive.example") || !strings.Contains(out, "1/0/0") {
		t.Errorf("list:\n%s", out)
	}
	out, _, code = runCmd(t, "suppliers", "show", siret)
	if code != 0 || !strings.Contains(out, invoice.FormatIBAN(iban)) || !strings.Contains(out, "confirmé") || !strings.Contains(out, "alice") {
		t.Errorf("show:\n%s", out)
	}
	_, errs, code = runCmd(t, "suppliers", "confirm", "1", invoicetest.IBAN("FR", "99999000020000000000002"))
	if code == 0 || !strings.Contains(errs, "n'a jamais été vu pour Papeterie Fictive SARL") {
		t.Errorf("confirm of an unseen IBAN: %d %s", code, errs)
	}
	out, _, code = runCmd(t, "suppliers", "confirm", "papeterie-fictive.example", iban, "--by", "bob", "--reason", "appel au numéro connu")
	if code != 0 || !strings.Contains(out, "confirmé par bob") {
		t.Errorf("confirm: %d %s", code, out)
	}
	out, _, _ = runCmd(t, "suppliers", "show", "1", "--lang", "en")
	if !strings.Contains(out, "Audit trail:") || !strings.Contains(out, "bob") || !strings.Contains(out, "confirm") {
		t.Errorf("show en:\n%s", out)
	}
}
