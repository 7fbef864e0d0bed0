package invoice

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/message"
)

// sample is a fictitious supplier's invoice.
func sample() invoicetest.Doc {
	siren := invoicetest.SIREN("90000001")
	return invoicetest.Doc{
		Number: "FA-2026-0042",
		Seller: invoicetest.Party{Name: "Papeterie Fictive SARL", SIRET: invoicetest.SIRET(siren, "0001"),
			VAT: invoicetest.FrenchVAT(siren), Country: "FR", Email: "factures@papeterie-fictive.example"},
		Buyer: invoicetest.Party{Name: "Centre hospitalier Exemple", SIRET: invoicetest.SIRET(invoicetest.SIREN("26000001"), "0001")},
		IBAN:  invoicetest.IBAN("FR", "99999000010000000000001"), BIC: "FICTFRPPXXX", Total: "1234.56",
	}
}

func TestReadPDFFacturX(t *testing.T) {
	d := sample()
	raw := invoicetest.PDF(invoicetest.Text(d), []invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 0)
	p, err := ReadPDF(raw, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FACTURE FA-2026-0042", "Règlement par virement", "IBAN : " + FormatIBAN(d.IBAN)} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, p.Text)
		}
	}
	if len(p.Files) != 1 || p.Files[0].Name != "factur-x.xml" || !bytes.Equal(p.Files[0].Data, invoicetest.CII(d)) {
		t.Fatalf("embedded files: %+v", p.Files)
	}
	inv, err := ParseXML(p.Files[0].Data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := Invoice{Format: "cii", Number: d.Number, SellerName: d.Seller.Name, SellerSIREN: d.Seller.SIRET[:9],
		SellerSIRET: d.Seller.SIRET, SellerVAT: d.Seller.VAT, SellerCountry: "FR", SellerEmail: d.Seller.Email,
		IBANs: []string{d.IBAN}, BICs: []string{d.BIC}}
	if fmt.Sprint(*inv) != fmt.Sprint(want) {
		t.Errorf("CII:\n got %+v\nwant %+v", *inv, want)
	}
}

func TestParseUBL(t *testing.T) {
	d := sample()
	d.Seller.Country = "BE"
	inv, err := ParseXML(invoicetest.UBL(d), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Format != "ubl" || inv.Number != d.Number || inv.SellerName != d.Seller.Name || inv.SellerSIRET != d.Seller.SIRET ||
		inv.SellerVAT != d.Seller.VAT || inv.SellerCountry != "BE" || !slices.Equal(inv.IBANs, []string{d.IBAN}) ||
		!slices.Equal(inv.BICs, []string{d.BIC}) || inv.SellerEmail != d.Seller.Email {
		t.Errorf("UBL: %+v", inv)
	}
	d.IBAN = d.IBAN[:len(d.IBAN)-1] + "9"
	inv, _ = ParseXML(invoicetest.UBL(d), Limits{})
	if len(inv.IBANs) != 0 || len(inv.BadIBANs) != 1 {
		t.Errorf("a wrong check digit passed: %+v", inv)
	}
	if _, err := ParseXML([]byte(`<?xml version="1.0"?><html><body/></html>`), Limits{}); !errors.Is(err, errNotInvoice) {
		t.Errorf("html: %v", err)
	}
}

// A PDF written with a ToUnicode map and two-byte codes (as office
// suites and Factur-X generators embed their fonts) reads as text.
func TestReadPDFToUnicode(t *testing.T) {
	cmap := "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n" +
		"2 beginbfchar <0001> <0049> <0002> <0042> endbfchar\n1 beginbfrange <0010> <0019> <0030> endbfrange\n" +
		"1 beginbfrange <0020> <0021> [<0041> <004E>] endbfrange\nendcmap end end"
	content := "BT /F2 10 Tf 10 10 Td <0001 0002 0020 0021> Tj [(\x00\x10) -500 <0011>] TJ ET"
	raw := fmt.Sprintf("%%PDF-1.7\n1 0 obj << /Type /Page /Resources << /Font << /F2 2 0 R >> >> /Contents 4 0 R >> endobj\n"+
		"2 0 obj << /Type /Font /Subtype /Type0 /ToUnicode 3 0 R >> endobj\n"+
		"3 0 obj << /Length %d >> stream\n%s\nendstream endobj\n4 0 obj << /Length %d >> stream\n%s\nendstream endobj\n",
		len(cmap), cmap, len(content), content)
	p, err := ReadPDF([]byte(raw), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(p.Text) != "IBAN0 1" {
		t.Errorf("text %q", p.Text)
	}
}

func TestExtractMessage(t *testing.T) {
	d := sample()
	pdf := invoicetest.PDF(invoicetest.Text(d), []invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 0)
	rib := invoicetest.PDF([]string{"RELEVÉ D'IDENTITÉ BANCAIRE", "IBAN " + invoicetest.IBAN("FR", "99999000020000000000002")}, nil, 0)
	m := &message.Message{Text: "Bonjour, veuillez trouver notre facture. SIRET " + d.Seller.SIRET,
		Attachments: []message.Attachment{
			{Filename: "FA-2026-0042.pdf", SniffedType: "application/pdf", Data: pdf},
			{Filename: "nouveau RIB.pdf", SniffedType: "application/pdf", Data: rib},
			{Filename: "facture.xml", Data: invoicetest.UBL(d)},
		}}
	f := Extract(m, Limits{})
	var got []string
	for _, i := range f.IBANs {
		got = append(got, i.Value+"@"+i.Where+":"+i.File)
	}
	want := []string{d.IBAN + "@pdf:FA-2026-0042.pdf", invoicetest.IBAN("FR", "99999000020000000000002") + "@pdf:nouveau RIB.pdf"}
	if !slices.Equal(got, want) {
		t.Errorf("IBANs %q, want %q", got, want)
	}
	if len(f.Invoices) != 2 || f.Invoices[0].Format != "cii" || f.Invoices[1].Format != "ubl" {
		t.Errorf("invoices %+v", f.Invoices)
	}
	if !slices.Equal(f.RIB, []string{"nouveau RIB.pdf"}) || !slices.Equal(f.IDs.SIRET, []string{d.Seller.SIRET}) || f.Documents != 4 {
		t.Errorf("findings %+v", f)
	}
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// Hostile documents cost bounded memory and end with an error or a
// truncated result, never a crash.
func TestHostileDocuments(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
		`<rsm:CrossIndustryInvoice xmlns:rsm="x"><rsm:ExchangedDocument><ram:ID>&lol3;</ram:ID></rsm:ExchangedDocument></rsm:CrossIndustryInvoice>`
	if inv, err := ParseXML([]byte(laughs), Limits{}); err == nil || inv != nil && strings.Contains(inv.Number, "lol") {
		t.Errorf("billion laughs: %v %+v", err, inv)
	}
	deep := "<Invoice>" + strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000) + "</Invoice>"
	if _, err := ParseXML([]byte(deep), Limits{}); !errors.Is(err, errXMLLimit) {
		t.Errorf("deep nesting: %v", err)
	}
	wide := "<Invoice>" + strings.Repeat("<a/>", 300000) + "</Invoice>"
	if _, err := ParseXML([]byte(wide), Limits{}); !errors.Is(err, errXMLLimit) {
		t.Errorf("many tokens: %v", err)
	}
	// A flate bomb embedded as the Factur-X file: 256 MiB of zeros in 256 KiB.
	var bomb bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&bomb, zlib.BestCompression)
	chunk := make([]byte, 1<<20)
	for range 256 {
		zw.Write(chunk)
	}
	zw.Close()
	raw := fmt.Sprintf("%%PDF-1.7\n1 0 obj << /Type /EmbeddedFile /Filter /FlateDecode /Length %d >> stream\n", bomb.Len())
	doc := append([]byte(raw), bomb.Bytes()...)
	doc = append(doc, "\nendstream endobj\n2 0 obj << /Type /Filespec /F (factur-x.xml) /EF << /F 1 0 R >> >> endobj\n"...)
	p, err := ReadPDF(doc, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Truncated || len(p.Files) != 1 || len(p.Files[0].Data) > DefaultLimits().MaxStreamBytes {
		t.Errorf("bomb: truncated=%v files=%d", p.Truncated, len(p.Files))
	}
	// Many small bombs: the document's total is bounded too.
	var many bytes.Buffer
	many.WriteString("%PDF-1.7\n")
	small := deflate(make([]byte, 4<<20))
	for i := range 40 {
		fmt.Fprintf(&many, "%d 0 obj << /Type /EmbeddedFile /Filter /FlateDecode >> stream\n%s\nendstream endobj\n", i+1, small)
	}
	lim := DefaultLimits()
	lim.MaxEmbedded = 100
	p, _ = ReadPDF(many.Bytes(), lim)
	total := 0
	for _, f := range p.Files {
		total += len(f.Data)
	}
	if !p.Truncated || total > lim.MaxDecodedBytes {
		t.Errorf("many bombs: %d bytes kept", total)
	}
	// Unterminated arrays repeated: the token budget ends the work.
	arr := "%PDF-1.7\n" + strings.Repeat("1 0 obj [ 1 2 3 4 5 6 7 8 9 ", 200000)
	p, err = ReadPDF([]byte(arr), Limits{})
	if err != nil || !p.Truncated {
		t.Errorf("arrays: %v truncated=%v", err, p != nil && p.Truncated)
	}
	// Nested dictionaries beyond the depth bound.
	nest := "%PDF-1.7\n1 0 obj " + strings.Repeat("<< /A ", 100000) + " endobj"
	if _, err := ReadPDF([]byte(nest), Limits{}); err != nil {
		t.Errorf("nested: %v", err)
	}
	if _, err := ReadPDF([]byte("not a pdf"), Limits{}); !errors.Is(err, errNotPDF) {
		t.Errorf("not a pdf: %v", err)
	}
}

func FuzzReadPDF(f *testing.F) {
	d := sample()
	f.Add(invoicetest.PDF(invoicetest.Text(d), []invoicetest.File{{Name: "factur-x.xml", Data: invoicetest.CII(d)}}, 0))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /ObjStm /N 2 /First 8 /Length 20 >> stream\n2 0 3 5 << >> [1]\nendstream endobj"))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Page /Contents [2 0 R] /Resources << /XObject << /X 2 0 R >> >> >> endobj 2 0 obj << /Subtype /Form >> stream\n/X Do (a) Tj\nendstream endobj"))
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := DefaultLimits()
		lim.MaxDecodedBytes = 1 << 20
		p, err := ReadPDF(b, lim)
		if err == nil && len(p.Text) > lim.MaxTextBytes {
			t.Fatalf("text over the bound: %d", len(p.Text))
		}
	})
}

func FuzzParseXML(f *testing.F) {
	d := sample()
	f.Add(invoicetest.CII(d))
	f.Add(invoicetest.UBL(d))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseXML(b, Limits{})
	})
}
