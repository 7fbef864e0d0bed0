// Package links judges the URLs of a message after unwrapping link
// rewriters: anchor text showing one domain while the link goes to another,
// IP-literal and punycode hosts, shorteners, free hosting, site builders,
// cloud storage and form services, IPFS gateways, pictures served by free
// image hosts, newly registered domains,
// open redirects, '@' in the authority, data: URIs and deep subdomains.
package links

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/geo"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

//go:embed signals.yaml
var signals []byte

//go:embed hosting.yaml
var defaultHosting []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("links", signals)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c *Check) Checks() []scan.Check { return []scan.Check{c} }

// Options configure the check.
type Options struct {
	Hosting []byte // hosting catalogue YAML; nil means the embedded one
	NRDFile string // newly registered domains, one per line ("" for none)
	// Registered, when set, asks when a link's domain was registered (RDAP);
	// domains younger than NewDomainAge are flagged. At most rdapPerMessage
	// domains are asked per message, each under rdapTimeout.
	Registered   func(ctx context.Context, domain string) (time.Time, error)
	NewDomainAge time.Duration
	Now          func() time.Time
	// Lured, when set, reports a message whose words hold a lure
	// (lure.Check.Lured): a written-out free-hosting address under them
	// is not spared (writtenOut).
	Lured func(*scan.Input) bool
	// Asks, when set, reports a message whose words ask something of the
	// reader (lure.Check.Asks: a lure theme other than a bare call to
	// click): a shortened link in a digest under such words is not
	// spared (digest).
	Asks func(*scan.Input) bool
	// Freemail, when set, reports a free mailbox provider's domain (the
	// sender family's Check.IsFreemail): "www.gmail.com" shown by a
	// gmail.com sender is the provider's site, not the sender's, and is
	// not spared over a platform's tracker (ownTracked).
	Freemail func(domain string) bool
	// OwnNets are the organisation's own networks (config.OwnAssets.Nets:
	// org.networks and the trusted relays): a link to one of its own
	// addresses is never URL_IP_ASKS.
	OwnNets []netip.Prefix
}

const (
	rdapPerMessage = 3
	rdapTimeout    = 2 * time.Second
)

// Check is the link check family.
type Check struct {
	cats []category // sorted by name, so that signals come out in one order
	// images are the free image hosts, matched on the images a message
	// shows rather than on its links.
	images *hostSet
	tlds   map[string]bool
	nrd    map[string]bool
	// pathHosts are the hosts that some category lists by path.
	pathHosts map[string]bool
	o         Options
	// SameOwner, when set, reports two registrable domains one catalogued
	// brand names both as its own (the brand family's Check.SameOwner,
	// set once the brand family is built, which needs this one's Young):
	// an anchor showing one of them over a link to the other leads where
	// it says (brandsOwnLink).
	SameOwner func(a, b string) bool
	// Published, when set, reports a host where a catalogued brand's
	// customers publish their own pages and files (the brand family's
	// Check.Published: SharePoint, forms.office.com, docs.google.com):
	// a brand's own domain there is no page of the brand's (brandsOwnLink).
	Published func(host string) bool
}

// category is one host list of the catalogue and the signal it raises.
type category struct {
	name, signal string
	*hostSet
}

// category returns the named host list, nil when the catalogue has none.
func (c *Check) category(name string) *hostSet {
	for _, k := range c.cats {
		if k.name == name {
			return k.hostSet
		}
	}
	return nil
}

type hostSet struct {
	domains map[string]bool     // matches the domain and its subdomains
	exact   map[string]bool     // matches the host itself and its www.
	paths   map[string][]string // host -> path prefixes
}

// exactHosts are the categories whose entries match the listed host only
// (and its www.), not its subdomains. A shortener redirects at its own
// host; a subdomain of its domain is another service of its owner: the
// links Google Maps and Google Photos share (maps.app.goo.gl,
// photos.app.goo.gl), which Google keeps working after retiring the goo.gl
// shortener and which lead to its own apps only, a shortener's preview or
// account pages.
var exactHosts = map[string]bool{"shortener": true}

// matchHost reports host or a parent domain listed as a whole domain, or
// host listed as a host.
func (s *hostSet) matchHost(host string) bool {
	if s.exact[host] || s.exact[strings.TrimPrefix(host, "www.")] {
		return true
	}
	for h := range urlx.Parents(host) {
		if s.domains[h] {
			return true
		}
	}
	return false
}

// matchPath reports a path rule of host (or a parent) that path starts with.
func (s *hostSet) matchPath(host, path string) bool {
	for h := range urlx.Parents(host) {
		for _, p := range s.paths[h] {
			if strings.HasPrefix(path, p) {
				return true
			}
		}
	}
	return false
}

// AnyonesHost reports a link's host where anyone may put a page or that
// hides where it leads, as this family reads it: an IP literal, or an
// entry of the hosting catalogue's shortener, free-hosting, cloud-storage,
// form-service or IPFS categories, by host or by host and the target's
// path (Path; hosting.yaml). The lure family asks it of one link, a PDF's button
// (lure's pdfhandover.go), where a signal the message raised may be
// another link's.
func (c *Check) AnyonesHost(host, target string) bool {
	host, path := strings.ToLower(host), Path(strings.TrimSpace(target))
	if urlx.IsIP(host) {
		return true
	}
	for _, k := range c.cats {
		if k.signal != "IMAGE_FREE_HOST" && (k.matchHost(host) || k.matchPath(host, path)) {
			return true
		}
	}
	return false
}

// authorityEnd is strings.IndexAny(s, "/?#") for a URL after its "//":
// where its authority ends, or -1. It runs a few times on every link, and
// IndexAny builds its byte set anew at each call.
func authorityEnd(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '/' || c == '?' || c == '#' {
			return i
		}
	}
	return -1
}

// Path returns the path of a link's target as this family reads it for
// its path rules (hosting.yaml, URL_CMS_KIT_PATH): what follows the
// authority when it starts with "/", query and fragment included; ""
// when the authority is followed by a query, a fragment or nothing. The
// lure family's reading of a PDF's button goes through it too
// (AnyonesHost), so that one link has one path: "https://bit.ly?u=/forms" has none.
func Path(raw string) string {
	rest := raw
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if j := authorityEnd(rest); j >= 0 && rest[j] == '/' {
		return rest[j:]
	}
	return ""
}

// hasPathRules reports whether any category has path rules for host.
func (c *Check) hasPathRules(host string) bool {
	for h := range urlx.Parents(host) {
		if c.pathHosts[h] {
			return true
		}
	}
	return false
}

func (c *Check) matchPaths(host, path string, out *scan.Emitter) {
	for _, k := range c.cats {
		if k.matchPath(host, path) {
			out.Emit(k.signal, host)
		}
	}
}

var categorySignal = map[string]string{
	"shortener":     "URL_SHORTENER",
	"free_hosting":  "URL_FREE_HOSTING",
	"cloud_storage": "URL_CLOUD_STORAGE",
	"form_service":  "URL_FORM_SERVICE",
	"ipfs":          "URL_IPFS",
	"image_host":    "IMAGE_FREE_HOST",
}

// New builds the check.
func New(o Options) (*Check, error) {
	data := o.Hosting
	if data == nil {
		data = defaultHosting
	}
	var raw map[string][]string
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("hosting catalogue: %w", err)
	}
	c := &Check{tlds: map[string]bool{}, nrd: map[string]bool{}, pathHosts: map[string]bool{}, o: o}
	if c.o.NewDomainAge == 0 {
		c.o.NewDomainAge = 30 * 24 * time.Hour
	}
	if c.o.Now == nil {
		c.o.Now = time.Now
	}
	for cat, entries := range raw {
		if cat == "abused_tld" {
			for _, t := range entries {
				c.tlds[strings.ToLower(t)] = true
			}
			continue
		}
		if _, ok := categorySignal[cat]; !ok {
			return nil, fmt.Errorf("hosting catalogue: unknown category %q", cat)
		}
		s := &hostSet{domains: map[string]bool{}, exact: map[string]bool{}, paths: map[string][]string{}}
		for _, e := range entries {
			e = strings.ToLower(e)
			if h, p, ok := strings.Cut(e, "/"); ok {
				s.paths[h] = append(s.paths[h], "/"+p)
				c.pathHosts[h] = true
			} else if exactHosts[cat] {
				s.exact[e] = true
			} else {
				s.domains[e] = true
			}
		}
		if cat == "image_host" {
			c.images = s
			continue
		}
		c.cats = append(c.cats, category{cat, categorySignal[cat], s})
	}
	sort.Slice(c.cats, func(i, j int) bool { return c.cats[i].name < c.cats[j].name })
	if o.NRDFile != "" {
		b, err := os.ReadFile(o.NRDFile)
		if err != nil {
			return nil, fmt.Errorf("nrd list: %w", err)
		}
		c.nrd = urlx.ReadList(b)
	}
	return c, nil
}

// Name implements scan.Check.
func (*Check) Name() string { return "links" }

// actionable reports links a reader follows, as opposed to images and
// style sheets that load by themselves.
func actionable(l scan.Link) bool {
	switch l.Source {
	case message.URLFromHref, message.URLFromForm, message.URLFromMeta, message.URLFromText, message.URLFromAttachment, message.URLFromQR:
		return true
	}
	return false
}

// Check implements scan.Check.
func (c *Check) Check(ctx context.Context, in *scan.Input, out *scan.Emitter) {
	// Links share hosts: host-level judgements are made once per host;
	// only hosts with path rules (docs.google.com/forms...) are looked at
	// per path. hostsDone holds the hosts judged, each with whether it has
	// path rules (hasPathRules walks the host's parents: once per host).
	hostsDone := make(map[string]bool, 8)
	asked := map[string]bool{}
	imagesDone, hiddenIP := false, false
	var rcpt []recipientForm
	var lured once // Options.Lured reads the whole text: asked once
	var cites once // digest's answer, asked once
	var asks once  // Options.Asks for ownTracked, asked once
	for i, l := range in.Links {
		if i >= 300 || ctx.Err() != nil {
			return
		}
		raw := strings.TrimSpace(l.Target)
		if !actionable(l) {
			if !imagesDone && c.freeImage(in, l) {
				out.Emit("IMAGE_FREE_HOST", l.Host)
				imagesDone = true
			}
			continue
		}
		switch {
		case hasPrefixFold(raw, "data:"):
			if l.Source != message.URLFromText {
				out.Emit("URL_DATA_URI", textmatch.Clip(raw, 40))
			}
			continue
		case hasPrefixFold(raw, "javascript:"):
			out.Emit("URL_JAVASCRIPT", textmatch.Clip(raw, 40))
			continue
		}
		host := l.Host
		if host == "" {
			continue
		}
		if l.Source == message.URLFromHref && l.Text != "" {
			if shown := shownDomain(l.Text); shown != "" && shown != l.Domain && !urlx.InDomain(host, shown) && !c.ownTracked(in, host, raw, l.Text, shown, &asks) && !c.brandsOwnLink(in, host, shown, l.Domain, raw) {
				out.Emit("URL_TEXT_HREF_MISMATCH", shown+" → "+l.Domain)
			}
		}
		// Parsing every link is costly; only those whose authority holds an
		// "@" (below) or whose query may carry another URL (EmbeddedHost)
		// need it.
		authority := raw
		if i := strings.Index(authority, "://"); i >= 0 {
			authority = authority[i+3:]
		}
		if j := authorityEnd(authority); j >= 0 {
			authority = authority[:j]
		}
		if strings.Contains(authority, "@") {
			out.Emit("URL_AT_AUTHORITY", host)
		}
		// A link a rewriter wraps is judged at its destination as an
		// unwrapped one is: Safe Links or a search engine's redirect in
		// front of another redirect or of a Cisco-rewritten link (the
		// chains of NTT Security's report on Tycoon 2FA) hide nothing.
		if next, t := embeddedURL(raw); t != "" && urlx.Registrable(t) != l.Domain {
			// A redirect to a top site (a newsletter's click
			// tracking on the way to a known site) leads nowhere
			// unknown; but where it leads is judged like any link
			// (a redirector in front of a shortener or a free
			// host hides it from filters that read the first host).
			if !in.TopSite(urlx.Registrable(t)) {
				out.Emit("URL_OPEN_REDIRECT", l.Domain+" → "+urlx.Registrable(t))
			}
			c.judgeHost(t, l.Domain+" → "+t, out)
			// A redirect, or a chain of them, that ends on a public
			// address hides the kit's server that has no name as well
			// as a button does.
			if ip := c.chainPublicIP(next, t); ip != "" && c.asks(in, &asks) {
				out.Emit("URL_IP_ASKS", l.Domain+" → "+ip)
			}
		} else if host == urlx.CiscoHost {
			// Cisco's rewriting shows an address it may not go to
			// (urlx.CiscoShown): judged as a redirect's, never as
			// the link's destination. A security gateway is no open
			// redirect.
			if t := urlx.Host(urlx.CiscoShown(raw)); t != "" {
				c.judgeHost(t, l.Domain+" → "+t, out)
			}
		}
		path := Path(raw)
		if p := nonStandardPort(raw, authority, host); p != "" && !c.writtenOut(in, l, &lured) {
			out.Emit("URL_NONSTANDARD_PORT", host+":"+p)
		}
		if written := cmp.Or(l.Written, raw); encodedLetters(written) >= 3 {
			out.Emit("URL_ENCODED_LETTERS", textmatch.Clip(written, 60))
		}
		if l.Domain != in.FromOrg && cmsKitPath(path) {
			out.Emit("URL_CMS_KIT_PATH", textmatch.Clip(host+path, 60))
		}
		if strings.IndexByte(raw, '#') >= 0 {
			if rcpt == nil {
				rcpt = recipientForms(in)
			}
			if where := recipientInLink(raw, rcpt); where != "" {
				out.Emit("URL_RECIPIENT_IN_LINK", where+": "+host)
			}
		}
		// An address written so that neither a reader nor a filter
		// matching addresses as text knows it (urlx.HiddenIPv4): no
		// honest sender's software writes one, so a message that shows
		// the whole address is no excuse, as it is for URL_IP_LITERAL.
		if !hiddenIP && urlx.IsIP(host) && urlx.HiddenIPv4(cmp.Or(l.Written, raw)) {
			out.Emit("URL_IP_OBFUSCATED", textmatch.Clip(cmp.Or(l.Written, raw), 60)+" → "+host)
			hiddenIP = true
		}
		pathRules, done := hostsDone[host]
		if done {
			if pathRules {
				c.matchPaths(host, path, out)
			}
			continue
		}
		pathRules = c.hasPathRules(host)
		hostsDone[host] = pathRules
		if urlx.IsIP(host) {
			if ipHost(host) && !c.writtenOut(in, l, &lured) {
				out.Emit("URL_IP_LITERAL", host)
			}
			if c.publicIP(host) && c.asks(in, &asks) {
				out.Emit("URL_IP_ASKS", host)
			}
			continue
		}
		if hostingDefaultName(host) {
			out.Emit("URL_HOSTING_DEFAULT_NAME", host)
		}
		if strings.Contains(host, "xn--") {
			out.Emit("URL_PUNYCODE", host)
			// An internationalised label under a plain ASCII domain: no
			// one names a subdomain so, but stray letters (ð, ÿ, œ) in a
			// host defeat filters that compare link hosts as text.
			if sub := strings.TrimSuffix(host, l.Domain); sub != host && strings.Contains(sub, "xn--") && !strings.Contains(l.Domain, "xn--") {
				out.Emit("URL_IDN_SUBDOMAIN", host)
			}
		}
		for _, k := range c.cats {
			if k.matchHost(host) && !providerEndpoint(host) && !(k.signal == "URL_FREE_HOSTING" && c.writtenOut(in, l, &lured)) && !(k.signal == "URL_SHORTENER" && shownAddress(l) && c.digest(in, k.hostSet, &cites)) {
				out.Emit(k.signal, host)
			}
		}
		if pathRules {
			c.matchPaths(host, path, out)
		}
		// A mailing list's footer links to its own archive and options
		// page (RFC 2369's List-Archive, List-Subscribe): the list names
		// itself in List-Id (RFC 2919) and resends someone else's mail.
		if urlx.RandomLabel(l.Domain) && !in.TopSite(l.Domain) && !(l.Domain == in.List && in.ListResends()) {
			out.Emit("URL_RANDOM_DOMAIN", l.Domain)
		}
		if c.abusedTLD(host) {
			out.Emit("URL_ABUSED_TLD", l.Domain)
		}
		if c.nrd[l.Domain] || c.nrd[host] {
			out.Emit("URL_NEW_DOMAIN", l.Domain)
		} else if c.o.Registered != nil && !asked[l.Domain] && len(asked) < rdapPerMessage {
			asked[l.Domain] = true
			if at, young := c.registeredLately(ctx, l.Domain); young {
				out.Emit("URL_NEW_DOMAIN", l.Domain+" ("+at.Format("2006-01-02")+")")
			}
		}
		if sub := strings.TrimSuffix(strings.TrimSuffix(host, l.Domain), "."); strings.Count(sub, ".") >= 3 {
			out.Emit("URL_MANY_SUBDOMAINS", host)
		}
	}
}

// Young reports a registrable domain the newly-registered list names, or,
// when a registry is set, that it dates less than NewDomainAge back: the
// test URL_NEW_DOMAIN applies to a link's domain, asked by the
// authentication, brand and invoice families of a list's or a sender's
// own domain. A registry that does not answer in time reports nothing.
func (c *Check) Young(ctx context.Context, domain string) bool {
	if domain == "" {
		return false
	}
	if c.nrd[domain] {
		return true
	}
	_, young := c.registeredLately(ctx, domain)
	return young
}

// registeredLately asks the registry, when one is set, when domain was
// registered, and reports whether that is less than NewDomainAge ago.
func (c *Check) registeredLately(ctx context.Context, domain string) (time.Time, bool) {
	if c.o.Registered == nil {
		return time.Time{}, false
	}
	rctx, cancel := context.WithTimeout(ctx, rdapTimeout)
	at, err := c.o.Registered(rctx, domain)
	cancel()
	return at, err == nil && c.o.Now().Sub(at) < c.o.NewDomainAge
}

// freeImage reports an image of the message served by a free image host
// (hosting.yaml, image_host): a picture its sender uploaded where no
// server of theirs is named. Not for the host's own mail, nor for mail a
// mailing list that vouches for it delivered (ListVouched: its members
// post pictures from anywhere).
func (c *Check) freeImage(in *scan.Input, l scan.Link) bool {
	if c.images == nil || l.Host == "" || in.ListVouched() || l.Domain == in.FromOrg {
		return false
	}
	if l.Source != message.URLFromSrc && l.Source != message.URLFromCSS {
		return false
	}
	return c.images.matchHost(l.Host)
}

// judgeHost raises the host-list and address signals for the host a
// redirect leads to.
func (c *Check) judgeHost(host, detail string, out *scan.Emitter) {
	if urlx.IsIP(host) {
		if ipHost(host) {
			out.Emit("URL_IP_LITERAL", detail)
		}
		return
	}
	if hostingDefaultName(host) {
		out.Emit("URL_HOSTING_DEFAULT_NAME", detail)
	}
	for _, k := range c.cats {
		if k.matchHost(host) && !providerEndpoint(host) {
			out.Emit(k.signal, detail)
		}
	}
}

// writtenOut reports a link whose whole address the reader has before
// him: a URL written in a message that has no HTML to put a button or
// other words over it. URL_FREE_HOSTING is about the fake login page a
// phishing kit puts on a site builder or a free application platform
// behind "Vérifier mon compte" (OpenPhish feed; CERT Santé's rspamd
// rules, mx_sec_conf rules/url.md), URL_IP_LITERAL and
// URL_NONSTANDARD_PORT about the kit's server that has no name or
// answers on a port of its own, under the same button: the advice ANSSI's and
// Cybermalveillance.gouv.fr's guides give — check where a link really
// leads before following it — is already done when the address is all
// there is. A colleague's plain-text message quoting a project's
// bug-tracker on appspot.com or a blog on blogspot.com is that, among
// other addresses (linksElsewhere); so are the mirrors of a release
// announcement (ftp://, http://192.0.2.20/, http://mirror…:8080/), a
// security advisory's proof of concept on a device's web port and a
// keyserver's HKP address (:11371) in a signature. An
// original rebuilt from a forward (Envelope.Rebuilt) is plain text only
// because the forward flattened it: its button is gone, not absent. Nor
// is a message whose words hold a lure (Options.Lured): a phishing kit
// sends its "boîte pleine, connectez-vous ici : https://….weebly.com/"
// or its parcel's fees in plain text as well, and dropping the HTML part
// must not be enough to lose the signal. lured keeps Options.Lured's
// answer for the message's other links.
func (c *Check) writtenOut(in *scan.Input, l scan.Link, lured *once) bool {
	if l.Source != message.URLFromText || in.Msg.HTML != "" || in.Env.Rebuilt || !linksElsewhere(in, l.Domain) && !in.ListManaged() {
		return false
	}
	if c.o.Lured == nil {
		return true
	}
	if !lured.asked {
		lured.v, lured.asked = c.o.Lured(in), true
	}
	return !lured.v
}

// linksElsewhere reports a message that links to another domain than d as
// well. A colleague quotes a free-hosted page among others (a tracker and
// a blog, a feed's entries), or on a list run by list software
// (scan.Input.ListManaged: a patch review quoting its syzkaller report);
// a message whose only address is one free-hosted page is the phishing
// kit's "the documents are here: https://….weebly.com/" with its HTML
// part dropped.
func linksElsewhere(in *scan.Input, d string) bool {
	for _, o := range in.Links {
		if o.Domain != "" && o.Domain != d {
			return true
		}
	}
	return false
}

// shownAddress reports a link whose own address the reader sees: written
// out in the text, or the anchor's text showing the link's domain. A
// digest's citation shortened to survive a plain-text line shows its short
// address; a shortener under "grille 2027" hides where it leads, which is
// what URL_SHORTENER is about, however many sources the message cites
// beside it (a kit's footer of social-network icons cites ten).
func shownAddress(l scan.Link) bool {
	return l.Source == message.URLFromText || shownDomain(l.Text) == l.Domain
}

// digestSources is how many other registrable domains a message's links
// must lead to for it to read as a digest of sources: no training
// phishing message with a shortened link had a third of that many links.
const digestSources = 10

// digest reports a message that cites many sources — its links lead to
// at least digestSources registrable domains besides shorteners — and
// whose words ask nothing of the reader (Options.Asks): a newsletter's
// press review or a list's digest, whose plain-text edition shortens a
// newspaper's long article addresses so that they survive line wrapping
// (RFC 5322 §2.1.1 asks for lines of at most 78 characters; an
// article's address is often longer). URL_SHORTENER is about the one link a lure
// sends its reader to without showing where; a shortened citation
// among fifty named sites asks for nothing. Padding a lure with links
// does not help it when its words still ask. The line-length reason holds
// for a message with a plain-text edition (the press review's
// multipart/alternative shows the same short addresses in both parts): an
// HTML-only message puts a long address under its anchor and has no line
// to fit, so a shortened address written out in one, beside ten padding
// links and words no catalogue holds, is the lure's
// (TestDaySparesDoNotServeAnAttacker); nor is an original rebuilt from a
// forward plain text of its own (Envelope.Rebuilt). Only links that cite
// a page of their source count (scan.CitedSources): ten home pages
// under their bare domains, or social-network icons, beside a shortened
// address in a text part cite nothing.
func (c *Check) digest(in *scan.Input, shorteners *hostSet, cites *once) bool {
	if cites.asked {
		return cites.v
	}
	cites.asked = true
	if in.Msg.Text == "" || in.Env.Rebuilt {
		return false
	}
	cites.v = scan.CitedSources(in, shorteners.matchHost) >= digestSources && c.o.Asks != nil && !c.o.Asks(in)
	return cites.v
}

// publicIP reports a link host that is an IP address on the public
// Internet (geo.Public: not a private — RFC 1918, and RFC 4193's unique
// local IPv6 addresses —, shared — RFC 6598, carrier-grade NAT —,
// loopback, link-local, unspecified or multicast address), nor a
// broadcast, "this network" or non-global IPv6 address, nor one of
// the organisation's own networks (Options.OwnNets). A printer's status
// page, a NAS, a router's admin page or a test server "sur
// http://10.0.4.12/" is on the site's own network, where only the
// reader's colleagues can have put it; a phishing kit's server that has
// no name is out on the Internet, over IPv4 or, as every rented server
// has an IPv6 address too, over IPv6 ("http://[2001:db8::77]/"). The
// documentation ranges of RFC 5737 and RFC 3849 are public here: they
// stand for public addresses in examples and tests, as a real message
// never links to them.
func (c *Check) publicIP(host string) bool {
	if len(host) > 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	a, err := netip.ParseAddr(host)
	if err != nil || a.Zone() != "" {
		return false
	}
	a = a.Unmap()
	if !geo.Public(a) || a.Is4() && (a == netip.AddrFrom4([4]byte{255, 255, 255, 255}) || a.As4()[0] == 0) || a.Is6() && !a.IsGlobalUnicast() {
		return false
	}
	for _, p := range c.o.OwnNets {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// asks reports, once per message, a message whose words ask something of
// the reader (Options.Asks).
func (c *Check) asks(in *scan.Input, asks *once) bool {
	if c.o.Asks == nil {
		return false
	}
	if !asks.asked {
		asks.v, asks.asked = c.o.Asks(in), true
	}
	return asks.v
}

// once keeps an answer asked once per message.
type once struct{ asked, v bool }

func ipHost(h string) bool { return h != "127.0.0.1" && h != "::1" }

// shownDomain returns the registrable domain that link text displays, when
// the text reads as a URL or a bare host name ("www.impots.gouv.fr").
func shownDomain(text string) string {
	t := shownWord(text)
	if i := strings.IndexAny(t, "/?#:"); i >= 0 {
		t = t[:i]
	}
	if !strings.Contains(t, ".") || strings.Contains(t, "@") {
		return ""
	}
	return urlx.Registrable(t)
}

// shownWord returns the first URL-like word of a link text, lower-cased
// and without its scheme ("www.impots.gouv.fr/espace", from "see
// https://www.impots.gouv.fr/espace"), "" when the text shows none.
func shownWord(text string) string {
	t := strings.TrimSpace(text)
	if len(t) > 300 || !strings.Contains(t, "://") && !strings.Contains(t, "ww.") && !strings.Contains(t, "WW.") && !strings.Contains(t, "Www.") {
		return "" // most link texts are words; spare them the copy
	}
	t = strings.ToLower(t)
	// The text may say "see https://x.example/"; read the first URL-like word.
	if i := strings.Index(t, "://"); i >= 0 {
		t = t[i+3:]
	} else if i := strings.Index(t, "www."); i >= 0 && (i == 0 || t[i-1] == ' ') {
		t = t[i:]
	} else {
		return ""
	}
	if i := strings.IndexAny(t, " \t\n<>\"'"); i >= 0 {
		t = t[:i]
	}
	return t
}

// EmbeddedHost returns the host of the URL a link's query carries
// (?url=https://…, the target of a redirect on the link's host), "" when
// it carries none. Parsing every link is costly; only those whose query
// may carry another URL (carriesURL) are parsed.
func EmbeddedHost(raw string) string {
	_, h := embeddedURL(raw)
	return h
}

// embeddedURL returns the URL a link's query carries and its host, the
// pattern of open redirects (…/redirect?url=https://evil.example/), or
// "", "".
func embeddedURL(raw string) (string, string) {
	if !strings.Contains(raw, "?") || !carriesURL(raw) {
		return "", ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	for _, vs := range u.Query() {
		for _, v := range vs {
			lv := strings.ToLower(v)
			if strings.HasPrefix(lv, "http://") || strings.HasPrefix(lv, "https://") || strings.HasPrefix(lv, "//") {
				// Read as a browser reads it (urlx.Host): a final dot,
				// capitals or percent-encoded letters hide nothing.
				if h := urlx.Host(v); h != "" {
					return v, h
				}
			}
		}
	}
	return "", ""
}

// maxRedirectHops is how many redirects chained in one another's query
// chainPublicIP follows: a kit's chains are two or three open redirects
// long (NTT Security's report on Tycoon 2FA's chains).
const maxRedirectHops = 4

// chainPublicIP returns the first public address (publicIP) that a chain
// of redirects carried in one another's query reaches, from the first
// redirect's target next and its host h (embeddedURL), "" for none: an
// open redirect in front of a second one hides the kit's server that has
// no name from a reading of the first hop only.
func (c *Check) chainPublicIP(next, h string) string {
	for hop := 1; ; hop++ {
		if c.publicIP(h) {
			return h
		}
		if hop == maxRedirectHops {
			return ""
		}
		if next, h = embeddedURL(next); h == "" {
			return ""
		}
	}
}

// abusedTLD reports a host under a top-level domain of the abused list, or
// under one of the second-level names sold as if they were top-level
// domains (sa.com, uk.com).
func (c *Check) abusedTLD(host string) bool {
	i := strings.LastIndexByte(host, '.')
	if c.tlds[host[i+1:]] {
		return true
	}
	if i > 0 {
		j := strings.LastIndexByte(host[:i], '.')
		return c.tlds[host[j+1:]]
	}
	return false
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case, without a copy.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// carriesURL reports a query that holds another URL (=http, =//, =%2F%2F),
// the shape of an open redirect.
func carriesURL(raw string) bool {
	for i := strings.IndexByte(raw, '='); i >= 0; {
		rest := raw[i+1:]
		if hasPrefixFold(rest, "http") || strings.HasPrefix(rest, "//") || hasPrefixFold(rest, "%2f%2f") {
			return true
		}
		j := strings.IndexByte(rest, '=')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// ownTracked reports an anchor showing the sender's own domain whose
// href is a known e-mailing platform's shared click tracker, from a
// sender whose domain is authenticated (DMARC pass, or aligned DKIM/SPF
// where no DMARC is published: SenderAuthenticated). A payer sending its
// remittance advice through SendGrid with click tracking rewrites its
// signature link to u….ct.sendgrid.net; the text is its own domain, not
// another's. Not spared: a shown domain that is not the From's (a
// phisher's "paypal.com" through a SendGrid account), a sender not
// authenticated — where the scan believes no authentication (the
// evaluation's trust) nothing is spared, since anyone can write the
// From they show — any host outside the platforms' click trackers (an
// asset host such as Mailchimp's mcusercontent.com holds the customer's
// own files: the sender wrote that link, no platform rewrote it), and a
// tracker address that spells out where it leads (Amazon SES's
// …awstrack.me/L0/https:%2F%2F…, a query's url=https://…): that
// destination is readable, and it is not the shown domain. Nor an
// anchor showing a path on the own domain ("www.payer.example/
// remittance/0812"): a signature shows the site's name, a text naming
// the very page claims where the click lands, and the opaque tracker
// hides whether it does (the phisher's twin: a remittance "on our site"
// behind SendGrid, leading to a sign-in page elsewhere). Nor a free
// mailbox's domain (Options.Freemail): a gmail.com sender, authenticated
// by Google, showing "https://www.gmail.com/" over a Mailjet link it
// wrote itself shows its provider's site, not its own; no platform
// rewrites the links of mail sent from the mailbox.
//
// Nor in a message whose words ask something of the reader
// (Options.Asks: sign in, pay, verify, claim a prize, new bank
// details): the tracker is open to anyone with an account (Postmark,
// SparkPost, Customer.io and Iterable click hosts appear in the training
// part's phishing), so a phisher's own authenticated domain shown over
// it is the lure's button, its destination hidden; a vendor's footer
// showing its site is spared because it asks nothing
// (engine TestOwnTrackedSparesNoLure).
func (c *Check) ownTracked(in *scan.Input, host, raw, text, shown string, asks *once) bool {
	if in.FromOrg == "" || shown != in.FromOrg || !shownSiteOnly(text) || !in.SenderAuthenticated() ||
		c.o.Freemail != nil && c.o.Freemail(in.FromOrg) {
		return false
	}
	if !in.Lists.ESPClickTracker(host) || spellsDestination(raw) {
		return false
	}
	if c.o.Asks == nil || wordedTrackedLink(in, raw) {
		return true
	}
	return !c.asks(in, asks)
}

// wordedTrackedLink reports a link of in, other than raw, through a
// platform's shared click tracker under words rather than an address
// (shownDomain finds none): the message's button ("Payer ma facture",
// "Update payment method"), beside which an anchor showing the sender's
// own site is its footer. A vendor's invoice reminder, failed payment or
// "connectez-vous à votre espace client" asks, as a lure does, and writes
// both (engine testdata/marketing); the phisher whose own site shown over
// the tracker is the lure's only button keeps the mismatch. One who adds
// a worded button gains nothing he lacked: that button, like any worded
// link, never raises URL_TEXT_HREF_MISMATCH, with or without the footer.
func wordedTrackedLink(in *scan.Input, raw string) bool {
	for i, l := range in.Links {
		if i >= 300 {
			break
		}
		if l.Source == message.URLFromHref && l.Raw != raw && strings.TrimSpace(l.Text) != "" && shownDomain(l.Text) == "" && in.Lists.ESPClickTracker(l.Host) {
			return true
		}
	}
	return false
}

// brandsOwnLink reports an anchor showing one of a catalogued brand's own
// domains over a link to another of its own (SameOwner) sent by the brand
// itself: a regional bank's newsletter shows the group's site,
// www.credit-agricole.fr, over its platform's tracker under its own
// ca-paris.fr, both listed by the bank's entry from the bank's pages
// (engine testdata/routeurs). Only where the link's domain is the
// sender's own (the From's, or another of its brand's) and the sender is
// authenticated (SenderAuthenticated; where the scan believes no
// authentication nothing is spared, as in ownTracked): a brand's own
// domains also redirect anyone's reader (LinkedIn's /slink, Microsoft's
// linkedin.com) and a forged From can put them under any brand's text.
// Never over a host where the brand's customers publish (Published:
// SharePoint, Microsoft Forms, OneDrive, Azure's blob and cloudapp
// hosts, Google Docs and Sites), which holds anyone's page whatever the
// brand, nor over a link spelling out a further destination
// (spellsDestination). A look-alike, a free host or a redirector's
// target behind the shown name is no domain of the catalogue and keeps
// URL_TEXT_HREF_MISMATCH.
func (c *Check) brandsOwnLink(in *scan.Input, host, shown, domain, raw string) bool {
	if c.SameOwner == nil || !c.SameOwner(shown, domain) || spellsDestination(raw) || c.Published != nil && c.Published(host) {
		return false
	}
	return (domain == in.FromOrg || c.SameOwner(in.FromOrg, domain)) && in.SenderAuthenticated()
}

// shownSiteOnly reports an anchor text whose URL-like word (shownWord)
// names a site and no page on it: "www.payer.example",
// "https://payer.example/", not "www.payer.example/remittance".
func shownSiteOnly(text string) bool {
	return !strings.ContainsAny(strings.TrimRight(shownWord(text), "/"), "/?#")
}

// spellsDestination reports a URL whose path or query holds another
// absolute URL, plain or percent-encoded ("https://", "https:%2F%2F",
// "https%3A%2F%2F"), or a query value starting "//".
func spellsDestination(raw string) bool {
	rest := raw
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	j := authorityEnd(rest)
	if j < 0 {
		return false
	}
	rest = strings.ToLower(rest[j:])
	return strings.Contains(rest, "://") || strings.Contains(rest, ":%2f%2f") || strings.Contains(rest, "%3a%2f%2f") || carriesURL(rest)
}
