package ioc

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/publicsuffix"

	"vigie.dev/vigie/internal/urlx"
	"vigie.dev/vigie/internal/warninglist"
)

// Widest networks an IP indicator may cover: blocking more than a /16 of
// IPv4 or a /32 of IPv6 (a whole provider's allocation) hits far more than
// one attacker.
const (
	WidestIPv4 = 16
	WidestIPv6 = 32
)

// Assets are the organisation's own names and networks: never blocked,
// never proposed as indicators.
type Assets struct {
	Domains []string       // own domains: the name and every subdomain
	Hosts   []string       // own host names, exactly (a homepage, a webmail)
	Nets    []netip.Prefix // own networks and addresses (a single address is a /32 or /128)
}

// Rule names why a value was refused or demoted. The names are stable:
// the API returns them and the docs list them.
type Rule string

const (
	RuleOwnAsset     Rule = "own-asset"     // one of the organisation's own domains, hosts, networks
	RuleWarningList  Rule = "warninglist"   // on a protected MISP warning list
	RulePublicSuffix Rule = "public-suffix" // a public suffix (com, gouv.fr, github.io)
	RuleTooWide      Rule = "too-wide"      // a network wider than /16 (IPv4) or /32 (IPv6)
	RuleShared       Rule = "shared"        // shared infrastructure (CDN, ESP, shortener) itself
	RuleAllowListed  Rule = "allow-listed"  // covered by an allow entry of the indicator store
)

// Finding is the guard's verdict on one value.
type Finding struct {
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`
	Rule  Rule   `json:"rule"`
	List  string `json:"list,omitempty"`  // warning list name
	Entry string `json:"entry,omitempty"` // the listed entry or own asset that matched
	// Shared is true when the value is not forbidden but lies on shared
	// infrastructure: an incident proposes it in watch mode only.
	Shared bool `json:"shared,omitempty"`
}

// Message explains the finding in French (lang "fr" or "") or English.
func (f *Finding) Message(lang string) string {
	en := lang == "en"
	what := fmt.Sprintf("%s %s", f.Kind, f.Value)
	pick := func(fr, eng string) string {
		if en {
			return eng
		}
		return fr
	}
	switch f.Rule {
	case RuleOwnAsset:
		return what + pick(" : ressource de l'organisation ("+f.Entry+"), jamais bloquée",
			": one of the organisation's own assets ("+f.Entry+"), never blocked")
	case RuleWarningList:
		return what + pick(fmt.Sprintf(" : sur la liste d'avertissement %s (%s), le bloquer toucherait du trafic légitime", f.List, f.Entry),
			fmt.Sprintf(": on warning list %s (%s), blocking it would hit legitimate traffic", f.List, f.Entry))
	case RulePublicSuffix:
		return what + pick(" : suffixe public (bloquerait tous les domaines enregistrés dessous)",
			": a public suffix (would block every domain registered under it)")
	case RuleTooWide:
		return what + pick(fmt.Sprintf(" : réseau plus large que /%d (IPv4) ou /%d (IPv6)", WidestIPv4, WidestIPv6),
			fmt.Sprintf(": network wider than /%d (IPv4) or /%d (IPv6)", WidestIPv4, WidestIPv6))
	case RuleAllowListed:
		return what + pick(" : sur la liste d'autorisation ("+f.Entry+")", ": on the allow list ("+f.Entry+")")
	case RuleShared:
		return what + pick(fmt.Sprintf(" : infrastructure partagée (%s, liste %s), en détection seulement", f.Entry, f.List),
			fmt.Sprintf(": shared infrastructure (%s, list %s), watch only", f.Entry, f.List))
	}
	return what + ": " + string(f.Rule)
}

// RefusedError is returned when the guard refuses an indicator. It carries
// the finding so that front ends can explain it in the user's language.
type RefusedError struct{ Finding Finding }

func (e *RefusedError) Error() string {
	return "ioc: refused: " + e.Finding.Message("en") + " (an admin may force it, with a reason)"
}

// Refusal returns the guard finding behind err, if err is a refusal.
func Refusal(err error) (*Finding, bool) {
	var re *RefusedError
	if errors.As(err, &re) {
		return &re.Finding, true
	}
	return nil, false
}

// Guard decides whether a value may become a block indicator: nothing on a
// protected warning list, no public suffix, no network wider than /16 or
// /32, none of the organisation's own assets. It is safe for concurrent
// use; Learn adds assets while it serves.
type Guard struct {
	given *warninglist.Set
	once  sync.Once
	set   atomic.Pointer[warninglist.Set] // swapped by SetLists on a reload

	// LoadLists, when set, loads the warning lists on first use where
	// none were given (package app: the configuration's
	// data.warninglists); nil, or a nil answer: the embedded ones.
	LoadLists func() *warninglist.Set

	// UserSite, when set, reports whether a name is one user's site on a
	// publishing platform (the links check family's catalogue: weebly.com,
	// firebaseapp.com): such a site under a protected entry may be blocked.
	// Set it before use; package app passes links.UserSite.
	UserSite func(host string) (platform string, ok bool)

	mu      sync.RWMutex
	domains map[string]bool
	hosts   map[string]bool
	nets    []netip.Prefix

	// learned assets (LearnFrom), read again at most every refresh.
	lmu     sync.Mutex
	load    func(context.Context) (Assets, error)
	refresh time.Duration
	loaded  time.Time
}

// LearnFrom makes the guard also protect what load returns — the assets
// Vigie learned at work, the store's own_assets — read again at most
// every refresh, so that a relay learned by the gateway is protected in
// the console and the CLI within that time. A failing load (the database
// down) keeps what was known.
func (g *Guard) LearnFrom(load func(context.Context) (Assets, error), refresh time.Duration) {
	g.lmu.Lock()
	g.load, g.refresh, g.loaded = load, refresh, time.Time{}
	g.lmu.Unlock()
}

func (g *Guard) refreshLearned() {
	g.lmu.Lock()
	defer g.lmu.Unlock()
	if g.load == nil || time.Since(g.loaded) < g.refresh {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	a, err := g.load(ctx)
	g.loaded = time.Now()
	if err == nil {
		g.Learn(a)
	}
}

// LearnedAssets reads the assets learned at work from the store, for
// Guard.LearnFrom.
func LearnedAssets(repo LearnedAssetLister) func(context.Context) (Assets, error) {
	return func(ctx context.Context) (Assets, error) {
		rows, err := repo.List(ctx)
		if err != nil {
			return Assets{}, err
		}
		var a Assets
		for _, r := range rows {
			switch r.Kind {
			case "ip":
				if ip, err := netip.ParseAddr(r.Value); err == nil {
					a.Nets = append(a.Nets, netip.PrefixFrom(ip, ip.BitLen()))
				}
			case "host":
				a.Hosts = append(a.Hosts, r.Value)
			}
		}
		return a, nil
	}
}

// NewGuard returns a guard over the given warning lists (nil: the embedded
// ones) and the organisation's assets.
func NewGuard(lists *warninglist.Set, own Assets) *Guard {
	g := &Guard{given: lists, domains: map[string]bool{}, hosts: map[string]bool{}}
	g.Learn(own)
	return g
}

// Learn adds assets to the guard (from configuration or learned from the
// trusted relays). Unparseable names are skipped.
func (g *Guard) Learn(a Assets) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, d := range a.Domains {
		if v, err := normalizeDomain(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(d), "*"), ".")); err == nil {
			g.domains[v] = true
		}
	}
	for _, h := range a.Hosts {
		if v, err := normalizeDomain(strings.TrimSpace(h)); err == nil {
			g.hosts[v] = true
		}
	}
	for _, p := range a.Nets {
		if !p.IsValid() {
			continue
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-unmapBits(p)).Masked()
		dup := false
		for _, q := range g.nets {
			dup = dup || q == p
		}
		if !dup {
			g.nets = append(g.nets, p)
		}
	}
}

func unmapBits(p netip.Prefix) int {
	if p.Addr().Is4In6() {
		return 96
	}
	return 0
}

// Assets returns what the guard protects, for display.
func (g *Guard) Assets() Assets {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var a Assets
	for d := range g.domains {
		a.Domains = append(a.Domains, d)
	}
	for h := range g.hosts {
		a.Hosts = append(a.Hosts, h)
	}
	a.Nets = append(a.Nets, g.nets...)
	return a
}

// Lists returns the warning lists the guard consults: those given to
// NewGuard or set by SetLists, else loaded on first use (a command that
// only reads indicators never pays for them) by LoadLists, or the
// embedded ones when it is nil or answers nil.
func (g *Guard) Lists() *warninglist.Set {
	if s := g.set.Load(); s != nil {
		return s
	}
	g.once.Do(func() {
		s := g.given
		if s == nil && g.LoadLists != nil {
			s = g.LoadLists()
		}
		if s == nil {
			s = warninglist.MustDefault()
		}
		g.set.CompareAndSwap(nil, s)
	})
	return g.set.Load()
}

// SetLists makes the guard consult s from now on (the daemon's reload:
// the lists its new scanner reads). nil changes nothing.
func (g *Guard) SetLists(s *warninglist.Set) {
	if s != nil {
		g.set.Store(s)
	}
}

// Check returns why the normalised value v of kind k must not be blocked,
// or nil. A finding with Shared set is not a refusal for a manual add; an
// incident proposes such a value in watch mode.
func (g *Guard) Check(k Kind, v string) *Finding {
	if g == nil {
		return nil
	}
	f := g.check(k, v)
	if f != nil {
		f.Kind, f.Value = k, v
	}
	return f
}

func (g *Guard) check(k Kind, v string) *Finding {
	g.refreshLearned()
	switch k {
	case KindIP:
		return g.checkIP(v)
	case KindDomain, KindHost:
		return g.checkName(v, k == KindDomain)
	case KindEmail:
		return g.checkEmail(v)
	case KindURL:
		return g.checkURL(v)
	case KindSHA256:
		return g.fromHits(g.Lists().Hash(v), true)
	}
	return nil
}

func (g *Guard) checkIP(v string) *Finding {
	p, ok := parseIPValue(v)
	if !ok {
		return nil
	}
	if p.Addr().Is4() && p.Bits() < WidestIPv4 || p.Addr().Is6() && p.Bits() < WidestIPv6 {
		return &Finding{Rule: RuleTooWide}
	}
	g.mu.RLock()
	for _, own := range g.nets {
		if own.Overlaps(p) {
			g.mu.RUnlock()
			return &Finding{Rule: RuleOwnAsset, Entry: own.String()}
		}
	}
	g.mu.RUnlock()
	if isDocumentation(p) {
		return nil
	}
	hits := g.Lists().Prefix(p)
	// An address inside a protected range (a public resolver, a provider's
	// mail servers, a private network) is refused; an address inside a
	// shared range (a cloud region) may be one attacker's; a prefix
	// covering a shared range is not.
	return g.fromHits(hits, false)
}

// fromHits turns warning-list hits into a finding: any protected hit
// refuses; a shared hit covering the listed thing itself (exact) is
// shared; a value merely under a shared entry passes.
func (g *Guard) fromHits(hits []warninglist.Hit, exactOnly bool) *Finding {
	var shared *Finding
	for _, h := range hits {
		switch h.List.Role {
		case warninglist.Protected:
			if exactOnly && !h.Exact {
				continue
			}
			return &Finding{Rule: RuleWarningList, List: h.List.Name, Entry: h.Entry}
		case warninglist.Shared:
			if h.Exact && shared == nil {
				shared = &Finding{Rule: RuleShared, List: h.List.Name, Entry: h.Entry, Shared: true}
			}
		}
	}
	return shared
}

// ownName reports the own domain or host that name is or falls under.
func (g *Guard) ownName(name string) (string, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.hosts[name] {
		return name, true
	}
	for p := name; ; {
		if g.domains[p] {
			return p, true
		}
		i := strings.IndexByte(p, '.')
		if i < 0 {
			return "", false
		}
		p = p[i+1:]
	}
}

// ownCovered reports an own asset lying under a domain indicator d
// (blocking "chu.example" blocks the hospital's "mail.chu.example").
func (g *Guard) ownCovered(d string) (string, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	for n := range g.domains {
		if n == d || strings.HasSuffix(n, "."+d) {
			return n, true
		}
	}
	for n := range g.hosts {
		if n == d || strings.HasSuffix(n, "."+d) {
			return n, true
		}
	}
	return "", false
}

func (g *Guard) checkName(name string, wholeDomain bool) *Finding {
	if own, ok := g.ownName(name); ok {
		return &Finding{Rule: RuleOwnAsset, Entry: own}
	}
	if wholeDomain {
		if own, ok := g.ownCovered(name); ok {
			return &Finding{Rule: RuleOwnAsset, Entry: own}
		}
	}
	if !strings.Contains(name, ".") || isPublicSuffix(name, false) {
		return &Finding{Rule: RulePublicSuffix}
	}
	hits := g.Lists().Host(name)
	for _, h := range hits {
		if h.List.Role != warninglist.Protected {
			continue
		}
		// A name under a protected entry that is itself a public suffix
		// (blogspot.com, github.io) or a publishing platform of the links
		// catalogue (weebly.com, firebaseapp.com) is one user's site: it
		// may be blocked.
		if !h.Exact && isPublicSuffix(h.Entry, false) {
			continue
		}
		if g.UserSite != nil && !h.Exact {
			if _, ok := g.UserSite(name); ok {
				continue
			}
		}
		return &Finding{Rule: RuleWarningList, List: h.List.Name, Entry: h.Entry}
	}
	for _, h := range hits {
		if h.List.Role == warninglist.Shared && (h.Exact || !isPublicSuffix(h.Entry, false) && urlx.Registrable(name) == urlx.Registrable(h.Entry)) {
			return &Finding{Rule: RuleShared, List: h.List.Name, Entry: h.Entry, Shared: true}
		}
	}
	return nil
}

func (g *Guard) checkEmail(addr string) *Finding {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return nil
	}
	if own, ok := g.ownName(addr[at+1:]); ok {
		return &Finding{Rule: RuleOwnAsset, Entry: own}
	}
	// A mailbox at a big provider (an attacker's gmail.com address) is
	// specific; only addresses listed themselves are refused.
	for _, h := range g.Lists().Email(addr) {
		if h.Exact && h.List.Role == warninglist.Protected {
			return &Finding{Rule: RuleWarningList, List: h.List.Name, Entry: h.Entry}
		}
	}
	return nil
}

func (g *Guard) checkURL(raw string) *Finding {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	if a, err := netip.ParseAddr(host); err == nil {
		if f := g.checkIP(a.Unmap().String()); f != nil && f.Rule == RuleOwnAsset {
			return f
		}
	} else if own, ok := g.ownName(host); ok {
		return &Finding{Rule: RuleOwnAsset, Entry: own}
	}
	// A URL is specific unless it is a site's front page: blocking
	// https://www.google.com/ is blocking Google.
	if (u.Path == "" || u.Path == "/") && u.RawQuery == "" {
		if f := g.checkName(host, false); f != nil && !f.Shared {
			return f
		}
	}
	// A file on an e-mail provider's shared asset host (a logo, a social
	// icon) appears in every newsletter copied from the same template:
	// shared, not the attacker's. A shortened link is the attacker's own.
	for _, h := range g.Lists().Host(host) {
		if assetLists[h.List.Name] {
			return &Finding{Rule: RuleShared, List: h.List.Name, Entry: h.Entry, Shared: true}
		}
	}
	return nil
}

// assetLists are the shared lists whose hosts serve the same files to
// everyone (so a URL under them is not specific either).
var assetLists = map[string]bool{warninglist.ESPAssets: true}

// docNets are the documentation prefixes (RFC 5737, RFC 3849): no real
// traffic uses them, so blocking them harms nobody, and every example in
// the docs and the tests uses them.
var docNets = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32")}

func isDocumentation(p netip.Prefix) bool {
	for _, d := range docNets {
		if d.Bits() <= p.Bits() && d.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// isPublicSuffix reports whether name (lower case) is a public suffix
// itself, not a name under one: of either section of the list (com,
// gouv.fr, and the private github.io, blogspot.com: the guard refuses to
// block any of them), or with icannOnly of the ICANN section alone (fr,
// co.uk: how ParseKind tells a bare TLD is a domain). A name the list
// does not know is its own suffix by the default rule, in neither section.
func isPublicSuffix(name string, icannOnly bool) bool {
	ps, icann := publicsuffix.PublicSuffix(name)
	return ps == name && (icann || !icannOnly)
}
