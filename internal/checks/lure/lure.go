// Package lure reads what the message says: the themes of credential theft
// and fraud (unpaid invoice, account suspension, password expiry,
// bank-detail change, shared document, prize, crypto, advance fee,
// sextortion…) in several languages from a catalogue of phrases with their
// sources (lures.yaml), a number to call in a callback scam, a fortune
// offered from a free mailbox, and the footer of bulk mail sent without
// List-Unsubscribe. Lure words inside a disclaimer (a confidentiality
// notice, an anti-phishing reminder, an RGPD notice) do not count
// (disclaimer.go). How the message is laid out is package layout's.
package lure

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/pasterun"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

//go:embed signals.yaml
var signals []byte

//go:embed lures.yaml
var defaultLures []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("lure", signals)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c *Check) Checks() []scan.Check { return []scan.Check{c} }

// Check is the lure check family.
type Check struct {
	themes  []string // index -> signal name
	entries []Entry  // phrase number -> catalogue entry
	dict    *textmatch.Dict[phrase]
	// bodyDict is dict with the congratulations (congratulations) as
	// congratulation phrases: the body's reading (collectBody) tells in
	// the same pass whether the prize greeting is to be looked for
	// (greetsPrizeRead).
	bodyDict *textmatch.Dict[phrase]
	// within lists, per phrase number, the longer phrases of its theme
	// that contain it ("mot de passe expire" in "votre mot de passe
	// expire"): one sentence is one phrase, not two.
	within [][]int
	// Theme indexes judged apart, -1 when the catalogue has none.
	footer, billing, callback, receipt, bec, click, credentials, urgency, prize, passwordRequest, greeting, share, bankDetails, bankUpdate, shareElsewhere int
	// calls are the click theme's phrases as words (callsToSignIn).
	calls [][]string
	// notice marks the account-notice themes (accountNotices), the
	// marketplace's payment notice (saleNotice) and the opener of CEO
	// fraud (bec_opener): counted only from a sender that is posing.
	notice []bool
	// spared are, per theme, the kinds of disclaimer whose wording uses
	// its words (disclaimerSpares): its phrases inside one do not count.
	spared []disclaimerKind
	// negatable marks the themes whose phrases are noun phrases that a
	// determiner before them negates (negatableThemes).
	negatable []bool
	// vocabulary is the catalogue's words of minVocabularyWord letters
	// or more (Word).
	vocabulary map[string]bool
	// mailbox marks, per phrase number, the account-notice phrases about
	// the reader's own mailbox (the catalogue's "mailbox" source):
	// counted from any sender but the organisation or a mail provider
	// (mailboxNotice).
	mailbox []bool
	// quarantine marks the mailbox phrases of the quarantine notice
	// (source "quarantine"), which a mail-security vendor sends too
	// (quarantine.go).
	quarantine []bool
	// org are the organisation's own domains (SetOrgDomains).
	org []string
	// Freemail, when set, reports a free mailbox provider's domain (the
	// sender family's Check.IsFreemail): the author a mailing list
	// rewrote its From for is read in the Reply-To the list keeps
	// (listAuthorFree). nil: no domain is taken for one.
	Freemail func(domain string) bool
	// SameOwner, when set, reports two registrable domains one catalogued
	// brand names both as its own (the brand family's Check.SameOwner):
	// Microsoft's account notice from microsoft.com offers its opt-out at
	// account.live.com (optOutAt). nil: only the sender's own domain and
	// its same-name sisters are its home.
	SameOwner func(a, b string) bool
	// Published, when set, reports a host where a catalogued brand's
	// customers publish their own pages and files (the brand family's
	// Check.Published: docs.google.com, forms.office.com, SharePoint):
	// a PDF's link there leads to anyone's page (pdfhandover.go).
	Published func(host string) bool
	// AnyonesHost, when set, reports a link's host (and its target's
	// path, read as the link family reads it) anyone may
	// put a page on or that hides where it leads (the link family's
	// Check.AnyonesHost: a shortener, a free host, an IP literal): a PDF's
	// button there leads to anyone's page (pdfhandover.go). nil: the link
	// family's signals of the whole message stand for it.
	AnyonesHost func(host, target string) bool
	// Limits bound the re-reading of a message's enclosed messages
	// (carriersFooter): the scanner's configured ones (the configuration's
	// limits section, engine), so that an operator's tighter bounds hold
	// there too. Zero: message.DefaultLimits.
	Limits message.Limits
}

// mailboxSource is the catalogue source of the phrases about the reader's
// own mailbox or e-mail account (lures.yaml).
const mailboxSource = "mailbox"

// fromOrg reports a From domain of the organisation's own (SetOrgDomains).
func (c *Check) fromOrg(in *scan.Input) bool {
	return slices.ContainsFunc(c.org, func(d string) bool { return urlx.InDomain(in.FromDomain, d) })
}

// SetOrgDomains gives the check the organisation's own domains
// (configuration org.domains): the only senders, with the mail providers,
// whose notice about the reader's mailbox is genuine. Call it before
// scanning starts.
func (c *Check) SetOrgDomains(domains []string) { c.org = slices.Clone(domains) }

// accountNotices are the themes of the account notice that phishing copies
// word for word: suspicious activity and suspension, identity to verify,
// password expiry and a full mailbox. The genuine notice (Microsoft's
// "unusual sign-in activity" from accountprotection.microsoft.com, a
// bank's from its own domain, the IT department's password expiry) says
// the same words; what tells them apart is who sends it, as for
// LURE_CALLBACK. Calls to action (credentials) are not among them: the
// training part's phishing uses them from authenticated senders of its
// own as often as not, and no genuine notice is told apart by them.
var accountNotices = map[string]bool{"account_suspension": true, "verify_identity": true, "password_expiry": true}

// saleNotice is the theme of the marketplace's payment notice ("recevoir
// votre paiement"), which leboncoin and Vinted write in their own warnings
// and the fake-payment fraud copies: like the account notices, it counts
// only from a sender posing as someone.
const saleNotice = "sale_payment"

// Entry is one phrase of the catalogue with its theme's signal and its source.
type Entry struct {
	Signal string
	Theme  string
	Source string
	Text   string
}

// phrase is a catalogue entry: its theme and its number.
type phrase struct{ theme, id int }

// congratulation is bodyDict's phrase for a congratulation: no theme's,
// it is not a phrase found. pasteMark is its phrase for a paste
// ("Ctrl+V", "collez", pasterun.Pastes), commandMark for a word of a
// Windows download-and-run line ("iex", "mshta", pasterun.CommandWords):
// only a body that says one is read for the steps of a "paste and run"
// lure (pasterun.Instruction, pasterun.TypedCommand).
var (
	congratulation = phrase{theme: -1, id: -1}
	pasteMark      = phrase{theme: -1, id: -2}
	commandMark    = phrase{theme: -1, id: -3}
)

// bodyMarks are what the body's reading met besides the catalogue's
// phrases (collectBody): a congratulation, a paste, a command's word.
type bodyMarks struct{ greets, pastes, commands bool }

// catalogue is the lure file: sources described once, then per theme the
// phrases grouped by source.
type catalogue struct {
	sources map[string]string
	themes  map[string]map[string][]string
}

func parseCatalogue(data []byte) (catalogue, error) {
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return catalogue{}, fmt.Errorf("lure catalogue: %w", err)
	}
	c := catalogue{sources: map[string]string{}, themes: map[string]map[string][]string{}}
	for name, node := range raw {
		if name == "sources" {
			if err := node.Decode(&c.sources); err != nil {
				return c, fmt.Errorf("lure catalogue: sources: %w", err)
			}
			continue
		}
		var grouped map[string][]string
		if err := node.Decode(&grouped); err != nil {
			// A plain list (a site's own file): phrases of its own.
			var plain []string
			if err2 := node.Decode(&plain); err2 != nil {
				return c, fmt.Errorf("lure catalogue: theme %s: %w", name, err)
			}
			grouped = map[string][]string{"local": plain}
			c.sources["local"] = "the site's own catalogue"
		}
		c.themes[name] = grouped
	}
	for theme, groups := range c.themes {
		for src := range groups {
			if c.sources[src] == "" {
				return c, fmt.Errorf("lure catalogue: theme %s: source %q is not described under sources", theme, src)
			}
		}
	}
	return c, nil
}

// New builds the check from a lure catalogue (nil for the embedded one).
func New(data []byte) (*Check, error) {
	if data == nil {
		data = defaultLures
	}
	cat, err := parseCatalogue(data)
	if err != nil {
		return nil, err
	}
	c := &Check{dict: textmatch.New[phrase](), bodyDict: textmatch.New[phrase](), footer: -1, billing: -1, callback: -1, receipt: -1, bec: -1, click: -1, credentials: -1, urgency: -1, prize: -1, passwordRequest: -1, greeting: -1, share: -1, bankDetails: -1, bankUpdate: -1, shareElsewhere: -1}
	names := make([]string, 0, len(cat.themes))
	for k := range cat.themes {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, theme := range names {
		idx := len(c.themes)
		sig := "LURE_" + strings.ToUpper(theme)
		switch theme {
		case "unsubscribe":
			// Not a lure but the footer of bulk mail, judged against the
			// List-Unsubscribe header.
			sig, c.footer = "BULK_NO_LIST_UNSUBSCRIBE", idx
		case "click":
			// A call to click counts as a credential lure when it says
			// it is one (callsToSignIn).
			sig, c.click = "LURE_CREDENTIALS", idx
		case "credentials":
			c.credentials = idx
		case "urgency":
			c.urgency = idx
		case "billing":
			c.billing = idx
		case "callback":
			c.callback = idx
		case "callback_receipt":
			// A charge said taken counts for the callback theme
			// beside the sum taken (receiptCharge).
			sig, c.receipt = "LURE_CALLBACK", idx
		case "bec_opener":
			c.bec = idx
		case "prize":
			c.prize = idx
		case "generic_greeting":
			c.greeting = idx
		case "password_request":
			c.passwordRequest = idx
		case "document_share":
			c.share = idx
		case "bank_details":
			c.bankDetails = idx
		case "bank_update":
			// The reader's own bank details to update count as the
			// bank-details lure when the message leads elsewhere
			// (bankUpdated).
			sig, c.bankUpdate = "LURE_BANK_DETAILS", idx
		case "document_elsewhere":
			// A business document announced count as a shared document
			// when the message leads elsewhere (sharedElsewhere).
			sig, c.shareElsewhere = "LURE_DOCUMENT_SHARE", idx
		}
		if !defined(sig) {
			return nil, fmt.Errorf("lure catalogue: theme %q has no signal %s", theme, sig)
		}
		c.themes = append(c.themes, sig)
		c.notice = append(c.notice, accountNotices[theme] || theme == "bec_opener" || theme == saleNotice)
		c.spared = append(c.spared, disclaimerSpares[theme])
		c.negatable = append(c.negatable, negatableThemes[theme])
		srcs := make([]string, 0, len(cat.themes[theme]))
		for src := range cat.themes[theme] {
			srcs = append(srcs, src)
		}
		sort.Strings(srcs)
		for _, src := range srcs {
			for _, p := range cat.themes[theme][src] {
				// The matcher reads at most MaxWords words of a phrase:
				// a longer one would match its first words alone ("si
				// vous n etes pas" of every confidentiality footer).
				if n := len(strings.Fields(textmatch.Normalize(p))); n > textmatch.MaxWords {
					return nil, fmt.Errorf("lure catalogue: theme %s: phrase %q has %d words, at most %d are matched", theme, p, n, textmatch.MaxWords)
				}
				c.dict.Add(p, phrase{idx, len(c.entries)})
				c.bodyDict.Add(p, phrase{idx, len(c.entries)})
				if idx == c.click {
					c.calls = append(c.calls, strings.Fields(textmatch.Normalize(p)))
				}
				c.entries = append(c.entries, Entry{Signal: sig, Theme: theme, Source: src, Text: p})
				c.mailbox = append(c.mailbox, (src == mailboxSource || src == quarantineSource) && accountNotices[theme])
				c.quarantine = append(c.quarantine, src == quarantineSource)
			}
		}
	}
	for w := range congratulations {
		c.bodyDict.Add(w, congratulation)
	}
	for _, w := range pasterun.Pastes() {
		c.bodyDict.Add(w, pasteMark)
	}
	for _, w := range pasterun.CommandWords() {
		c.bodyDict.Add(w, commandMark)
	}
	c.vocabulary = map[string]bool{}
	for _, e := range c.entries {
		for _, w := range strings.Fields(textmatch.Normalize(e.Text)) {
			if len(w) >= minVocabularyWord {
				c.vocabulary[w] = true
			}
		}
	}
	c.within = make([][]int, len(c.entries))
	for i, e := range c.entries {
		for j, o := range c.entries {
			if i != j && e.Theme == o.Theme && len(o.Text) > len(e.Text) && strings.Contains(" "+o.Text+" ", " "+e.Text+" ") {
				c.within[i] = append(c.within[i], j)
			}
		}
	}
	return c, nil
}

// minVocabularyWord is the length from which a word of the catalogue's
// phrases is its vocabulary (Word): shorter ones are the words of any
// sentence ("votre", "your", "will").
const minVocabularyWord = 5

// Word reports a word, as textmatch.Normalize reads it, of five letters
// or more that one of the catalogue's phrases holds: "facture",
// "paiement", "expiration", "security". The brand family asks it of a
// display name's would-be given name (a person is named "James", not
// "Facture").
func (c *Check) Word(w string) bool { return c.vocabulary[w] }

// defined reports whether the family defines the signal.
func defined(name string) bool {
	for _, d := range definitions {
		if d.Name == name {
			return true
		}
	}
	return false
}

// Entries returns every phrase of the catalogue.
func (c *Check) Entries() []Entry { return c.entries }

// Sources describes the catalogue's sources.
func Sources(data []byte) (map[string]string, error) {
	if data == nil {
		data = defaultLures
	}
	cat, err := parseCatalogue(data)
	return cat.sources, err
}

// Matches returns the numbers of the distinct catalogue entries a message
// matches (subject, sender name, body, its end, image alt texts): all of
// its text, a forwarded original's included, which the check reads in the
// original's own scan.
func (c *Check) Matches(in *scan.Input) []int {
	var out []int
	for p := range c.distinct(in, nil, in.Body(), in.Msg.Subject, nil) {
		out = append(out, p.id)
	}
	sort.Ints(out)
	return out
}

// Lured reports a message whose own words (subject, sender name, body)
// hold a lure phrase of any theme but the bulk footer (unsubscribe) and
// urgency, whoever sends it: a sign-in call, an account notice, a parcel's
// fees, an invoice, a shared document, a voicemail, a prize. The link
// family asks it before sparing a written-out link
// (internal/checks/links): such words are what a phishing page's address
// is written under; urgency alone is a tone people's own mail has too.
func (c *Check) Lured(in *scan.Input) bool {
	return c.lured(in, false)
}

// Asks is Lured without the bare calls to click ("click here", "cliquez
// ici", "read more"), which every newsletter writes under its links: a
// theme that asks something of the reader — to sign in, to pay, to
// verify, to claim. The brand family asks it before counting a link's
// host built on a brand's everyday-word label (internal/checks/brand).
func (c *Check) Asks(in *scan.Input) bool {
	return c.lured(in, true)
}

// Holds reports a message whose words (subject, sender name, body) hold
// a phrase of the catalogue's theme ("crypto", "delivery"). The brand
// family asks it of a brand's everyday-word name (Brand.WordNames): the
// name is the brand's when the message speaks the brand's trade.
func (c *Check) Holds(in *scan.Input, theme string) bool {
	for p := range c.distinct(in, nil, in.Body(), in.Msg.Subject, nil) {
		if c.entries[p.id].Theme == theme {
			return true
		}
	}
	return false
}

// AsksBeyondSharing is Asks without the shared-document theme: what a
// file-sharing service's own notice says ("a partagé un dossier avec
// vous", "shared with you") is not counted, anything else it asks is —
// an invoice to pay, an account to verify, a sign-in. The sender family
// asks it of a sharing service's notice in a person's name
// (sender.Check.AsksBeyondSharing).
func (c *Check) AsksBeyondSharing(in *scan.Input) bool {
	return c.lured(in, true, c.share)
}

func (c *Check) lured(in *scan.Input, noClicks bool, ignored ...int) bool {
	for p := range c.distinct(in, nil, in.Body(), in.Msg.Subject, nil) {
		if p.theme != c.footer && p.theme != c.urgency && !(noClicks && p.theme == c.click) && !slices.Contains(ignored, p.theme) {
			return true
		}
	}
	return false
}

// distinct returns the phrases found in body, subject, the sender's
// display name and the image alt texts, each with the order it was first
// read in (body first), which the signals' details follow (quoted). With
// the earlier families' signals (out, nil for Matches), an urgency phrase
// found only inside a service's own name does not count (ownName). When
// marks is not nil, it says what else the body's reading met
// (collectBody).
func (c *Check) distinct(in *scan.Input, out *scan.Emitter, body, subject string, marks *bodyMarks) map[phrase]int {
	distinct := c.read(in, body, subject, "", marks)
	// An urgency phrase that only ends a name ("the EU Data Act now
	// applies") is no call (namedIn).
	for p := range distinct {
		if p.theme == c.urgency && p.id >= 0 && namedIn(c.entries[p.id].Text, body, subject) {
			delete(distinct, p)
		}
	}
	c.unasked(in, distinct, body, subject)
	name := c.ownName(in, out, distinct)
	if name == "" {
		return distinct
	}
	again := c.read(in, body, subject, name, nil)
	for p := range distinct {
		if _, ok := again[p]; !ok && p.theme == c.urgency {
			delete(distinct, p)
		}
	}
	return distinct
}

// read is distinct's reading, with every occurrence of name, when not "",
// blanked out first; marks as collectBody's.
func (c *Check) read(in *scan.Input, body, subject, name string, marks *bodyMarks) map[phrase]int {
	m := in.Msg
	distinct := map[phrase]int{}
	collect := func(text string, limit int) {
		if name != "" {
			text = textmatch.Mask(text, name)
		}
		c.dict.FindAfter(text, limit, func(p phrase, before uint64) bool {
			if !c.negated(in, p, before) {
				found(distinct, p)
			}
			return true
		})
	}
	if name != "" {
		body = textmatch.Mask(body, name)
	}
	c.collectBody(in, body, distinct, marks)
	collect(subject, 60)
	collect(m.FromAddr().Name, 20)
	collect(strings.Join(m.ImageAlts, " . "), 200)
	return distinct
}

// collectBody adds the phrases of the body: its first 1,500 words, and its
// last 3,000 bytes when it is long (footers are at the end). A phrase
// inside a disclaimer whose kind uses its theme's words does not count
// (disclaimerSpares, disclaimer.go), nor one inside a quotation a warning
// about fraud reports (reportedQuotes, reported.go). distinct is empty: the body is read
// first. When marks is not nil, it says whether that first reading of the
// whole body met a congratulation (bodyDict: the windows it reads are
// greetsPrize's) or a paste (pasteMark).
func (c *Check) collectBody(in *scan.Input, body string, distinct map[phrase]int, marks *bodyMarks) {
	html := len(in.Msg.Text) <= len(in.Msg.HTMLText)
	if c.mayReportFraud(in) {
		if kept, ok := reportedQuotes(body, html, in.Msg.URLs); ok {
			body = kept
		}
	}
	if kept, ok := withoutListedMessages(body, heldSenderOf(in)); ok {
		body = kept
	}
	var spared disclaimerKind // the kinds that would spare a phrase found
	congratulated, pasted, commands := false, false, false
	read := func(text string, only disclaimerKind) {
		f := func(p phrase, before uint64) bool {
			if p == congratulation {
				congratulated = true
				return true
			}
			if p == pasteMark {
				pasted = true
				return true
			}
			if p == commandMark {
				commands = true
				return true
			}
			if c.negated(in, p, before) {
				return true
			}
			if only == 0 || c.spared[p.theme] == only {
				found(distinct, p)
				spared |= c.spared[p.theme]
			}
			return true
		}
		c.bodyDict.FindAfter(text, 1500, f)
		if len(text) > 6000 {
			c.bodyDict.FindAfter(text[len(text)-3000:], 0, f)
		}
	}
	read(body, 0)
	if marks != nil {
		*marks = bodyMarks{greets: congratulated, pastes: pasted, commands: commands}
	}
	if spared == 0 {
		return
	}
	found := disclaimers(body, html, in.Msg.URLs)
	if len(found) == 0 {
		return
	}
	// Themes spared by the same kinds are read again together, without
	// the sentences of those kinds.
	var masks []disclaimerKind
	for p := range distinct {
		if m := c.spared[p.theme]; m != 0 && !slices.Contains(masks, m) {
			masks = append(masks, m)
		}
	}
	for _, m := range masks {
		kept, cut := without(body, found, m)
		if !cut {
			continue
		}
		for p := range distinct {
			if c.spared[p.theme] == m {
				delete(distinct, p)
			}
		}
		read(kept, m)
	}
}

// receiptCharge counts the phrases of a charge already taken ("we have
// received your payment", "votre abonnement a été renouvelé") for the
// callback theme when the subject or text states the sum taken with its
// currency, as the fake renewal receipt does ("$489.99"); without one
// they are a friend's or a club's words, and count for no theme.
func (c *Check) receiptCharge(perTheme []int, body, subject string) {
	if c.receipt < 0 {
		return
	}
	if perTheme[c.receipt] > 0 && c.callback >= 0 && sumBetween(subject+"\n"+body, 1, 1e6) != "" {
		perTheme[c.callback] += perTheme[c.receipt]
	}
	perTheme[c.receipt] = 0
}

// ownFooter reports a bulk footer's phrase in the sender's own lines,
// not only in lines quoted with ">" (RFC 3676 §4.5): a reply quotes the
// list message it answers down to its footer ("> To unsubscribe from
// this group, send an email to…"), which is the list's, not the
// replier's. The signal is about a bulk sender's footer without the
// header; a sender who wants to lose it drops the footer, so reading it
// in quotes only spares nothing a bulk sender could not already have.
func (c *Check) ownFooter(body string) bool {
	own, quoted := unquotedLines(body)
	return !quoted || c.footerIn(own)
}

// footerIn reports a bulk footer's phrase in text.
func (c *Check) footerIn(text string) bool {
	found := false
	c.dict.Find(text, 0, func(p phrase) bool {
		found = p.theme == c.footer
		return !found
	})
	return found
}

// carriersFooter reports a bulk footer's phrase in the carrying message's
// own text, not only in the text of a message it encloses whole
// (message/rfc822, RFC 2046 §5.2.1: a forward as attachment, a delivery
// report's returned copy). The enclosed message's footer is its sender's,
// judged against its own header in its own scan (internal/checks/forward);
// a forward as attachment shows none of the carrier's List-Unsubscribe,
// as a reply's quoted footer shows none of the replier's (ownFooter).
// Like ownFooter it spares only the bulk-footer signal, which a bulk
// sender loses by dropping his footer.
//
// The carrier's own text is looked for in both its alternatives, the
// plain and the HTML one, each without the enclosed messages' texts: a
// forward's own words may be in one part while the longer HTML text the
// body is read from is the enclosed message's.
func (c *Check) carriersFooter(in *scan.Input) bool {
	if len(in.Msg.Enclosed) == 0 {
		return true
	}
	text, html := in.Msg.Text, in.Msg.HTMLText
	for _, e := range in.Msg.Enclosed {
		em := message.Parse(e.Raw, c.Limits)
		for _, t := range []string{em.Text, em.HTMLText} {
			if strings.TrimSpace(t) != "" {
				text = strings.Replace(text, t, "", 1)
				html = strings.Replace(html, t, "", 1)
			}
		}
	}
	return c.footerIn(text) || c.footerIn(html)
}

// unquotedLines returns body without its lines quoted with ">", and
// whether there were any.
func unquotedLines(body string) (string, bool) {
	var b strings.Builder
	quoted, at := false, 0
	for line := range strings.Lines(body) {
		if strings.HasPrefix(strings.TrimLeft(line, " \t"), ">") {
			if !quoted {
				// The lines before the first quoted one are copied
				// once; a body without quotes is not copied at all.
				quoted = true
				b.Grow(len(body) - len(line))
				b.WriteString(body[:at])
			}
		} else if quoted {
			b.WriteString(line)
		}
		at += len(line)
	}
	if !quoted {
		return body, false
	}
	return b.String(), true
}

// negatableThemes are the themes whose phrases name a thing ("nouveau
// RIB", "changement de coordonnées bancaires"), which "aucun" or "aucune"
// just before them deny (not "no", an invoice's "number":
// textmatch.NoneOf): a supplier's, accountant's or public body's
// reassurance ("aucun changement de coordonnées bancaires n'est
// intervenu"), written beside the advice of the fake-supplier family's
// public alerts to check any change by a known channel
// (Cybermalveillance.gouv.fr, FBI IC3), is no request (engine testdata/
// etablissements, the GHT's revenue order). The determiner must touch the
// phrase, and a request elsewhere in the message still counts. Themes of
// calls and states ("cliquez ici", "compte suspendu") are not read so.
var negatableThemes = map[string]bool{"bank_details": true, "bank_update": true}

// anyOf is "tout" before such a phrase: "pour tout changement de
// coordonnées bancaires, déposez le formulaire signé" states the
// procedure for any change, as an employer's, university's or
// supplier's notice does beside the same public advice; it announces
// none. The fake-supplier and payroll-diversion mail announces one ("suite
// à un changement", "notre changement", "nos nouvelles coordonnées
// bancaires") and still counts (engine testdata/recherche). Only the
// change is so quantified ("tout nouveau RIB" is a brand-new one:
// anyChange), and only in a message that hands over no account.
var anyOf = textmatch.Word("tout")

// anyChange reports whether the phrase p after "tout" is the procedure
// for any change of bank details: p is the change itself, and the message
// gives no account to pay, neither an IBAN in its text nor a document
// attached (the RIB the fake supplier joins). A procedure names no new
// account; the announcement the fraud alerts describe (Cybermalveillance.gouv.fr,
// "fraude au faux fournisseur") exists to give one, and may wrap it in
// the same rule: "tout changement de coordonnées bancaires vous est
// notifié par écrit : voici nos nouvelles coordonnées, IBAN …".
func (c *Check) anyChange(in *scan.Input, p phrase) bool {
	if !strings.HasPrefix(c.entries[p.id].Text, "changement ") {
		return false
	}
	for _, a := range in.Msg.Attachments {
		if !strings.HasPrefix(a.SniffedType, "image/") {
			return false
		}
	}
	given := false
	invoice.FindIBANs(in.OwnBody(), func(string) { given = true })
	return !given
}

// pairedGreeting is the word that ends the first half of German's paired
// salutation, "Liebe Kundin, lieber Kunde": the form German shops,
// suppliers and banks write to greet their customers of both sexes (the
// Duden's guidance on gender-fair language names the paired form first).
// The bulk spam and phishing of the catalogue's "lieber kunde" open with
// the masculine alone ("Lieber Kunde, sind Sie bereit…"); a phisher who
// copies the pair loses that one weak signal, not what the message asks.
var pairedGreeting = textmatch.Word("kundin")

// negated reports whether the phrase p of in, after the word before, is
// denied by a determiner (negatableThemes) or states a procedure
// (anyChange), or is the second half of a paired
// salutation (pairedGreeting).
func (c *Check) negated(in *scan.Input, p phrase, before uint64) bool {
	if p.theme == c.greeting && before == pairedGreeting {
		return true
	}
	return c.negatable[p.theme] && (textmatch.NoneOf(before) || before == anyOf && c.anyChange(in, p))
}

// Name implements scan.Check.
func (*Check) Name() string { return "lure" }

// Check implements scan.Check. Of a forward it reads the forwarder's own
// words and sender: the text above the original's header block, and the
// subject unless it is the original's (scan.Input.OwnBody,
// CarriedSubject). The original is judged in its own scan, with its own
// sender (internal/checks/forward): read here too, its account notice
// would count as the forwarder's — a relative on a free mailbox
// forwarding a genuine Doctolib or Microsoft notice would be posing.
func (c *Check) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	m := in.Msg
	body := in.OwnBody()
	subject := m.Subject
	if in.CarriedSubject() {
		subject = ""
	}
	var marks bodyMarks
	distinct := c.distinct(in, out, body, subject, &marks)
	// Different phrases found per theme: a theme is found when it has one.
	// A phrase found inside a longer one of its theme is that phrase.
	perTheme := make([]int, len(c.themes))
	for p := range distinct {
		if !c.nested(p, distinct) {
			perTheme[p.theme]++
		}
	}
	credentials := perTheme[max(c.credentials, 0)]
	bankUpdate := c.bankUpdated(perTheme, in)
	sharedElsewhere := c.sharedElsewhere(perTheme, in)
	c.callsFor(perTheme, in, body, subject)
	c.receiptCharge(perTheme, body, subject)
	// A congratulation followed by a prize is the prize lure's opening,
	// though no phrase of the theme says it (greetsPrize).
	greeted := ""
	if c.prize >= 0 && perTheme[c.prize] == 0 {
		if greeted = greetsPrize(subject); greeted == "" {
			greeted = greetsPrizeRead(body, marks.greets)
		}
		if greeted != "" {
			perTheme[c.prize] = 1
		}
	}
	// A gift whose fees are to be paid by card (giftFees).
	fees := ""
	if c.prize >= 0 && perTheme[c.prize] == 0 {
		if fees = giftFees(body, subject); fees != "" {
			perTheme[c.prize] = 1
		}
	}
	// The calls to click counted as credential lures are quoted with them.
	clicks := c.credentials >= 0 && perTheme[c.credentials] > credentials
	themes, dominant, asked, pressedTowards := 0, -1, false, false
	// Themes in catalogue order, so that signals come out in one order.
	for t, n := range perTheme {
		if n == 0 {
			continue
		}
		// The quarantine notice a mail-security service can have sent is
		// its own digest, not a notice posing as the mailbox's.
		if c.heldOnly(t, distinct) && c.vendorsQuarantine(in) {
			continue
		}
		outsider := c.notice[t] && c.mailboxNotice(t, distinct, in)
		if c.notice[t] && !c.posingFor(t, in, out) && !outsider {
			continue
		}
		if outsider && !c.toOwnDomain(in) {
			out.Emit("LURE_MAILBOX_OUTSIDER", in.FromOrg)
		}
		if t == c.passwordRequest && c.ownPassword(in) {
			continue
		}
		switch t {
		case c.footer:
			if !m.Header.Has("List-Unsubscribe") && !c.linksHome(in) && c.ownFooter(body) && c.carriersFooter(in) {
				out.Emit(c.themes[t], c.quoted(distinct, t))
			}
			continue
		case c.callback:
			if n := PhoneNumber(body); n != "" && c.posingFor(t, in, out) {
				out.Emit(c.themes[t], n)
			}
			continue
		case c.bec:
			if !opener(m, body) {
				continue
			}
		}
		if t == c.credentials && clicks {
			out.Emit(c.themes[t], c.quoted(distinct, t, c.click))
		} else if t == c.bankDetails && bankUpdate {
			out.Emit(c.themes[t], c.quoted(distinct, t, c.bankUpdate))
		} else if t == c.share && sharedElsewhere {
			out.Emit(c.themes[t], c.quoted(distinct, t, c.shareElsewhere))
		} else if t == c.prize && greeted != "" {
			out.Emit(c.themes[t], `"`+textmatch.Normalize(greeted)+`"`)
		} else if t == c.prize && fees != "" {
			out.Emit(c.themes[t], fees)
		} else {
			out.Emit(c.themes[t], c.quoted(distinct, t))
		}
		themes++
		if t != c.urgency {
			pressedTowards = true
		}
		// What the HR- and payroll-named lures ask (employerOutsider):
		// the reader's password, a shared document, the reader's own
		// bank details updated elsewhere.
		if t == c.passwordRequest || t == c.share || t == c.bankDetails && bankUpdate {
			asked = true
		}
		// Three different phrases of one theme: the message is about it,
		// it does not merely mention it.
		if n >= 3 && t != c.urgency && (dominant < 0 || n > perTheme[dominant] || n == perTheme[dominant] && t < dominant) {
			dominant = t
		}
	}
	// A renewal or failed payment with a number to call is the other
	// shape of the callback scam.
	if c.billing >= 0 && perTheme[c.billing] > 0 && (c.callback < 0 || perTheme[c.callback] == 0) {
		if n := PhoneNumber(body); n != "" && posing(in, out) {
			out.Emit("LURE_CALLBACK", n)
		}
	}
	if themes >= 3 {
		out.Emit("LURE_MANY_THEMES", fmt.Sprint(themes))
	}
	// A device code handed to be typed at a provider's device-login
	// page (devicecode.go).
	docs := &attached{m: m}
	if d := deviceCodeHanded(in, body, subject, docs); d != "" {
		out.Emit("LURE_DEVICE_CODE", d)
	}
	// A PDF that does the asking and leads elsewhere (pdfhandover.go).
	if h := c.pdfHandover(in, out, docs); h != "" {
		out.Emit("LURE_PDF_HANDOVER", h)
	}
	if asked && c.employerOutsider(in) {
		out.Emit("LURE_EMPLOYER_OUTSIDER", m.FromAddr().Name+" <"+in.FromOrg+">")
	}
	// A fortune offered by a free mailbox, or with replies sent to one:
	// the advance-fee letter (SpamAssassin's MONEY_FREEMAIL_REPTO). The
	// sender family runs first in the pipeline and said whether the
	// sender or Reply-To is a free mailbox.
	if out.Emitted("FROM_FREEMAIL") || out.Emitted("REPLYTO_FREEMAIL") {
		if sum := bigSum(body); sum != "" {
			out.Emit("MONEY_FROM_FREEMAIL", sum)
		}
	}
	// The steps of a "paste and run" lure: the Run box, PowerShell or a
	// terminal opened, what a page put on the clipboard pasted, Enter
	// (internal/pasterun: ClickFix, fake CAPTCHA); or a Windows
	// download-and-run line to type there. Only a body whose reading met
	// a paste, or a word of such a line, is read for them.
	w := ""
	if marks.pastes {
		w = pasterun.Instruction(body)
	}
	if w == "" && marks.commands {
		w = pasterun.TypedCommand(body)
	}
	if w == "" {
		w = pasteRunElsewhere(m, docs)
	}
	if w != "" {
		out.Emit("LURE_PASTE_RUN", w)
	}
	// Urgency is pressure towards an ask, never the topic by itself: a
	// batch recall's "cessez immédiatement … sous 48 heures" asks nothing
	// a phisher wants. Beside a theme it presses towards (a sign-in, a
	// payment), three urgency phrases make the pressure what the message
	// is about, as they did before: "urgent, act now, within 24 hours,
	// last chance: confirm now" is no weaker for its ask being one phrase.
	// A link to a host anyone publishes on or a domain nobody has kept
	// long is an ask too, unsaid: "action requise immédiatement, sous 24
	// heures, dernier délai" over a button to a web.app page went from
	// quarantined to tagged (5.71 -> 4.67), and to accepted by the fits
	// without saeasy or usrp (6.20 -> 4.72), when urgency alone stopped
	// being dominant (engine TestUrgencyIsNoTopic).
	if dominant < 0 && c.urgency >= 0 && perTheme[c.urgency] >= 3 && (pressedTowards || pressesTowardsLink(out)) {
		dominant = c.urgency
	}
	if dominant >= 0 {
		out.Emit("LURE_DOMINANT", c.themes[dominant])
	}
}

// bankUpdated moves the reader's-own-bank-details phrases (bank_update)
// into the bank-details theme when the message leads off its sender's
// domain (leadsOutside), and reports whether it did. The fake CGOS, CAF
// or Assurance maladie mail asks the reader to update his RIB on the
// phisher's page (Cybermalveillance.gouv.fr's hameçonnage alerts); the
// body itself asks its members the same in its own portal, which its
// mail links to (engine testdata/social: the CGOS's "espace agent" on
// cgos.info). Otherwise the phrases are not counted.
func (c *Check) bankUpdated(perTheme []int, in *scan.Input) bool {
	return movedWhenOutside(perTheme, c.bankUpdate, c.bankDetails, in, false)
}

// sharedElsewhere moves the business documents' announcements
// (document_elsewhere: a payment or remittance advice, a SWIFT copy, a
// bill of lading, a request for quotation, a message recall) into the
// shared-document theme when the message leads off its sender's domain
// (leadsOutside), and reports whether it did. The payer, the forwarder,
// the buyer send their document attached, from their own domain, and an
// Outlook recall holds no link at all; the credential-phishing copies of
// the family put the document behind a link to a sign-in page elsewhere
// (lures.yaml, source b2b_documents). So does the copy whose page is on
// the sender's own domain when the message asks the reader's mailbox
// password (password_request, not the organisation's own: ownPassword):
// a phisher's own domain hosts the page as well as it sends (engine
// testdata/b2bmal remittance-advice-email-credentials-own-domain).
// Otherwise the phrases are not counted.
func (c *Check) sharedElsewhere(perTheme []int, in *scan.Input) bool {
	behindPassword := c.passwordRequest >= 0 && perTheme[c.passwordRequest] > 0 && !c.ownPassword(in)
	return movedWhenOutside(perTheme, c.shareElsewhere, c.share, in, behindPassword)
}

// movedWhenOutside moves the phrases found of theme from (a theme that
// counts only where the message leads off its sender's domain) into
// theme to when the message does (leadsOutside), and reports whether it
// did, or when also holds; otherwise they are not counted. A theme the
// catalogue lacks is -1.
func movedWhenOutside(perTheme []int, from, to int, in *scan.Input, also bool) bool {
	if from < 0 || perTheme[from] == 0 {
		return false
	}
	n := perTheme[from]
	perTheme[from] = 0
	if to < 0 || !also && !leadsOutside(in) {
		return false
	}
	perTheme[to] += n
	return true
}

// posing reports a sender that is not who its notice says: unauthenticated,
// a free mailbox (as sender or for replies) or a free hosting platform's
// subdomain (where anyone sends in any name), a VIP's name on an address
// that is not the organisation's, a domain made to look like a
// brand's, or one putting forward a brand that is not its own — the
// earlier families said so (posingSignals). A call-this-number
// notice from a sender authenticated for its own domain (a supplier's order
// confirmation with its customer-service number, a renewal reminder) is the
// genuine notice the callback scam copies; the scam comes from a free
// mailbox or in a brand's name (the FTC's and Cybermalveillance.gouv.fr's
// descriptions of fake renewal and refund calls). The same holds for the
// account notices (accountNotices): Microsoft and Google tell their users
// that their genuine security mail comes from their own domains only —
// except a notice about the reader's own mailbox, which only the
// organisation or a mail provider sends (mailboxNotice).
//
// A rebuilt original has no authentication to judge
// (scan.Input.NotAuthenticated): its sender is only text the forwarder's
// message shows, which anyone can write. The signals say whether that
// sender poses, and so does where the original sends its reader
// (leadsElsewhere): the genuine notice links to its sender's own site.
func posing(in *scan.Input, out *scan.Emitter) bool {
	if in.NotAuthenticated() || in.Env.Rebuilt && leadsElsewhere(in, out) {
		return true
	}
	for _, name := range posingSignals {
		if out.Emitted(name) {
			return true
		}
	}
	return false
}

// leadsElsewhere reports a message with a link or an address to write to
// (mailto:) away from the sender it shows: to a registrable domain that is neither the sender's
// organisation nor a top site (MISP's warning lists: a brand's other
// sites, account.live.com for microsoft.com), or through a shortener, a
// form service or an IP address, which hide whose site it is. Asked of a
// rebuilt original only: a forward's text can name any sender
// ("De : Doctolib <no-reply@doctolib.fr>" typed by a phisher on a free
// mailbox under "TR:"), but the genuine notice it copies sends its reader
// to that sender's own site — Microsoft, Google and the Assurance maladie
// tell their users so — and the copy to the phisher's.
func leadsElsewhere(in *scan.Input, out *scan.Emitter) bool {
	for _, name := range hidingLinks {
		if out.Emitted(name) {
			return true
		}
	}
	for _, l := range in.Links {
		if l.Domain != "" && l.Domain != in.FromOrg && !in.TopSite(l.Domain) {
			return true
		}
	}
	// An address to write to is where the message sends its reader too:
	// the notice whose "Report the user" is a mailto: to another domain
	// collects its answers there.
	for _, d := range in.Msg.MailtoDomains {
		if r := urlx.Registrable(d); r != "" && r != in.FromOrg && !in.TopSite(r) {
			return true
		}
	}
	return false
}

// mailboxNotice reports an account notice of theme t about the reader's
// own mailbox or e-mail account (a phrase of the catalogue's "mailbox"
// source: a full mailbox, its quota, its password, its upgrade, an e-mail
// account to validate) from a sender that cannot run that mailbox: neither
// the organisation (its configured domains, or a local user's submission)
// nor a mail provider (a top site of the MISP lists: microsoft.com,
// google.com, ovh.com, gandi.net, orange.fr). Such a notice is posing
// even when its sender is authenticated for a domain of its own: the
// webmail-quota and mailbox-upgrade family (Cybermalveillance.gouv.fr,
// CERT-FR) sends from domains its authors register and publish SPF for.
// A service's notice about its own account ("your password for our app
// will expire") holds no such phrase and is judged by posing alone.
func (c *Check) mailboxNotice(t int, distinct map[phrase]int, in *scan.Input) bool {
	about := false
	for p := range distinct {
		if p.theme == t && c.mailbox[p.id] {
			about = true
			break
		}
	}
	if !about || in.Env.Authenticated || in.TopSite(in.FromOrg) {
		return false
	}
	return !c.fromOrg(in)
}

// hidingLinks are the link family's signals of a link that hides whose
// site it leads to, a top site's though it may be.
var hidingLinks = []string{"URL_SHORTENER", "URL_FORM_SERVICE", "URL_IP_LITERAL"}

// posingFor is posing, and for the CEO-fraud opener also replies sent to
// another domain (opener). A From a mailing list rewrote over a free
// mailbox's post poses too (listAuthorFree).
func (c *Check) posingFor(theme int, in *scan.Input, out *scan.Emitter) bool {
	return posing(in, out) || c.listAuthorFree(in) || c.imitatesOrg(in) || c.orgBySPFAlone(in) && leadsElsewhere(in, out) ||
		theme == c.bec && out.Emitted("REPLYTO_OTHER_DOMAIN")
}

// orgBySPFAlone reports a From in the organisation's own domains that
// arrived from outside (no local user submitted it) with SPF as its only
// credential: no DKIM signature of the organisation's domain passes. An
// organisation's SPF record includes its providers' shared records (an
// e-mailing platform, a hosted mail service), which pass for every one
// of their customers: SPF then says the message left such a platform,
// not that the organisation sent it. The genuine notice from the
// organisation's IT department sends its reader to the organisation's
// own portal; the one an attacker sends through a shared include leads
// away, to a site of his (posingFor asks leadsElsewhere, as for a
// rebuilt original whose sender is only text).
func (c *Check) orgBySPFAlone(in *scan.Input) bool {
	if in.Env.Authenticated || in.Env.Rebuilt || !in.Auth.Known() || in.FromOrg == "" {
		return false
	}
	if !c.fromOrg(in) {
		return false
	}
	for _, d := range in.Auth.DKIMPass() {
		if urlx.Registrable(strings.ToLower(d)) == in.FromOrg {
			return false
		}
	}
	return in.Auth.SPF == "pass" && urlx.Registrable(strings.ToLower(in.Auth.SPFDomain)) == in.FromOrg
}

// imitatesOrg reports a From domain outside the organisation whose name
// is built on one of the organisation's own: its label under another
// suffix (chu-exemple.com for chu-exemple.fr) or as a hyphenated word of
// a longer one (chu-exemple-rh.fr, rh-chu-exemple.fr). The brand family
// reads it as FROM_BRAND_IN_DOMAIN, which is no posing by itself: a works
// council writes from cse-<organisation>.fr. But the reader's account is
// the organisation's, and an account notice — suspension, identity to
// verify, password expiry — from a name made on the organisation's is
// the disguise of the notice that passes SPF and DKIM for a domain the
// attacker registered (CERT-FR and Cybermalveillance.gouv.fr describe
// the look-alike of the victim organisation's own domain as the sender of
// targeted credential phishing). Closer imitations (chuexemple.fr,
// chu-exemp1e.fr) are FROM_LOOKALIKE_DOMAIN, posing already.
func (c *Check) imitatesOrg(in *scan.Input) bool {
	if in.FromOrg == "" || len(c.org) == 0 {
		return false
	}
	if c.fromOrg(in) {
		return false
	}
	from, _, _ := strings.Cut(in.FromOrg, ".")
	for _, d := range c.org {
		own, _, _ := strings.Cut(urlx.Registrable(strings.ToLower(d)), ".")
		if len(own) >= 5 && strings.Contains("-"+from+"-", "-"+own+"-") {
			return true
		}
	}
	return false
}

// listAuthorFree reports a From in the delivering list's own domain
// whose display name says the list rewrote it for its author ("Support
// via Infos", RFC 7960 §4.1.3: Mailman, Sympa and Google Groups keep the
// author's address in Reply-To) and whose Reply-To is a free mailbox.
// The sender family leaves that Reply-To alone, it is the author's own
// (listReply); but the notice's author is then that free mailbox, which
// runs nobody's account, as FROM_FREEMAIL would say had the list not
// rewritten it. A "list" is an SPF record and three header fields on a
// domain of the attacker's (TestOpenSparesServeNoAttacker).
func (c *Check) listAuthorFree(in *scan.Input) bool {
	if c.Freemail == nil || in.FromOrg == "" || in.FromOrg != in.List || len(in.Msg.ReplyTo) == 0 ||
		!strings.Contains(strings.ToLower(in.Msg.FromAddr().Name), " via ") {
		return false
	}
	d := urlx.Registrable(strings.ToLower(in.Msg.ReplyTo[0].Domain()))
	return d != "" && d != in.FromOrg && c.Freemail(d)
}

// posingSignals are the sender and brand families' signals that say the
// sender is not who it claims to be, authenticated or not. A brand's name
// in the sender's own domain (FROM_BRAND_IN_DOMAIN) is not among them: an
// organisation's works council writes from a domain that contains the
// organisation's name. A configured VIP's name on an address outside the
// organisation (VIP_NAME_SPOOF) is: it is the CEO fraud's disguise.
var posingSignals = []string{
	"FROM_FREEMAIL", "REPLYTO_FREEMAIL", "FROM_FREE_HOSTING",
	"VIP_NAME_SPOOF",
	"BRAND_DISPLAY_NAME", "BRAND_SUBJECT_OTHER_SENDER", "BRAND_MENTION_UNOFFICIAL",
	"BRAND_CLAIM_LEADS_ELSEWHERE",
	"FROM_LOOKALIKE_DOMAIN", "FROM_HOMOGLYPH_DOMAIN",
}

// openerWords is the length of the first message of CEO fraud: a few
// lines and a signature. The colleague's and supplier's mail that says
// "are you available" or "êtes-vous disponible" does so inside a longer
// message (an agenda, a quotation, a list thread).
const openerWords = 120

// opener reports a message shaped as the first contact of CEO and
// gift-card fraud: a few lines, no link and no attachment — the fraud
// wants an answer, not a click (FBI IC3 and Cybermalveillance.gouv.fr
// describe it so). For the opener, a Reply-To on another domain counts as
// posing too (the Check loop): the platforms that legitimately answer to
// their customer's domain — e-signature, file transfer, hosted invoices,
// SharePoint — always carry their link, so they are never an opener, while
// REPLYTO_OTHER_DOMAIN is not posing for the account notices and the
// callback scam, which such platforms' notices resemble.
func opener(m *message.Message, body string) bool {
	if len(m.URLs) > 0 || len(m.Attachments) > 0 {
		return false
	}
	words := 0
	for range strings.FieldsSeq(body) {
		if words++; words > openerWords {
			return false
		}
	}
	return true
}

// nested reports that a longer phrase of p's theme containing p was found too.
func (c *Check) nested(p phrase, found map[phrase]int) bool {
	for _, j := range c.within[p.id] {
		if found[phrase{p.theme, j}] > 0 {
			return true
		}
	}
	return false
}

// found records phrase p in distinct with the order it was first read in.
func found(distinct map[phrase]int, p phrase) {
	if distinct[p] == 0 {
		distinct[p] = len(distinct) + 1
	}
}

// quotedPhrases is how many of a theme's phrases its signal's detail quotes.
const quotedPhrases = 2

// quoted is the detail of a theme's signal: the first phrases of the
// themes the message was read to use (a phrase inside a longer one found
// is that one), as the catalogue writes them, quoted — what an
// administrator needs to see why a newsletter counts as a call to sign
// in. The catalogue's words rather than the message's: they are plain
// text of known length.
func (c *Check) quoted(distinct map[phrase]int, themes ...int) string {
	var first [quotedPhrases]phrase
	n := 0
	before := func(a, b phrase) bool {
		return distinct[a] < distinct[b] || distinct[a] == distinct[b] && a.id < b.id
	}
	for p := range distinct {
		if !slices.Contains(themes, p.theme) || c.nested(p, distinct) {
			continue
		}
		i := n
		for i > 0 && before(p, first[i-1]) {
			i--
		}
		if i == quotedPhrases {
			continue
		}
		if n < quotedPhrases {
			n++
		}
		copy(first[i+1:n], first[i:n-1])
		first[i] = p
	}
	var b strings.Builder
	for i, p := range first[:n] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"` + c.entries[p.id].Text + `"`)
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// pasteRunElsewhere reads the steps of a "paste and run" lure where the
// body does not hold them: the pictures' alt texts (a lure drawn as
// images, each step's words in its alt) and the text of an attached HTML
// or SVG page that shows them with no script (the clipboard is filled by
// the page it links to; a script that writes it is the attach family's
// ATTACH_HTML_CLIPBOARD_RUN). Only parts that hold a paste's and a box's
// marks are joined or read.
func pasteRunElsewhere(m *message.Message, docs *attached) string {
	if pasterun.MayInstruct(m.ImageAlts...) {
		if w := pasterun.Instruction(strings.Join(m.ImageAlts, "\n")); w != "" {
			return w
		}
	}
	for _, p := range docs.pages(pasterun.PageMayInstruct) {
		if w := pasterun.Instruction(p.text); w != "" {
			return p.name + ": " + w
		}
	}
	// A PDF that shows the steps, the clipboard filled by the page it
	// links to (the document pretexts of the ClickFix write-ups).
	for _, p := range docs.PDFs() {
		if !pasterun.MayInstruct(p.text) {
			continue
		}
		if w := pasterun.Instruction(p.text); w != "" {
			return p.name + ": " + w
		}
	}
	return ""
}

// maxPageBytes is how much of an attached page the readers read (attached.pages),
// the body's own bound (message.Limits.MaxTextBytes).
const maxPageBytes = 2 << 20

// isPage reports an attachment that is an HTML or SVG page, by its
// sniffed type or its name.
func isPage(a message.Attachment) bool {
	switch a.SniffedType {
	case "text/html", "image/svg+xml":
		return true
	}
	name := strings.ToLower(a.Filename)
	for _, e := range []string{".html", ".htm", ".shtml", ".xhtml", ".svg"} {
		if strings.HasSuffix(name, e) {
			return true
		}
	}
	return false
}

// pressesTowardsLink reports a message whose links the link family found
// leading to a host anyone may publish on or that hides where it leads
// (hostingSignals), or to a domain nobody has kept long
// (unestablishedSignals): where urgency presses a reader with no theme
// named, the link is the ask.
func pressesTowardsLink(out *scan.Emitter) bool {
	return emittedAny(out, hostingSignals) || emittedAny(out, unestablishedSignals)
}
