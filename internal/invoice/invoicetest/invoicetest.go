// Package invoicetest writes the synthetic documents the invoice tests
// read: IBANs with valid check digits on made-up bank codes, SIRENs with
// valid keys, Factur-X (CII) and UBL 2.1 invoices, and PDFs — a text
// layer in Helvetica and, for a Factur-X, the XML embedded as in a
// PDF/A-3. Every supplier, bank and number it writes is fictitious.
package invoicetest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"math/big"
	"strings"
)

// IBAN returns the IBAN of a country and BBAN with its check digits.
func IBAN(country, bban string) string {
	s := strings.ToUpper(bban + country + "00")
	var num strings.Builder
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			fmt.Fprintf(&num, "%d", c-'A'+10)
		} else {
			num.WriteRune(c)
		}
	}
	n, _ := new(big.Int).SetString(num.String(), 10)
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("%s%02d%s", country, check, strings.ToUpper(bban))
}

// SIREN completes eight digits with their Luhn key.
func SIREN(eight string) string {
	for k := '0'; k <= '9'; k++ {
		s := eight + string(k)
		if luhnOK(s) {
			return s
		}
	}
	return ""
}

// SIRET completes a SIREN and a four-digit establishment number with the key.
func SIRET(siren, nic4 string) string {
	for k := '0'; k <= '9'; k++ {
		s := siren + nic4 + string(k)
		if luhnOK(s) {
			return s
		}
	}
	return ""
}

func luhnOK(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// FrenchVAT is the VAT number of a SIREN.
func FrenchVAT(siren string) string {
	n := new(big.Int)
	n.SetString(siren, 10)
	key := (12 + 3*new(big.Int).Mod(n, big.NewInt(97)).Int64()) % 97
	return fmt.Sprintf("FR%02d%s", key, siren)
}

// Party is a seller or a buyer.
type Party struct {
	Name, SIRET, VAT, Country, Email string
}

// Doc is an invoice's content.
type Doc struct {
	Number        string
	Seller, Buyer Party
	IBAN, BIC     string
	Total         string
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xmlEscape(&b, s)
	return b.String()
}

func xmlEscape(b *bytes.Buffer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	_, err := r.WriteString(b, s)
	return err
}

// CII writes a Factur-X EN 16931 invoice (UN/CEFACT CII D16B).
func CII(d Doc) []byte {
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>%s</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20261201</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>%s</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">%s</ram:ID></ram:SpecifiedLegalOrganization>
        <ram:PostalTradeAddress><ram:CountryID>%s</ram:CountryID></ram:PostalTradeAddress>
        <ram:URIUniversalCommunication><ram:URIID schemeID="EM">%s</ram:URIID></ram:URIUniversalCommunication>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">%s</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>%s</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">%s</ram:ID></ram:SpecifiedLegalOrganization>
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>%s</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
        <ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>%s</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:GrandTotalAmount>%s</ram:GrandTotalAmount>
        <ram:DuePayableAmount>%s</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
`, esc(d.Number), esc(d.Seller.Name), d.Seller.SIRET, d.Seller.Country, esc(d.Seller.Email), d.Seller.VAT,
		esc(d.Buyer.Name), d.Buyer.SIRET, d.IBAN, d.BIC, d.Total, d.Total))
}

// UBL writes a UBL 2.1 invoice (EN 16931 / Peppol BIS shape).
func UBL(d Doc) []byte {
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>%s</cbc:ID>
  <cbc:IssueDate>2026-12-01</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="EM">%s</cbc:EndpointID>
      <cac:PartyName><cbc:Name>%s</cbc:Name></cac:PartyName>
      <cac:PostalAddress><cac:Country><cbc:IdentificationCode>%s</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>%s</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>%s</cbc:RegistrationName><cbc:CompanyID schemeID="0009">%s</cbc:CompanyID></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party><cac:PartyName><cbc:Name>%s</cbc:Name></cac:PartyName></cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount>
      <cbc:ID>%s</cbc:ID>
      <cac:FinancialInstitutionBranch><cbc:ID>%s</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">%s</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>
`, esc(d.Number), esc(d.Seller.Email), esc(d.Seller.Name), d.Seller.Country, d.Seller.VAT, esc(d.Seller.Name),
		d.Seller.SIRET, esc(d.Buyer.Name), d.IBAN, d.BIC, d.Total))
}

// Text is the printed invoice or RIB, one string per line.
func Text(d Doc) []string {
	return []string{
		"FACTURE " + d.Number,
		d.Seller.Name + " - SIRET " + d.Seller.SIRET + " - TVA " + d.Seller.VAT,
		"Client : " + d.Buyer.Name,
		"Total TTC : " + d.Total + " EUR",
		"Règlement par virement sur le compte :",
		"IBAN : " + group(d.IBAN),
		"BIC : " + d.BIC,
	}
}

func group(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// File is a file to embed in a PDF.
type File struct {
	Name string
	Data []byte
}

// PDF writes a PDF whose single page shows lines in Helvetica
// (WinAnsiEncoding), with its content stream compressed, the files
// embedded as a PDF/A-3 does (associated files in the EmbeddedFiles name
// tree) and, to reach a size, an image of pad bytes.
func PDF(lines []string, files []File, pad int) []byte {
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	var content bytes.Buffer
	content.WriteString("BT /F1 11 Tf 50 780 Td 14 TL\n")
	for _, l := range lines {
		content.WriteString("(" + pdfString(l) + ") Tj T*\n")
	}
	content.WriteString("ET\n")
	z := deflate(content.Bytes())
	catalogue := add("") // filled below
	pages := add("")
	font := add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	cs := add(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", len(z), z))
	page := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pages, font, cs))
	objs[pages-1] = fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page)
	var names, afs []string
	for _, f := range files {
		zf := deflate(f.Data)
		ef := add(fmt.Sprintf("<< /Type /EmbeddedFile /Subtype /text#2Fxml /Length %d /Filter /FlateDecode /Params << /Size %d >> >>\nstream\n%s\nendstream", len(zf), len(f.Data), zf))
		spec := add(fmt.Sprintf("<< /Type /Filespec /F (%s) /UF (%s) /AFRelationship /Data /EF << /F %d 0 R /UF %d 0 R >> >>", f.Name, f.Name, ef, ef))
		names = append(names, fmt.Sprintf("(%s) %d 0 R", f.Name, spec))
		afs = append(afs, fmt.Sprintf("%d 0 R", spec))
	}
	if pad > 0 {
		// A logo: incompressible bytes, as a JPEG's are.
		img := make([]byte, pad)
		x := uint32(2463534242)
		for i := range img {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			img[i] = byte(x)
		}
		add(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width 400 /Height 200 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream", pad, img))
	}
	cat := fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R", pages)
	if len(names) > 0 {
		cat += fmt.Sprintf(" /Names << /EmbeddedFiles << /Names [%s] >> >> /AF [%s]", strings.Join(names, " "), strings.Join(afs, " "))
	}
	objs[catalogue-1] = cat + " >>"
	return Assemble("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", objs, catalogue)
}

// Assemble writes a PDF file of the objects given (object i+1 is objs[i])
// after its header line(s), with the cross-reference table and trailer
// naming the catalogue object root.
func Assemble(header string, objs []string, root int) []byte {
	var out bytes.Buffer
	out.WriteString(header)
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, root, xref)
	return out.Bytes()
}

// pdfString escapes a line for a literal string in WinAnsiEncoding.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteString("\\" + string(r))
		case r < 0x80:
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		case r == '€':
			b.WriteString("\\200")
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}
