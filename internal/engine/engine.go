// Package engine assembles a scan.Scanner from the configuration: it builds
// each check family (internal/checks/*) with its data files, in pipeline
// order, assembles the signal catalogue from the families and validates the
// configuration's signal names against it, and picks where authentication
// results come from (package authsource: live DNS at the gateway, trusted
// relays' headers for stored messages). It is the one place that knows
// every family. Front ends call New and share the result; it holds no
// per-message state.
package engine

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/authsource"
	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/checks/anomaly"
	"vigie.dev/vigie/internal/checks/attach"
	"vigie.dev/vigie/internal/checks/authn"
	"vigie.dev/vigie/internal/checks/bayescheck"
	"vigie.dev/vigie/internal/checks/brand"
	"vigie.dev/vigie/internal/checks/forward"
	invoicecheck "vigie.dev/vigie/internal/checks/invoice"
	"vigie.dev/vigie/internal/checks/ioccheck"
	"vigie.dev/vigie/internal/checks/layout"
	"vigie.dev/vigie/internal/checks/links"
	"vigie.dev/vigie/internal/checks/lure"
	"vigie.dev/vigie/internal/checks/sender"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/rdap"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/warninglist"
)

// Options adds what the configuration cannot hold.
type Options struct {
	Log *slog.Logger
	// Online is the live authenticator used in auth.mode "dns" (nil: the
	// trace-only authenticator is used whatever the mode).
	Online scan.Authenticator
	// Indicators, when set, is consulted on every message (IOC_BLOCK, IOC_WATCH).
	Indicators *ioc.Matcher
	// Bayes, when set and the configuration enables it, is the site's
	// statistical classifier (a Live model at the gateway, a throw-away
	// one in eval).
	Bayes *bayes.Model
	// Suppliers, when set, is the supplier register the invoice checks
	// compare bank details with (nil: only its register-free signals).
	Suppliers invoicecheck.Books
	// OnTrustedRelay is told each trusted relay that hands a message over
	// (see authsource.LiveAuth).
	OnTrustedRelay func(ip netip.Addr, rdns string)
	// ExpertOriginals judges forwards' originals and attached messages
	// with the catalogue's expert weights and the default thresholds
	// (forward.InnerPolicy) instead of the site's policy: for fitting the
	// weights (vigie learn weights), whose FORWARDED_PHISH and
	// ATTACHED_MESSAGE_PHISH must not depend on the model being fitted, or
	// two successive refits would give two models.
	ExpertOriginals bool
}

// New builds a scanner.
func New(cfg *config.Config, o Options) (*scan.Scanner, error) {
	lists, err := WarningLists(cfg, o.Log)
	if err != nil {
		return nil, err
	}
	brands, err := readData(cfg.Data.Brands)
	if err != nil {
		return nil, err
	}
	hosting, err := readData(cfg.Data.Hosting)
	if err != nil {
		return nil, err
	}
	lures, err := readData(cfg.Data.Lures)
	if err != nil {
		return nil, err
	}
	lu, err := lure.New(lures)
	if err != nil {
		return nil, err
	}
	lu.SetOrgDomains(cfg.Org.Domains)
	lu.Limits = cfg.MessageLimits()
	// One registry client, one cache, for the link check's young domains
	// and the brand check's established senders.
	var registered func(ctx context.Context, domain string) (time.Time, error)
	if cfg.Data.RDAP != "" {
		registered = (&rdap.Client{BaseURL: cfg.Data.RDAP}).Registered
	}
	snd := sender.New(nil)
	lo := links.Options{Hosting: hosting, NRDFile: cfg.Data.NRD, Lured: lu.Lured, Asks: lu.Asks, Registered: registered, Freemail: snd.IsFreemail, OwnNets: cfg.Assets().Nets}
	lc, err := links.New(lo)
	if err != nil {
		return nil, err
	}
	bc, err := brand.New(brand.Options{Lists: lists, Freemail: snd.IsFreemail, Brands: brands, OrgDomains: cfg.Org.Domains, Affiliates: cfg.Org.Affiliates, VIPs: cfg.Org.VIPs, Asks: lu.Asks, LureWord: lu.Word, Holds: lu.Holds, PhoneNumber: lure.PhoneNumber, Registered: registered, Young: lc.Young})
	if err != nil {
		return nil, err
	}
	trust, err := cfg.TrustRules()
	if err != nil {
		return nil, err
	}
	var authn_ scan.Authenticator = &authsource.TraceAuth{Trust: trust, ARCSealers: cfg.Trust.ARCSealers}
	if cfg.Auth.Mode == "dns" && o.Online != nil {
		authn_ = o.Online
		if len(trust.Hosts) > 0 || len(trust.Networks) > 0 {
			authn_ = &authsource.LiveAuth{Trust: trust, ARCSealers: cfg.Trust.ARCSealers, Live: o.Online, OnTrustedRelay: o.OnTrustedRelay}
		}
	}
	ic, err := invoicecheck.New(invoicecheck.Options{Books: o.Suppliers, Young: lc.Young, OrgDomains: cfg.Org.Domains, Freemail: snd.IsFreemail})
	if err != nil {
		return nil, err
	}
	bayesFamily := &bayescheck.Check{PhishAt: cfg.Bayes.PhishAt, HamAt: cfg.Bayes.HamAt}
	if cfg.Bayes.Enabled {
		bayesFamily.Model = o.Bayes
	}
	snd.Asks = lu.Asks
	snd.Holds = lu.Holds
	snd.AsksBeyondSharing = lu.AsksBeyondSharing
	snd.Catalogued = bc.Catalogued
	snd.SameOwner = bc.SameOwner
	snd.Published = bc.Published
	lu.Freemail = snd.IsFreemail
	lu.SameOwner = bc.SameOwner
	lu.Published = bc.Published
	lu.AnyonesHost = lc.AnyonesHost
	lc.SameOwner = bc.SameOwner
	lc.Published = bc.Published
	// A forward's original is scanned by the sender, brand, link, lure and
	// layout families alone: it carries no authentication of its own, and the
	// site's indicators, classifier and supplier register judge the
	// message that arrived. It is judged with the site's policy, as it
	// would be had it arrived directly, the signals a rebuilt original
	// raises by construction off (forward.InnerPolicyOf; forward's README,
	// "The original judged as it would arrive").
	innerPolicy := forward.InnerPolicyOf(cfg.Policy.Policy)
	if o.ExpertOriginals {
		innerPolicy = forward.InnerPolicy()
	}
	inner := &scan.Scanner{
		Policy:  innerPolicy,
		Limits:  cfg.MessageLimits(),
		Timeout: cfg.Scan.Timeout,
		Log:     o.Log,
		Lists:   lists,
	}
	innerFamilies := []scan.Family{snd, bc, lc, lu, layout.Check{}}
	// A message carried as a file (an attached .eml or .msg) is scanned
	// with the attachment family as well: mx_sec_conf's "courriel attaché
	// (eml, msg) contenant l'élément malveillant" — the program is in the
	// carried message, which the carrier's attachment family sees only
	// as one file.
	carried := *inner
	carriedFamilies := []scan.Family{snd, bc, lc, attach.Check{}, lu, layout.Check{}}
	// The families in pipeline order: a check may read what an earlier
	// one emitted (lure reads sender's free-mailbox signals).
	families := []scan.Family{authn.Check{Young: lc.Young}, snd, anomaly.New(), bc, lc, attach.Check{}, lu, lure.NewNotice(), layout.Check{}, ic,
		&ioccheck.Check{M: o.Indicators}, bayesFamily}
	raise := map[string]bool{}
	for _, d := range (attach.Check{}).Signals() {
		raise[d.Name] = true
	}
	fwd := &forward.Check{Inner: inner.Scan, InnerCarried: carried.Scan, Policy: innerPolicy, CarriedRaise: raise}
	cat, err := scan.NewCatalogue(append(families, fwd)...)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if err := cfg.ValidateSignals(cat); err != nil {
		return nil, err
	}
	inner.Catalogue, carried.Catalogue = cat, cat
	for _, f := range innerFamilies {
		inner.Checks = append(inner.Checks, f.Checks()...)
	}
	for _, f := range carriedFamilies {
		carried.Checks = append(carried.Checks, f.Checks()...)
	}
	var checks []scan.Check
	for _, f := range families {
		checks = append(checks, f.Checks()...)
	}
	checks = append(checks, fwd.Checks()...)
	return &scan.Scanner{
		Checks:    checks,
		Policy:    cfg.Policy.Policy,
		Catalogue: cat,
		Auth:      authn_,
		Limits:    cfg.MessageLimits(),
		Timeout:   cfg.Scan.Timeout,
		Log:       o.Log,
		Lists:     lists,
	}, nil
}

// WarningLists loads the warning lists a scanner built from cfg consults:
// the embedded ones, with the newer files of data.warninglists in place of
// those of the same name (warninglist.Refreshed). It runs at start and on
// every reload, not on the first message's clock. A file refused (the
// reasons are Refreshed's: it does not parse, has no entry, changes its
// list's type, is too large or too broad...) is logged as an error and its
// embedded list stays in use; one taken that newly covers an org.domains
// domain, or whose entries imitating a brand were left out, is logged as a
// warning (`vigie config check` fails on the first and warns of the second).
func WarningLists(cfg *config.Config, log *slog.Logger) (*warninglist.Set, error) {
	if cfg.Data.Warninglists == "" {
		s, err := warninglist.Default()
		if err != nil {
			return nil, fmt.Errorf("engine: %w", err)
		}
		return s, nil
	}
	imitates, err := imitation(cfg)
	if err != nil {
		return nil, err
	}
	s, err := warninglist.Refreshed(cfg.Data.Warninglists, cfg.Org.Domains, imitates)
	if err != nil {
		return nil, fmt.Errorf("engine: data.warninglists: %w", err)
	}
	if log == nil {
		return s, nil
	}
	taken := 0
	for _, o := range s.Outcomes() {
		switch {
		case o.Err != nil:
			log.Error("warning list refused, the embedded one stays in use", "list", o.List, "file", o.File, "err", o.Err)
		case o.Skipped:
			log.Debug("warning list skipped: not one Vigie reads", "list", o.List, "file", o.File)
		case len(o.Own) > 0 || len(o.Imitations) > 0:
			taken++
			log.Warn("warning list taken; it now covers the organisation's own domains, or entries imitating a brand were left out", "list", o.List, "file", o.File, "own", o.Own, "left_out", o.Imitations, "version", o.Version, "entries", o.Entries)
		default:
			taken++
			log.Info("warning list taken", "list", o.List, "file", o.File, "version", o.Version, "embedded_version", o.EmbeddedVersion, "entries", o.Entries)
		}
	}
	log.Info("warning lists loaded", "dir", cfg.Data.Warninglists, "taken", taken)
	return s, nil
}

// imitation judges the entries a newer warning list adds with the brand
// family's look-alike test over the embedded lists (brand.Check.Imitates):
// the catalogue of data.brands and the organisation's domains.
func imitation(cfg *config.Config) (func(string) string, error) {
	brands, err := readData(cfg.Data.Brands)
	if err != nil {
		return nil, err
	}
	bc, err := brand.New(brand.Options{Brands: brands, OrgDomains: cfg.Org.Domains, Affiliates: cfg.Org.Affiliates})
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return bc.Imitates, nil
}

// readData reads one of the data section's files; "" is none (nil).
func readData(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return b, nil
}

// NewDNSAuth builds the live authenticator from the auth section.
func NewDNSAuth(cfg *config.Config) *authsource.DNSAuth {
	r := dnsx.NewCache(dnsx.NewClient(cfg.Auth.DNSServers, cfg.Auth.Timeout), 100_000)
	return &authsource.DNSAuth{Checker: &auth.Checker{Resolver: r, Timeout: cfg.Auth.Timeout}, Resolver: r, ARCSealers: cfg.Trust.ARCSealers}
}
