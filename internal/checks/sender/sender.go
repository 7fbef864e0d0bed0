// Package sender judges the sending infrastructure and the envelope: the
// anatomy of mail sent from a compromised web server or a throw-away host
// (www-data@ envelopes, PHP script traces, HELO names that are IP literals or
// not fully qualified, missing or dynamic reverse DNS) and the mismatches
// between the visible sender, the envelope sender and Reply-To.
package sender

import (
	"cmp"
	"context"
	_ "embed"
	"net/netip"
	"slices"
	"strings"

	"vigie.dev/vigie/internal/checks/links"
	"vigie.dev/vigie/internal/fwdblock"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

//go:embed signals.yaml
var signals []byte

//go:embed freemail.txt
var freemailList []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("sender", signals)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c *Check) Checks() []scan.Check { return []scan.Check{c} }

// Check is the sender-infrastructure check family.
type Check struct {
	freemail map[string]bool
	// Asks, when set, reports a message whose words ask something of the
	// reader (the lure family's Check.Asks): a list member's post is
	// spared as one only when it asks nothing (listPost). nil: no message
	// is taken to ask.
	Asks func(*scan.Input) bool
	// Holds, when set, reports a message holding a phrase of a lure theme
	// (the lure family's Check.Holds): a bounce or report that asks about
	// the reader's own mailbox is no mail system's (mailboxAsk). nil:
	// none does.
	Holds func(in *scan.Input, theme string) bool
	// AsksBeyondSharing, when set, is Asks without the shared-document
	// theme (the lure family's Check.AsksBeyondSharing): a sharing
	// service's notice in a person's name is spared its Reply-To only
	// when it asks nothing else (sharingNotice). nil: none is spared.
	AsksBeyondSharing func(*scan.Input) bool
	// Catalogued, when set, reports a domain the brand catalogue lists
	// as a brand's own or as its infrastructure (the brand family's
	// Check.Catalogued): like a top site's, its name is known and never
	// a randomly generated one (known). nil: none is.
	Catalogued func(domain string) bool
	// SameOwner, when set, reports two domains one catalogued brand
	// names both as its own (the brand family's Check.SameOwner): a
	// display name written as one of them above an address at the other
	// shows no other organisation. nil: none are.
	SameOwner func(a, b string) bool
	// Published, when set, reports a host where a catalogued brand's
	// customers publish their own pages (the brand family's
	// Check.Published): a link there is not the service's own
	// (actedFor). nil: none is.
	Published func(host string) bool
}

// known reports a registrable domain whose name is known, so that no
// guess from its shape applies to it: a top site of the MISP warning
// lists (scan.Input.TopSite) or a catalogued brand's own domain (Catalogued).
// "sncfconnect.com", SNCF Connect's, reads as consonants glued to a word,
// and its newsletter raised FROM_RANDOM_DOMAIN (issue 12, point 4: the
// random-domain heuristic must not fire on a known site).
func (c *Check) known(in *scan.Input, domain string) bool {
	return in.TopSite(domain) || c.Catalogued != nil && c.Catalogued(domain)
}

// sameOwner reports a display name's domain and a From domain that one
// catalogued brand names both as its own (SameOwner). Never for a free
// mailbox: a brand that is also a mail provider lists its users' domain
// among its own (Google's gmail.com), and "google.com" above a Gmail
// address is anyone's account posing as the brand.
func (c *Check) sameOwner(name, from string) bool {
	return c.SameOwner != nil && !c.IsFreemail(from) && c.SameOwner(name, from)
}

// New builds the check; freemail overrides the embedded list when not nil.
func New(freemail []byte) *Check {
	if freemail == nil {
		freemail = freemailList
	}
	return &Check{freemail: urlx.ReadList(freemail)}
}

// Name implements scan.Check.
func (*Check) Name() string { return "sender" }

// IsFreemail reports whether the domain is a free mailbox provider.
func (c *Check) IsFreemail(domain string) bool {
	return c.freemail[domain] || c.freemail[urlx.Registrable(domain)]
}

// freemailIn is IsFreemail asking the message's memo of registrable
// domains (scan.Input.Registrable).
func (c *Check) freemailIn(in *scan.Input, domain string) bool {
	return c.freemail[domain] || c.freemail[in.Registrable(domain)]
}

// webServerUsers are the local parts of mail sent by a web server's own
// account: a compromised CMS or a phishing kit's mailer. Each is the
// account a web server or the system runs as by default, with where that
// default is written (TestWebServerUsersHaveSources); "httpd", "php" and
// "web", which no package's default names, were removed in December 2026
// without a change to the evaluation list.
var webServerUsers = map[string]string{
	"www-data": "Debian's and Ubuntu's Apache and nginx packages (base-passwd's www-data account); MailSecure's Chorus Pro write-up (March 2026: envelope sender www-data@ a random domain)",
	"apache":   "Fedora's and Red Hat's httpd package (httpd.conf: User apache)",
	"wwwrun":   "openSUSE's and SUSE's apache2 package (User wwwrun)",
	"nginx":    "the nginx.org packages' nginx.conf (user nginx)",
	"www":      "FreeBSD's and OpenBSD's web server account (www in their default passwd; OpenBSD's httpd(8) runs as www)",
	"daemon":   "Apache httpd 2.4's distributed httpd.conf (User daemon)",
	"nobody":   "Apache httpd's former default User (nobody) and the unprivileged account of every Unix (base-passwd's nobody)",
	"root":     "the superuser, whose scripts and cron jobs mail as root@ the host (cron's mail to the job's owner, crond(8))",
}

// Check implements scan.Check.
func (c *Check) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	m := in.Msg
	from := m.FromAddr()
	h := m.Header

	if from.Addr == "" {
		out.Emit("FROM_MISSING", h.Get("From"))
	} else if len(m.From) > 1 {
		out.Emit("FROM_MULTIPLE", m.Header.Get("From"))
	}
	if isReplySubject(m.Subject) && !h.Has("In-Reply-To") && !h.Has("References") && !h.Has("Thread-Index") {
		out.Emit("FAKE_REPLY", m.Subject)
	}
	if m.HTML != "" && m.Text == "" && len(m.Attachments) == 0 {
		out.Emit("MIME_HTML_ONLY", "")
	}
	if len(m.To) == 0 && len(m.Cc) == 0 {
		out.Emit("NO_VISIBLE_RECIPIENT", h.Get("To"))
	}

	// A web application's notice from the sender's own site is judged on
	// its content, not on the web server that sent it (webAppNotice).
	// Reading the notice's templates costs a pass over its text, so it is
	// read only when a signal it would silence is about to be raised.
	webAppRead, webAppIs := false, false
	webApp := func() bool {
		if !webAppRead {
			webAppRead, webAppIs = true, c.webAppNotice(in)
		}
		return webAppIs
	}

	// Envelope sender.
	mf := strings.ToLower(strings.Trim(in.Env.MailFrom, "<> "))
	if mf != "" {
		local := mf
		if i := strings.LastIndexByte(mf, '@'); i >= 0 {
			local = mf[:i]
		}
		if webServerUsers[local] != "" && !webApp() {
			out.Emit("ENVELOPE_WEBSERVER_USER", mf)
		}
		// A sender authenticated by DMARC or an aligned pass may bounce to
		// its mailing service's domain: that is how ESPs work. A list run by
		// list software (ListManaged) resends with its own bounce address.
		// The envelope is the bounce handler's (RFC 5321 §4.4), an ESP's
		// for every newsletter it sends; what tells a forger from a
		// customer is whether the From domain answers for the message
		// (DMARC alignment, RFC 7489 §3.1). Where no authentication result
		// was read at all (a relay whose Authentication-Results are not
		// trusted, AUTH_RESULTS_UNKNOWN), the sender is not shown to be
		// unauthenticated, only not shown to be authenticated, and the
		// mismatch is an ESP's as much as a forger's — as for
		// INSTITUTION_UNAUTHENTICATED and scan.Input.ListVouched.
		if in.FromOrg != "" && in.MailFromDomain != "" && in.Registrable(in.MailFromDomain) != in.FromOrg && !in.ListManaged() && !in.SenderAuthenticated() && in.Auth.Known() && !webApp() {
			out.Emit("FROM_RETURN_PATH_MISMATCH", in.FromDomain+" / "+in.MailFromDomain)
		}
	}
	if webServerUsers[strings.ToLower(from.Local())] != "" && !webApp() {
		out.Emit("ENVELOPE_WEBSERVER_USER", strings.ToLower(from.Addr))
	}
	if s := cmp.Or(h.Get("X-PHP-Originating-Script"), h.Get("X-PHP-Script")); s != "" && !webApp() {
		out.Emit("PHP_SCRIPT_TRACE", firstField(s))
	}
	if x := h.Get("X-Mailer"); strings.Contains(strings.ToLower(x), "phpmailer") && !webApp() {
		out.Emit("PHPMAILER", x)
	}

	c.replyTo(in, out, webApp)
	// Sent to no visible recipient with replies diverted to a free
	// mailbox that did not write it: the advance-fee and prize letter
	// mailed in blind copy from a borrowed account (SpamAssassin's
	// UNDISC_FREEM, "undisclosed recipients + freemail reply-to"). Each
	// half occurs alone in genuine mail — an internal note in Bcc, a
	// Reply-To to a colleague's Gmail — both together in none of the
	// training part's legitimate messages and in 9 of its phishing ones.
	if out.Emitted("NO_VISIBLE_RECIPIENT") && out.Emitted("REPLYTO_FREEMAIL") {
		out.Emit("UNDISCLOSED_FREEMAIL_REPLY", "")
	}
	c.invitationOrganizer(in, out)
	if nullSenderOutsideReports(in, c.Holds) {
		out.Emit("ENVELOPE_NULL_SENDER", "")
	}
	for _, d := range []string{in.FromDomain, in.MailFromDomain} {
		// A user's own subdomain of a publishing platform
		// (x.firebaseapp.com): anyone can send from one in minutes.
		if _, ok := links.UserSite(d); ok {
			out.Emit("FROM_FREE_HOSTING", d)
			break
		}
	}

	// Display name that shows another address than the real one.
	if a := addressIn(from.Name); a != "" && from.Addr != "" {
		d := message.Address{Addr: a}.Domain()
		if d != "" && in.Registrable(d) != in.FromOrg && !in.ListRewroteFrom() {
			out.Emit("FROM_NAME_OTHER_ADDRESS", a)
		}
	} else if d := domainIn(from.Name); d != "" && in.FromOrg != "" && d != in.FromOrg && !urlx.SameName(d, in.FromOrg) && !in.ListVouched() && !c.sameOwner(d, in.FromDomain) {
		// A name written as the sender's own domain under another
		// suffix or as the sister domain it mails from ("Expedia.com"
		// <…@expediamail.com>, "Le Monde.fr" <…@lemonde.fr>) shows no
		// other organisation than the address: urlx.SameName. A
		// lookalike sender gains nothing by it that writing "PayPal"
		// without ".com" does not already give it. So does a name
		// written as another of the brand's own domains
		// ("impots.gouv.fr" <…@dgfip.finances.gouv.fr>, sameOwner).
		out.Emit("FROM_NAME_OTHER_DOMAIN", d)
	}
	// A mailing list resends its members' mail with its own envelope
	// sender, its administrative or bounce address (RFC 5321 §3.9.2), and
	// names itself in List-Id (RFC 2919): the envelope of a list message
	// is the list's, whose name was chosen once for years ("freshrpms"
	// reads as consonants), not a throw-away domain of the author.
	if in.FromOrg != "" && urlx.RandomLabel(in.FromOrg) && !c.known(in, in.FromOrg) {
		out.Emit("FROM_RANDOM_DOMAIN", in.FromOrg)
	} else if d := in.Registrable(in.MailFromDomain); d != "" && !listEnvelope(in, d) && urlx.RandomLabel(d) && !c.known(in, d) {
		out.Emit("FROM_RANDOM_DOMAIN", d)
	}
	if strings.TrimSpace(m.Subject) == "" {
		out.Emit("EMPTY_SUBJECT", "")
	}
	if numberedLocal(from.Local()) {
		out.Emit("FROM_LOCAL_NUMBERED", from.Addr)
	} else if t := generatedLocal(from.Local()); t != "" && !bounceTracking(t, from.Local(), mf, in) && !in.ListRewroteFrom() && !c.listPost(in) {
		out.Emit("FROM_LOCAL_RANDOM", from.Addr)
	}
	if n := longestDigitRun(from.Name); n >= 6 {
		out.Emit("FROM_NAME_NUMBER", from.Name)
	}
	if from.Addr != "" && c.freemailIn(in, in.FromDomain) {
		out.Emit("FROM_FREEMAIL", in.FromDomain)
		if serviceName.Contains(from.Name, 20) && !establishmentOffice(in, from) {
			out.Emit("FREEMAIL_SERVICE_NAME", from.Name+" <"+in.FromDomain+">")
		}
	}
	c.bodyFreemailContact(in, out)

	c.connection(in, out)
}

// listEnvelope reports an envelope domain that is the domain of the list
// that distributed the message, the author being someone else: the list's
// own bounce address (RFC 5321 §3.9.2, RFC 2919).
func listEnvelope(in *scan.Input, envelope string) bool {
	return envelope == in.List && in.ListResends()
}

// connection judges HELO and reverse DNS.
func (c *Check) connection(in *scan.Input, out *scan.Emitter) {
	env := in.Env
	if env.Authenticated {
		return
	}
	helo := strings.ToLower(strings.TrimSuffix(env.HELO, "."))
	if helo != "" {
		switch {
		case strings.HasPrefix(helo, "[") || urlx.IsIP(helo):
			out.Emit("HELO_IP_LITERAL", helo)
		case !strings.Contains(helo, "."):
			// A bare host name is what a host calls itself when no one
			// configured a domain: .NET's SmtpClient and PowerShell's
			// Send-MailMessage say the machine's name (IPGlobalProperties
			// .HostName), as do appliances and scripts through a local
			// MTA. From a sender whose domain answers for the message
			// (SPF or DKIM aligned, no broken DMARC), it is the domain's
			// own server left on its default. Spam tools' bare names
			// (droplet-6524, ubuntu-s-1vcpu-…) came, in every training
			// message, with no aligned authentication.
			if !in.SenderAnswers() {
				out.Emit("HELO_NOT_FQDN", helo)
			}
		case !urlx.PublicName(helo) && !privateUseName(helo) && !ownInternalName(helo, env.RDNS):
			out.Emit("HELO_NOT_FQDN", helo)
		case env.RDNS != "" && in.Registrable(helo) != in.Registrable(env.RDNS):
			out.Emit("HELO_RDNS_MISMATCH", helo+" / "+env.RDNS)
		}
		// The bare name of a registered domain (no host label) other than
		// the sender's names an organisation, not the connecting host
		// (RFC 5321 §4.1.1.1): spam tools pick such names. A domain that
		// passes DMARC answers for its mail whoever relays it.
		// Nor does it when the connecting address's reverse name, which
		// the address's owner sets, lies under that domain: a hosting
		// company's shared server says its operator's name
		// (RFC 5321 §4.1.4 lets a server check HELO against the address).
		if in.Registrable(helo) == helo && urlx.ICANNDomain(helo) && helo != in.FromOrg &&
			helo != in.Registrable(in.MailFromDomain) && in.Auth.DMARC != "pass" &&
			in.Registrable(strings.ToLower(env.RDNS)) != helo {
			out.Emit("HELO_OTHER_DOMAIN", helo)
		}
	}
	if !env.ClientIP.IsValid() || !env.ClientIP.IsGlobalUnicast() || env.ClientIP.IsPrivate() {
		return
	}
	switch {
	case env.RDNSKnown && env.RDNS == "":
		out.Emit("RDNS_NONE", env.ClientIP.String())
	case env.RDNS != "" && GenericRDNS(env.RDNS, env.ClientIP) && !in.TopSite(in.Registrable(strings.ToLower(env.RDNS))):
		// A big provider's outbound hosts spell their address out too
		// (mail-db8eur05on2101.outbound.protection.outlook.com).
		out.Emit("RDNS_GENERIC", env.RDNS)
	}
}

// GenericRDNS reports reverse names of access networks and unnamed hosting:
// names that spell the address out or carry pool words.
func GenericRDNS(name string, ip netip.Addr) bool {
	name = strings.ToLower(name)
	first := strings.SplitN(name, ".", 2)[0]
	if ip.Is4() {
		b := ip.As4()
		n := 0
		for _, o := range b {
			if strings.Contains(first, itoa(o)) {
				n++
			}
		}
		if n >= 3 {
			return true
		}
	}
	for _, w := range []string{"dynamic", "dyn-", "dsl", "dhcp", "pool", "ppp", "cable", "broadband", "dialup", "customer", "cpe-", "static-ip", "unassigned", "ip-", "host-"} {
		if strings.Contains(first, w) {
			return true
		}
	}
	return false
}

func itoa(b byte) string {
	if b < 10 {
		return string('0' + b)
	}
	if b < 100 {
		return string([]byte{'0' + b/10, '0' + b%10})
	}
	return string([]byte{'0' + b/100, '0' + b/10%10, '0' + b%10})
}

func firstField(s string) string {
	if i := strings.IndexAny(s, " \t"); i > 0 {
		return s[:i]
	}
	return s
}

// addressIn finds an e-mail address written inside a display name.
func addressIn(name string) string {
	i := strings.IndexByte(name, '@')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	start := strings.LastIndexAny(name[:i], " <\"'(,") + 1
	end := i + 1 + strings.IndexAny(name[i+1:]+" ", " >\"'),")
	a := strings.Trim(name[start:end], ".")
	if !strings.Contains(a[strings.IndexByte(a, '@'):], ".") {
		return ""
	}
	return strings.ToLower(a)
}

// domainIn returns the registrable domain of a word of a display name that
// is a domain name under a real top-level domain ("ssa.gov",
// "Bezorging-van.NL"): a sender naming a site it does not send from.
func domainIn(name string) string {
	for w := range strings.FieldsFuncSeq(name, func(r rune) bool { return strings.ContainsRune(" \t\"'(),<>[]|:;!?", r) }) {
		if w = strings.Trim(strings.ToLower(w), ".-_*#"); strings.Contains(w, ".") && urlx.ICANNDomain(w) {
			return urlx.Registrable(w)
		}
	}
	return ""
}

// longestDigitRun returns the length of the longest run of digits in s:
// protocol and case numbers in display names are a fraud decoration.
func longestDigitRun(s string) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// isReplySubject reports a reply prefix (Re:, AW:, SV:, VS:, RES:), with
// the spaces French typography puts before its colon ("RE :", a no-break
// space or a narrow one: fwdblock.Prefix reads them as "RE:"). A
// forward's (Fw:, Fwd:, TR:, WG:, RV:, ENC:) is not one: a forward starts
// a new message, and In-Reply-To and References are a reply's (RFC 5322
// §3.6.4); Thunderbird, Gmail and Apple Mail thread forwards with them,
// mutt (forward_references off by default) and other clients do not.
// What a forward carries is judged by the forward family.
func isReplySubject(s string) bool {
	return replyPrefixes[fwdblock.Prefix(s)]
}

// replyPrefixes are the reply prefixes FAKE_REPLY reads: Re:, AW:
// (German), Res: (Portuguese), SV: (Swedish, Danish), VS: (Finnish), R:
// (Outlook in Italian; fwdblock reads it as a reply too, so a phisher's
// "R:" is judged as his "Re:"). Sources: RFC 5322 §3.6.5 for "Re: ";
// the mail clients' translations as Wikipedia's "List of email subject
// abbreviations" tabulates them (AW Antwort, SV Svar, VS Vastaus, RES
// Resposta, R Risposta).
var replyPrefixes = map[string]bool{"re": true, "aw": true, "res": true, "sv": true, "vs": true, "r": true}

// numberedLocal reports local parts generated in bulk: words joined by "_"
// or "-" and ending in a serial number of four digits or more
// (Weaver_Erich_85918, NEW_OFFRE_7_53920, department-client-n18610).
// A year is what people add to their own address, often a birth year
// after a hyphenated first name (marie-helene_1975, famille_leroy_2019),
// not a serial — when the year stands alone after words that are all
// letters, as a name is: a bulk generator's campaign counter or its "n"
// for numéro before the digits (NEW_OFFRE_7_2024, client-n2019) keeps a
// serial's shape whatever its value, the year range being two hundred
// serials an attacker may cycle through like any other.
func numberedLocal(local string) bool {
	parts := strings.FieldsFunc(local, func(r rune) bool { return r == '_' || r == '-' })
	if len(parts) < 3 {
		return false
	}
	lastPart := parts[len(parts)-1]
	last := strings.TrimLeft(lastPart, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	if len(last) < 4 || longestDigitRun(last) != len(last) {
		return false
	}
	return !yearLike(last) || last != lastPart || slices.ContainsFunc(parts[:len(parts)-1], func(p string) bool {
		return strings.ContainsFunc(p, func(r rune) bool { return r >= '0' && r <= '9' })
	})
}

// yearLike reports four digits that read as a year of a person's life,
// 1900 to 2099.
func yearLike(digits string) bool {
	return len(digits) == 4 && (strings.HasPrefix(digits, "19") || strings.HasPrefix(digits, "20"))
}

// serviceName holds the words of a department, a service account or an
// authority (court, police); a real one does not write from a free mailbox.
// The words and the public alerts that show each above a mailbox that is
// not the organisation's are in service_names.txt. The value is true for
// the words of an establishment's ordinary offices (ordinaryOffices),
// which a small establishment's own ISP mailbox may carry (office.go);
// false for the desks and authorities phishing poses as (support,
// security, the court, the police), which never may.
var serviceName = func() *textmatch.Dict[bool] {
	d := textmatch.New[bool]()
	for w := range urlx.ReadList(serviceNameList) {
		d.Add(w, ordinaryOffices[w])
	}
	return d
}()

//go:embed service_names.txt
var serviceNameList []byte

// ordinaryOffices are the words of service_names.txt that name an
// establishment's ordinary office (its "service", its billing or payroll
// office), not a desk or an authority.
var ordinaryOffices = map[string]bool{"service": true, "services": true, "billing": true, "facturation": true, "payroll": true, "paie": true}

// generatedLocal returns the token of a local part that reads as
// machine-generated (aNiOPsklEuPFaAJ@, zlxwgyuqyrir@): bulk senders rotate
// such addresses to stay ahead of per-sender reputation. A +tag is ignored.
func generatedLocal(local string) string {
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if encodedLocal(local) {
		return ""
	}
	for t := range strings.FieldsFuncSeq(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
		if textmatch.Generated(spelledOut(t), 6) {
			return t
		}
	}
	return ""
}

// businessAbbreviations are the vowel-less abbreviations of business
// English that dictionaries list (Merriam-Webster's: mgmt, mktg, svc,
// acct, acctg, dept, intl, govt, mfg, bldg…), each with its word, longest
// first. Companies name their role mailboxes with them — perfmgmt,
// ecthrsvcs, riskmgmt, acctgdept, itsvcdesk — and their consonant runs
// read as a generator's (perFMGMT).
var businessAbbreviations = []string{
	"mgmt", "management", "mktg", "marketing", "svcs", "services",
	"acctg", "accounting", "accts", "accounts", "acct", "account",
	"dept", "department", "intl", "international", "natl", "national",
	"govt", "government", "pymt", "payment", "bldg", "building",
	"trng", "training", "mgt", "management", "mgr", "manager",
	"svc", "service", "pmt", "payment", "mfg", "manufacturing",
	"mtg", "meeting", "ctr", "center",
}

var spellOut = strings.NewReplacer(businessAbbreviations...)

// spelledOut returns a one-case token with the business abbreviations in
// it written as their words, so that only the letters around them are
// judged: perfmgmt reads as perfmanagement, while a generated string
// stays generated with an abbreviation glued to it (xkqzvmgmt is still
// xkqzv…). A token of mixed case is left as it is: role mailboxes are
// written in one case, and the capitals of a generated one are part of
// what shows it (aNiOPsklEuPFaAJ). Most tokens hold no abbreviation and
// are returned without a copy.
func spelledOut(t string) string {
	upper, lower, found := false, false, false
	for i := 0; i < len(t); i++ {
		upper = upper || t[i] >= 'A' && t[i] <= 'Z'
		lower = lower || t[i] >= 'a' && t[i] <= 'z'
	}
	if upper && lower {
		return t
	}
	for i := 0; i < len(businessAbbreviations) && !found; i += 2 {
		a := businessAbbreviations[i]
		for j := 0; j+len(a) <= len(t) && !found; j++ {
			found = strings.EqualFold(t[j:j+len(a)], a)
		}
	}
	if !found {
		return t
	}
	return spellOut.Replace(strings.ToLower(t))
}

// encodedLocal reports a local part that mailing software wrote to encode
// something (a recipient, a message number) rather than a mailbox someone
// made up: SRS and VERP encodings use '=' and '#' (SRS0=HHH=TT=domain=local,
// bounce-user=domain@), and list and newsletter managers number their
// per-message addresses in several numeric fields (Online#3.21186.45-…).
// A throw-away sender rotates plain random words instead.
func encodedLocal(local string) bool {
	if strings.ContainsAny(local, "#=") {
		return true
	}
	numeric := 0
	for t := range strings.FieldsFuncSeq(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
		if strings.Trim(t, "0123456789") == "" {
			numeric++
		}
	}
	return numeric >= 2
}

// bounceTracking reports a generated token that the envelope sender
// repeats in another address of the sender's own domain: the per-recipient
// bounce address (VERP) of a bulk sender that processes its bounces, as
// newsletters and list servers do (Online#3.1996.2a-726zgP@news.example
// bouncing to Online#3.1996.2a-726zgP.b@news.example). A throw-away sender
// has no bounce processing to encode the token for.
func bounceTracking(token, local, envelope string, in *scan.Input) bool {
	at := strings.LastIndexByte(envelope, '@')
	if at < 0 || in.Registrable(in.MailFromDomain) != in.FromOrg || in.FromOrg == "" {
		return false
	}
	envLocal := envelope[:at]
	return envLocal != strings.ToLower(local) && strings.Contains(envLocal, strings.ToLower(token))
}

// replyTo judges where answers go. A free mailbox other than the sender's
// own address, on another provider or on the same one
// (pr3697787@gmail.com answered at europeanbanklondom@gmail.com), sends
// the answer to an account that did not write the message: the shape of
// advance-fee and gift-card fraud (SpamAssassin's FREEMAIL_FORGED_REPLYTO
// and FREEMAIL_REPLYTO). Lists set Reply-To to the list or the author and
// are left alone (listReply); any other Reply-To under a List-Id is judged
// as the author's own.
//
// On a web application's notice (webAppNotice), a Reply-To that is the
// visitor's address printed in the body (visitorReplyTo) is the form's
// own default and not judged.
func (c *Check) replyTo(in *scan.Input, out *scan.Emitter, webApp func() bool) {
	m := in.Msg
	from := m.FromAddr()
	if len(m.ReplyTo) == 0 || from.Addr == "" {
		return
	}
	rt := m.ReplyTo[0]
	rd := rt.Domain()
	switch {
	case rd == "" || listReply(in, rt, c.freemailIn(in, rd)) || relayedAuthor(in, rt) || webApp() && c.visitorReplyTo(in) || c.sharedBy(in, rt, from) || c.actedFor(in, rt, from):
	case in.Registrable(rd) != in.FromOrg && c.freemailIn(in, rd):
		out.Emit("REPLYTO_FREEMAIL", strings.ToLower(rt.Addr))
	case in.Registrable(rd) != in.FromOrg:
		out.Emit("REPLYTO_OTHER_DOMAIN", rd)
	case c.freemailIn(in, rd) && !strings.EqualFold(rt.Addr, from.Addr):
		out.Emit("REPLYTO_FREEMAIL", strings.ToLower(rt.Addr))
	}
}

// sharedBy reports a sharing service's notice whose Reply-To is the
// person who shared (sharingNotice); never without AsksBeyondSharing.
func (c *Check) sharedBy(in *scan.Input, rt, from message.Address) bool {
	return c.AsksBeyondSharing != nil && sharingNotice(in, rt, from, c.asksBeyondNotice)
}

// asksBeyondNotice reports a service's notice in a person's name whose
// words ask something beyond the notice (AsksBeyondSharing: an invoice,
// a payment, a sign-in) or press (a phrase of the lure catalogue's
// urgency theme, Holds). Part of such a notice's words are its user's:
// the sharer's note on a Drive share, the invitee's answers, the
// requester's message. "Urgent: answer me directly by e-mail before
// tonight" there, with the reply going to a free mailbox, is the
// business e-mail compromise's opener (FBI, "Business Email
// Compromise": be especially wary of a requester pressing you to act
// quickly), not the service's notice; its Reply-To stays judged
// (sharingNotice, actedFor).
func (c *Check) asksBeyondNotice(in *scan.Input) bool {
	return c.AsksBeyondSharing(in) || c.Holds != nil && c.Holds(in, "urgency")
}

// invitationOrganizer reports a calendar invitation whose organiser is a
// free mailbox that did not send it: the message comes from one domain
// (an appointment or notification service, a calendar provider) in the
// name of a Gmail or Outlook.com account. Invitation phishing (Check
// Point's 2024 report on Google Calendar abuse, Kaspersky's and
// Microsoft's on Outlook and booking-service invites) sends its lure
// through a reputable service's calendar mail with the attacker's own
// free account as organiser, so that "accept" and "reply" go to him.
// An invitation a person sends from her own mailbox (Google Calendar
// and Outlook.com write the organiser into From) and a colleague's or
// partner's Teams, Zoom or Doctolib invitation, organised at the
// sender's own domain, are left alone. A small business booking through
// a scheduling service under a free address has the same shape, so the
// signal only corroborates: it cannot flag a message by itself.
func (c *Check) invitationOrganizer(in *scan.Input, out *scan.Emitter) {
	for _, o := range in.Msg.CalendarOrganizers {
		i := strings.LastIndexByte(o, '@')
		if i < 0 {
			continue
		}
		d := strings.TrimSuffix(o[i+1:], ".")
		if c.freemailIn(in, d) && in.Registrable(d) != in.FromOrg {
			out.Emit("INVITATION_FREEMAIL_ORGANIZER", o)
			return
		}
	}
}

// listPost reports a member's post that a list answering for its own
// domain (scan.Input.ListResends: List-Id, RFC 2919, authenticated)
// resends, and whose words ask nothing of the reader (Asks): a member
// writes from the one address the list knows, chosen once
// ("jcmvbkbc@gmail.com", a person's initials), not from an address
// rotated to stay ahead of per-sender reputation, which is what
// FROM_LOCAL_RANDOM is for. None of the training part's 38 phishing
// messages with a generated local part came through a list — but a
// "list" is an SPF record and two header fields on a domain of the
// attacker's, its member a Gmail address of his own; a parcel-fee notice
// posted so asks to pay, which no discussion among members does
// (TestDaySparesDoNotServeAnAttacker).
func (c *Check) listPost(in *scan.Input) bool {
	return in.ListResends() && (c.Asks == nil || !c.Asks(in))
}

// relayedAuthor reports a Reply-To that a submission relay of a known
// site wrote for the author whose mail it sends under its own domain: the
// relay authenticates for its From (DMARC pass), its domain is a top site
// (MISP's warning lists: a throw-away domain is not), and its From's local
// part, or the +tag of it (RFC 5233), spells the Reply-To address with its
// '@' written as '.' or '=' — kernel.org's B4 web submission endpoint
// sends "Name via B4 Relay <devnull+author.example.org@kernel.org>" with
// Reply-To the author (b4 documentation, "Sending your patches"), as
// groups.io writes "author=example.org@groups.io" (RFC 7960 §4.1.3: the
// intermediary rewrites From to its own domain and keeps the author
// reachable). The reply goes where the From already says it goes. Only on
// a list run by list software (ListManaged), where such a relay's mail is
// read: B4's endpoint sends for any address its owner verified, a Gmail
// address too, to any recipient, and straight to a hospital's agent its
// "devnull+secours.compte.gmail.com@kernel.org" is a stranger's mailbox
// behind a top site's DMARC pass (TestDaySparesDoNotServeAnAttacker).
func relayedAuthor(in *scan.Input, rt message.Address) bool {
	if in.Auth.DMARC != "pass" || !in.TopSite(in.FromOrg) || !in.ListManaged() {
		return false
	}
	local := strings.ToLower(in.Msg.FromAddr().Local())
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[i+1:]
	}
	l, d, ok := strings.Cut(strings.ToLower(rt.Addr), "@")
	if !ok || l == "" || d == "" {
		return false
	}
	return local == l+"."+d || local == l+"="+d
}

// listReply reports a Reply-To a mailing list wrote, the list being run
// by list software (ListManaged): the list's own address or the one
// List-Post gives (Mailman's reply_goes_to_list, groups.io, LISTSERV's
// Reply-To=List), or, where the
// list rewrote From to its own address ("Claire Petit via Infirmiers
// hygiène", the DMARC mitigation of Mailman, Sympa and Google Groups,
// RFC 7960 §4.1.3), the author's address, whatever its domain. A free
// mailbox is no list's own address, and a List-Id alone is a bulk
// sender's claim: their Reply-To is judged as anyone's.
func listReply(in *scan.Input, rt message.Address, freemail bool) bool {
	if !in.ListManaged() {
		return false
	}
	if in.Registrable(rt.Domain()) == in.List && !freemail || strings.EqualFold(rt.Addr, in.ListPostAddress()) {
		return true
	}
	return in.FromOrg == in.List && strings.Contains(strings.ToLower(in.Msg.FromAddr().Name), " via ")
}

// nullSenderOutsideReports reports a message sent with the null reverse
// path (MAIL FROM:<>) that is none of the messages the null path is for:
// delivery status notifications and read receipts (multipart/report,
// RFC 5321 §4.5.5, RFC 3464, RFC 8098) and automatic replies (RFC 3834
// §3.3, marked Auto-Submitted, or X-Autoreply and Precedence: auto_reply by
// older responders). Mass mailers use it so that bounces go nowhere and
// no return address can be reported.
//
// Neither a report nor a plain bounce asks the reader to act on his own
// mailbox (mailboxAsk): a null-path "quota exceeded, restore your
// messages" From the MAILER-DAEMON of the phisher's own host, its link
// below a made-up "copy of the message", was spared as its host's bounce
// (2.00 behind the MX, 0.00 under the evaluation's trust, with the lure
// family's words alone to tell it).
func nullSenderOutsideReports(in *scan.Input, holds func(*scan.Input, string) bool) bool {
	if in.Env.MailFrom != scan.NullSender {
		return false
	}
	h := in.Msg.Header
	if a := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); a != "" && a != "no" {
		return false
	}
	if h.Has("X-Autoreply") || h.Has("X-Autorespond") || strings.EqualFold(strings.TrimSpace(h.Get("Precedence")), "auto_reply") {
		return false
	}
	return !(in.DeliveryReport() || bounceFromItsHost(in)) || mailboxAsk(in, holds)
}

// mailboxAsk reports a message whose words hold the lure catalogue's
// notice about the reader's own mailbox (the password_expiry theme, whose
// mailbox phrases are a quota reached and held messages to restore,
// retrieve or release). A bounce says why the message it returns was not
// delivered (RFC 3464 §2.1, RFC 3461 §6.2: the message or its headers);
// an over-quota bounce speaks of the recipient's mailbox, never of the
// reader's, and asks nothing of him on a page (Microsoft Learn,
// "Non-delivery reports in Exchange Online"; Postfix's bounce(5)).
func mailboxAsk(in *scan.Input, holds func(*scan.Input, string) bool) bool {
	return holds != nil && holds(in, "password_expiry")
}

// bounceFromItsHost reports a bounce in the plain form of the mail
// systems that write no report (qmail-send's "failure notice", older
// Exim's "Mail delivery failed"): From the mail system's own mailbox,
// MAILER-DAEMON as sendmail, Postfix, Exim and qmail name it, or the
// postmaster every mail domain has (RFC 5321 §4.5.1), at the organisation
// of the host that connected, whose HELO is the identity the null path's
// SPF checks (RFC 7208 §2.4). Anyone may write that From; at another
// domain than the connecting host's, it is the fake bounce's. Where
// nothing of the connection is known (a stored message from a relay no
// one trusts), the From is all there is, as forgeable as the report's
// content type that excuses a report; the fake bounce is told by what it
// asks, not by the null path. A bounce returns the message it could not
// deliver, whole or its headers (RFC 3461 §6.2's RET; qmail's "Below this
// line is a copy of the message", Exim's "This is a copy of the message,
// including all the headers", sendmail's "Original message follows"): a
// null-path survey, prize or parcel lure From the MAILER-DAEMON of the
// phisher's own domain returns none, and stays a mass mailing. And the
// plain form is plain: no HTML, and no link in the mail system's own words
// before the copy (linkBeforeCopy). The phisher who copies a trace field
// in owns his host and its HELO too: his "mail delivery system" From
// MAILER-DAEMON at it, in HTML, with a button to "review held messages",
// fell from tag (4.73 behind the MX) to accept once its host spared it
// (TestPlainBounceFromItsHost).
func bounceFromItsHost(in *scan.Input) bool {
	local := strings.ToLower(in.Msg.FromAddr().Local())
	if local != "mailer-daemon" && local != "postmaster" || in.FromOrg == "" || !returnsAMessage(in.Msg) {
		return false
	}
	if in.Msg.HTMLText != "" || linkBeforeCopy(in.Msg.Text) {
		return false
	}
	helo := strings.ToLower(strings.TrimSuffix(in.Env.HELO, "."))
	return helo == "" || in.Registrable(helo) == in.FromOrg
}

// linkBeforeCopy reports a web address in a bounce's own words: its text
// before the copy of the returned message, whose first trace field
// (Received:, as returnsAMessage reads it) begins a line. The copy is the
// sender's own message and may hold any link; the mail system that writes
// the failure links to nothing.
func linkBeforeCopy(text string) bool {
	own := text
	if at := copyStart(text); at >= 0 {
		own = text[:at]
	}
	lower := strings.ToLower(own)
	return strings.Contains(lower, "http://") || strings.Contains(lower, "https://") || strings.Contains(lower, "www.")
}

// returnsAMessage reports a message that carries another one back: as a
// message/rfc822 part or its headers alone (text/rfc822-headers, RFC 6522
// §4; message/rfc822-headers, RFC 3462's old name), or copied into the
// text, as the plain bounces do, where the copy's trace fields begin a
// line (Received:, RFC 5321 §4.4).
func returnsAMessage(m *message.Message) bool {
	if len(m.Enclosed) > 0 {
		return true
	}
	for _, p := range m.Parts {
		switch p.ContentType {
		case "message/rfc822", "text/rfc822-headers", "message/rfc822-headers":
			return true
		}
	}
	return copyStart(m.Text) >= 0
}

// copyStart returns where a copy of a returned message begins in a
// bounce's text: the first line that starts with a trace field
// (Received:, RFC 5321 §4.4); -1 when no line does.
func copyStart(text string) int {
	for at := 0; at < len(text); {
		line, _, _ := strings.Cut(text[at:], "\n")
		if len(line) >= 9 && strings.EqualFold(line[:9], "received:") {
			return at
		}
		at += len(line) + 1
	}
	return -1
}

// privateUseNames are the top-level names organisations use for their own
// networks without a delegation: RFC 6761 §6 (localhost, test, invalid,
// example, local per RFC 6762) and RFC 6762 Appendix G (intranet,
// internal, private, corp, home, lan), with home.arpa (RFC 8375) and the
// localdomain of many systems' defaults. A server behind a small
// organisation's gateway says HELO so; it is misconfigured, not forged.
var privateUseNames = map[string]bool{
	"localhost": true, "test": true, "invalid": true, "example": true, "local": true,
	"intranet": true, "internal": true, "private": true, "corp": true, "home": true,
	"lan": true, "localdomain": true, "arpa": true,
}

// ownInternalName reports a HELO name under a top-level name that does not
// exist whose organisation label — the one left of that top-level name —
// is the organisation label of the connecting address's reverse name
// (srv-sil.labo.intra from mail.labo.fr): the host names itself in its
// organisation's internal namespace, as privateUseNames' hosts do, and
// the address's owner confirms the organisation. The names spam tools
// make up (egjnshh.xch, 150-95-25-91.openstacklocal) match no reverse
// name.
func ownInternalName(helo, rdns string) bool {
	reg := urlx.Registrable(strings.ToLower(strings.TrimSuffix(rdns, ".")))
	i := strings.LastIndexByte(helo, '.')
	if reg == "" || i <= 0 {
		return false
	}
	org := helo[:i]
	org = org[strings.LastIndexByte(org, '.')+1:]
	return org != "" && org == reg[:strings.IndexByte(reg, '.')]
}

// privateUseName reports a name under a private-use top-level name.
func privateUseName(host string) bool {
	return privateUseNames[host[strings.LastIndexByte(host, '.')+1:]]
}
