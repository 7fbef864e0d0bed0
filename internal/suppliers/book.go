// Package suppliers is the supplier register: the suppliers the
// organisation pays, known by the domain they write from and their
// SIREN/SIRET, and the bank details seen for each over time. It is filled
// from the accounting export (CSV) and learned from authenticated mail
// only; a supplier's first IBAN is trusted on first sight, every later new
// one stays pending until a person confirms it. The invoice checks read a
// Book, an in-memory snapshot reloaded when the register changes; the
// gateway's Observer learns and alerts accounting after each verdict.
package suppliers

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

// Entry is a supplier with its bank details.
type Entry struct {
	Supplier
	Banks []BankDetail `json:"bank_details"`
}

// Bank returns the supplier's bank detail for an IBAN.
func (e *Entry) Bank(iban string) (BankDetail, bool) {
	for _, b := range e.Banks {
		if b.IBAN == iban {
			return b, true
		}
	}
	return BankDetail{}, false
}

// Known reports whether an IBAN is one the supplier is paid on: confirmed,
// or its first one learned from its authenticated mail. A pending IBAN is
// not known: it is the change a person has to confirm.
func (e *Entry) Known(iban string) bool {
	b, ok := e.Bank(iban)
	return ok && b.Status != BankPending
}

// HasKnown reports whether the supplier has any known IBAN.
func (e *Entry) HasKnown() bool {
	for _, b := range e.Banks {
		if b.Status != BankPending {
			return true
		}
	}
	return false
}

// Countries returns the countries of the supplier: its own and those of
// its known IBANs.
func (e *Entry) Countries() []string {
	var out []string
	if e.Country != "" {
		out = append(out, e.Country)
	}
	for _, b := range e.Banks {
		if b.Status != BankPending && !contains(out, b.IBAN[:2]) {
			out = append(out, b.IBAN[:2])
		}
	}
	return out
}

// Book is a snapshot of the register, indexed for the checks.
type Book struct {
	Revision int64
	entries  []*Entry
	byDomain map[string][]*Entry
	bySIREN  map[string][]*Entry
	byIBAN   map[string][]*Entry
	byName   map[string]*Entry // normalised name
	labels   map[string]*Entry // first label of the domain, for look-alikes
}

// NewBook indexes entries.
func NewBook(rev int64, entries []*Entry) *Book {
	b := &Book{Revision: rev, entries: entries, byDomain: map[string][]*Entry{}, bySIREN: map[string][]*Entry{},
		byIBAN: map[string][]*Entry{}, byName: map[string]*Entry{}, labels: map[string]*Entry{}}
	for _, e := range entries {
		if e.Domain != "" {
			b.byDomain[e.Domain] = append(b.byDomain[e.Domain], e)
			b.labels[firstLabel(e.Domain)] = e
		}
		if e.SIREN != "" {
			b.bySIREN[e.SIREN] = append(b.bySIREN[e.SIREN], e)
		}
		for _, k := range e.Banks {
			b.byIBAN[k.IBAN] = append(b.byIBAN[k.IBAN], e)
		}
		if n := normName(e.Name); len(n) >= 5 {
			b.byName[n] = e
		}
	}
	return b
}

// Len is the number of suppliers.
func (b *Book) Len() int {
	if b == nil {
		return 0
	}
	return len(b.entries)
}

// Entries returns every supplier.
func (b *Book) Entries() []*Entry { return b.entries }

// ByDomain returns the suppliers writing from an organisational domain.
func (b *Book) ByDomain(org string) []*Entry { return b.byDomain[strings.ToLower(org)] }

// BySIREN returns the suppliers with a SIREN.
func (b *Book) BySIREN(siren string) []*Entry { return b.bySIREN[siren] }

// IBANOwners returns the suppliers an IBAN was ever seen for.
func (b *Book) IBANOwners(iban string) []*Entry { return b.byIBAN[iban] }

// ByName returns the supplier whose name the display name is, folded
// (case, accents, punctuation, legal form), or nil.
func (b *Book) ByName(display string) *Entry {
	n := normName(display)
	if len(n) < 5 {
		return nil
	}
	return b.byName[n]
}

// Lookalike returns the supplier whose domain an organisational domain
// imitates: the same name under another suffix (papeterie-fictive.example
// → papeterie-fictive.com), a typo (one or two edits), or the name with
// words added (papeterie-fictive-factures.example). Nil when org is a
// supplier's own domain.
func (b *Book) Lookalike(org string) *Entry {
	org = strings.ToLower(org)
	if org == "" || len(b.byDomain[org]) > 0 {
		return nil
	}
	label := firstLabel(org)
	if e, ok := b.labels[label]; ok {
		return e
	}
	squashed := strings.ReplaceAll(label, "-", "")
	for l, e := range b.labels {
		ls := strings.ReplaceAll(l, "-", "")
		if len(ls) < 5 {
			continue
		}
		if squashed == ls || strings.Contains(squashed, ls) || editClose(squashed, ls) {
			return e
		}
	}
	return nil
}

func firstLabel(reg string) string {
	if i := strings.IndexByte(reg, '.'); i > 0 {
		return reg[:i]
	}
	return reg
}

// legalForms are dropped from names before comparing them.
var legalForms = map[string]bool{"sarl": true, "sas": true, "sasu": true, "sa": true, "eurl": true, "sci": true,
	"snc": true, "ltd": true, "gmbh": true, "inc": true, "llc": true, "bv": true, "srl": true, "et": true, "cie": true}

func normName(s string) string {
	var words []string
	for _, w := range strings.Fields(textmatch.Normalize(s)) {
		if !legalForms[w] {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// editClose reports an edit distance of at most 1 (2 for names of nine
// letters or more).
func editClose(a, b string) bool {
	maxD := 1
	if len(b) >= 9 {
		maxD = 2
	}
	if len(a)-len(b) > maxD || len(b)-len(a) > maxD || len(a) > 63 || len(b) > 63 {
		return false
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)] <= maxD
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Load reads the whole register.
func Load(ctx context.Context, s Repository) (*Book, error) {
	rev, err := s.Revision(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	banks, err := s.BankDetails(ctx, 0)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Entry{}
	entries := make([]*Entry, 0, len(list))
	for _, x := range list {
		e := &Entry{Supplier: x}
		byID[x.ID] = e
		entries = append(entries, e)
	}
	for _, k := range banks {
		if e := byID[k.SupplierID]; e != nil {
			e.Banks = append(e.Banks, k)
		}
	}
	return NewBook(rev, entries), nil
}

// Cache keeps the latest Book, reloading it when the register's revision
// moves. Only the first load is waited for: afterwards a stale snapshot is
// refreshed in the background while scans go on with the one they have,
// so a slow or unreachable store never holds a message up; a failed
// refresh keeps the last good snapshot.
type Cache struct {
	Store Repository
	Log   *slog.Logger
	// Every is how often the revision is checked (2 s when zero).
	Every time.Duration

	mu       sync.Mutex
	book     *Book
	checked  time.Time
	updating bool
}

// Book returns the current snapshot (an empty one while the store cannot
// be read).
func (c *Cache) Book(ctx context.Context) *Book {
	c.mu.Lock()
	defer c.mu.Unlock()
	every := c.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	if c.book != nil {
		if time.Since(c.checked) >= every && !c.updating {
			c.updating = true
			go c.refresh()
		}
		return c.book
	}
	c.checked = time.Now()
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	b, err := Load(ctx, c.Store)
	if err != nil {
		c.warn(err)
		return NewBook(0, nil)
	}
	c.book = b
	return b
}

// Refresh reloads the snapshot now if the register changed.
func (c *Cache) Refresh(ctx context.Context) error {
	c.mu.Lock()
	old := c.book
	c.mu.Unlock()
	rev, err := c.Store.Revision(ctx)
	if err != nil {
		return err
	}
	if old != nil && rev == old.Revision {
		return nil
	}
	b, err := Load(ctx, c.Store)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.book = b
	c.mu.Unlock()
	return nil
}

func (c *Cache) refresh() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Refresh(ctx); err != nil {
		c.warn(err)
	}
	c.mu.Lock()
	c.checked, c.updating = time.Now(), false
	c.mu.Unlock()
}

func (c *Cache) warn(err error) {
	if c.Log != nil {
		c.Log.Warn("supplier register not reloaded", "err", err)
	}
}

// Registrable is the organisational domain of a mail domain.
func Registrable(domain string) string { return urlx.Registrable(strings.ToLower(domain)) }

// Authenticated reports whether a From's organisational domain is proven:
// DMARC pass, or a DKIM signature of that domain that verifies. SPF alone
// does not count: it authenticates the envelope, which a supplier's mail
// provider shares with its other customers.
func Authenticated(r auth.Results, fromOrg string) bool {
	if r.DMARC == "pass" {
		return true
	}
	if fromOrg == "" || r.DMARC == "fail" {
		return false
	}
	for _, d := range r.DKIMPass() {
		if urlx.Registrable(d) == fromOrg {
			return true
		}
	}
	return false
}
