package authsource

import (
	"context"
	"net/netip"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/received"
	"vigie.dev/vigie/internal/scan"
)

// LiveAuth is the gateway's authenticator when relays are trusted (the
// SpamAssassin trusted_networks model, applied at the door). Mail straight
// from the Internet — the gateway's SMTP client is not a trusted relay — is
// checked live by Live. Mail handed over by a trusted relay (the
// provider's or the GHT's MX in front of us, an internal relay) is judged
// on the first untrusted hop its trace records: that hop's client IP, HELO
// and reverse name replace the relay's in the envelope, and the
// authentication results are those a trusted relay wrote
// (Authentication-Results from trust.authserv_ids, then a trusted ARC
// sealer's), else computed live against that client. Mail that only ever
// crossed trusted hops was written inside the organisation.
type LiveAuth struct {
	Trust      received.Trust
	ARCSealers []string
	Live       scan.Authenticator
	// OnTrustedRelay, when set, is told the address and reverse name of
	// each trusted relay that hands a message over: the organisation's
	// own infrastructure, which the indicator guard learns never to block.
	OnTrustedRelay func(ip netip.Addr, rdns string)
}

// Authenticate implements scan.Authenticator.
func (a *LiveAuth) Authenticate(ctx context.Context, raw []byte, m *message.Message, env *scan.Envelope) auth.Results {
	if env.Authenticated || !a.Trust.TrustsClient(env.ClientIP, env.RDNS) {
		return a.Live.Authenticate(ctx, raw, m, env)
	}
	if a.OnTrustedRelay != nil && env.ClientIP.IsValid() {
		a.OnTrustedRelay(env.ClientIP, env.RDNS)
	}
	hops := received.Chain(m.Header)
	c := a.Trust.Behind(hops)
	if c.Internal {
		env.Authenticated = true
		r, _ := trustedResults(a.Trust, a.ARCSealers, m, hops, c)
		return r
	}
	env.ClientIP, env.HELO, env.RDNS, env.RDNSKnown = c.ClientIP, c.HELO, c.RDNS, c.RDNSKnown
	env.MessageIDAdded = a.Trust.WroteMessageID(m.MessageID, hops, c)
	if r, ok := trustedResults(a.Trust, a.ARCSealers, m, hops, c); ok {
		return r
	}
	return a.Live.Authenticate(ctx, raw, m, env)
}

// trustedResults returns the results a trusted relay recorded for the hop
// of c: its Authentication-Results (with Results.ARCVouched when its ARC
// verdict and a trusted sealer's results explain a DMARC failure), else a
// trusted ARC sealer's that sealed last.
func trustedResults(t received.Trust, sealers []string, m *message.Message, hops []received.Hop, c received.Context) (auth.Results, bool) {
	if r, ok := t.Results(m.Header, hops, c); ok {
		// The relay verified the ARC chain (arc=pass): a trusted
		// sealer's DMARC pass explains a failure there, as at the door.
		r.ARCVouched = arcVouched(r, m.Header, sealers, m.FromAddr().Domain())
		r.ARCAuthor, r.ARCAuthorSealer = arcAuthor(r, m.Header, sealers)
		return r, true
	}
	if len(sealers) > 0 {
		// Only the newest seal's: what a trusted sealer recorded beneath
		// an untrusted one's is about a message that may since have
		// changed (lastTrustedSeal).
		if r, _, ok := lastTrustedSeal(m.Header, sealers); ok {
			return r, true
		}
	}
	return auth.Results{}, false
}
