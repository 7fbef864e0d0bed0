package invoice

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/invoice/invoicetest"
)

// invoices200K returns n distinct Factur-X invoices of about 200 KB: the
// printed page, the embedded CII XML and a 190 KB logo.
func invoices200K(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		d := sample()
		d.Number = fmt.Sprintf("FA-2026-%05d", i)
		d.IBAN = invoicetest.IBAN("FR", fmt.Sprintf("99999%018d", i))
		lines := invoicetest.Text(d)
		for k := range 40 {
			lines = append(lines, fmt.Sprintf("Ligne %d : ramette papier A4 80 g, 5 cartons, 24,90 EUR HT", k+1))
		}
		out[i] = invoicetest.PDF(lines, []invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 190<<10)
	}
	return out
}

// BenchmarkExtractPDFInvoices reads 1,000 PDF invoices of 200 KB (text
// layer, embedded Factur-X, IBANs); the figure to read is invoices/s.
func BenchmarkExtractPDFInvoices(b *testing.B) {
	docs := invoices200K(1000)
	var size int
	for _, d := range docs {
		size += len(d)
	}
	b.SetBytes(int64(size / len(docs)))
	b.ResetTimer()
	n := 0
	for b.Loop() {
		d := docs[n%len(docs)]
		n++
		f := &Findings{}
		f.attachment("facture.pdf", "application/pdf", d, nil, DefaultLimits())
		if len(f.IBANs) != 1 || len(f.Invoices) != 1 {
			b.Fatalf("findings %+v", f)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "invoices/s")
}

// BenchmarkPeerPdftotext runs poppler's pdftotext (the reference text
// extractor, when installed) over the same invoices, one process per
// file as a mail filter would call it: the peer the figure is compared to.
func BenchmarkPeerPdftotext(b *testing.B) {
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		b.Skip("pdftotext (poppler-utils) is not installed")
	}
	dir := b.TempDir()
	docs := invoices200K(50)
	for i, d := range docs {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprint(i)+".pdf"), d, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		p := filepath.Join(dir, fmt.Sprint(n%len(docs))+".pdf")
		n++
		if out, err := exec.Command(tool, "-q", p, "-").Output(); err != nil || len(out) == 0 {
			b.Fatalf("pdftotext: %v", err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "invoices/s")
}

// BenchmarkFindIDs reads a 40 KB newsletter's text for company numbers:
// French prose, many "s", one SIRET label in the footer.
func BenchmarkFindIDs(b *testing.B) {
	text := strings.Repeat("Découvrez notre gamme de fournitures médicales, livrée sous 48 heures dans tous les établissements de santé. ", 360) +
		"Fournisseur Exemple SAS, SIRET 356 000 000 49837."
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		var ids IDs
		FindIDs(text, &ids)
	}
}
