package authsource

import (
	"context"
	"strings"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// DNSAuth authenticates at the door with live DNS: SPF for the client and
// envelope, DKIM, DMARC and ARC, and the client's forward-confirmed reverse
// DNS when the front end did not supply it. Lookups go through r, which
// should be cached (dnsx.NewCache).
type DNSAuth struct {
	Checker  *auth.Checker
	Resolver dnsx.Resolver
	// ARCSealers are the forwarders and lists whose ARC results are
	// believed (trust.arc_sealers): when DMARC fails here but one of them
	// recorded a pass in an intact, verified chain, Results.ARCVouched
	// names it.
	ARCSealers []string
}

// Authenticate implements scan.Authenticator.
func (a *DNSAuth) Authenticate(ctx context.Context, raw []byte, m *message.Message, env *scan.Envelope) auth.Results {
	if env.ClientIP.IsValid() && !env.RDNSKnown && a.Resolver != nil {
		// A nil error means the lookup was answered: no confirmed name is
		// then "no reverse DNS". A temporary failure leaves it unknown.
		if name, _, err := dnsx.ForwardConfirmed(ctx, a.Resolver, env.ClientIP); err == nil {
			env.RDNS, env.RDNSKnown = name, true
		}
	}
	r := a.Checker.Check(ctx, raw, m.Header, m.FromAddr().Domain(), auth.Conn{IP: env.ClientIP, HELO: env.HELO, MailFrom: env.MailFrom})
	r.ARCVouched = arcVouched(r, m.Header, a.ARCSealers, m.FromAddr().Domain())
	r.ARCAuthor, r.ARCAuthorSealer = arcAuthor(r, m.Header, a.ARCSealers)
	return r
}

// trustedSeal returns the results a trusted sealer recorded in its
// ARC-Authentication-Results and that sealer, provided the chain verified
// here (r.ARC pass) and no sealer it does not trust sealed after it. An
// instance's results are only as good as its sealer (RFC 8617 §7), and a
// validator checks only the newest ARC-Message-Signature (§5.2): an
// untrusted hop that sealed after the trusted one (its cv=pass is its own
// word) may have changed the body and the header fields the trusted
// record was about — a group's genuine post from a brand, replayed with a
// lure (TestListAuthorReplayedByAnUntrustedSealer). auth.ARCResults
// returns the newest trusted instance, so every later one is untrusted:
// the trusted sealer must have sealed last.
func trustedSeal(r auth.Results, h message.Header, sealers []string) (auth.Results, string, bool) {
	if r.ARC != auth.Pass || len(sealers) == 0 {
		return auth.Results{}, "", false
	}
	return lastTrustedSeal(h, sealers)
}

// lastTrustedSeal returns the results the newest trusted sealer recorded
// (auth.ARCResults) and that sealer, provided it is the newest instance
// of the chain: every later instance is one the site does not trust, and
// its seal may cover a changed body (trustedSeal).
func lastTrustedSeal(h message.Header, sealers []string) (auth.Results, string, bool) {
	ar, ok := auth.ARCResults(h, sealers)
	if !ok {
		return auth.Results{}, "", false
	}
	sealer := strings.TrimPrefix(ar.Source, "arc:")
	if n := len(ar.ARCSealers); n == 0 || ar.ARCSealers[n-1] != sealer {
		return auth.Results{}, "", false
	}
	return ar, sealer, true
}

// arcAuthor returns the domains a trusted sealer recorded as
// authenticating the message — the From domain whose DMARC passed, the
// domains whose DKIM signatures passed — and the sealer, read from a
// trusted seal (trustedSeal): what a list that rewrote From says of the
// author it received (RFC 8617 §7.2).
func arcAuthor(r auth.Results, h message.Header, sealers []string) (domains []string, sealer string) {
	ar, sealer, ok := trustedSeal(r, h, sealers)
	if !ok {
		return nil, ""
	}
	if ar.DMARC == auth.Pass && ar.DMARCDomain != "" {
		domains = append(domains, strings.ToLower(ar.DMARCDomain))
	}
	domains = append(domains, ar.DKIMPass()...)
	if len(domains) == 0 {
		return nil, ""
	}
	return domains, sealer
}

// arcVouched returns the trusted sealer that recorded a DMARC pass for
// fromDomain, the message's RFC5322.From domain, when its DMARC fails
// now, read from a trusted seal (trustedSeal; RFC 8617 §7.2: a receiver
// may use a trusted intermediary's results). A pass recorded for another
// From domain vouches for another message, not for this From.
func arcVouched(r auth.Results, h message.Header, sealers []string, fromDomain string) string {
	if r.DMARC != auth.Fail {
		return ""
	}
	ar, sealer, ok := trustedSeal(r, h, sealers)
	from := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(fromDomain), "."))
	if !ok || ar.DMARC != auth.Pass || from == "" || ar.DMARCDomain != from {
		return ""
	}
	return sealer
}
