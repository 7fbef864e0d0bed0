// Package invoice is the check family of invoice and bank-detail fraud:
// it reads the IBANs a message carries (internal/invoice) and compares
// them with the supplier register (internal/suppliers): a known supplier's
// IBAN never seen before, an unknown IBAN in unauthenticated mail, an IBAN
// held abroad, a request to change bank details, a sender posing as a
// known supplier. The register is read from a snapshot, so the check does
// no I/O of its own per message.
package invoice

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	docs "vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

//go:embed signals.yaml
var signals []byte

//go:embed phrases.yaml
var defaultPhrases []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("invoice", signals)

// noBook is the empty book read where no supplier book is configured or
// loaded: one for the process, read-only, rather than five empty maps
// made for every message.
var noBook = suppliers.NewBook(0, nil)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c *Check) Checks() []scan.Check { return []scan.Check{c} }

// Books gives the current snapshot of the supplier register.
type Books interface {
	Book(ctx context.Context) *suppliers.Book
}

// Phrase is one change-request phrase and where it comes from.
type Phrase struct {
	Text, Lang, Source string
}

// Check is the invoice check family.
type Check struct {
	books   Books
	young   func(ctx context.Context, domain string) bool
	limits  docs.Limits
	phrases *textmatch.Dict[int]
	entries []Phrase
	// payroll and payEntries are the payroll-diversion phrases
	// (payroll.yaml); org the organisation's own domains.
	payroll    *textmatch.Dict[int]
	payEntries []PayrollPhrase
	org        []string
	freemail   func(domain string) bool
	// factoring and factorDict are factoring.yaml's factor's-side
	// phrases and factors' domains (factoringNotice).
	factoring  Factoring
	factorDict *textmatch.Dict[int]
}

// Options configure the check.
type Options struct {
	Books  Books       // nil: no register (only the register-free signals)
	Limits docs.Limits // zero: docs.DefaultLimits
	// Young, when set, reports a registrable domain registered days ago
	// (links.Check.Young: the newly-registered list, the registry), asked
	// of the sender of a bank-detail change request only.
	Young func(ctx context.Context, domain string) bool
	// OrgDomains are the organisation's own domains (config org.domains):
	// a payroll request from outside them is judged (payrollDiversion).
	// Empty: the recipients' domains.
	OrgDomains []string
	// Freemail, when set, reports a free mailbox provider's domain
	// (sender.Check.IsFreemail), asked of an employee-records request's
	// sender (employeeData).
	Freemail func(domain string) bool
}

// New builds the check with its embedded phrases.
func New(o Options) (*Check, error) {
	entries, err := Phrases(defaultPhrases)
	if err != nil {
		return nil, err
	}
	pay, err := PayrollPhrases(defaultPayroll)
	if err != nil {
		return nil, err
	}
	fac, err := FactoringData(defaultFactoring)
	if err != nil {
		return nil, err
	}
	c := &Check{books: o.Books, young: o.Young, limits: o.Limits, phrases: textmatch.New[int](), entries: entries,
		payroll: textmatch.New[int](), payEntries: pay, org: o.OrgDomains, freemail: o.Freemail,
		factoring: fac, factorDict: textmatch.New[int]()}
	for i, p := range fac.Phrases {
		c.factorDict.Add(p.Text, i)
	}
	for i, p := range entries {
		if n := len(strings.Fields(p.Text)); n > textmatch.MaxWords {
			return nil, fmt.Errorf("invoice: phrase %q: %d words, at most %d", p.Text, n, textmatch.MaxWords)
		}
		c.phrases.Add(p.Text, i)
	}
	for i, p := range pay {
		c.payroll.Add(p.Text, i)
	}
	return c, nil
}

// Phrases parses a phrase file: sources described, then per language
// phrases grouped by source.
func Phrases(data []byte) ([]Phrase, error) {
	var raw struct {
		Sources map[string]string              `yaml:"sources"`
		FR      map[string][]string            `yaml:"fr"`
		EN      map[string][]string            `yaml:"en"`
		Other   map[string]map[string][]string `yaml:",inline"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("invoice: phrases: %w", err)
	}
	if len(raw.Other) > 0 {
		return nil, fmt.Errorf("invoice: phrases: only fr and en are read")
	}
	var out []Phrase
	for _, l := range []struct {
		lang   string
		groups map[string][]string
	}{{"fr", raw.FR}, {"en", raw.EN}} {
		srcs := make([]string, 0, len(l.groups))
		for src := range l.groups {
			srcs = append(srcs, src)
		}
		sort.Strings(srcs)
		for _, src := range srcs {
			if raw.Sources[src] == "" {
				return nil, fmt.Errorf("invoice: phrases: source %q is not described", src)
			}
			for _, p := range l.groups[src] {
				out = append(out, Phrase{Text: p, Lang: l.lang, Source: src})
			}
		}
	}
	return out, nil
}

// Entries returns the phrases, for the provenance test.
func (c *Check) Entries() []Phrase { return c.entries }

// Name implements scan.Check.
func (*Check) Name() string { return "invoice" }

// Request returns the change-request phrase the message's subject or text
// carries, or -1.
func (c *Check) Request(in *scan.Input) int {
	return firstPhrase(c.phrases, in, 0, nil)
}

// firstPhrase returns the first phrase of d that keep accepts (nil: any)
// in the message's subject, text or HTML text, each read to its first
// words words (0: all), or -1. "Aucun changement de coordonnées bancaires
// n'est intervenu" is the reassurance, not the request: a negated phrase
// is passed over, the next one still counts.
func firstPhrase(d *textmatch.Dict[int], in *scan.Input, words int, keep func(i int) bool) int {
	found := -1
	for _, s := range []string{in.Msg.Subject, in.Msg.Text, in.Msg.HTMLText} {
		d.FindAfter(s, words, func(i int, before uint64) bool {
			if textmatch.NoneOf(before) || keep != nil && !keep(i) {
				return true
			}
			found = i
			return false
		})
		if found >= 0 {
			break
		}
	}
	return found
}

// Check implements scan.Check.
func (c *Check) Check(ctx context.Context, in *scan.Input, out *scan.Emitter) {
	f := docs.Extract(in.Msg, c.limits)
	for _, i := range f.IBANs {
		out.ObserveIBAN(i.Value)
	}
	if f.Spent != "" {
		// Documents of flate bombs sent first spend the message's
		// decoding budget, or one document pads its own past
		// MaxDecodedBytes: what came after was read only in part.
		out.Emit("INVOICE_DOCUMENTS_PARTLY_READ", f.Spent)
	}
	c.request(ctx, in, f, out)
	c.factoringNotice(in, f, out)
	c.payrollDiversion(in, out)
	c.employeeData(in, out)
	var book *suppliers.Book
	if c.books != nil {
		book = c.books.Book(ctx)
	}
	if book == nil {
		book = noBook
	}
	authed := Authenticated(in)
	lookalike := c.lookalike(in, book, out)

	// The suppliers the message speaks for: its authenticated domain's,
	// and those its invoices or text name by SIREN/SIRET.
	var claimed []*suppliers.Entry
	if authed {
		claimed = append(claimed, book.ByDomain(in.FromOrg)...)
	}
	for _, s := range f.SIRENs() {
		for _, e := range book.BySIREN(s) {
			if !has(claimed, e) {
				claimed = append(claimed, e)
			}
		}
	}
	if lookalike != nil && !has(claimed, lookalike) {
		claimed = append(claimed, lookalike)
	}
	for _, i := range f.IBANs {
		iban := i.Value
		for _, e := range claimed {
			if e.HasKnown() && !e.Known(iban) {
				out.Emit("IBAN_CHANGED", docs.MaskIBAN(iban)+", "+e.Name)
			}
		}
		if !authed && len(book.IBANOwners(iban)) == 0 {
			out.Emit("IBAN_FIRST_SEEN_UNAUTHENTICATED", docs.MaskIBAN(iban))
		}
		if want := countries(claimed, f); len(want) > 0 && !contains(want, i.Country()) {
			out.Emit("IBAN_COUNTRY_MISMATCH", i.Country()+" ≠ "+strings.Join(want, "/"))
		}
	}
}

// Authenticated reports whether the From's domain is proven
// (suppliers.Authenticated).
func Authenticated(in *scan.Input) bool { return suppliers.Authenticated(in.Auth, in.FromOrg) }

// request raises BANK_DETAILS_CHANGE_REQUEST: the phrasing of a change of
// bank details, with the new details attached, written out in the
// message's own text (a valid IBAN in the body: the fake supplier's "notre
// nouveau RIB : IBAN FR76 …", as Cybermalveillance.gouv.fr's fraude au
// faux fournisseur and the FBI IC3's vendor-impersonation alerts describe
// it, no attachment needed), or replies sent elsewhere.
//
// A request whose sender's domain was registered days ago raises
// BANK_DETAILS_NEW_DOMAIN as well: the fake supplier writes from a domain
// bought for the fraud, close to the supplier's (Cybermalveillance.gouv.fr,
// fraude au faux fournisseur: "une adresse ressemblant à celle du
// fournisseur"; FBI IC3 PSA I-091019-PSA on BEC: "spoofed or look-alike
// domains" registered for the scheme), and DMARC passes for it since its
// owner publishes the records. A supplier that changes banks writes from
// the domain it has invoiced from for years; a company's secondary
// domain for sales outreach, weeks old, asks no payment.
func (c *Check) request(ctx context.Context, in *scan.Input, f *docs.Findings, out *scan.Emitter) {
	// The means first: most messages have none, and the phrase search
	// reads the whole text.
	how := ""
	if len(in.Msg.Attachments) > 0 {
		how = "pièce jointe " + in.Msg.Attachments[0].Filename
	} else if i := slices.IndexFunc(f.IBANs, func(i docs.IBAN) bool { return i.Where == docs.FromBody }); i >= 0 {
		how = "IBAN dans le message " + docs.MaskIBAN(f.IBANs[i].Value)
	}
	for _, r := range in.Msg.ReplyTo {
		if d := urlx.Registrable(r.Domain()); d != "" && d != in.FromOrg {
			how = strings.TrimPrefix(how+", réponses vers "+d, ", ")
			break
		}
	}
	if how == "" {
		return
	}
	if i := c.Request(in); i >= 0 {
		out.Emit("BANK_DETAILS_CHANGE_REQUEST", "« "+c.entries[i].Text+" », "+how)
		if c.young != nil && in.FromOrg != "" && c.young(ctx, in.FromOrg) {
			out.Emit("BANK_DETAILS_NEW_DOMAIN", in.FromOrg)
		}
	}
}

// lookalike raises INVOICE_LOOKALIKE_SUPPLIER and returns the supplier
// imitated: a domain close to a supplier's (From or Reply-To), or a
// supplier's name as display name on another domain.
func (c *Check) lookalike(in *scan.Input, book *suppliers.Book, out *scan.Emitter) *suppliers.Entry {
	if book.Len() == 0 || in.FromOrg == "" || len(book.ByDomain(in.FromOrg)) > 0 {
		return nil
	}
	if e := book.Lookalike(in.FromOrg); e != nil {
		out.Emit("INVOICE_LOOKALIKE_SUPPLIER", in.FromOrg+" ~ "+e.Domain+" ("+e.Name+")")
		return e
	}
	if e := book.ByName(in.Msg.FromAddr().Name); e != nil {
		out.Emit("INVOICE_LOOKALIKE_SUPPLIER", "« "+in.Msg.FromAddr().Name+" » <"+in.FromOrg+">, "+e.Name+" <"+or(e.Domain, "?")+">")
		return e
	}
	for _, r := range in.Msg.ReplyTo {
		if e := book.Lookalike(urlx.Registrable(r.Domain())); e != nil {
			out.Emit("INVOICE_LOOKALIKE_SUPPLIER", "Reply-To "+r.Domain()+" ~ "+e.Domain+" ("+e.Name+")")
			return e
		}
	}
	return nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// countries is where the IBAN is expected: the claimed suppliers'
// countries, else the seller country of a structured invoice.
func countries(claimed []*suppliers.Entry, f *docs.Findings) []string {
	var out []string
	for _, e := range claimed {
		for _, c := range e.Countries() {
			if !contains(out, c) {
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		for _, inv := range f.Invoices {
			if inv.SellerCountry != "" && !contains(out, inv.SellerCountry) {
				out = append(out, inv.SellerCountry)
			}
		}
	}
	return out
}

func has(list []*suppliers.Entry, e *suppliers.Entry) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
