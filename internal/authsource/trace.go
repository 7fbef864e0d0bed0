// Package authsource says where a message's authentication results come
// from, as a scan.Authenticator: checked live at the door (DNSAuth, over
// package auth's SPF, DKIM, DMARC and ARC verification), read from the
// trace that trusted relays wrote (TraceAuth, over package received's trust
// walk, for stored messages and vigie eval), or — at a gateway behind
// trusted relays — either, depending on who hands the message over
// (LiveAuth). The verification and the trust walk know nothing of each
// other; this package chooses between them.
package authsource

import (
	"context"
	"strings"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/received"
	"vigie.dev/vigie/internal/scan"
)

// TraceAuth reads a stored message's trace: the connection context and the
// arrival time from the first hop received from an untrusted host (the
// time its trusted receiver wrote), the envelope sender from
// Return-Path, and the authentication results that trusted relays recorded
// (Authentication-Results, then a trusted sealer's ARC-Authentication-Results).
type TraceAuth struct {
	Trust      received.Trust
	ARCSealers []string
}

// Authenticate implements scan.Authenticator.
func (a *TraceAuth) Authenticate(_ context.Context, _ []byte, m *message.Message, env *scan.Envelope) auth.Results {
	hops := received.Chain(m.Header)
	c := a.Trust.Context(hops)
	if !env.ClientIP.IsValid() && c.ClientIP.IsValid() {
		env.ClientIP = c.ClientIP
		if env.HELO == "" {
			env.HELO = c.HELO
		}
		if env.RDNS == "" {
			env.RDNS, env.RDNSKnown = c.RDNS, c.RDNSKnown
		}
	}
	if c.Internal {
		// Every hop is ours: the message was written inside the organisation.
		env.Authenticated = true
	}
	if a.Trust.WroteMessageID(m.MessageID, hops, c) {
		env.MessageIDAdded = true
	}
	if env.Arrival.IsZero() && c.HopIndex >= 0 {
		// When the trusted relay received it: the message's "now".
		env.Arrival = hops[c.HopIndex].Time
	}
	if env.MailFrom == "" {
		if rp := m.Header.Get("Return-Path"); rp != "" {
			env.MailFrom = strings.Trim(strings.TrimSpace(rp), "<>")
			if env.MailFrom == "" {
				env.MailFrom = scan.NullSender // Return-Path: <>
			}
		}
	}
	r, _ := trustedResults(a.Trust, a.ARCSealers, m, hops, c)
	return r
}
