package invoice

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Invoice is what a structured invoice says about its seller and where to
// pay: the fields of EN 16931 that the register and the checks use.
type Invoice struct {
	Format        string   `json:"format"` // "cii" (Factur-X/ZUGFeRD) or "ubl"
	Number        string   `json:"number,omitempty"`
	SellerName    string   `json:"seller_name,omitempty"`
	SellerSIREN   string   `json:"seller_siren,omitempty"`
	SellerSIRET   string   `json:"seller_siret,omitempty"`
	SellerVAT     string   `json:"seller_vat,omitempty"`
	SellerCountry string   `json:"seller_country,omitempty"`
	SellerEmail   string   `json:"seller_email,omitempty"`
	IBANs         []string `json:"ibans,omitempty"` // valid ones only
	BICs          []string `json:"bics,omitempty"`
	// BadIBANs are payment accounts written in the invoice that fail the
	// checksum or the country's length.
	BadIBANs []string `json:"bad_ibans,omitempty"`
}

var (
	errNotInvoice = errors.New("invoice: not a CII or UBL invoice")
	errXMLLimit   = errors.New("invoice: XML beyond limits")
)

// ParseXML reads a Factur-X/ZUGFeRD (UN/CEFACT CII D16B) or UBL 2.1
// invoice or credit note. It reads tokens one by one with encoding/xml,
// which never expands entities a document declares (a "billion laughs"
// DTD is an error, not a gigabyte), and stops at Limits' bytes, depth and
// token count.
func ParseXML(data []byte, lim Limits) (*Invoice, error) {
	lim = lim.orDefault()
	if len(data) > lim.MaxXMLBytes {
		return nil, fmt.Errorf("%w: %d bytes, over %d", errXMLLimit, len(data), lim.MaxXMLBytes)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		// Invoices are UTF-8 (EN 16931); a Latin-1 one is read as is.
		return r, nil
	}
	var path []string
	var text strings.Builder
	var inv *Invoice
	attrs := map[string]string{}
	tokens := 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			if inv != nil && (inv.SellerName != "" || len(inv.IBANs) > 0) {
				return inv, fmt.Errorf("invoice: XML: %w", err)
			}
			return nil, fmt.Errorf("invoice: XML: %w", err)
		}
		if tokens++; tokens > lim.MaxXMLTokens {
			return inv, fmt.Errorf("%w: over %d tokens", errXMLLimit, lim.MaxXMLTokens)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(path) >= lim.MaxXMLDepth {
				return inv, fmt.Errorf("%w: deeper than %d", errXMLLimit, lim.MaxXMLDepth)
			}
			if len(path) == 0 {
				switch t.Name.Local {
				case "CrossIndustryInvoice":
					inv = &Invoice{Format: "cii"}
				case "Invoice", "CreditNote":
					inv = &Invoice{Format: "ubl"}
				default:
					return nil, errNotInvoice
				}
			}
			path = append(path, t.Name.Local)
			text.Reset()
			clear(attrs)
			for _, a := range t.Attr {
				attrs[a.Name.Local] = a.Value
			}
		case xml.CharData:
			if text.Len() < 4096 {
				text.Write(t)
			}
		case xml.EndElement:
			if len(path) == 0 {
				return inv, fmt.Errorf("invoice: XML: unbalanced %s", t.Name.Local)
			}
			if inv != nil {
				inv.field(path, strings.TrimSpace(text.String()), attrs)
			}
			path = path[:len(path)-1]
			text.Reset()
		}
	}
	if inv == nil {
		return nil, errNotInvoice
	}
	return inv, nil
}

// has reports whether path ends with the given elements.
func has(path []string, tail ...string) bool {
	if len(path) < len(tail) {
		return false
	}
	for i, t := range tail {
		if path[len(path)-len(tail)+i] != t {
			return false
		}
	}
	return true
}

func within(path []string, name string) bool {
	for _, p := range path {
		if p == name {
			return true
		}
	}
	return false
}

// field records one element's text where it is a field we read.
func (inv *Invoice) field(path []string, v string, attrs map[string]string) {
	if v == "" {
		return
	}
	switch inv.Format {
	case "cii":
		inv.ciiField(path, v, attrs)
	case "ubl":
		inv.ublField(path, v, attrs)
	}
}

// ciiField reads the CII paths of EN 16931 (BT-1 number, BG-4 seller,
// BG-17 credit transfer).
func (inv *Invoice) ciiField(path []string, v string, attrs map[string]string) {
	switch {
	case has(path, "ExchangedDocument", "ID"):
		inv.Number = v
	case within(path, "SellerTradeParty"):
		switch {
		case has(path, "SellerTradeParty", "Name"):
			inv.SellerName = v
		case has(path, "SpecifiedLegalOrganization", "ID"), has(path, "SellerTradeParty", "ID") && attrs["schemeID"] != "":
			inv.legalID(v, attrs["schemeID"])
		case has(path, "SpecifiedTaxRegistration", "ID"):
			inv.taxID(v)
		case has(path, "PostalTradeAddress", "CountryID"):
			inv.SellerCountry = strings.ToUpper(v)
		case has(path, "URIUniversalCommunication", "URIID"):
			inv.SellerEmail = v
		}
	case has(path, "PayeePartyCreditorFinancialAccount", "IBANID"), has(path, "PayeePartyCreditorFinancialAccount", "ProprietaryID") && looksIBAN(v):
		inv.account(v)
	case has(path, "PayeeSpecifiedCreditorFinancialInstitution", "BICID"):
		inv.bic(v)
	}
}

// ublField reads the UBL 2.1 paths of the same fields.
func (inv *Invoice) ublField(path []string, v string, attrs map[string]string) {
	switch {
	case len(path) == 2 && path[1] == "ID":
		inv.Number = v
	case within(path, "AccountingSupplierParty"):
		switch {
		case has(path, "PartyName", "Name"), has(path, "PartyLegalEntity", "RegistrationName") && inv.SellerName == "":
			inv.SellerName = v
		case has(path, "PartyLegalEntity", "CompanyID"), has(path, "PartyIdentification", "ID") && attrs["schemeID"] != "":
			inv.legalID(v, attrs["schemeID"])
		case has(path, "PartyTaxScheme", "CompanyID"):
			inv.taxID(v)
		case has(path, "PostalAddress", "Country", "IdentificationCode"):
			inv.SellerCountry = strings.ToUpper(v)
		case has(path, "Contact", "ElectronicMail"), has(path, "Party", "EndpointID") && attrs["schemeID"] == "EM":
			inv.SellerEmail = v
		}
	case has(path, "PaymentMeans", "PayeeFinancialAccount", "ID"):
		inv.account(v)
	case has(path, "PayeeFinancialAccount", "FinancialInstitutionBranch", "ID"):
		inv.bic(v)
	}
}

// legalID records a SIREN (scheme 0002) or SIRET (0009), recognised by
// their keys when the scheme is missing.
func (inv *Invoice) legalID(v, scheme string) {
	v = digitsOnly(v)
	switch {
	case ValidSIRET(v) && (scheme == "" || scheme == "0009"):
		inv.SellerSIRET, inv.SellerSIREN = v, v[:9]
	case ValidSIREN(v) && (scheme == "" || scheme == "0002"):
		inv.SellerSIREN = v
	}
}

func (inv *Invoice) taxID(v string) {
	v = strings.ToUpper(strings.ReplaceAll(v, " ", ""))
	inv.SellerVAT = v
	if ValidFrenchVAT(v) && inv.SellerSIREN == "" {
		inv.SellerSIREN = v[4:]
	}
}

func looksIBAN(v string) bool { n := NormalizeIBAN(v); return len(n) >= 15 && ibanLengths[n[:2]] != 0 }

func (inv *Invoice) account(v string) {
	n := NormalizeIBAN(v)
	if ValidIBAN(n) {
		if !contains(inv.IBANs, n) && len(inv.IBANs) < maxPerKind {
			inv.IBANs = append(inv.IBANs, n)
		}
	} else if len(inv.BadIBANs) < maxPerKind {
		inv.BadIBANs = append(inv.BadIBANs, n)
	}
}

func (inv *Invoice) bic(v string) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if ValidBIC(v) && !contains(inv.BICs, v) && len(inv.BICs) < maxPerKind {
		inv.BICs = append(inv.BICs, v)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
