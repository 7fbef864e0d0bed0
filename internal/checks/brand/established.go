package brand

import (
	"context"
	"strings"
	"time"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
	"vigie.dev/vigie/internal/urlx"
)

// The regional entities of France's mutualist banks write from domains of
// their own that carry the group's initials and the region's name
// (Crédit Agricole Nord de France: ca-norddefrance.fr). No maintained
// public list names them all: MISP's bank-website list, version 9, lacks
// a dozen, which brands.yaml takes from woob's list, and regional banks
// merge and rename. Read as the display name's claim on another domain,
// their own notices scored 5.7 (quarantine).
//
// A look-alike is a fresh domain: phishers register their domains and use
// them at once — 65 % of maliciously registered phishing domains within
// five days of registration, 17 % after 90 days (Interisle Consulting,
// Phishing Landscape 2020) — and the rest of phishing runs on compromised
// sites, whose names are no brand's initials. So a display name's brand is
// the sender's own when the sender's registrable domain passes DMARC
// (RFC 7489), its first label begins with the initials of one of the
// brand's names followed by a hyphen (ca-…: "Crédit Agricole"), and its
// registry dates its registration (RDAP, RFC 9083 §4.5 "registration"
// event) at least EstablishedAge ago. The verdict says so
// (BRAND_ESTABLISHED_SENDER, weight 0).
//
// Without a registry (data.rdap empty, the default, and in `vigie eval`,
// which runs offline) nothing is spared. A domain re-registered after
// expiry carries its new registration date.

// registry asks a domain's registration date, at most once per message.
type registry struct {
	registered func(ctx context.Context, domain string) (time.Time, error)
	age        time.Duration
	now        func() time.Time
}

// registryTimeout bounds one registry question: a slow registry costs the
// message the spare, never its verdict (links.rdapTimeout).
const registryTimeout = 2 * time.Second

func newRegistry(o Options) registry {
	r := registry{registered: o.Registered, age: o.EstablishedAge, now: o.Now}
	if r.age == 0 {
		r.age = 3 * 365 * 24 * time.Hour
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// ownFor returns, for one message, whether brand i is the sender's own:
// one of its official domains, or an established domain bearing its
// initials (above), which the verdict then names.
func (c *Check) ownFor(ctx context.Context, in *scan.Input, out *scan.Emitter) func(i int) bool {
	asked, spared := false, -1
	return func(i int) bool {
		// A domain the brand's warning list names is the brand's own
		// sender only when it answers for the message: MISP's bank-website
		// list names two thousand banks worldwide, many of whose domains
		// publish no DMARC policy, and a From forged on one of them is no
		// French bank's regional domain. Where no authentication result
		// is read (a relay whose results are not trusted), a listed
		// domain carrying the brand's initials (ca-alpesprovence.fr for
		// "Crédit Agricole": initialsDomain) is its regional bank's, as
		// its declared domains are: a forgery of either is told only by
		// the result that is not read, and a foreign bank's listed domain
		// under the French bank's name still counts.
		if b := &c.brands[i]; b.declared(in.FromDomain) || b.listed(in.FromDomain) && (in.SenderAnswers() || !in.Auth.Known() && c.initialsDomain(in.FromOrg, i)) {
			return true
		}
		if spared >= 0 || asked || c.registry.registered == nil || in.Auth.DMARC != "pass" || !c.initialsDomain(in.FromOrg, i) || !leadsHome(in, &c.brands[i]) {
			return spared == i
		}
		asked = true
		rctx, cancel := context.WithTimeout(ctx, registryTimeout)
		at, err := c.registry.registered(rctx, in.FromOrg)
		cancel()
		if err != nil || c.registry.now().Sub(at) < c.registry.age {
			return false
		}
		spared = i
		out.Emit("BRAND_ESTABLISHED_SENDER", c.brands[i].Name+" <"+in.FromOrg+"> "+at.Format("2006-01-02"))
		return true
	}
}

// initialsDomain reports a registrable domain whose first label starts
// with the initials of one of brand i's names of two words or more, then a
// hyphen: ca-norddefrance.fr for "Crédit Agricole". Words of one letter
// (the elided "d" of "Caisse d'Epargne") are left out; a name with a
// short word ("bnp paribas", "la banque postale") has no initials of its
// own, its short word being one already.
func (c *Check) initialsDomain(domain string, i int) bool {
	label, _, _ := strings.Cut(domain, ".")
	acronym, rest, ok := strings.Cut(label, "-")
	if !ok || rest == "" || len(acronym) < 2 {
		return false
	}
	for _, n := range c.brands[i].Names {
		var initials []byte
		for w := range strings.FieldsSeq(textmatch.Normalize(n)) {
			if len(w) > 1 && len(w) < 4 {
				initials = nil
				break
			}
			if len(w) > 1 {
				initials = append(initials, w[0])
			}
		}
		if len(initials) >= 2 && string(initials) == acronym {
			return true
		}
	}
	return false
}

// leadsHome reports a message whose links to click and addresses to write
// to stay with its sender, brand b or a top site (MISP's warning lists).
// A regional bank's notice leads to its own site; two letters and a
// hyphen are also the works council's ("ce-", comité d'entreprise) or a
// board's ("ca-", conseil d'administration) of many a firm, whose old
// domain passes DMARC from a mailbox a phisher took over — and the lure
// sent from it leads to the phisher's page (engine
// TestRegionalBankTwinsAreFlagged).
func leadsHome(in *scan.Input, b *Brand) bool {
	home := func(host, domain string) bool {
		return domain == "" || domain == in.FromOrg || b.Official(host) || in.TopSite(domain)
	}
	for _, l := range in.Links {
		if clickable(l) && l.Host != "" && !home(l.Host, l.Domain) {
			return false
		}
	}
	for _, d := range in.Msg.MailtoDomains {
		if !home(d, urlx.Registrable(d)) {
			return false
		}
	}
	return true
}
