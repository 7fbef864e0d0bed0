package scan

import (
	"slices"
	"strings"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/urlx"
)

// listDomain returns the registrable domain of the mailing list that
// delivered a message, or "" when it does not read as list traffic. Lists
// say who they are in List-Id (RFC 2919) or List-Post (RFC 2369), older
// list software in Mailing-List (ezmlm, Yahoo Groups) or X-Mailing-List;
// LISTSERV writes neither List-Id nor List-Post but the other RFC 2369
// fields of a list manager (List-Owner, List-Subscribe, List-Help).
// List-Unsubscribe alone is not enough: every newsletter carries it. Older
// list managers are known by their administrative address in Sender or
// Errors-To.
func listDomain(h message.Header) string {
	if id := h.Get("List-Id"); id != "" {
		// "Name <list.example.org>": the id is a host-like name.
		if i := strings.LastIndexByte(id, '<'); i >= 0 {
			id = strings.TrimSuffix(id[i+1:], ">")
		}
		// An id under no public suffix (RFC 2919 §3's "localhost"
		// namespace for a list with no domain of its own, an ESP's
		// "<123.xt.local>") names no domain to compare with the sender's.
		if id = strings.ToLower(strings.TrimSpace(id)); urlx.PublicName(id) {
			if d := urlx.Registrable(id); d != "" {
				return d
			}
		}
	}
	for _, name := range []string{"List-Post", "Mailing-List", "X-Mailing-List", "List-Owner", "List-Subscribe", "List-Help"} {
		v := h.Get(name)
		if v == "" {
			continue
		}
		if d := domainOfAddressIn(v); d != "" {
			return d
		}
	}
	// List managers older than RFC 2369 (Majordomo, LISTSERV, early
	// Mailman) say so in Sender or Errors-To with the list's administrative
	// address: owner-LIST@, LIST-owner@, LIST-request@ (RFC 2142 §4),
	// LIST-bounces@.
	for _, name := range []string{"Sender", "Errors-To"} {
		if v := strings.ToLower(h.Get(name)); adminAddress(v) {
			if d := domainOfAddressIn(v); d != "" {
				return d
			}
		}
	}
	return ""
}

// adminAddress reports a lower-cased header value whose first address is
// a list's administrative one: owner-LIST@, LIST-owner@, LIST-request@
// (RFC 2142 §4), LIST-bounces@.
func adminAddress(v string) bool {
	at := strings.IndexByte(v, '@')
	if at <= 0 {
		return false
	}
	local := v[strings.LastIndexAny(v[:at], " <\"'")+1 : at]
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i] // Mailman's VERP: LIST-bounces+member=domain@
	}
	return strings.HasPrefix(local, "owner-") || strings.HasSuffix(local, "-owner") || strings.HasSuffix(local, "-request") || strings.HasSuffix(local, "-bounces")
}

// domainOfAddressIn returns the registrable domain of the first address
// in a header value ("<mailto:x@example.org>", "list x@example.org; contact…").
func domainOfAddressIn(v string) string {
	at := strings.IndexByte(v, '@')
	if at <= 0 {
		return ""
	}
	end := at + 1
	for end < len(v) && !strings.ContainsRune(" \t>;,?\"')", rune(v[end])) {
		end++
	}
	return urlx.Registrable(strings.ToLower(v[at+1 : end]))
}

// ListAuthenticated reports whether the message comes from a mailing list
// whose own domain is authenticated: a DKIM signature of the list's domain
// passed, or SPF passed for an envelope sender in it. Such a list vouches
// for what it distributes, so a DMARC failure caused by its rewriting (a
// subject tag, a footer) is expected (RFC 7960 §3.2.3).
func (in *Input) ListAuthenticated() bool {
	if in.List == "" {
		return false
	}
	for _, d := range in.Auth.DKIMPass() {
		if in.Registrable(strings.ToLower(d)) == in.List {
			return true
		}
	}
	return in.Auth.SPF == "pass" && in.Registrable(strings.ToLower(in.Auth.SPFDomain)) == in.List
}

// ListVouched reports a message from a mailing list that answers for its
// own domain. A sealer the site trusts (Trust.ARCSealers) whose ARC
// results vouch for the message, at the list's own domain, is enough.
// Otherwise the list must be run by list software (ListManaged) and be
// authenticated (ListAuthenticated), or, where no authentication result
// was read at all, be taken for what its headers say, as ListRewroteFrom
// does. List-Id is one header anyone writes, on a domain of their own
// whose SPF passes as easily: a List-Id beside the List-Unsubscribe every
// bulk sender writes, with no other list field, vouches for nothing.
func (in *Input) ListVouched() bool {
	if in.List == "" {
		return false
	}
	if in.Auth.ARCVouched != "" && in.Registrable(strings.ToLower(in.Auth.ARCVouched)) == in.List {
		return true
	}
	return in.ListManaged() && (in.ListAuthenticated() || !in.Auth.Known())
}

// ListResends reports a vouched list (ListVouched) delivering a message
// someone outside the list's domain wrote: the list's own domain, in its
// envelope, footer links and opt-out, is then the list's, not the
// author's. The author's domain must have left its own mark
// (AuthorSigned): a list that leaves the author's message intact keeps
// its DKIM signature passing, one that changes it seals it (ARC), while
// a bulk sender that names itself a list on its own domain and puts any
// From above it has none that passes.
func (in *Input) ListResends() bool {
	return in.ListVouched() && in.FromOrg != in.List && in.AuthorSigned()
}

// AuthorSigned reports a From domain that took part in the message's
// authentication before it reached us: a DKIM signature of the From's
// organisational domain that passes, a DMARC pass, or a trusted sealer's
// ARC results. A signature that fails is not one: RFC 6376 §3.7's "fail"
// is a key found and a signature that does not match it, which a list's
// footer leaves — and which anyone writes by putting a DKIM-Signature
// with the author's d= and any b= above a forged From of a domain that
// publishes a key (TestOpenSparesServeNoAttacker). A list whose changes
// break its members' signatures answers for them by sealing (ARC, RFC
// 8617) or by rewriting From to its own domain (RFC 7960 §4.1.3). Where
// no authentication result was read at all, nothing shows it missing
// either.
func (in *Input) AuthorSigned() bool {
	if !in.Auth.Known() || in.Auth.DMARC == "pass" || in.Auth.ARCVouched != "" {
		return true
	}
	for _, d := range in.Auth.DKIM {
		if d.Result == "pass" && in.Registrable(strings.ToLower(d.Domain)) == in.FromOrg {
			return true
		}
	}
	return false
}

// listFields are the header fields list software writes to say which
// list a message came through and where the list lives: RFC 2919's
// List-Id, RFC 2369's List-Post, List-Archive, List-Help, List-Owner and
// List-Subscribe, RFC 5064's Archived-At, and the older managers'
// Mailing-List (ezmlm, Yahoo Groups) and X-Mailing-List (SmartList,
// vger). List-Unsubscribe is not one: every newsletter carries it.
var listFields = []string{"List-Id", "List-Post", "List-Archive", "Archived-At", "List-Help", "List-Owner", "List-Subscribe", "Mailing-List", "X-Mailing-List"}

// ListManaged reports a list named by at least two fields a list manager
// writes (listFields, or its administrative address), each at the list's
// own domain. Mailman, Sympa,
// LISTSERV, Google Groups, groups.io, ezmlm and vger all write several;
// a bulk sender's "List-Id" beside its List-Unsubscribe is one.
func (in *Input) ListManaged() bool {
	if in.List == "" {
		return false
	}
	if in.listManaged == 0 {
		in.listManaged = 1
		if in.listManagedNow() {
			in.listManaged = 2
		}
	}
	return in.listManaged == 2
}

// listManagedNow is ListManaged's reading of the header and envelope.
func (in *Input) listManagedNow() bool {
	h := in.Msg.Header
	n := 0
	for _, name := range listFields {
		if v := h.Get(name); v != "" && namesDomain(name, v, in.List) {
			n++
		}
	}
	// The list's administrative address as Sender, Errors-To or envelope
	// sender (Majordomo's owner-LIST, Mailman's LIST-bounces), or as the
	// contact a Mailing-List field names (ezmlm's and Yahoo Groups' "list
	// LIST@…; contact LIST-owner@…").
	contact := strings.Join(strings.Fields(h.Get("Mailing-List")), " ")
	if i := strings.Index(strings.ToLower(contact), "contact "); i >= 0 {
		contact = contact[i+len("contact "):]
	} else {
		contact = ""
	}
	for _, v := range []string{h.Get("Sender"), h.Get("Errors-To"), in.Env.MailFrom, contact} {
		v = strings.ToLower(v)
		if v != "" && (adminAddress(v) || mailman20Admin(v)) && namesDomain("", v, in.List) {
			n++
		}
	}
	return n >= 2
}

// mailman20Admin reports a value whose first address is Mailman 2.0's
// administrative address, LIST-admin@, which it wrote in Sender and
// Errors-To before LIST-bounces@. It is no proof of a list by itself
// (an "it-admin@" Sender is an ordinary mailbox), only a second field of
// one already named.
func mailman20Admin(v string) bool {
	at := strings.IndexByte(v, '@')
	return at > 0 && strings.HasSuffix(v[:at], "-admin")
}

// ListPostAddress returns the list's posting address from List-Post
// ("<mailto:list@example.org>", RFC 2369 §3.4), lower-cased, "" when it
// names none.
func (in *Input) ListPostAddress() string {
	v := strings.ToLower(in.Msg.Header.Get("List-Post"))
	i := strings.Index(v, "mailto:")
	if i < 0 {
		return ""
	}
	v = v[i+len("mailto:"):]
	if j := strings.IndexAny(v, ">?, \t"); j >= 0 {
		v = v[:j]
	}
	return v
}

// namesDomain reports a list field whose value names a host under the
// registrable domain d: List-Id's "<name.example.org>", an address
// ("<mailto:x@example.org>") or a URL ("<https://lists.example.org/…>").
func namesDomain(field, v, d string) bool {
	v = strings.ToLower(v)
	if field == "List-Id" {
		if i := strings.LastIndexByte(v, '<'); i >= 0 {
			v = strings.TrimSuffix(strings.TrimSpace(v[i+1:]), ">")
		}
		return urlx.Registrable(strings.TrimSpace(v)) == d
	}
	for _, sep := range []string{"@", "://"} {
		if hostAfter(v, sep, func(host string) bool { return urlx.Registrable(host) == d }) {
			return true
		}
	}
	return false
}

// hostAfter reports whether match holds for a host that follows sep
// ("@" in an address, "://" in a URL) somewhere in v, the host ending at
// the first character that cannot be in one.
func hostAfter(v, sep string, match func(host string) bool) bool {
	for rest := v; ; {
		i := strings.Index(rest, sep)
		if i < 0 {
			return false
		}
		rest = rest[i+len(sep):]
		host := rest
		if end := strings.IndexAny(rest, " \t>;,?#\"')/:"); end >= 0 {
			host = rest[:end]
		}
		if host != "" && match(host) {
			return true
		}
	}
}

// ListRewroteFrom reports a From in the own, authenticated domain of the
// list that delivered the message: list software that rewrites From for
// authors whose domain publishes p=reject or p=quarantine (RFC 7960
// §4.1.3) mints the address and display name itself — Mailman's and
// Sympa's "Author via list", LISTSERV's hex-token-dmarc-request address,
// groups.io's author=domain — so their shape says nothing about a
// throw-away sender. Where no authentication result was read at all (a
// relay whose Authentication-Results are not trusted), the list is not
// shown to be unauthenticated either, and its rewriting is taken for what
// its headers say; a list whose domain failed SPF and DKIM is not.
func (in *Input) ListRewroteFrom() bool {
	return in.FromOrg != "" && in.FromOrg == in.List && in.ListVouched()
}

// Body returns the message's text as the reader sees it: the plain part
// or the HTML part's visible text, whichever is longer.
func (in *Input) Body() string {
	if len(in.Msg.Text) > len(in.Msg.HTMLText) {
		return in.Msg.Text
	}
	return in.Msg.HTMLText
}

// OwnBody returns what the sender wrote as the reader sees it: Body, or
// for a forward (Forward) only the forwarder's words above the
// original's header block — the original's are the original's sender's,
// judged in its own scan (internal/checks/forward).
func (in *Input) OwnBody() string {
	if in.Forward != nil {
		return in.Forward.Own
	}
	return in.Body()
}

// CarriedSubject reports a forward whose subject is the original's, a
// forward's prefix aside (fwdblock.Found.CarriesSubject): its words are
// the original's sender's, not the forwarder's.
func (in *Input) CarriedSubject() bool {
	return in.Forward != nil && in.Forward.CarriesSubject(in.Subject())
}

// Subject returns the subject without the tag a list puts in front of it
// ("Re: [forteana] …" gives "Re: …"): the tag is the list's name, not
// something the author wrote.
func (in *Input) Subject() string {
	s := in.Msg.Subject
	if in.List == "" {
		return s
	}
	i := strings.IndexByte(s, '[')
	if i < 0 || i > 12 {
		return s
	}
	j := strings.IndexByte(s[i:], ']')
	if j < 0 {
		return s
	}
	return s[:i] + strings.TrimLeft(s[i+j+1:], " ")
}

// ListAuthor returns the author of a message a mailing list resent, when
// the list says so in a way that can be relied on, and whether the
// author's own domain answered for it. Lists rewrite From to their own
// address for authors whose domain asks for rejection (RFC 7960 §4.1.3:
// Mailman 2.1's and 3's munge_from, Sympa's dmarc_protection, Google
// Groups' "'Name' via Group", groups.io's "Name via groups.io"), and
// write the author beside it: X-Original-From (Sympa, Google Groups),
// Reply-To (Mailman, Google Groups) or Cc (Mailman 3 when replies go to
// the list), or in groups.io's address itself (name=domain@groups.io).
// The name the list put before "via" must be that author's.
//
// Only a list that answers for itself counts: it is run by list software
// with List-Id or List-Post at its domain (ListManaged), and its domain
// signed the message (DKIM) or a sealer the site trusts (its own, or the
// platform's: Google seals for Google Groups) recorded the author's DMARC
// pass in a chain the receiving side verified (auth.Results.ARCAuthor). List fields
// alone count for nothing, nor does a list where no authentication result
// was read: anyone writes List-Id and "Name via List" over a domain of his
// own, and under untrusted results nothing shows the list sent it.
//
// A list that did not rewrite From resends the author's From as it is
// (ListResends, here with results read): the From is then the author.
//
// The author's domain answered for it (authenticated) when the From is
// the author's and SenderAuthenticated, when the trusted sealer recorded
// a DMARC pass or a DKIM pass for the author's domain, or when the
// author's domain's DKIM signature still passes.
func (in *Input) ListAuthor() (author message.Address, authenticated, ok bool) {
	if in.List == "" || !in.Auth.Known() || !in.ListManaged() {
		return message.Address{}, false, false
	}
	h := in.Msg.Header
	if !namesDomain("List-Id", h.Get("List-Id"), in.List) && !namesDomain("List-Post", h.Get("List-Post"), in.List) {
		return message.Address{}, false, false
	}
	from := in.Msg.FromAddr()
	if in.FromOrg != in.List {
		if !in.ListResends() {
			return message.Address{}, false, false
		}
		return from, in.SenderAuthenticated() || in.Auth.ARCVouched != "", true
	}
	sealed := len(in.Auth.ARCAuthor) > 0
	signed := slices.ContainsFunc(in.Auth.DKIMPass(), func(d string) bool { return in.Registrable(d) == in.List })
	if !sealed && !signed {
		return message.Address{}, false, false
	}
	name := viaName(from.Name)
	if name == "" {
		return message.Address{}, false, false
	}
	var candidates []message.Address
	if raw := h.RawValues("X-Original-From"); len(raw) > 0 {
		candidates = append(candidates, message.ParseAddressList(raw[0], 1)...)
	}
	candidates = append(candidates, in.Msg.ReplyTo...)
	candidates = append(candidates, in.Msg.Cc...)
	if a, ok := groupsIOAuthor(from); ok {
		candidates = append(candidates, a)
	}
	for _, a := range candidates {
		d := in.Registrable(a.Domain())
		if d == "" || d == in.List || !sameAuthor(name, a) {
			continue
		}
		at := func(k string) bool { return in.Registrable(k) == d }
		authenticated = slices.ContainsFunc(in.Auth.ARCAuthor, at) || slices.ContainsFunc(in.Auth.DKIMPass(), at)
		return a, authenticated, true
	}
	return message.Address{}, false, false
}

// listPageFields are the fields whose URLs are a list's own pages
// (RFC 2369, RFC 5064): its archive, help, subscription and posting
// pages, which its footer links to.
var listPageFields = [...]string{"List-Archive", "Archived-At", "List-Help", "List-Subscribe", "List-Unsubscribe", "List-Post"}

// ListPage reports a host of the list's own: at the list's domain, or
// named by a URL in a field the list writes about itself (Google Groups'
// groups.google.com for a googlegroups.com list).
func (in *Input) ListPage(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || in.List == "" {
		return false
	}
	if urlx.Registrable(host) == in.List {
		return true
	}
	for _, name := range listPageFields {
		if hostAfter(in.Msg.Header.Get(name), "://", func(h string) bool { return strings.EqualFold(h, host) }) {
			return true
		}
	}
	return false
}

// viaName returns the author's name a list wrote before " via " in the
// display name of a From it rewrote ("'Claire Petit' via Infirmiers",
// "Maxime Girard (maxime.girard@…) via doctorants-bio"), "" when there is
// none.
func viaName(display string) string {
	i := strings.LastIndex(strings.ToLower(display), " via ")
	if i <= 0 {
		return ""
	}
	return strings.Trim(strings.TrimSpace(display[:i]), `'"`)
}

// sameAuthor reports an address whose display name is the name a list
// wrote before "via", or whose address it is (groups.io's and Sympa's
// forms that show the address).
func sameAuthor(name string, a message.Address) bool {
	fold := func(s string) string {
		return strings.ToLower(strings.Join(strings.Fields(strings.Trim(s, `'"`)), " "))
	}
	n := fold(name)
	if a.Name != "" && fold(a.Name) == n {
		return true
	}
	addr := strings.ToLower(a.Addr)
	return addr != "" && (n == addr || strings.HasSuffix(n, "("+addr+")") && a.Name != "" && fold(a.Name)+" ("+addr+")" == n)
}

// groupsIOAuthor returns the author groups.io encodes in the address of a
// From it rewrote: "Name via groups.io <name=domain.example@groups.io>".
func groupsIOAuthor(from message.Address) (message.Address, bool) {
	local := from.Local()
	i := strings.LastIndexByte(local, '=')
	if i <= 0 || !strings.Contains(local[i+1:], ".") {
		return message.Address{}, false
	}
	return message.Address{Name: viaName(from.Name), Addr: local[:i] + "@" + local[i+1:]}, true
}
