package invoice

import (
	"bytes"
	"path"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/textmatch"
)

// Limits bound the work on one message's documents. The zero value means
// DefaultLimits.
type Limits struct {
	MaxDocuments    int // attachments and embedded files read per message
	MaxObjects      int // PDF objects indexed per document
	MaxPDFTokens    int // PDF tokens read per document
	MaxStreamBytes  int // bytes inflated from one PDF stream
	MaxDecodedBytes int // bytes inflated from one document in all (flate bombs)
	// MaxMessageDecodedBytes bounds the bytes inflated from all a
	// message's documents together: MaxDocuments documents at their own
	// bound made 256 MiB, 6.4 s for 16 small PDFs of flate bombs. Past
	// it each document still decodes minDocumentDecodedBytes
	// (Findings.Spent names the first document cut there or at its
	// own MaxDecodedBytes).
	MaxMessageDecodedBytes int
	MaxTextBytes           int // text kept per document
	MaxEmbedded            int // embedded files kept per PDF
	MaxXMLBytes            int // size of one XML invoice
	MaxXMLDepth            int // element nesting
	MaxXMLTokens           int // tokens of one XML invoice
}

// minDocumentDecodedBytes is what each document may still decode once
// the message's budget (Limits.MaxMessageDecodedBytes) is spent: a real
// RIB's or invoice's text layer and Factur-X file inflate to a few hundred
// kilobytes. MaxDocuments of them bound the whole message.
const minDocumentDecodedBytes = 1 << 20

// DefaultLimits are sized for real invoices (a few pages, one embedded
// XML of tens of kilobytes) with a wide margin.
func DefaultLimits() Limits {
	return Limits{
		MaxDocuments:    16,
		MaxObjects:      20000,
		MaxPDFTokens:    2_000_000,
		MaxStreamBytes:  4 << 20,
		MaxDecodedBytes: 16 << 20,
		// Two documents at their bound: a real invoice's text layer and
		// Factur-X file inflate to a few hundred kilobytes.
		MaxMessageDecodedBytes: 32 << 20,
		MaxTextBytes:           512 << 10,
		MaxEmbedded:            8,
		MaxXMLBytes:            4 << 20,
		MaxXMLDepth:            64,
		MaxXMLTokens:           200_000,
	}
}

func (l Limits) orDefault() Limits {
	if l.MaxObjects == 0 {
		return DefaultLimits()
	}
	if l.MaxMessageDecodedBytes == 0 {
		l.MaxMessageDecodedBytes = DefaultLimits().MaxMessageDecodedBytes
	}
	return l
}

// maxPerKind bounds the identifiers of one kind kept per message.
const maxPerKind = 32

// Where an identifier was found.
const (
	FromBody     = "body"
	FromPDF      = "pdf"      // the text layer of an attached PDF
	FromFacturX  = "facturx"  // the CII XML embedded in a PDF/A-3
	FromXML      = "xml"      // an attached CII or UBL invoice
	FromDocument = "document" // another attached text document
)

// IBAN is a valid IBAN and where it was found.
type IBAN struct {
	Value string `json:"iban"`
	Where string `json:"where"`          // FromBody, FromPDF…
	File  string `json:"file,omitempty"` // attachment name
}

// Country is the IBAN's country.
func (i IBAN) Country() string { return i.Value[:2] }

// Findings are the bank details and identifiers of one message.
type Findings struct {
	IBANs    []IBAN    `json:"ibans,omitempty"`
	BICs     []string  `json:"bics,omitempty"`
	IDs      IDs       `json:"ids"`
	Invoices []Invoice `json:"invoices,omitempty"`
	// RIB names the attachments that are bank-detail documents (a RIB).
	RIB []string `json:"rib,omitempty"`
	// Documents counts the PDFs and XML files read.
	Documents int `json:"documents"`
	// Truncated says a limit cut the reading short somewhere.
	Truncated bool `json:"truncated,omitempty"`
	// Spent names the first document a decoding bound cut: the
	// message's budget (Limits.MaxMessageDecodedBytes, past which each
	// document is read only to minDocumentDecodedBytes) or the
	// document's own (Limits.MaxDecodedBytes). Bank details beyond the
	// cut were not read.
	Spent string `json:"spent,omitempty"`
	// decoded counts the bytes inflated from the message's documents,
	// bounded by Limits.MaxMessageDecodedBytes.
	decoded int
	// kept is the reading of the attachment being read that another
	// reader kept (message.Attachment.Parsed, AttachedPDF), nil if none.
	kept any
}

// HasIBAN reports whether the IBAN was found.
func (f *Findings) HasIBAN(v string) bool {
	for _, i := range f.IBANs {
		if i.Value == v {
			return true
		}
	}
	return false
}

func (f *Findings) addIBAN(v, where, file string) {
	if f.HasIBAN(v) || len(f.IBANs) >= maxPerKind {
		return
	}
	f.IBANs = append(f.IBANs, IBAN{Value: v, Where: where, File: file})
}

func (f *Findings) text(s, where, file string) {
	found := false
	FindIBANs(s, func(v string) { f.addIBAN(v, where, file); found = true })
	if !found {
		// A BIC matters beside an IBAN only, and its label search is the
		// costly part on a long text.
		FindIDs(s, &f.IDs)
		return
	}
	FindBICs(s, func(v string) {
		if !contains(f.BICs, v) && len(f.BICs) < maxPerKind {
			f.BICs = append(f.BICs, v)
		}
	})
	FindIDs(s, &f.IDs)
}

func (f *Findings) invoice(inv *Invoice, where, file string) {
	if len(f.Invoices) < maxPerKind {
		f.Invoices = append(f.Invoices, *inv)
	}
	for _, v := range inv.IBANs {
		f.addIBAN(v, where, file)
	}
	for _, v := range inv.BICs {
		if !contains(f.BICs, v) && len(f.BICs) < maxPerKind {
			f.BICs = append(f.BICs, v)
		}
	}
	if inv.SellerSIRET != "" {
		f.IDs.add(&f.IDs.SIRET, inv.SellerSIRET)
	}
	if inv.SellerSIREN != "" {
		f.IDs.add(&f.IDs.SIREN, inv.SellerSIREN)
	}
	if ValidFrenchVAT(inv.SellerVAT) {
		f.IDs.add(&f.IDs.VAT, inv.SellerVAT)
	}
}

// Extract reads a parsed message's bodies and attachments.
func Extract(m *message.Message, lim Limits) *Findings {
	lim = lim.orDefault()
	f := &Findings{}
	f.text(m.Text, FromBody, "")
	f.text(m.HTMLText, FromBody, "")
	for _, a := range m.Attachments {
		if f.Documents >= lim.MaxDocuments {
			f.Truncated = true
			break
		}
		f.kept = a.Parsed
		f.attachment(a.Filename, a.SniffedType, a.Data, a.PDFStreams, lim)
	}
	f.kept = nil
	return f
}

// attachment reads one attached file: a PDF (text layer, embedded
// invoices), an XML invoice or a plain-text document. inflated are the
// PDF streams the message parser inflated already.
func (f *Findings) attachment(name, sniffed string, data []byte, inflated []message.Inflated, lim Limits) {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	head := bytes.TrimLeft(data[:min(len(data), 512)], "\ufeff \r\n\t")
	switch {
	case sniffed == "application/pdf" || bytes.HasPrefix(head, []byte("%PDF-")):
		f.Documents++
		// The document's decoding bound, within what is left of the
		// message's, but never below minDocumentDecodedBytes: documents
		// of flate bombs sent first must not spend the budget of the RIB
		// sent after them.
		room := lim.MaxMessageDecodedBytes - f.decoded
		dl := lim
		dl.MaxDecodedBytes = min(lim.MaxDecodedBytes, max(room, minDocumentDecodedBytes))
		var p *PDF
		var err error
		if k, ok := f.kept.(*keptPDF); ok && k.lim == dl {
			// Read already under the same limits (AttachedPDF).
			p, err = k.pdf, k.err
		} else {
			p, err = readPDF(data, inflated, dl)
		}
		if err != nil {
			return
		}
		f.decoded += p.decoded
		f.Truncated = f.Truncated || p.Truncated
		// Cut at its decoding bound, the message's or its own
		// (MaxDecodedBytes): a RIB padded past 16 MiB of flate bombs
		// before its IBAN is said partly read, as one behind decoys.
		if p.Truncated && p.decoded >= dl.MaxDecodedBytes && f.Spent == "" {
			f.Spent = name
			if name == "" {
				f.Spent = "?"
			}
		}
		before := len(f.IBANs)
		f.text(p.Text, FromPDF, name)
		if len(f.IBANs) > before && isRIB(name, p.Text) {
			f.RIB = append(f.RIB, name)
		}
		for _, e := range p.Files {
			if f.Documents >= lim.MaxDocuments {
				f.Truncated = true
				return
			}
			if inv, err := ParseXML(e.Data, lim); inv != nil {
				f.Documents++
				f.invoice(inv, FromFacturX, name)
				f.Truncated = f.Truncated || err != nil && strings.Contains(err.Error(), "limits")
			}
		}
	case ext == "xml" || bytes.HasPrefix(head, []byte("<?xml")) || bytes.HasPrefix(head, []byte("<")):
		f.Documents++
		if inv, _ := ParseXML(data, lim); inv != nil {
			f.invoice(inv, FromXML, name)
		}
	case ext == "txt" || ext == "csv" || strings.HasPrefix(sniffed, "text/plain"):
		f.Documents++
		before := len(f.IBANs)
		s := string(data[:min(len(data), lim.MaxTextBytes)])
		f.text(s, FromDocument, name)
		if len(f.IBANs) > before && isRIB(name, s) {
			f.RIB = append(f.RIB, name)
		}
	}
}

// isRIB reports whether a document carrying an IBAN is a bank-detail
// document: its name says RIB, or its text is titled as one.
func isRIB(name, text string) bool {
	n := textmatch.Normalize(strings.TrimSuffix(name, path.Ext(name)))
	for _, w := range strings.Fields(n) {
		if w == "rib" || w == "iban" || w == "bankdetails" {
			return true
		}
	}
	t := textmatch.Normalize(text[:min(len(text), 4096)])
	return strings.Contains(t, "releve d identite bancaire") || strings.Contains(t, "bank details") ||
		strings.Contains(t, "coordonnees bancaires")
}

// SIRENs are the companies the message names: sellers of its structured
// invoices first, then the SIRET, SIREN and French VAT numbers of its text.
func (f *Findings) SIRENs() []string {
	var out []string
	add := func(s string) {
		if s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	for _, inv := range f.Invoices {
		add(inv.SellerSIREN)
	}
	for _, l := range [][]string{f.IDs.SIRET, f.IDs.SIREN, f.IDs.VAT} {
		for _, id := range l {
			add(SIRENOf(id))
		}
	}
	return out
}
