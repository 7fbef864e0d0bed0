package authsource

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/received"
	"vigie.dev/vigie/internal/scan"
)

// relayed is a message as the hospital's MX (192.0.2.3,
// mx.example-hopital.fr) passed it on: it recorded the Internet client and
// its own results.
const relayed = `Return-Path: <bounce-20240312@notification.chorus-pro.gouv.fr>
Authentication-Results: mx.example-hopital.fr; spf=pass smtp.mailfrom=bounce-20240312@notification.chorus-pro.gouv.fr; dkim=pass header.d=chorus-pro.gouv.fr header.s=sel2024; dmarc=pass (p=reject) header.from=chorus-pro.gouv.fr
Received: from smtp-out.chorus-pro.gouv.fr (smtp-out.chorus-pro.gouv.fr [192.0.2.80])
	by mx.example-hopital.fr (Postfix) with ESMTPS id 4Tq9Ab2CdEz7rP
	for <compta@example-hopital.fr>; Tue, 12 Mar 2024 10:02:11 +0100 (CET)
From: Chorus Pro <ne-pas-repondre@chorus-pro.gouv.fr>
To: compta@example-hopital.fr
Subject: Notification
Message-ID: <n1@chorus-pro.gouv.fr>

Bonjour,
`

func parse(s string) ([]byte, *message.Message) {
	raw := []byte(strings.ReplaceAll(s, "\n", "\r\n"))
	return raw, message.Parse(raw, message.DefaultLimits())
}

var hospitalMX = received.Trust{Networks: []netip.Prefix{netip.MustParsePrefix("192.0.2.3/32")},
	Hosts: []string{"mx.example-hopital.fr"}, AuthServIDs: []string{"mx.example-hopital.fr"}}

// A stored message is judged on its trace: the first untrusted hop is the
// client, Return-Path the envelope sender, the trusted relay's results the
// authentication.
func TestTraceAuth(t *testing.T) {
	raw, m := parse(relayed)
	var env scan.Envelope
	r := (&TraceAuth{Trust: hospitalMX}).Authenticate(context.Background(), raw, m, &env)
	if r.Source != "header:mx.example-hopital.fr" || r.DMARC != auth.Pass || r.SPF != auth.Pass || len(r.DKIMPass()) != 1 {
		t.Errorf("results %+v", r)
	}
	if env.ClientIP.String() != "192.0.2.80" || env.HELO != "smtp-out.chorus-pro.gouv.fr" || env.MailFrom != "bounce-20240312@notification.chorus-pro.gouv.fr" || env.Authenticated {
		t.Errorf("envelope %+v", env)
	}
	// The arrival is the time the trusted MX wrote, not the scanner's clock;
	// a gateway's own stamp is kept.
	if want := time.Date(2024, 3, 12, 9, 2, 11, 0, time.UTC); !env.Arrival.Equal(want) {
		t.Errorf("arrival %v, want %v", env.Arrival, want)
	}
	stamped := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	env = scan.Envelope{Arrival: stamped}
	(&TraceAuth{Trust: hospitalMX}).Authenticate(context.Background(), raw, m, &env)
	if !env.Arrival.Equal(stamped) {
		t.Errorf("gateway's arrival replaced by %v", env.Arrival)
	}
	// Not trusting the MX, its results are not believed.
	env = scan.Envelope{}
	if r := (&TraceAuth{}).Authenticate(context.Background(), raw, m, &env); r.Known() {
		t.Errorf("untrusted relay's results believed: %+v", r)
	}
	// A trace no trusted relay wrote gives no arrival either.
	env = scan.Envelope{}
	(&TraceAuth{Trust: received.Trust{Hosts: []string{"mx.other.example"}}}).Authenticate(context.Background(), raw, m, &env)
	if !env.Arrival.IsZero() {
		t.Errorf("arrival %v from an untrusted trace", env.Arrival)
	}
	// "Return-Path: <>" is the null reverse path.
	raw, m = parse(strings.Replace(relayed, "<bounce-20240312@notification.chorus-pro.gouv.fr>", "<>", 1))
	env = scan.Envelope{}
	(&TraceAuth{Trust: hospitalMX}).Authenticate(context.Background(), raw, m, &env)
	if env.MailFrom != scan.NullSender {
		t.Errorf("null Return-Path gave %q", env.MailFrom)
	}
	// Every hop ours: written inside the organisation.
	raw, m = parse(strings.Replace(relayed, "smtp-out.chorus-pro.gouv.fr [192.0.2.80]", "poste12 [10.1.2.3]", 1))
	env = scan.Envelope{}
	(&TraceAuth{Trust: received.Trust{Hosts: []string{"mx.example-hopital.fr"}}}).Authenticate(context.Background(), raw, m, &env)
	if !env.Authenticated {
		t.Errorf("internal message not marked authenticated: %+v", env)
	}
}

// live records what the live authenticator was asked.
type live struct {
	env   scan.Envelope
	calls int
}

func (l *live) Authenticate(_ context.Context, _ []byte, _ *message.Message, env *scan.Envelope) auth.Results {
	l.calls++
	l.env = *env
	return auth.Results{Source: "dns", SPF: auth.Fail}
}

// At the door behind a trusted relay: mail from the relay is judged on the
// client it recorded, with its results when it wrote some; mail straight
// from anyone else is checked live, whatever its trace claims.
func TestLiveAuth(t *testing.T) {
	raw, m := parse(relayed)
	mx := scan.Envelope{ClientIP: netip.MustParseAddr("192.0.2.3"), RDNS: "mx.example-hopital.fr", RDNSKnown: true}
	var relays []netip.Addr
	l := &live{}
	a := &LiveAuth{Trust: hospitalMX, Live: l, OnTrustedRelay: func(ip netip.Addr, _ string) { relays = append(relays, ip) }}
	env := mx
	r := a.Authenticate(context.Background(), raw, m, &env)
	if r.Source != "header:mx.example-hopital.fr" || l.calls != 0 || env.ClientIP.String() != "192.0.2.80" || len(relays) != 1 {
		t.Errorf("relayed: source %q, live calls %d, client %s, relays %v", r.Source, l.calls, env.ClientIP, relays)
	}
	// The relay wrote no results: checked live against the recorded client.
	raw2, m2 := parse(strings.Replace(relayed, "Authentication-Results: mx.example-hopital.fr;", "X-Note:", 1))
	env = mx
	if r := a.Authenticate(context.Background(), raw2, m2, &env); r.Source != "dns" || l.env.ClientIP.String() != "192.0.2.80" {
		t.Errorf("no results: source %q, live asked about %s", r.Source, l.env.ClientIP)
	}
	// Another client naming the relay in its trace is not believed.
	l = &live{}
	a.Live = l
	env = scan.Envelope{ClientIP: netip.MustParseAddr("203.0.113.66")}
	if r := a.Authenticate(context.Background(), raw, m, &env); r.Source != "dns" || l.env.ClientIP.String() != "203.0.113.66" {
		t.Errorf("forger: source %q, live asked about %s", r.Source, l.env.ClientIP)
	}
}

// A Message-ID that the trusted MX wrote (it names the MX) says the
// message reached the door without one, whether the trace is read later
// or by the gateway behind that MX; the sender's own is not flagged.
func TestMessageIDAdded(t *testing.T) {
	added := strings.Replace(relayed, "<n1@chorus-pro.gouv.fr>", "<20240312090211.4Tq9Ab2CdEz7rP@mx.example-hopital.fr>", 1)
	mx := scan.Envelope{ClientIP: netip.MustParseAddr("192.0.2.3"), RDNS: "mx.example-hopital.fr", RDNSKnown: true}
	for _, c := range []struct {
		msg  string
		want bool
	}{{relayed, false}, {added, true}} {
		raw, m := parse(c.msg)
		var env scan.Envelope
		(&TraceAuth{Trust: hospitalMX}).Authenticate(context.Background(), raw, m, &env)
		if env.MessageIDAdded != c.want {
			t.Errorf("trace, Message-ID %s: added %v, want %v", m.MessageID, env.MessageIDAdded, c.want)
		}
		env = mx
		(&LiveAuth{Trust: hospitalMX, Live: &live{}}).Authenticate(context.Background(), raw, m, &env)
		if env.MessageIDAdded != c.want {
			t.Errorf("behind the MX, Message-ID %s: added %v, want %v", m.MessageID, env.MessageIDAdded, c.want)
		}
	}
}
