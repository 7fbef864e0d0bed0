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
	r.ARCVouched = arcVouched(r, m.Header, a.ARCSealers)
	r.ARCAuthor, r.ARCAuthorSealer = arcAuthor(r, m.Header, a.ARCSealers)
	return r
}

// arcAuthor returns the domains a trusted sealer recorded as
// authenticating the message — the From domain whose DMARC passed, the
// domains whose DKIM signatures passed — and the sealer, provided the
// chain verified here: what a list that rewrote From says of the author
// it received (RFC 8617 §7.2).
func arcAuthor(r auth.Results, h message.Header, sealers []string) (domains []string, sealer string) {
	if r.ARC != auth.Pass || len(sealers) == 0 {
		return nil, ""
	}
	ar, ok := auth.ARCResults(h, sealers)
	if !ok {
		return nil, ""
	}
	// The trusted sealer must be the newest: a validator checks only the
	// newest ARC-Message-Signature (RFC 8617 §5.2), so an untrusted hop
	// that sealed after it (its cv=pass is its own word) may have changed
	// the body and the header fields the trusted seal's record was about
	// — a group's genuine post from a brand, replayed with a lure
	// (TestListAuthorReplayedByAnUntrustedSealer).
	sealer = strings.TrimPrefix(ar.Source, "arc:")
	if n := len(ar.ARCSealers); n == 0 || ar.ARCSealers[n-1] != sealer {
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

// arcVouched returns the trusted sealer that recorded a DMARC pass for a
// message whose DMARC fails now, provided the chain verified here
// (RFC 8617 §7.2: a receiver may use a trusted intermediary's results).
func arcVouched(r auth.Results, h message.Header, sealers []string) string {
	if r.DMARC != auth.Fail || r.ARC != auth.Pass || len(sealers) == 0 {
		return ""
	}
	if ar, ok := auth.ARCResults(h, sealers); ok && ar.DMARC == auth.Pass {
		return strings.TrimPrefix(ar.Source, "arc:")
	}
	return ""
}
