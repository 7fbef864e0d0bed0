// Package brand finds impersonation: a brand or public body named in the
// display name, subject or body of a message that does not come from the
// brand's own domains, look-alike domains (typos, homoglyphs, a brand or
// "gouv.fr" embedded in someone else's domain), the organisation's own
// domain used from outside, and its executives' names (CEO fraud).
package brand

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math/bits"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/idna"
	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/checks/links"
	"vigie.dev/vigie/internal/fwdblock"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
	"vigie.dev/vigie/internal/warninglist"
)

//go:embed signals.yaml
var signals []byte

//go:embed brands.yaml
var defaultBrands []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("brand", signals)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c *Check) Checks() []scan.Check { return []scan.Check{c} }

// Brand is one entry of the catalogue.
type Brand struct {
	Name        string   `yaml:"name"`
	Names       []string `yaml:"names"`
	DisplayOnly []string `yaml:"display_only"` // names too common to look for in bodies
	Labels      []string `yaml:"labels"`
	// WordLabels are the labels that are also everyday words (outlook,
	// orange, booking): a link's host built on one is the word's more
	// often than the brand's (comboWords).
	WordLabels []string `yaml:"word_labels"`
	// StemLabels are the labels that begin everyday words ("intuit":
	// intuitive, intuition): one counts as a whole word of a hyphenated
	// label (notification-intuit, intuit-invoice-portal), as a label of
	// four letters does, or glued to an account or payment word
	// (intuitpayments, comboWords), not glued to the letters of another
	// word (intuitive.com, Intuitive Surgical's; intuition-formation.fr).
	StemLabels []string `yaml:"stem_labels"`
	// WordNames are names that are everyday words ("trust", the legal
	// form of NHS bodies): in a display name they are the brand's only
	// when the message holds a lure of the brand's trade, LureTheme (a
	// theme of the lure catalogue: "crypto" for a wallet), asked of the
	// lure family (Options.Holds).
	WordNames []string `yaml:"word_names"`
	// OtherNames are other organisations' names that hold one of the
	// brand's ("Société française de radiologie", the SFR of radiologists;
	// "MSA Safety"): a display name spelling one names them, not the
	// brand. Each is the full name the reader sees, never a word alone.
	OtherNames []string `yaml:"other_names"`
	// OtherSenses are phrases in which one of the brand's names is an
	// everyday term, not the brand: "UPS on battery", the uninterruptible
	// power supply's event, not the carrier. A subject is read for brands
	// with them blanked out (subjectWithoutOtherSenses). Each holds one of
	// the brand's names and the words that give it the other sense.
	OtherSenses []string `yaml:"other_senses"`
	LureTheme   string   `yaml:"lure_theme"`
	Domains     []string `yaml:"domains"`
	// Infrastructure lists the other domains the brand itself sends from
	// or links to: its content and image hosts, short links, groups and
	// notification services. A brand is never impersonating itself there.
	// Hosts where anyone can publish (a cloud bucket, a pages service)
	// are not the brand's and are not listed.
	Infrastructure []string `yaml:"infrastructure"`
	// Tenants lists domains under which the brand's customers name their
	// own subdomains (a Microsoft 365 tenant's initial domain,
	// name.onmicrosoft.com): mail from one is the customer's, not the
	// brand's — anyone can open a tenant in minutes and call it after the
	// brand. Only the platform's own delivery reports from a tenant (an
	// Exchange Online non-delivery report signed "Microsoft Outlook") carry
	// the brand's name there of right, and under a tenant's own domain
	// when they come from its postmaster (reportMailbox).
	Tenants []string `yaml:"tenants"`
	// Shared lists domains of Domains under which the brand names its
	// customers' servers as well as its own (OVHcloud's ovh.net: its
	// voicemail writes from ovh.net, its relays are mail-out.ovh.net, and
	// every VPS it rents is vps-….vps.ovh.net or vps123456.ovh.net, every
	// hosted site ….hosting.ovh.net). The domain itself is the brand's,
	// and a host below it only under a more specific domain the catalogue
	// names (Domains, Infrastructure); any other host below it is a
	// customer's, who may call his mail after the brand.
	Shared      []string `yaml:"shared"`
	Institution bool     `yaml:"institution"`
	// Channel marks a platform companies invoice and pay through (the
	// approved e-invoicing platforms): named after a channel preposition
	// in a subject ("Facture F-118 via Pennylane"), it is the way the
	// sender's own document goes, as a public body's name is
	// (putsForward), not the sender it puts forward.
	Channel bool `yaml:"channel"`
	// Warninglists names MISP warning lists every domain of which is the
	// brand's own (the banks' websites for the banks): a maintained
	// public list, where a hand-kept one falls behind the dozens of
	// regional banks of a mutualist group, each under its own domain.
	Warninglists []string         `yaml:"warninglists"`
	lists        *warninglist.Set // Options.Lists, where Warninglists are read
	// Published lists hosts of the brand's domains where its customers,
	// anyone with an account, publish their own pages, forms and files
	// (a SharePoint tenant's site, a Microsoft or Google form, a Google
	// site or document, a storage bucket): the brand serves them, but
	// what they ask is the publisher's. ownService and Published read
	// it: a link there is not the brand's own page.
	Published []string `yaml:"published"`
	// OnPremises marks software its customers run on their own servers
	// (a backup server): its job reports and alarms are sent by the
	// customer's server, from the customer's domain, under the product's
	// name ("Veeam Backup & Replication <veeam@customer>"). ownServer
	// reads it.
	OnPremises bool `yaml:"on_premises"`
}

// published reports a host where the brand's customers publish
// (Published).
func (b *Brand) published(host string) bool {
	return slices.ContainsFunc(b.Published, func(d string) bool { return urlx.InDomain(host, d) })
}

// tenantReport reports a delivery report the brand's platform wrote for
// one of its tenants (Tenants): the report, not the tenant, names the brand.
func (b *Brand) tenantReport(in *scan.Input) bool {
	if !in.DeliveryReport() || len(b.Tenants) == 0 {
		return false
	}
	for _, d := range b.Tenants {
		if urlx.InDomain(in.FromDomain, d) {
			return true
		}
	}
	return reportMailbox(in.Msg.FromAddr().Local()) && !b.reportLeadsAway(in)
}

// reportLeadsAway reports a delivery report with a link to click whose
// host is neither the brand's nor a top site's (leaves). The sender's own
// organisation is no exception: the phisher owns the postmaster's domain,
// and a "Review messages" page on it was accepted as the platform's
// report as well (4.22 behind the MX, 2.22 under the evaluation's trust).
// Anyone writes a report from a postmaster of his own domain, with the
// null path and a multipart/report: "Microsoft Outlook
// <postmaster@relais-notif-exemple.com>" with "Undeliverable: 3 incoming
// messages…" above "Review messages", on a page of his, and no phrase of
// the lure catalogue, fell from quarantine (9.94 behind the MX, 7.94 under
// the evaluation's trust) to accept once the postmaster spared the name
// (TestMicrosoftOutlookReportsFromTheTenantsPostmaster). Exchange's own
// reports and receipts link to nothing, or to Microsoft's help.
//
// An address to write to leads away as well ("reply to release@… with
// your mailbox address"), unless it is the brand's or the reader's own
// domain (the report's To, the original's sender): the quiet report's
// mailto: on his own host was accepted at 4.22 / 2.22. A top site is no
// exception there: the reply goes to whoever holds the free mailbox.
func (b *Brand) reportLeadsAway(in *scan.Input) bool {
	for _, l := range in.Links {
		if clickable(l) && l.Domain != "" && !b.Official(l.Host) && leaves(in, l.Host, l.Domain) {
			return true
		}
	}
	for _, d := range in.Msg.MailtoDomains {
		if !b.Official(d) && !readersDomain(in, urlx.Registrable(d)) {
			return true
		}
	}
	return false
}

// reportCalls reports a delivery report that gives a telephone number in
// its own words: the callback (TOAD) copy of the report, "your mailbox
// has been blocked, call the support desk on 01 86 …", which the quiet
// report's spare let through with no link and no address to write to
// (0.00 behind the MX when the phisher's domain authenticates, 2.50
// under the evaluation's trust). A platform's report says what became of
// a message and why (RFC 3464 §2.1: a human-readable part, then the
// machine-readable one); Exchange Online's NDRs give the fix to the
// sender or to the administrators and never a number to call (Microsoft
// Learn, "Non-delivery reports in Exchange Online"); asking for a call
// is the telephone-oriented attack delivery that Proofpoint's and
// Cofense's reports describe. A number in the returned original (the
// sender's own signature, Message.Enclosed) is the original's, and the
// four dotted groups of the diagnostic lines and of the original's header
// that Exchange writes under its text (relays' IPv4 addresses, its build
// "15.20.8207.7") are no numbers to call, nor are the company
// identifiers of the legal footer a French company's mail system adds to
// all it sends (SIREN, SIRET, RCS, TVA: "SIRET 200 046 977 00019",
// "RCS Lyon B 200 046 977", which read as numbers in groups: legalID).
func (c *Check) reportCalls(in *scan.Input) bool {
	if c.phone == nil {
		return false
	}
	text := in.Body()
	for range 16 {
		n := c.phone(text)
		if n == "" {
			return false
		}
		at := strings.Index(text, n)
		if !fourDottedGroups(n) && !enclosedHolds(in, n) && !legalID(text[max(0, at-legalReach):at]) {
			return true
		}
		text = text[at+len(n):]
	}
	return false
}

// legalReach is how far before a number, in bytes, the name of the
// identifier it is is looked for ("RCS Lyon B ", "N° TVA FR32 ").
const legalReach = 24

// legalIDs are the names of French companies' identifiers that their
// legal mentions print (Code de commerce, R123-237: RCS and SIREN on
// correspondence; SIRET, the intra-EU VAT number, the capital, the APE
// code), lower case.
var legalIDs = []string{"siret", "siren", "rcs", "tva", "capital", "ape", "naf"}

// legalID reports one of legalIDs as a word of before, the text just
// before a number.
func legalID(before string) bool {
	for w := range strings.FieldsFuncSeq(strings.ToLower(before), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if slices.Contains(legalIDs, w) {
			return true
		}
	}
	return false
}

// fourDottedGroups reports digits in four groups joined by dots alone:
// an IPv4 address or a software version, where a telephone number
// written with dots has three groups (US) or five (France).
func fourDottedGroups(n string) bool {
	parts := strings.Split(n, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			return false
		}
	}
	return true
}

// enclosedHolds reports a text written in one of the messages the report
// carries whole (a returned original).
func enclosedHolds(in *scan.Input, text string) bool {
	for _, e := range in.Msg.Enclosed {
		if bytes.Contains(e.Raw, []byte(text)) {
			return true
		}
	}
	return false
}

// readersDomain reports a registrable domain of one of the message's To
// addresses.
func readersDomain(in *scan.Input, domain string) bool {
	for _, a := range in.Msg.To {
		if domain != "" && urlx.Registrable(a.Domain()) == domain {
			return true
		}
	}
	return false
}

// reportMailbox reports the mailboxes a hosted mail platform writes a
// tenant's delivery reports from under the tenant's own domain: its
// postmaster (RFC 5321 §4.5.1; Exchange Online's external postmaster
// address is postmaster@ the tenant's default domain, Microsoft Learn,
// "Configure the external postmaster address"), and Exchange's system
// mailbox of that name, which sends its reports and recall results
// (Microsoft Learn, "Arbitration mailboxes in Exchange Server"). The
// non-delivery report, delivery receipt and recall report of a company
// on Microsoft 365 come "Microsoft Outlook <postmaster@company>".
func reportMailbox(local string) bool {
	return strings.EqualFold(local, "postmaster") || strings.EqualFold(local, "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e")
}

// Official reports whether host belongs to one of the brand's domains or
// to its infrastructure, those the catalogue names or its warning lists.
func (b *Brand) Official(host string) bool {
	return b.declared(host) || b.listed(host)
}

// declared reports a host under a domain the catalogue names for the
// brand (Domains, Infrastructure).
func (b *Brand) declared(host string) bool {
	for _, list := range [][]string{b.Domains, b.Infrastructure} {
		for _, d := range list {
			if urlx.InDomain(host, d) && !b.customerHost(host, d) {
				return true
			}
		}
	}
	return false
}

// customerHost reports a host strictly below d, a domain the brand shares
// with its customers (Shared): a customer's server, not the brand's.
func (b *Brand) customerHost(host, d string) bool {
	return slices.ContainsFunc(b.Shared, func(s string) bool { return strings.EqualFold(s, d) }) &&
		!strings.EqualFold(strings.TrimSuffix(host, "."), d)
}

// listed reports a host one of the brand's warning lists names.
func (b *Brand) listed(host string) bool {
	if len(b.Warninglists) > 0 {
		for _, h := range b.lists.Host(host) {
			if slices.Contains(b.Warninglists, h.List.Name) {
				return true
			}
		}
	}
	return false
}

// Options configure the check.
type Options struct {
	Brands     []byte   // catalogue YAML; nil means the embedded one
	OrgDomains []string // the organisation's own domains
	// Affiliates are other organisations' domains that carry our name
	// (the hospital's foundation, fondation-chu-exemple.fr): their hosts
	// are never a combosquat of ours (config org.affiliates).
	Affiliates []string
	VIPs       []string // names of people whose name is abused in CEO fraud
	// Asks reports a message whose words ask something of the reader (the
	// lure family's Check.Asks: a lure theme other than a bare call to
	// click); nil: every message is taken to.
	Asks func(*scan.Input) bool
	// LureWord reports a word of the lure catalogue's phrases (the lure
	// family's Check.Word): no one's given name beside a brand that is a
	// family name (ownSurname). nil: none is.
	LureWord func(string) bool
	// Holds reports a message holding a phrase of a lure theme (the lure
	// family's Check.Holds), for Brand.WordNames; nil: none does.
	Holds func(in *scan.Input, theme string) bool
	// PhoneNumber returns the first telephone number written in a text
	// (the lure family's PhoneNumber), or "": a delivery report that
	// gives one is no platform's report (reportCalls). nil: none is read.
	PhoneNumber func(string) string
	// Registered, when set, asks a domain's registry when it was registered
	// (internal/rdap); EstablishedAge is the age from which a domain that
	// carries a brand's initials is the brand's regional entity rather
	// than a fresh look-alike (established.go; default three years).
	Registered     func(ctx context.Context, domain string) (time.Time, error)
	EstablishedAge time.Duration
	Now            func() time.Time
	// Young, when set, reports a registrable domain registered days ago
	// (links.Check.Young): a sender on such a domain does not answer for
	// its mail by passing DMARC (institutionLeadsElsewhere).
	Young func(ctx context.Context, domain string) bool
	// Freemail, when set, reports a free mailbox provider's domain (the
	// sender family's IsFreemail): a person's address there, written in
	// a subject, is no claim of the provider's brand (subjectWithoutFreeAddresses).
	Freemail func(domain string) bool
	// Lists are the warning lists the catalogue's entries name (Brand.
	// Warninglists) and the top sites are read from (engine.New passes
	// the scanner's, data.warninglists; nil: the embedded ones).
	Lists *warninglist.Set
}

// Check is the brand-impersonation check family.
type Check struct {
	brands     []Brand
	everywhere *textmatch.Dict[int] // names looked for in subject, body and alt texts
	display    *textmatch.Dict[int] // all names, for display names and subjects
	labels     map[string]int       // look-alike targets: label -> brand (-1 for our own domains)
	targets    []target             // the labels in catalogue order, so that the first brand listed wins
	official   map[string]bool      // every brand's official domains
	words      map[string]bool      // labels that are everyday words (Brand.WordLabels)
	stems      map[string]bool      // labels that begin everyday words (Brand.StemLabels)
	tenants    map[string]bool      // the brands' tenant domains themselves (Brand.Tenants)
	orgDomains []string
	affiliates []string // Options.Affiliates
	vips       map[string]bool
	asks       func(*scan.Input) bool
	lureWord   func(string) bool
	holds      func(*scan.Input, string) bool
	phone      func(string) string
	wordNames  *textmatch.Dict[int] // Brand.WordNames
	otherNames *textmatch.Dict[int] // Brand.OtherNames
	senses     *textmatch.Dict[int] // Brand.OtherSenses, indexing senseText
	senseText  []string
	registry   registry
	young      func(ctx context.Context, domain string) bool
	freemail   func(domain string) bool
	lists      *warninglist.Set // Options.Lists
}

// New builds the check.
func New(o Options) (*Check, error) {
	data := o.Brands
	if data == nil {
		data = defaultBrands
	}
	c := &Check{everywhere: textmatch.New[int](), display: textmatch.New[int](), labels: map[string]int{}, vips: map[string]bool{}, official: map[string]bool{}, words: map[string]bool{}, stems: map[string]bool{}, tenants: map[string]bool{}, asks: o.Asks, lureWord: o.LureWord, holds: o.Holds, phone: o.PhoneNumber, wordNames: textmatch.New[int](), otherNames: textmatch.New[int](), senses: textmatch.New[int]()}
	c.registry = newRegistry(o)
	c.young = o.Young
	c.freemail = o.Freemail
	c.lists = o.Lists
	if err := yaml.Unmarshal(data, &c.brands); err != nil {
		return nil, fmt.Errorf("brand catalogue: %w", err)
	}
	for i := range c.brands {
		c.brands[i].lists = o.Lists
	}
	for i, b := range c.brands {
		if b.Name == "" || len(b.Domains) == 0 {
			return nil, fmt.Errorf("brand catalogue: entry %d needs a name and domains", i+1)
		}
		only := map[string]bool{}
		for _, n := range b.DisplayOnly {
			only[textmatch.Normalize(n)] = true
			c.display.Add(n, i)
		}
		for _, n := range b.Names {
			c.display.Add(n, i)
			norm := textmatch.Normalize(n)
			if len(norm) > 4 && !only[norm] {
				c.everywhere.Add(n, i)
			}
		}
		for _, d := range append(append([]string(nil), b.Domains...), b.Infrastructure...) {
			c.official[strings.ToLower(d)] = true
		}
		for _, d := range b.Shared {
			if !slices.Contains(b.Domains, d) {
				return nil, fmt.Errorf("brand catalogue: %s: shared domain %q is not one of its domains", b.Name, d)
			}
		}
		for _, l := range b.Labels {
			c.addLabel(strings.ToLower(l), i)
		}
		for _, w := range b.Warninglists {
			if !slices.ContainsFunc(o.Lists.Lists(), func(l *warninglist.List) bool { return l.Name == w }) {
				return nil, fmt.Errorf("brand catalogue: %s: no warning list %q", b.Name, w)
			}
		}
		if len(b.WordNames) > 0 && b.LureTheme == "" {
			return nil, fmt.Errorf("brand catalogue: %s: word names need a lure theme", b.Name)
		}
		for _, n := range b.WordNames {
			c.wordNames.Add(n, i)
		}
		for _, n := range b.OtherNames {
			c.otherNames.Add(n, i)
		}
		for _, n := range b.OtherSenses {
			if !c.namesBrand(n, 0, i) {
				return nil, fmt.Errorf("brand catalogue: %s: other sense %q holds none of its names", b.Name, n)
			}
			c.senses.Add(n, len(c.senseText))
			c.senseText = append(c.senseText, n)
		}
		for _, l := range b.WordLabels {
			if !slices.Contains(b.Labels, l) {
				return nil, fmt.Errorf("brand catalogue: %s: word label %q is not one of its labels", b.Name, l)
			}
			c.words[strings.ToLower(l)] = true
		}
		for _, l := range b.StemLabels {
			if !slices.Contains(b.Labels, l) {
				return nil, fmt.Errorf("brand catalogue: %s: stem label %q is not one of its labels", b.Name, l)
			}
			c.stems[strings.ToLower(l)] = true
		}
		for _, d := range b.Tenants {
			c.tenants[strings.ToLower(d)] = true
		}
	}
	for _, d := range o.OrgDomains {
		d = strings.ToLower(strings.TrimSpace(d))
		c.orgDomains = append(c.orgDomains, d)
		if l := firstLabel(urlx.Registrable(d)); len(l) >= 5 {
			c.addLabel(l, -1)
		}
	}
	for _, d := range o.Affiliates {
		d = strings.Trim(strings.ToLower(strings.TrimSpace(d)), ".")
		if d == "" {
			continue
		}
		if err := c.sharedAffiliate(d); err != nil {
			return nil, err
		}
		c.affiliates = append(c.affiliates, d)
	}
	for _, v := range o.VIPs {
		c.vips[textmatch.Normalize(v)] = true
	}
	for k, t := range c.targets {
		c.targets[k].brand = c.labels[t.label]
		c.targets[k].bytes = byteSet(t.label)
		c.targets[k].stem = c.stems[t.label]
	}
	return c, nil
}

// otherOrganisations returns the brands a display name spells only as
// part of another organisation's full name (Brand.OtherNames), or of the
// initials it goes by: "SFR - Société Française de Radiologie" names the
// radiologists' society, not the operator. The brand named beside the
// other name still counts: "L'Orange Bleue - Orange Espace client" and
// "Visa pour l'Image - Visa Secure", the phisher's copy of the other name
// before the brand's, still name Orange and Visa
// (TestOtherOrganisationsNames). So does a sender whose domain imitates
// the brand ("Société française de radiologie" on sfr-facture-client.fr).
func (c *Check) otherOrganisations(in *scan.Input, name string) []int {
	var others []int
	c.otherNames.Find(name, 50, func(i int) bool {
		if slices.Contains(others, i) {
			return true
		}
		if kind, detail, _ := c.lookalike(in.FromDomain, map[string]bool{}); kind != "" && strings.HasSuffix(detail, " ~ "+c.brands[i].Name) && !c.spellsOtherName(in.FromDomain, i) {
			return true
		}
		rest, acronym := name, false
		for _, n := range c.brands[i].OtherNames {
			rest = textmatch.Mask(rest, n)
			if a := initials(n); len(a) >= 2 {
				masked := textmatch.Mask(rest, a)
				acronym = acronym || masked != rest
				rest = masked
			}
		}
		// Initials that are the brand's name too ("SFR", "CIC") beside
		// an account, team or channel word are the brand's
		// ("Société française de radiologie - SFR Espace client").
		beside := acronym && slices.ContainsFunc(strings.Fields(textmatch.Normalize(rest)), claimWord)
		if !beside && !c.namesBrand(rest, 50, i) && !c.namedBesideOthers(in, i) {
			others = append(others, i)
		}
		return true
	})
	return others
}

// namedBesideOthers reports a subject or text that names brand i beside
// an account, billing, delivery or subscription word (claimWord), outside
// its other organisations' full names: the message is then about the
// brand's service, whatever the sender calls itself. The phisher writes
// the display name as well as the text: "Hôtel de la Poste" above "La
// Poste : votre colis n'a pas pu être livré", "SFR Santé - Structure
// fédérative de recherche" above "Votre facture SFR", "Norton Rose
// Fulbright" above "votre abonnement Norton 360" fell from quarantine to
// accept once the other name spared the display name
// (TestOtherNamesDoNotCoverTheBrandsService, engine). The inn's "2 place
// de la Poste" and the research centre's "la lettre du CIC" name no
// service of the brand.
func (c *Check) namedBesideOthers(in *scan.Input, i int) bool {
	for _, text := range []string{in.Msg.Subject, in.Body()} {
		for _, n := range c.brands[i].OtherNames {
			text = textmatch.Mask(text, n)
		}
		words := strings.Fields(textmatch.Normalize(text))
		for k, w := range words {
			if !claimWord(w) {
				continue
			}
			if c.namesBrand(strings.Join(words[max(0, k-claimReach):min(len(words), k+claimReach+1)], " "), 0, i) {
				return true
			}
		}
	}
	return false
}

// claimReach is how many words from a claim word the brand's name may
// stand in namedBesideOthers: "votre facture SFR", "La Poste : votre
// colis".
const claimReach = 3

// spellsOtherName reports a sender's domain whose first label spells one
// of brand i's other organisations' full names (OtherNames), hyphens
// aside, beside no account or security word (comboWord):
// nortonrosefulbright.com is the law firm's, not a look-alike of Norton's;
// norton-rose-fulbright-secure.com is the combosquat.
func (c *Check) spellsOtherName(domain string, i int) bool {
	label := strings.ReplaceAll(firstLabel(urlx.Registrable(strings.ToLower(domain))), "-", "")
	for _, n := range c.brands[i].OtherNames {
		if other := strings.ReplaceAll(textmatch.Normalize(n), " ", ""); strings.HasPrefix(label, other) && !comboWord(strings.ToLower(domain), other) {
			return true
		}
	}
	return false
}

// initials returns the first letters of the words of name longer than
// two letters: "sfr" for "societe francaise de radiologie".
func initials(name string) string {
	var b []byte
	for w := range strings.FieldsSeq(textmatch.Normalize(name)) {
		if len(w) > 2 {
			b = append(b, w[0])
		}
	}
	return string(b)
}

// target is a look-alike target: a label and its brand (-1 for our own
// domains), kept in a slice so that every host compared with every label
// costs no map lookup, and the set of its bytes (byteSet).
type target struct {
	label string
	brand int
	bytes uint64
	stem  bool // Brand.StemLabels
}

// byteSet returns the set of bytes of s, each byte as bit b%64: for a
// cheap test before close(). An edit adds at most one byte value that the
// other string lacks, and removes at most one: two strings at distance d
// differ by at most d bits each way (fewer when bytes share a bit).
func byteSet(s string) uint64 {
	var set uint64
	for i := 0; i < len(s); i++ {
		set |= 1 << (s[i] & 63)
	}
	return set
}

// addLabel makes label a look-alike target of brand i (-1: our own
// domains); a label listed again belongs to its last entry.
func (c *Check) addLabel(label string, i int) {
	if _, ok := c.labels[label]; !ok {
		c.targets = append(c.targets, target{label: label})
	}
	c.labels[label] = i
}

// Name implements scan.Check.
func (*Check) Name() string { return "brand" }

// Check implements scan.Check.
func (c *Check) Check(ctx context.Context, in *scan.Input, out *scan.Emitter) {
	m := in.Msg
	from := m.FromAddr()
	authOK := in.SenderAuthenticated()
	own := c.ownFor(ctx, in, out)

	// Brands in the display name: the strongest lure, the reader sees it first.
	var named []int // in the order the display name shows them
	others := c.otherOrganisations(in, from.Name)
	displayed := func(i int) bool {
		if !slices.Contains(named, i) && !slices.Contains(others, i) && !own(i) && !(c.brands[i].tenantReport(in) && !c.reportCalls(in)) && !c.ownSurname(in, from.Name, from.Local(), i) && !c.placeName(in, out, from.Name, i) && !c.engineerTitle(in, from.Name, from.Local(), i) && !c.thirdParty(in, from.Name, i) && !c.publicBody(in, from.Name, i) && !c.ownService(in, authOK, i) && !c.ownServer(in, i) && !c.listAuthorsOwn(in, i) {
			named = append(named, i)
			out.Emit("BRAND_DISPLAY_NAME", c.brands[i].Name+" <"+in.FromDomain+">")
		}
		return true
	}
	c.display.Find(from.Name, 50, displayed)
	if alt := capitalIAsL(from.Name); alt != from.Name {
		c.display.Find(alt, 50, displayed)
	}
	if c.holds != nil {
		c.wordNames.Find(from.Name, 50, func(i int) bool {
			if !slices.Contains(named, i) && !own(i) && c.holds(in, c.brands[i].LureTheme) && !c.ownService(in, authOK, i) && !c.listAuthorsOwn(in, i) {
				named = append(named, i)
				out.Emit("BRAND_DISPLAY_NAME", c.brands[i].Name+" <"+in.FromDomain+">")
			}
			return true
		})
	}
	c.claimLeadsElsewhere(in, out, from.Name)
	c.institutionLeadsElsewhere(ctx, in, out, named, own)
	// Brands in the subject, body and image alt texts.
	mentioned := -1
	find := func(d *textmatch.Dict[int], text string, limit int) {
		d.Find(text, limit, func(i int) bool {
			if !own(i) {
				mentioned = i
				return false
			}
			return true
		})
	}
	find(c.display, c.subjectWithoutOtherSenses(in, c.subjectWithoutFreeAddresses(m.Subject)), 100)
	inSubject := mentioned
	if mentioned < 0 {
		find(c.everywhere, strings.Join(m.ImageAlts, " . "), 200)
	}
	if mentioned < 0 {
		body := m.HTMLText
		if body == "" {
			body = m.Text
		}
		find(c.everywhere, body, 400)
	}
	if mentioned >= 0 && len(named) == 0 && in.NotAuthenticated() {
		out.Emit("BRAND_MENTION_UNOFFICIAL", c.brands[mentioned].Name+" <"+in.FromDomain+">")
	} else if inSubject >= 0 && len(named) == 0 && !carriedSubject(in) && c.putsForward(m.Subject, inSubject) && !c.ownService(in, authOK, inSubject) && !c.listMembersTopic(in, inSubject) {
		// Authenticated, but for another domain than the brand's that the
		// subject puts forward (Your Norton Order Confirmation).
		out.Emit("BRAND_SUBJECT_OTHER_SENDER", c.brands[inSubject].Name+" <"+in.FromDomain+">")
	}
	// No authentication at all (a rebuilt original has none to judge).
	noAuth := weak(in.Auth.SPF) && weak(in.Auth.DMARC) && !in.Env.Rebuilt
	for _, i := range named {
		if c.brands[i].Institution && noAuth {
			out.Emit("INSTITUTION_UNAUTHENTICATED", c.brands[i].Name)
		}
	}
	// A mention alone says the mail presents itself as the institution only
	// when it comes from outside: a colleague writing from inside the
	// organisation about an ANTAI notice or an URSSAF deadline presents
	// nothing (what the message itself does is judged by the other checks).
	// Nor does it when no authentication result was read (a relay whose
	// Authentication-Results are not trusted, AUTH_RESULTS_UNKNOWN): a
	// relative's mail that names the Assurance maladie is then not shown
	// to lack SPF and DMARC, only not shown to have them. A display name
	// that claims the institution still counts (above).
	//
	// Nor does a body named in the middle of a text that sends its reader
	// nowhere else: a small supplier without SPF or DMARC whose message
	// says its invoice was lodged on Chorus Pro (linking to chorus-pro.gouv.fr
	// or its own site), or an accountant's reminder of URSSAF deadlines,
	// names the body without posing as it. The claim is in the subject
	// (other than as a channel: "déposée sur Chorus Pro") or a signature
	// line (claimedInText); a mention beside a link to someone else's site
	// or an attachment still counts, as the copy that names the body only
	// in its text ("votre dossier URSSAF présente un impayé") is read.
	// When the text asks to act (institutionActions), the sender's own
	// site is no more its own than a signed copy's (institution.go): the
	// compromised site that sends the copy hosts its page too
	// (TestUnauthenticatedMentionLinkingToItsOwnSite).
	if mentioned >= 0 && noAuth && in.Auth.Known() && len(named) == 0 && !in.Env.Authenticated {
		if i := c.claimedInText(in, own, true); i >= 0 {
			out.Emit("INSTITUTION_UNAUTHENTICATED", c.brands[i].Name)
		} else if b := &c.brands[mentioned]; b.Institution && (c.institutionAway(in, b, !institutionActions.Contains(in.Subject()+" . "+in.OwnBody(), 0)) != "" || len(m.Attachments) > 0) {
			out.Emit("INSTITUTION_UNAUTHENTICATED", b.Name)
		}
	}

	// Our own domain and people, used from outside.
	if !in.Env.Authenticated && !authOK {
		for _, d := range c.orgDomains {
			if urlx.InDomain(in.FromDomain, d) {
				out.Emit("ORG_DOMAIN_SPOOF", in.FromDomain)
				break
			}
		}
	}
	if len(c.vips) > 0 && c.vips[textmatch.Normalize(from.Name)] && !c.ours(in.FromDomain) {
		out.Emit("VIP_NAME_SPOOF", from.Name+" <"+in.FromDomain+">")
	}
	if mixedScript(from.Name) {
		out.Emit("MIXED_SCRIPT_NAME", from.Name)
	}

	// Look-alike domains: the sender's and every link's.
	seen := map[string]bool{}
	var asked once // Options.Asks reads the whole text: asked once
	// A commune's body under a domain that spells the commune
	// (ch-orange…, ville-orange…), named so in its display name
	// (placeName), is not combosquatting the brand unless an account or
	// security word sits beside it, as in a link's host.
	ownSeen := map[string]bool{} // hosts read as a combosquat of ours
	// Registrable domains the sender's address was judged to carry our
	// name beside another word of theirs (FROM_BRAND_IN_DOMAIN ~ own
	// domain: the fund's fondation-chu-exemple.fr, the nursing school's
	// ifsi-chu-exemple.fr): the sender's own site under that domain
	// (www.ifsi-chu-exemple.fr) says the same once more, and is not
	// counted again as URL_BRAND_IN_DOMAIN (the school's notice was tagged
	// at 4.74 behind the hospital's MX, 0.50 under the evaluation's trust)
	// in a message that asks nothing of the reader: a phisher's
	// chu-exemple-rh.fr asking a sign-in on portail.chu-exemple-rh.fr keeps
	// both (6.13, quarantined; 4.89 while spared).
	siblings := map[string]bool{}
	// The brands the message speaks as or of, whose misspelt label in a
	// hyphenated domain is their look-alike (misspeltWordOf).
	spoken := append(slices.Clip(named), mentioned)
	var misspeltSeen map[string]bool // hosts misspeltWordOf has read
	if slices.ContainsFunc(spoken, func(i int) bool { return i >= 0 }) {
		misspeltSeen = map[string]bool{}
	}
	sender := func(host string, own ...string) {
		kind, detail, label := c.lookalike(host, seen, own...)
		if kind != "" && strings.HasSuffix(detail, " ~ "+ownDomain) {
			if c.affiliated(host) {
				// An organisation the administrator declared as
				// carrying our name (org.affiliates) is no look-alike
				// of ours.
				return
			}
			// Our own name beside an account or payment word
			// (chu-exemple-paiement.fr, chu-exemple-support.com):
			// the combosquat of the organisation's own domain.
			if kind == "BRAND_IN_DOMAIN" && ownCombo(host, label) {
				ownSeen[host] = true
				out.Emit("FROM_OWN_DOMAIN_COMBOSQUAT", detail)
				return
			}
			if len(c.orgDomains) == 0 {
				// Where no organisation is configured the
				// recipient's domain stands for ours for that
				// combosquat only (recipientDomains): the host is
				// otherwise judged against the catalogue alone, as
				// without it — a brand in the subdomains of a
				// look-alike of ours (paypal.chu-exempie.fr) is
				// still the brand's.
				kind, detail, label = c.lookalike(host, map[string]bool{})
			}
		}
		if kind == "" && !ownSeen[host] && c.ownComboHost(host, own) {
			// Our name glued (chuexemple-paiement.fr) or in the
			// subdomains of another registrable domain
			// (chu-exemple.paiement-securise.fr), which lookalike
			// does not read as ours.
			ownSeen[host] = true
			out.Emit("FROM_OWN_DOMAIN_COMBOSQUAT", host+" ~ "+ownDomain)
			return
		}
		if kind == "BRAND_IN_DOMAIN" && placeNameBrands[label] && !comboWord(host, label) && c.placeSender(in, out, from.Name, label) {
			return
		}
		if kind == "BRAND_IN_DOMAIN" && c.unspokenWordEnding(in, host, label, spoken) {
			kind, detail = "", ""
		}
		// Another organisation named so in the display name
		// (otherOrganisations), on a domain spelling its full name
		// (nortonrosefulbright.com for "Norton Rose Fulbright").
		if b, ok := c.labels[label]; kind == "BRAND_IN_DOMAIN" && ok && b >= 0 && slices.Contains(others, b) && c.spellsOtherName(host, b) {
			return
		}
		if kind == "BRAND_IN_DOMAIN" && strings.HasSuffix(detail, " ~ "+ownDomain) {
			siblings[in.Registrable(strings.ToLower(host))] = true
		}
		if kind != "" {
			out.Emit("FROM_"+kind, detail)
		} else if host == in.FromDomain && misspeltSeen != nil {
			if i := c.misspeltWordOf(host, spoken); i >= 0 {
				out.Emit("FROM_LOOKALIKE_DOMAIN", host+" ~ "+c.brands[i].Name)
			}
		}
	}
	sender(in.FromDomain, c.recipientOrganisations(in)...)
	if in.MailFromDomain != "" {
		sender(in.MailFromDomain)
	}
	if len(m.ReplyTo) > 0 {
		c.replyTo(in, out, m.ReplyTo[0].Domain(), seen)
	}
	claimed := c.claimsUs(in, from.Name)
	// A sender whose registrable domain holds our name beside words its
	// display name writes ("Mutuelle d'Exemple" at mutuelle-exemple.fr,
	// "Fondation CHU Exemple" at fondation-chu-exemple.fr) links to its
	// own site there: that is its From said again, judged once as the
	// From (FROM_OWN_DOMAIN_COMBOSQUAT or FROM_BRAND_IN_DOMAIN), not as a
	// claim of ours sending the reader elsewhere. The display name lowers
	// nothing else: a phisher who registers such a domain and signs with
	// its words keeps the From's signal (org.affiliates is how an
	// administrator vouches for a real sibling).
	ownSite := len(claimed) > 0 && namesSibling(in.FromOrg, from.Name, claimed)
	for _, l := range in.Links {
		// A link under a suffix nobody delegates (mediboard.chu-exemple.local,
		// the organisation's intranet) leads to no one's registered site;
		// a sender's address there is still judged: it is forged.
		if fetched(l) {
			// An image or a stylesheet is fetched, not followed: the
			// brand's own CDN (static.s-sfr.fr, Microsoft's
			// img-prod-cms-rt-microsoft-com.akamaized.net) leads the
			// reader nowhere. A look-alike is judged where it is
			// linked, as the combosquatted page the reader is sent to.
			continue
		}
		hosts := [2]string{l.Host}
		if l.Host == urlx.CiscoHost {
			// Cisco's rewriting shows an address its token may not go
			// to (urlx.CiscoShown): a look-alike there is judged too.
			hosts[1] = urlx.Host(urlx.CiscoShown(l.Target))
		}
		for _, host := range hosts {
			if host == "" {
				continue
			}
			kind, detail, label := c.lookalike(host, seen)
			imitatesUs := kind != "" && strings.HasSuffix(detail, " ~ "+ownDomain)
			if imitatesUs && c.affiliated(host) {
				// A declared affiliate's site (org.affiliates), or a
				// page of ours the administrator declared there
				// (chu-exemple.webflow.io): no look-alike of ours.
				continue
			}
			if (kind == "" || imitatesUs) && !ownSeen[host] && len(claimed) > 0 && !(ownSite && in.Registrable(strings.ToLower(host)) == in.FromOrg) && c.ownComboHost(host, claimed) {
				// The message names us and sends the reader to our
				// name beside a payment or account word on another
				// domain: the combosquat of ours, linked.
				ownSeen[host] = true
				out.Emit("URL_OWN_DOMAIN_COMBOSQUAT", host+" ~ "+ownDomain)
				continue
			}
			if kind == "BRAND_IN_DOMAIN" && imitatesUs && siblings[in.Registrable(strings.ToLower(host))] && !c.asksOf(in) {
				continue
			}
			if kind == "BRAND_IN_DOMAIN" && c.words[label] && !(comboWord(host, label) && c.asksFor(in, host, label, named, &asked)) {
				// A software newsletter's link to an "outlook" add-on
				// vendor, a county's "orange" directory: the word's.
				continue
			}
			if kind == "BRAND_IN_DOMAIN" && c.unspokenWordEnding(in, host, label, spoken) {
				continue
			}
			if kind == "" && misspeltSeen != nil && !misspeltSeen[host] && urlx.PublicName(host) {
				misspeltSeen[host] = true
				if i := c.misspeltWordOf(host, spoken); i >= 0 {
					out.Emit("URL_LOOKALIKE_DOMAIN", host+" ~ "+c.brands[i].Name)
				}
			}
			if kind != "" && urlx.PublicName(host) {
				out.Emit("URL_"+kind, detail)
			}
		}
	}
}

// Catalogued reports a domain the catalogue lists as a brand's own or as
// its sending infrastructure (Brand.Domains, Brand.Infrastructure), each
// from the brand's own pages: its name is known, whatever it looks like
// (sncfconnect.com, SNCF Connect's), as a top site's is (scan.Input.TopSite).
func (c *Check) Catalogued(domain string) bool {
	return domain != "" && c.official[strings.ToLower(domain)]
}

// Imitates returns what host imitates, as LOOKALIKE_DOMAIN,
// BRAND_IN_DOMAIN or HOMOGLYPH_DOMAIN would name it (a catalogued brand
// or the organisation's domains), "" for a host that imitates nothing or
// is known (the organisation's, a brand's own, a top site of the check's
// lists). The entries a newer warning list adds are judged with it before
// the list is taken (engine.WarningLists): on a list, a look-alike would
// be spared the very test that finds it.
func (c *Check) Imitates(host string) string {
	kind, detail, _ := c.lookalike(host, map[string]bool{})
	if kind == "" {
		return ""
	}
	return kind + ": " + detail
}

// SameOwner reports two domains one brand of the catalogue names both as
// its own, each written there as it is (Brand.Domains): the DGFiP's
// impots.gouv.fr and dgfip.finances.gouv.fr, from its own pages. A name
// written as one of them above an address at the other shows no other
// organisation than the address (the sender family's
// FROM_NAME_OTHER_DOMAIN). A host below a listed domain is not taken for
// it: where a platform gives its customers their own subdomain to send
// from (a help desk's company.zendesk.com), that host is the customer's.
func (c *Check) SameOwner(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	a, b = strings.ToLower(a), strings.ToLower(b)
	for i := range c.brands {
		if c.brands[i].owns(a) && c.brands[i].owns(b) {
			return true
		}
	}
	return false
}

// Published reports a host where a catalogued brand's customers publish
// their own pages, forms and files (Brand.Published: docs.google.com,
// sites.google.com, forms.office.com): the brand serves them, the
// publisher writes them, so a link there is no page of the brand's own.
func (c *Check) Published(host string) bool {
	host = strings.ToLower(host)
	for i := range c.brands {
		if c.brands[i].published(host) {
			return true
		}
	}
	return false
}

// owns reports one of the brand's own domains (Domains), as listed.
func (b *Brand) owns(host string) bool {
	return slices.ContainsFunc(b.Domains, func(d string) bool { return strings.EqualFold(d, host) })
}

// ownService reports the organisation's own mail naming brand i as a
// service it runs ("Service informatique – Microsoft 365", "CSE –
// Google Workspace"): the From domain is one of ours, authenticated for
// it as ORG_DOMAIN_SPOOF reads it (a submission by a user of ours, or
// the From domain passing DMARC or aligned SPF/DKIM), no Reply-To
// outside our domains, and every link the reader follows leads to our
// domains or to the brand's own (Brand.Official), not to a page its
// customers publish on its domains (Brand.Published: a compromised
// mailbox of ours linking to a SharePoint or Microsoft Forms credential
// page under "Microsoft 365" keeps the claim). An IT department
// naming the product it runs is not posing as it. A compromised mailbox
// of ours writing "Microsoft 365 : votre mot de passe expire" above a
// free host or a look-alike still names the brand; so does a forged
// From on our domain (no authentication), which also raises
// ORG_DOMAIN_SPOOF.
func (c *Check) ownService(in *scan.Input, authOK bool, i int) bool {
	if !c.ours(in.FromDomain) || !in.Env.Authenticated && !authOK {
		return false
	}
	for _, r := range in.Msg.ReplyTo {
		if !c.ours(r.Domain()) {
			return false
		}
	}
	b := &c.brands[i]
	for _, l := range in.Links {
		if fetched(l) {
			continue
		}
		if l.Host == "" || !c.ours(l.Host) && (!b.Official(l.Host) || b.published(l.Host)) {
			return false
		}
		// The brand's own page that sends the reader on elsewhere: an
		// OAuth consent on login.microsoftonline.com whose redirect_uri
		// is the phisher's application (illicit consent grant, Microsoft
		// Learn, "Detect and remediate illicit consent grants").
		for _, h := range queryHosts(l.Target) {
			if !c.ours(h) && (!b.Official(h) || b.published(h)) {
				return false
			}
		}
	}
	return true
}

// queryHosts returns the hosts of the absolute http(s) addresses a URL's
// query parameters carry (redirect_uri=https://…, url=…).
func queryHosts(target string) []string {
	u, err := url.Parse(target)
	if err != nil || u.RawQuery == "" {
		return nil
	}
	var hosts []string
	for _, vs := range u.Query() {
		for _, v := range vs {
			if !strings.HasPrefix(strings.ToLower(v), "http://") && !strings.HasPrefix(strings.ToLower(v), "https://") {
				continue
			}
			if h := urlx.Host(v); h != "" {
				hosts = append(hosts, h)
			}
		}
	}
	return hosts
}

// ownServer reports, where no organisation is configured, the report of
// an on-premises product (Brand.OnPremises) that the reader's own server
// sends: the From's domain is a recipient's (Input.RecipientOrgs), the
// Reply-To stays there, every link the reader follows and every mailto:
// leads there or to the brand's own domains, no telephone number is
// given (reportCalls) and nothing is asked (Options.Asks). A free
// mailbox's domain is no reader's server (Options.Freemail): "Veeam" on
// a gmail.com address to a gmail.com reader is anyone's. Where the
// organisation is configured, ownService judges it with the
// authentication that proves the domain ours. Nothing is believed of the sender here, so a forged "Veeam" on
// the reader's domain is spared only as long as it leads nowhere else:
// the "Backup Job Failed" copies lead to a sign-in page on another host
// (a look-alike's, a free host's), and still name the brand.
func (c *Check) ownServer(in *scan.Input, i int) bool {
	b := &c.brands[i]
	if !b.OnPremises || len(c.orgDomains) > 0 || in.FromOrg == "" || !slices.Contains(in.RecipientOrgs(), in.FromOrg) || c.freemail != nil && c.freemail(in.FromDomain) {
		return false
	}
	for _, r := range in.Msg.ReplyTo {
		if !urlx.InDomain(r.Domain(), in.FromOrg) {
			return false
		}
	}
	for _, l := range in.Links {
		if fetched(l) {
			continue
		}
		if l.Host == "" || !urlx.InDomain(l.Host, in.FromOrg) && (!b.Official(l.Host) || b.published(l.Host)) {
			return false
		}
	}
	// An address to write to or a number to call leads elsewhere as much
	// as a link, and a job report asks nothing of its reader: "send the
	// service account's password to veeam.support@outlook.com", "call
	// Veeam Licensing on +1 888 …" under the product's name on the
	// reader's forged domain were accepted (0.50, 3.50 under the
	// evaluation's trust) where BRAND_DISPLAY_NAME quarantines them.
	for _, d := range in.Msg.MailtoDomains {
		if !b.Official(d) && !urlx.InDomain(d, in.FromOrg) {
			return false
		}
	}
	return !c.reportCalls(in) && !c.asksOf(in)
}

func (c *Check) ours(domain string) bool {
	return inAny(domain, c.orgDomains)
}

// ownDomain is what lookalike names as imitated for a host imitating our
// own domains.
const ownDomain = "own domain"

// replyTo judges the Reply-To's domain as lookalike judges any host, and
// tells apart the one imitating our own domains: answers diverted to a
// domain one letter off the reader's own organisation's (chu-exempIe.fr,
// chu-exemple.com, chu-exemple-fr.com for chu-exemple.fr) are how business
// e-mail compromise — the "fraude au président", the false supplier —
// reaches the company's payer while the From shows a colleague's name on
// a free mailbox or a supplier's real, hijacked mailbox (FBI IC3 public
// service announcements on business e-mail compromise, I-091019-PSA and
// I-050422-PSA: domains one letter off the company's; the InterCERT
// France fiche réflexe on a compromised mailbox, "arnaque au président",
// fraude au fournisseur, changement de RIB). REPLYTO_LOOKALIKE_OWN_DOMAIN then
// replaces the brand's REPLYTO_ signal. Our own domains are the
// organisation's (org.domains), or where none is configured the
// recipient's (recipientDomains).
func (c *Check) replyTo(in *scan.Input, out *scan.Emitter, host string, seen map[string]bool) {
	kind, detail, _ := c.lookalike(host, seen, c.recipientDomains(in)...)
	switch {
	case kind == "":
	case strings.HasSuffix(detail, " ~ "+ownDomain):
		out.Emit("REPLYTO_LOOKALIKE_OWN_DOMAIN", detail)
	default:
		out.Emit("REPLYTO_"+kind, detail)
	}
}

// recipientDomains returns, where no organisation is configured, the
// registrable domains of the message's recipients (envelope, else To,
// as the lure family's toOwnDomain reads them): the reader's own, as far
// as can be told. None when the From is in one of them: a colleague's
// Reply-To at another domain of the organisation (its .com, a
// subsidiary's) cannot be told from a look-alike without the
// organisation's list of its domains, which org.domains gives; nor when
// the To is the sender's own address (his mass mailing, the victims in
// Bcc).
func (c *Check) recipientDomains(in *scan.Input) []string {
	if len(c.orgDomains) > 0 || in.FromOrg == "" {
		return nil
	}
	own := in.RecipientOrgs()
	if slices.Contains(own, in.FromOrg) {
		return nil
	}
	return own[:min(len(own), 4)]
}

// recipientOrganisations are recipientDomains less the free mailboxes',
// read as our own for the sender's host: a reader at yahoo.fr or
// wanadoo.fr is no organisation of that name, and the provider's own
// domains put its name beside "mail" (yahoomail.com, tagged at 5.00 by
// FROM_OWN_DOMAIN_COMBOSQUAT for a reader at yahoo.fr). A provider
// that is a brand is the catalogue's to judge (Orange, Gmail, La Poste,
// Outlook.com, iCloud).
func (c *Check) recipientOrganisations(in *scan.Input) []string {
	var own []string
	for _, d := range c.recipientDomains(in) {
		if c.freemail == nil || !c.freemail(d) {
			own = append(own, d)
		}
	}
	return own
}

func weak(r auth.Result) bool { return r == "" || r == auth.None || r == auth.PermError }

// lookalike returns LOOKALIKE_DOMAIN, BRAND_IN_DOMAIN or HOMOGLYPH_DOMAIN
// and what is imitated for a host imitating a brand or our own domains
// (the caller prefixes where it was found), "" for any other host or one
// already seen; brandLabel is the brand label found written in the host, for
// BRAND_IN_DOMAIN.
//
// own are registrable domains read as our own besides the organisation's,
// for this host only (the recipient's, where no organisation is
// configured: replyToOwn); their labels are look-alike targets after the
// catalogue's, as the organisation's are (New).
func (c *Check) lookalike(host string, seen map[string]bool, own ...string) (kind, detail, brandLabel string) {
	host = strings.ToLower(host)
	if host == "" || seen[host] || urlx.IsIP(host) {
		return "", "", ""
	}
	seen[host] = true
	reg := urlx.Registrable(host)
	// own's labels are looked at after the catalogue's, in their own
	// slice: the catalogue's is not copied for every host judged.
	var ownTargets []target
	ownLabel := map[string]bool{}
	for _, d := range own {
		if urlx.InDomain(host, d) {
			return "", "", ""
		}
		if l := firstLabel(d); len(l) >= 5 && !ownLabel[l] {
			ownLabel[l] = true
			ownTargets = append(ownTargets, target{label: l, brand: -1, bytes: byteSet(l)})
		}
	}
	if c.ours(host) || c.lists.TopSite(reg) || c.tenants[host] {
		// A top site is itself, whatever brand its name resembles; so
		// is a brand's tenant domain (Shopify's shopifyemail.com, the
		// address its stores send from until they authenticate their
		// own), whose mail is its customer's: the display name is
		// judged, and a customer's own name below it (a tenant's
		// subdomain) as any host's.
		return "", "", ""
	}
	label := firstLabel(reg)
	official := func(i int) bool { return i >= 0 && c.brands[i].Official(host) }
	name := func(i int) string {
		if i < 0 {
			return ownDomain
		}
		return c.brands[i].Name
	}

	// Homoglyphs: an IDN label that reads as a brand once folded.
	if strings.Contains(reg, "xn--") {
		if u, err := idna.ToUnicode(label); err == nil {
			folded := strings.ReplaceAll(textmatch.Normalize(u), " ", "")
			if i, ok := c.labels[folded]; ok && !official(i) {
				return "HOMOGLYPH_DOMAIN", host + " ~ " + name(i), ""
			}
			if ownLabel[folded] {
				return "HOMOGLYPH_DOMAIN", host + " ~ " + name(-1), ""
			}
		}
	}
	// A brand's official domain written inside another host
	// (chorus-pro.gouv.fr.example.com) or "gouv-fr" in a name.
	if c.officialWithin(host) {
		return "", "", ""
	}
	if strings.Contains(host, "gouv-fr") || strings.Contains(host, "gouvfr") || strings.Contains(host, ".gouv.fr.") || strings.Contains(host, "-gouv.") {
		return "BRAND_IN_DOMAIN", host + " ~ gouv.fr", "gouv"
	}
	squashed := strings.ReplaceAll(label, "-", "")
	hyphenated := len(squashed) < len(label)
	// A brand written inside the label has all its bytes in it; one
	// close to it nearly shares its bytes (byteSet).
	labelSet, set := byteSet(label), byteSet(squashed)
	for _, targets := range [2][]target{c.targets, ownTargets} {
		for _, t := range targets {
			l := t.label
			if len(l) < 5 || t.stem {
				// A short label, or one that begins everyday words,
				// counts only as a whole word of a hyphenated one
				// (secure-sfr, notification-intuit).
				if hyphenated && hasToken(label, l) {
					return "BRAND_IN_DOMAIN", host + " ~ " + name(t.brand), l
				}
				if len(l) < 5 {
					continue
				}
			}
			if l == squashed {
				continue
			}
			// A stem glued to letters is the brand's beside an account or
			// payment word (intuitpayments), not in another word (intuitive).
			if t.bytes&^labelSet == 0 && (!t.stem || comboWord(label, l)) && brandWord(label, l) {
				return "BRAND_IN_DOMAIN", host + " ~ " + name(t.brand), l
			}
			if maxD := closeDistance(l); bits.OnesCount64(t.bytes&^set) <= maxD && bits.OnesCount64(set&^t.bytes) <= maxD && close(squashed, l) {
				return "LOOKALIKE_DOMAIN", host + " ~ " + name(t.brand), ""
			}
		}
	}
	// A brand of several words written hyphenated (credit-agricole-secure.com,
	// la-banque-postale.compte-securise.com), whose label is kept glued
	// (creditagricole, labanquepostale): its words beside an account or
	// payment word of their own in the same label, or in a subdomain of a
	// registrable label holding one (hyphenatedBrand).
	if i, l := c.hyphenatedBrand(host, reg); i >= 0 && !official(i) {
		return "BRAND_IN_DOMAIN", host + " ~ " + name(i), l
	}
	// The brand spelled in the subdomains of an unrelated registrable domain.
	if sub := strings.TrimSuffix(host, reg); sub != "" {
		for part := range strings.FieldsFuncSeq(sub, func(r rune) bool { return r == '.' || r == '-' }) {
			if i, ok := c.labels[part]; ok && len(part) >= 5 && !official(i) {
				return "BRAND_IN_DOMAIN", host + " ~ " + name(i), part
			}
			if ownLabel[part] {
				return "BRAND_IN_DOMAIN", host + " ~ " + name(-1), part
			}
		}
	}
	return "", "", ""
}

// asksFor reports whether a link's host built on a brand's everyday-word
// label (outlook, live, orange) beside an account or security word
// (comboWord) is put to a phishing page's use: the message shows that
// brand as its sender (named, BRAND_DISPLAY_NAME), links to few other
// domains (fewDestinations), or its words hold a lure that asks something
// of the reader (Options.Asks: a sign-in call,
// an account notice, a payment, a prize — not a newsletter's "click
// here"). Kintis et al. ("Hiding in Plain Sight", ACM CCS 2017) find
// combosquatting domains put to affiliate marketing, trademark use and
// add-on products as well as to phishing, and an everyday word makes
// such names common: "Outlook Secure", an encryption add-on for Outlook,
// linked from a software newsletter's list of fifty vendors, asks the
// reader for nothing. A fake "outlook-secure" sign-in page is behind
// "your mailbox is full, sign in", or in a mail calling itself Outlook.
// asked keeps Options.Asks' answer for the message's other links. The
// add-on is a product the newsletter names ("Outlook Secure" beside its
// link), or one vendor among a digest's many (an advertised add-on among
// the forty sites a daily newsletter links to); a host the text does not
// name as one (namesProduct) in a message of fewer than manyDestinations
// domains counts — a kit padding "Un nouveau message vous attend" and its
// one "Ouvrir" to outlook-secure-docs.com with a footer of four small
// sites reached more than three domains and lost the signal (engine
// TestDaySparesDoNotServeAnAttacker). The digest's domains are those its
// links cite (scan.CitedSources): eleven home pages, social-network icons
// or one "En savoir plus" under every link pad a lure to ten domains
// without citing any (engine TestPaddingBuysNoSpare).
func (c *Check) asksFor(in *scan.Input, host, label string, named []int, asked *once) bool {
	if i, ok := c.labels[label]; ok && slices.Contains(named, i) || fewDestinations(in) || scan.CitedSources(in, nil) < manyDestinations && !namesProduct(in, host, label) {
		return true
	}
	if c.asks == nil {
		return true
	}
	if !asked.asked {
		asked.v, asked.asked = c.asks(in), true
	}
	return asked.v
}

// once keeps an answer asked once per message.
type once struct{ asked, v bool }

// maxFewDestinations is how many registrable domains a message's links
// may reach and still be a message about one of them.
const maxFewDestinations = 3

// manyDestinations is how many registrable domains a message's links
// cite (scan.CitedSources) when it is a digest of many sites, as the
// links family's digest of sources counts them (links.digestSources).
const manyDestinations = 10

// destinationsAtLeast reports a message whose links reach n registrable
// domains or more.
func destinationsAtLeast(in *scan.Input, n int) bool {
	seen := map[string]bool{}
	for _, l := range in.Links {
		if l.Domain != "" && !seen[l.Domain] {
			if seen[l.Domain] = true; len(seen) >= n {
				return true
			}
		}
	}
	return false
}

// fewDestinations reports a message whose links reach at most
// maxFewDestinations registrable domains: the combosquatting host is what
// it is about, not one vendor of a newsletter's fifty. "Un nouveau message
// vous attend" above one "Ouvrir" to outlook-secure-docs.com asks in no
// catalogue phrase and names no brand, and is the fake sign-in page's
// shape all the same.
func fewDestinations(in *scan.Input) bool {
	return !destinationsAtLeast(in, maxFewDestinations+1)
}

// comboWords are the account and security words that phishing domains put
// beside a brand (paypal-secure-login, outlook-verify): the combosquatting
// pattern measured by Kintis et al., "Hiding in Plain Sight: A
// Longitudinal Study of Combosquatting Abuse" (ACM CCS 2017), and shown in
// the APWG's phishing activity trends reports. A brand that is also an
// everyday word counts in a link's host only beside one of them.
var comboWords = []string{
	"login", "logon", "signin", "secure", "security", "verify", "verif", "account", "compte",
	"update", "support", "auth", "wallet", "webmail", "recovery", "unlock", "billing",
	"payment", "paiement", "facture", "invoice", "confirm", "validation", "service", "help", "id", "mail", "online",
}

// comboWord reports a host that carries one of comboWords as a word of its
// own, or glued to the brand's label (outlooksecure, secure-outlook,
// ledger-mailuser).
func comboWord(host, label string) bool {
	return comboParts(host, label, func(string) bool { return true })
}

// comboParts calls found with each word of host beside label that is an
// account or security word (comboWords), until found returns true, and
// reports whether it did.
func comboParts(host, label string, found func(part string) bool) bool {
	for part := range strings.FieldsFuncSeq(strings.ReplaceAll(host, label, "."), func(r rune) bool { return r == '.' || r == '-' || r >= '0' && r <= '9' }) {
		for _, w := range comboWords {
			if (part == w || len(w) >= 4 && strings.HasPrefix(part, w)) && found(part) {
				return true
			}
		}
	}
	return false
}

// tradeWords are the comboWords that name a firm's trade as often as an
// account: our own name beside them is another firm's or a sibling's
// (ownCombo).
var tradeWords = []string{"service", "online"}

// ownCombo reports our own name (name: chu-exemple, the first label of
// one of our domains) written in host as the combosquat of the
// organisation's own domain (Kintis et al., "Hiding in Plain Sight", ACM
// CCS 2017: the brand's name and an added word, in one label or spread
// over the subdomains of a name the attacker registers), in one of these
// shapes, with the name hyphenated as ours or glued (chuexemple):
//
//   - as a whole word of a label beside an account, payment or security
//     word in the same label (chu-exemple-paiement.fr,
//     paiement-chu-exemple.fr, chu-exemplepaiement.com,
//     chuexemple-paiement.fr, chu-exemple-support.com);
//   - as a word of the registrable label, the word in its subdomains
//     (paiement.chu-exemple.net, paiement.chu-exemple-sante.fr);
//   - as a word of a subdomain of another registrable domain whose own
//     label holds such a word as a word of its own
//     (chu-exemple.paiement-securise.fr,
//     chu-exemple.fr.reglement-facture.com). A platform's customers get
//     their name there too (chuexemple.zendesk.com, chu-exemple.softy.pro):
//     the platform's label then names its product, not an account word
//     (a top site is never judged: ownComboHost).
//
// Ours is often a town's name or an everyday word, the recipient's where
// no organisation is configured (paris.fr, nantes.fr, sante.gouv.fr,
// atlantic.fr), and so is the name of many firms: beside a trade word
// (tradeWords: paris-services-nettoyage.fr, atlantic-services.fr,
// nantes-online.fr, a subsidiary's chu-exemple-services.fr) or opening
// another word (atlas of atlassian-support, total of totalement-paiement)
// it is theirs, judged as before (FROM_BRAND_IN_DOMAIN behind an
// organisation, nothing without one). A registrable label where another
// word stands beside ours (fondation-chu-exemple, mutuelle-exemple for a
// town's exemple.fr) with a payment subdomain
// (paiement.fondation-chu-exemple.fr) is the combosquat whatever the
// display name says: a phisher registers fondation-chu-exemple.fr and
// signs "Fondation CHU Exemple" as easily as the foundation. The
// administrator vouches for a real one in org.affiliates (affiliated).
func ownCombo(host, name string) bool {
	host = strings.ToLower(host)
	reg := urlx.Registrable(host)
	if reg == "" || name == "" {
		return false
	}
	regLabel := firstLabel(reg)
	sub := strings.TrimSuffix(strings.TrimSuffix(host, reg), ".")
	var subLabels []string
	if sub != "" {
		subLabels = strings.Split(sub, ".")
	}
	forms := []string{name}
	if glued := strings.ReplaceAll(name, "-", ""); glued != name && len(glued) >= 5 {
		forms = append(forms, glued)
	}
	for _, form := range forms {
		if ownWord(regLabel, form) {
			if payWordBeside(regLabel, form) {
				return true
			}
			if sub != "" && payWordBeside(sub, form) {
				return true
			}
		}
		for _, l := range subLabels {
			if ownWord(l, form) && (payWordBeside(l, form) || payToken(regLabel)) {
				return true
			}
		}
	}
	return false
}

// namesSibling reports a registrable domain (reg) whose label holds one
// of our names (own's first labels, hyphenated or glued) beside other
// words that the display name writes (namesItself).
func namesSibling(reg, display string, own []string) bool {
	regLabel := firstLabel(reg)
	for _, d := range own {
		name := firstLabel(d)
		if len(name) < 5 {
			continue
		}
		for _, form := range []string{name, strings.ReplaceAll(name, "-", "")} {
			if regLabel != form && ownWord(regLabel, form) && namesItself(display, strings.ReplaceAll(regLabel, form, "-")) {
				return true
			}
		}
	}
	return false
}

// namesItself reports a display name that writes each of rest's words
// (the registrable label's words beside our name), each as a word of its
// own or the start of one: "Fondation CHU Exemple" for
// fondation-chu-exemple.fr, "Régie des eaux d'Exemple" for eau-exemple.fr.
// A label that is our name alone names nothing else.
func namesItself(display, rest string) bool {
	words := strings.Fields(textmatch.Normalize(display))
	named := false
	for tok := range strings.FieldsFuncSeq(rest, func(r rune) bool { return r == '-' || r >= '0' && r <= '9' }) {
		if !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, tok) }) {
			return false
		}
		named = true
	}
	return named
}

// hyphenatedBrand returns the brand whose label (kept glued in the
// catalogue: creditagricole) host writes as consecutive hyphenated words
// of one of its labels, and that label, or -1: in the registrable label
// beside a payment or account word of its own (credit-agricole-secure), or
// in a subdomain, the word there or in the registrable label
// (la-banque-postale.compte-securise.com) — the combosquat of Kintis et
// al. (ACM CCS 2017) for a name of several words. Without such a word a
// hyphenated name is often the brand's subsidiary's or partner's, and is
// left to the display name and the text.
func (c *Check) hyphenatedBrand(host, reg string) (int, string) {
	if !strings.Contains(host, "-") {
		return -1, ""
	}
	regLabel := firstLabel(reg)
	regPays := payToken(regLabel)
	var labels []string
	if sub := strings.TrimSuffix(strings.TrimSuffix(host, reg), "."); sub != "" {
		labels = strings.Split(sub, ".")
	}
	labels = append(labels, regLabel)
	for _, lab := range labels {
		// Most hosts hold no account or payment word: nothing to join.
		if !strings.Contains(lab, "-") || !payToken(lab) && (lab == regLabel || !regPays) {
			continue
		}
		toks := strings.Split(lab, "-")
		for i := 0; i < len(toks); i++ {
			for j := i + 2; j <= len(toks); j++ {
				joined := strings.Join(toks[i:j], "")
				b, ok := c.labels[joined]
				if !ok || b < 0 || len(joined) < 5 {
					continue
				}
				rest := strings.Join(append(slices.Clone(toks[:i]), toks[j:]...), "-")
				if payToken(rest) || lab != regLabel && regPays {
					return b, joined
				}
			}
		}
	}
	return -1, ""
}

// payWordBeside reports an account, payment or security word
// (comboWords) that is no trade word (tradeWords) written in s beside
// our name (form) or as a word of its own.
func payWordBeside(s, form string) bool {
	return comboParts(s, form, func(part string) bool {
		return !slices.ContainsFunc(tradeWords, func(w string) bool { return strings.HasPrefix(part, w) })
	})
}

// payToken reports a label holding an account, payment or security word
// (comboWords, not a trade word) as a whole word of its own, between
// hyphens, digits or its ends (paiement-securise, reglement-facture): a
// platform's name that opens with one (supportbee, helpscout) is its
// product's.
func payToken(label string) bool {
	for tok := range strings.FieldsFuncSeq(label, func(r rune) bool { return r == '-' || r >= '0' && r <= '9' }) {
		if slices.Contains(comboWords, tok) && !slices.Contains(tradeWords, tok) {
			return true
		}
	}
	return false
}

// ownComboHost reports host as a combosquat of one of our names
// (ownCombo), or as a user's site on a free host named by one of them
// alone (freeHostedAs): the organisation's domains and own (the
// recipient's, where none is configured). A host in one of them, an affiliate's, a top site,
// a brand's tenant domain or a brand's official domain is never one; a
// user's site on a free host is judged though the host be a top site
// (links.FreeHostedSite: chu-exemple-paiement.weebly.com, where anyone
// publishes a page under our name, unlike a help desk's or a survey
// platform's customer subdomain).
func (c *Check) ownComboHost(host string, own []string) bool {
	host = strings.ToLower(host)
	reg := urlx.Registrable(host)
	if host == "" || reg == "" || urlx.IsIP(host) || c.ours(host) || c.affiliated(host) || c.lists.TopSite(reg) && !links.FreeHostedSite(host) || c.tenants[host] || c.officialWithin(host) {
		return false
	}
	if inAny(host, own) {
		return false
	}
	for _, ds := range [2][]string{c.orgDomains, own} {
		for _, d := range ds {
			if l := firstLabel(d); len(l) >= 5 && (ownCombo(host, l) || freeHostedAs(host, l)) {
				return true
			}
		}
	}
	return false
}

// freeHostedAs reports a user's site on a free hosting platform named
// by our name alone, hyphenated or glued, a number before or after it or not
// (chu-exemple.webflow.io, chuexemple.weebly.com, chu-exemple2026.web.app),
// in any label the user names below the platform (a branch of a project,
// main.chu-exemple.pages.dev; an App Engine app's region,
// chu-exemple.uc.r.appspot.com): a page anyone publishes in a minute,
// presenting itself as ours, as chu-exemple-paiement.weebly.com does
// with a payment word. Free hosts refuse a name already taken, so the
// next phisher adds a number: digits name no other organisation. It is
// read only where ownComboHost is (a message that presents itself as
// ours from elsewhere, or the sender's address); the name beside another
// word (fondation-chu-exemple.webflow.io) is a sibling's page or a
// combosquat (ownCombo), not ours. A page of ours there is declared like
// a sibling's, in org.affiliates (ownComboHost).
func freeHostedAs(host, name string) bool {
	glued := strings.ReplaceAll(name, "-", "")
	for l := range strings.SplitSeq(links.FreeHostedUser(host), ".") {
		l = strings.ReplaceAll(l, "-", "")
		rest, ok := strings.CutPrefix(l, glued)
		if !ok {
			rest, ok = strings.CutSuffix(l, glued)
		}
		if ok && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return false
}

// sharedAffiliate refuses an affiliate (Options.Affiliates) that names
// no one organisation's site but a name many publish under: a public
// suffix (fr, webflow.io), a publishing platform's domain or one above it
// (weebly.com, which the Public Suffix List does not hold; google.com,
// above sites.google.com: links.SharedPlatform) or where a brand's
// customers get their own names (sharepoint.com, onmicrosoft.com:
// Brand.Published, Brand.Tenants). Every host below an affiliate is
// spared our look-alike readings (affiliated), so an administrator
// declaring our event page by its platform's name would spare every
// phisher's page of ours there (paiement-chu-exemple.webflow.io, 8.55
// quarantined -> 3.55 accepted); the page's own host is what to list
// (chu-exemple.webflow.io).
func (c *Check) sharedAffiliate(d string) error {
	what := ""
	if urlx.IsPublicSuffix(d) {
		what = "is a public suffix"
	} else if p := links.SharedPlatform(d); p != "" {
		what = "covers the publishing platform " + p
	}
	for i := range c.brands {
		for _, p := range slices.Concat(c.brands[i].Tenants, c.brands[i].Published) {
			if what == "" && urlx.InDomain(p, d) {
				what = "covers " + p + ", where " + c.brands[i].Name + "'s customers publish"
			}
		}
	}
	if what == "" {
		return nil
	}
	return fmt.Errorf("org.affiliates: %s %s, under which anyone can put up a page in our name: list the one site that carries it (chu-exemple.webflow.io, not webflow.io)", d, what)
}

// affiliated reports host in one of the affiliates' domains
// (Options.Affiliates).
func (c *Check) affiliated(host string) bool {
	return inAny(host, c.affiliates)
}

// inAny reports host in one of domains or below one.
func inAny(host string, domains []string) bool {
	for _, d := range domains {
		if urlx.InDomain(host, d) {
			return true
		}
	}
	return false
}

// officialWithin reports host as a brand's official domain or below one.
func (c *Check) officialWithin(host string) bool {
	for h := range urlx.Parents(host) {
		if c.official[h] {
			return true
		}
	}
	return false
}

// claimsUs returns our domains (the organisation's, or where none is
// configured the recipient's that are no free mailbox's) when the
// message presents itself as ours from elsewhere: its display name
// writes our name (a domain's first label, words apart: "CHU Exemple –
// Facturation" for chu-exemple.fr) and its From is on none of them. A
// colleague's own mail is judged by what it is (ORG_DOMAIN_SPOOF for a
// forgery behind the organisation's MX): a security notice of ours
// naming the fake payment site is no claim.
func (c *Check) claimsUs(in *scan.Input, display string) []string {
	own := c.orgDomains
	if len(own) == 0 {
		for _, d := range in.RecipientOrgs() {
			if c.freemail == nil || !c.freemail(d) {
				own = append(own, d)
			}
		}
		own = own[:min(len(own), 4)]
	}
	name := " " + textmatch.Normalize(display) + " "
	if len(own) == 0 || strings.TrimSpace(name) == "" || slices.ContainsFunc(own, func(d string) bool { return urlx.InDomain(in.FromDomain, d) }) {
		return nil
	}
	for _, d := range own {
		l := firstLabel(d)
		if len(l) >= 5 && (strings.Contains(name, " "+strings.ReplaceAll(l, "-", " ")+" ") || strings.Contains(name, " "+strings.ReplaceAll(l, "-", "")+" ")) {
			return own
		}
	}
	return nil
}

// ownWord reports label written in host as a whole word: after the
// host's start, a dot, a hyphen or a digit, and before its end, a dot, a
// hyphen, a digit or an account or payment word glued to it
// (chu-exemplepaiement), not a trade word (tradeWords).
func ownWord(host, label string) bool {
	if label == "" {
		return false
	}
	boundary := func(b byte) bool { return b == '.' || b == '-' || b >= '0' && b <= '9' }
	for from := 0; ; {
		i := strings.Index(host[from:], label)
		if i < 0 {
			return false
		}
		i += from
		rest := host[i+len(label):]
		if (i == 0 || boundary(host[i-1])) && (rest == "" || boundary(rest[0]) || slices.ContainsFunc(comboWords, func(w string) bool {
			return len(w) >= 4 && strings.HasPrefix(rest, w) && !slices.Contains(tradeWords, w)
		})) {
			return true
		}
		from = i + 1
	}
}

// claimWord reports an account, security, team or channel word
// (comboWords, roleWords): beside a brand in a display name it makes the
// name a claim, whatever else the name says ("Orange Service client",
// "Ing. Support", "Partenaire Google - Sécurité").
func claimWord(w string) bool { return slices.Contains(comboWords, w) || roleWords[w] }

// namesProduct reports a message whose text names host's brand label and
// its account word together, in either order, as a product's name
// ("Outlook Secure" for outlooksecure.com, "Secure Outlook" for
// secure-outlook.net).
func namesProduct(in *scan.Input, host, label string) bool {
	text := " " + textmatch.Normalize(in.Body()) + " "
	return comboParts(host, label, func(part string) bool {
		return strings.Contains(text, " "+label+" "+part+" ") || strings.Contains(text, " "+part+" "+label+" ")
	})
}

// brandWord reports a brand's label written as a word of a domain label:
// opening it (paypalsecure, ledgerlive), or after a hyphen or a digit
// (secure-paypal, my1paypal). Glued to letters on its left, it is more
// often the end of another word (shaGMAIL, pineAPPLE) than a brand; glued
// to a word ending on its right, one or two letters and nothing after
// them (LEDGERly, a bookkeeping start-up's name), it opens another word:
// the combosquat glues a word of its own to the brand (ledgerLIVE,
// paypalSECURE, appleID: Kintis et al., CCS 2017).
func brandWord(label, brand string) bool { return brandWordIn(label, brand, false) }

// brandWordIn is brandWord; with endings, a word ending closing a
// hyphenated word (endsWordBeforeHyphen: amelie-, ledgerly-) keeps the
// brand only beside an account or payment word of the label
// (comboWord: paypalo-secure).
func brandWordIn(label, brand string, endings bool) bool {
	for from := 0; ; {
		i := strings.Index(label[from:], brand)
		if i < 0 {
			return false
		}
		i += from
		if rest := label[i+len(brand):]; (i == 0 || label[i-1] == '-' || label[i-1] >= '0' && label[i-1] <= '9') && !wordEnding(rest) &&
			!(endings && endsWordBeforeHyphen(rest) && !comboWord(label, brand)) {
			return true
		}
		from = i + 1
	}
}

// wordEnding reports what follows a brand in a domain label as one or two
// letters ending the whole label ("ly" of ledgerly), not an account word
// (comboWords: "id") nor the plural "s". Before a hyphen they are the
// brand's own word with the combosquat's after it (paypals-secure,
// amazons-account: TestBrandWord), a plural is the brand's name
// (paypals), and two letters without a vowel are a country glued to it
// (paypalfr, amelifr), not a word's ending.
func wordEnding(rest string) bool {
	if len(rest) == 0 || len(rest) > 2 || rest == "s" || strings.Trim(rest, "abcdefghijklmnopqrstuvwxyz") != "" || !strings.ContainsAny(rest, "aeiouy") {
		return false
	}
	return !slices.Contains(comboWords, rest)
}

// endsWordBeforeHyphen reports what follows a brand in a domain label as
// a word ending (wordEnding: one or two letters with a vowel, not the
// plural) closing a hyphenated word (amelie-sophrologie, ledgerly-events).
func endsWordBeforeHyphen(rest string) bool {
	j := strings.IndexByte(rest, '-')
	return j > 0 && wordEnding(rest[:j])
}

// unspokenWordEnding reports a BRAND_IN_DOMAIN on host that brandWord
// read only in a word ending closing a hyphenated word, with no account
// or payment word beside it (brandWordIn's endings), for a brand the
// message does not speak as or of (spoken: its display name, its text).
// The word is then another's: Amélie is a first name, and
// amelie-sophrologie.fr, a practice writing of its sessions, was
// quarantined as Ameli's under the fits made without one legitimate
// source (6.00). A phisher on that domain names the brand he imitates
// ("votre compte ameli") and keeps the signal; a plural or consonants
// (paypals-secure, ameliz-remboursement, amelifr) are the brand's
// whatever the message says. Nor is the word another's in a message
// that asks something of its reader (asksOf): the phisher who adds a
// vowel need not name the brand his domain spells, and the lure's
// words speak its trade instead ("frais de réexpédition" from
// amazone-livraison.fr, "mettez à jour votre moyen de paiement" from
// netflixe-abonnement.com, both accepted with the spare alone).
func (c *Check) unspokenWordEnding(in *scan.Input, host, label string, spoken []int) bool {
	b, ok := c.labels[label]
	if !ok || b < 0 || slices.Contains(spoken, b) {
		return false
	}
	first := firstLabel(urlx.Registrable(strings.ToLower(host)))
	return brandWord(first, label) && !brandWordIn(first, label, true) && !c.asksOf(in)
}

// hasToken reports s as one of label's hyphen-separated words.
func hasToken(label, s string) bool {
	for tok := range strings.SplitSeq(label, "-") {
		if tok == s {
			return true
		}
	}
	return false
}

func firstLabel(reg string) string {
	if i := strings.IndexByte(reg, '.'); i > 0 {
		return reg[:i]
	}
	return reg
}

// misspeltWordOf returns the brand among brands (indices; -1 is none)
// whose label one word of host's hyphenated registrable label misspells
// (sanoffi-france.com for Sanofi, paypql-secure.com for PayPal), -1 if
// none does. lookalike reads a typo of the whole label and a brand
// written whole beside other words, not the two together; a word one
// letter from a brand's label is often an everyday one (server and
// Servier, email and Gmail), so the word counts only against a brand the
// message itself names, in its display name or its text: the look-alike
// of the brand it claims to be (Cybermalveillance.gouv.fr, hameçonnage
// fiche: a sender's address imitating a known organisation's). The
// misspelling is inside the word, its first and last letters the
// brand's (sanoffi, docsign): the everyday words of the ham corpora's
// and fixtures' hyphenated domains one edit from a label mostly differ
// at an end (cloud and iCloud, mobile and T-Mobile, discount and
// Cdiscount, finance and Binance, appli and Apple, grange and Orange),
// and a newsletter naming the brand in an app-store badge links to them.
func (c *Check) misspeltWordOf(host string, brands []int) int {
	reg := urlx.Registrable(host)
	label := firstLabel(reg)
	if !strings.Contains(label, "-") || c.ours(host) || c.lists.TopSite(reg) || c.tenants[host] || c.officialWithin(host) {
		return -1
	}
	for _, i := range brands {
		if i < 0 || c.brands[i].Official(host) {
			continue
		}
		for _, t := range c.targets {
			if t.brand != i || t.stem || len(t.label) < 5 {
				continue
			}
			for w := range strings.SplitSeq(label, "-") {
				// A word holding the label whole is no misspelling of
				// it: amelie is a first name, not a typo of ameli;
				// the brand written inside a longer word is the
				// brand-in-domain signal's (paypall, oranges).
				if len(w) >= 5 && !strings.Contains(w, t.label) && w[0] == t.label[0] && w[len(w)-1] == t.label[len(t.label)-1] && close(w, t.label) {
					return i
				}
			}
		}
	}
	return -1
}

// closeDistance is the edit distance at which a label is close to a
// brand's: 1, and 2 for long names.
func closeDistance(brand string) int {
	if len(brand) >= 9 {
		return 2
	}
	return 1
}

// close reports an edit distance of 1 (2 for long names) between a and b:
// a typo-squatted label (micros0ft, amazom).
func close(a, b string) bool {
	la, lb := len(a), len(b)
	maxD := uint8(closeDistance(b))
	if la-lb > int(maxD) || lb-la > int(maxD) {
		return false
	}
	// Bounded Levenshtein over bytes; labels are short ASCII. Bytes, not
	// ints: the rows are cleared on every call, for every target.
	if lb >= 63 {
		return false
	}
	var rowA, rowB [64]uint8
	prev, cur := rowA[:lb+1], rowB[:lb+1]
	for j := range prev {
		prev[j] = uint8(j)
	}
	for i := 1; i <= la; i++ {
		cur[0] = uint8(i)
		best := cur[0]
		for j := 1; j <= lb; j++ {
			cost := uint8(1)
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > maxD {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[lb] <= maxD
}

// mixedScript reports a word mixing Latin letters with Cyrillic or Greek
// ones, the trick of "Sаmsung" with a Cyrillic "а".
func mixedScript(s string) bool {
	for _, w := range strings.Fields(s) {
		latin, other := false, false
		for _, r := range w {
			switch {
			case r < 0x250 && unicode.IsLetter(r):
				latin = true
			case unicode.In(r, unicode.Cyrillic, unicode.Greek):
				other = true
			}
		}
		if latin && other {
			return true
		}
	}
	return false
}

// carriedSubject reports a subject that is the one of a message the
// message carries, a forward prefix aside: a message attached whole
// ("TR: Microsoft account unusual sign-in activity" over the notice
// forwarded as attachment), or the original a forward writes out in its
// body under its header block (scan.Input.CarriedSubject). The brand it
// names is the carried message's claim, judged in its own scan with its
// own sender (ATTACHED_MESSAGE_PHISH, FORWARDED_PHISH:
// internal/checks/forward), not the forwarder's.
func carriedSubject(in *scan.Input) bool {
	if in.CarriedSubject() {
		return true
	}
	for _, e := range in.Msg.Enclosed {
		if fwdblock.SubjectCarries(in.Msg.Subject, e.Subject) {
			return true
		}
	}
	return false
}

// capitalIAsL reads a capital I written after a lower-case letter of the
// same word as the small L it stands for: "PayPaI" is PayPal to the eye,
// and case folding would make it "paypai". The I-for-l swap is the oldest
// of the look-alike letters in senders' names (Unicode's confusables,
// UTS #39: U+0049 and U+006C; APWG's and PayPal's own warnings on fake
// "PayPaI" senders). The display name is read both ways: "LinkedIn"
// really has one.
func capitalIAsL(name string) string {
	if !strings.Contains(name, "I") {
		return name
	}
	b := []byte(name)
	changed := false
	for i := 1; i < len(b); i++ {
		if b[i] == 'I' && b[i-1] >= 'a' && b[i-1] <= 'z' {
			b[i] = 'l'
			changed = true
		}
	}
	if !changed {
		return name
	}
	return string(b)
}

// listAuthorsOwn reports a message a mailing list resent under its own
// From ("Microsoft Azure Team via Reseau-achats <list@…>") whose author,
// as the list tells it reliably (scan.Input.ListAuthor: the list's own
// signature or a trusted sealer, List-Id or List-Post, the author in
// X-Original-From, Reply-To or Cc under the name before "via"), writes
// from brand i's own domain and was authenticated there: the name is the
// brand's own, put over the list's address by the list. An author whose
// domain did not answer for it is no brand (a forged From posted to an
// open list is rewritten all the same), nor is one on any other domain,
// nor a person at the brand's free mailbox service: "Microsoft 365
// Security" at outlook.com or "Google" at gmail.com is anyone with an
// account there (TestListAuthorIsJudgedAsTheSender).
func (c *Check) listAuthorsOwn(in *scan.Input, i int) bool {
	if in.FromOrg != in.List {
		return false
	}
	a, authenticated, ok := in.ListAuthor()
	return ok && authenticated && c.brands[i].Official(a.Domain()) && !(c.freemail != nil && c.freemail(a.Domain()))
}

// listMembersTopic reports a subject naming brand i on a message a
// mailing list resent from one of its members (scan.Input.ListAuthor)
// who writes from a free mailbox or from the brand's own domain, and
// whose domain answered for it: a member's question about a PayPal
// sandbox token or an Office 365 login is the topic of a thread, not a
// company's notice put forward under a brand (BRAND_SUBJECT_OTHER_SENDER's
// "Your Norton Order Confirmation" from another company's domain).
//
// The author must be authenticated, not only named: a list's own
// signature says the list sent the message, not who wrote it, and
// X-Original-From or Reply-To at gmail.com is anyone's to write under
// List-Id on a signed domain of his own; what a list says of its author
// is believed from a sealer the site trusts (auth.Results.ARCAuthor) or
// the author's own signature. And a member's question links to the
// brand's own pages or the list's, or to none (linksElsewhere): a link
// anywhere else — a look-alike, a free host, a shortener, a redirect —
// keeps the subject's signal, as on a phisher's post to an open group
// (TestListBrandTopicTwinsKeepTheSubject).
func (c *Check) listMembersTopic(in *scan.Input, i int) bool {
	a, authenticated, ok := in.ListAuthor()
	if !ok || !authenticated || c.linksElsewhere(in, i) {
		return false
	}
	return c.brands[i].Official(a.Domain()) || c.freemail != nil && c.freemail(a.Domain())
}

// linksElsewhere reports a link to click whose host is neither brand i's
// own nor the list's (scan.Input.ListPage: its archive, its footer's
// pages) on the platform whose seal the site trusts (Google's
// groups.google.com under google.com's seal). A list's pages count only
// there: a list's domain and List-* fields are anyone's to write, and a
// "list" that resends a real gmail.com member's post unchanged
// (ListResends) may link to its own domain's credential page
// (TestListBrandTopicTwinsKeepTheSubject).
func (c *Check) linksElsewhere(in *scan.Input, i int) bool {
	platform := urlx.Registrable(in.Auth.ARCAuthorSealer)
	for _, l := range in.Links {
		if !clickable(l) || c.brands[i].Official(l.Host) {
			continue
		}
		if platform == "" || urlx.Registrable(l.Host) != platform || !in.ListPage(l.Host) {
			return true
		}
	}
	return false
}
