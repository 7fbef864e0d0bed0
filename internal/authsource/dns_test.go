package authsource

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/dnsx/dnstest"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// A forwarder the site trusts (trust.arc_sealers) recorded DMARC pass
// before it changed the message; when the chain verified at the door, it
// vouches for the message whose DMARC fails here (RFC 8617 §7.2).
func TestARCVouched(t *testing.T) {
	raw := strings.ReplaceAll(`ARC-Seal: i=1; a=rsa-sha256; d=relais.ght-exemple.fr; s=arc; cv=none; b=AAAA
ARC-Message-Signature: i=1; a=rsa-sha256; d=relais.ght-exemple.fr; s=arc; h=from:subject; bh=AAAA; b=AAAA
ARC-Authentication-Results: i=1; relais.ght-exemple.fr; spf=pass smtp.mailfrom=fournisseur-exemple.fr; dkim=pass header.d=fournisseur-exemple.fr; dmarc=pass header.from=fournisseur-exemple.fr
From: Service Commandes <commandes@fournisseur-exemple.fr>
To: achats@example-hopital.fr
Subject: [Transféré] Confirmation de commande 24-0318
Date: Mon, 18 Mar 2024 10:00:00 +0100
Message-ID: <c24@fournisseur-exemple.fr>
Content-Type: text/plain; charset=utf-8

Votre commande 24-0318 est confirmée, livraison jeudi.
`, "\n", "\r\n")
	m := message.Parse([]byte(raw), message.DefaultLimits())
	failed := auth.Results{SPF: auth.Fail, DMARC: auth.Fail, DMARCPolicy: "reject", ARC: auth.Pass}
	if got := arcVouched(failed, m.Header, []string{"relais.ght-exemple.fr"}, m.FromAddr().Domain()); got != "relais.ght-exemple.fr" {
		t.Errorf("trusted sealer: vouched = %q", got)
	}
	if got := arcVouched(failed, m.Header, []string{"autre-relais.example"}, m.FromAddr().Domain()); got != "" {
		t.Errorf("untrusted sealer vouched: %q", got)
	}
	broken := failed
	broken.ARC = auth.Fail
	if got := arcVouched(broken, m.Header, []string{"relais.ght-exemple.fr"}, m.FromAddr().Domain()); got != "" {
		t.Errorf("chain that did not verify vouched: %q", got)
	}
	passed := failed
	passed.DMARC = auth.Pass
	if got := arcVouched(passed, m.Header, []string{"relais.ght-exemple.fr"}, m.FromAddr().Domain()); got != "" {
		t.Errorf("a DMARC pass needs no voucher: %q", got)
	}
	// An untrusted relay that sealed after the trusted one (i=2, cv=pass
	// its own word) may have changed the body: the trusted record is no
	// longer about this message.
	replay := message.Parse([]byte(strings.ReplaceAll(`ARC-Seal: i=2; a=rsa-sha256; d=relais-partage.net; s=arc; cv=pass; b=AAAA
ARC-Message-Signature: i=2; a=rsa-sha256; d=relais-partage.net; s=arc; h=from:subject; bh=AAAA; b=AAAA
ARC-Authentication-Results: i=2; relais-partage.net; arc=pass; dmarc=pass header.from=fournisseur-exemple.fr
`, "\n", "\r\n")+raw), message.DefaultLimits())
	if got := arcVouched(failed, replay.Header, []string{"relais.ght-exemple.fr"}, replay.FromAddr().Domain()); got != "" {
		t.Errorf("an untrusted sealer sealed after the trusted one: vouched %q", got)
	}
	// The trusted sealer's pass was for another From domain.
	if got := arcVouched(failed, m.Header, []string{"relais.ght-exemple.fr"}, "banque-exemple.fr"); got != "" {
		t.Errorf("a pass recorded for another From vouched: %q", got)
	}
}

// TestARCAuthor: what a list's trusted sealer recorded of the author is
// read only from that sealer's own results, in a chain the door verified,
// and only when it sealed last: an untrusted i= that claims the brand's
// pass counts for nothing, above the trusted seal (a replay that may have
// changed the body) or alone.
func TestARCAuthor(t *testing.T) {
	const google = `ARC-Seal: i=1; a=rsa-sha256; d=google.com; s=arc; cv=none; b=AAAA
ARC-Message-Signature: i=1; a=rsa-sha256; d=google.com; s=arc; h=from:subject; bh=AAAA; b=AAAA
ARC-Authentication-Results: i=1; mx.google.com; dkim=pass header.i=@microsoft.com; dmarc=pass header.from=microsoft.com
`
	const relay = `ARC-Seal: i=2; a=rsa-sha256; d=relais-exemple.net; s=arc; cv=pass; b=AAAA
ARC-Message-Signature: i=2; a=rsa-sha256; d=relais-exemple.net; s=arc; h=from:subject; bh=AAAA; b=AAAA
ARC-Authentication-Results: i=2; relais-exemple.net; dkim=pass header.i=@paypal.com; dmarc=pass header.from=paypal.com
`
	const msg = "From: \"'Azure' via Partenaires\" <partenaires@googlegroups.com>\nSubject: x\nMessage-ID: <a@b>\n\nx\n"
	parse := func(s string) message.Header {
		return message.Parse([]byte(strings.ReplaceAll(s, "\n", "\r\n")), message.DefaultLimits()).Header
	}
	verified := auth.Results{DMARC: auth.Pass, ARC: auth.Pass}
	sealers := []string{"google.com"}
	if d, s := arcAuthor(verified, parse(google+msg), sealers); len(d) != 2 || d[0] != "microsoft.com" || s != "google.com" {
		t.Errorf("trusted sealer, newest: %q %q", d, s)
	}
	broken := verified
	broken.ARC = auth.Fail
	if d, _ := arcAuthor(broken, parse(google+msg), sealers); d != nil {
		t.Errorf("chain that did not verify: %q", d)
	}
	if d, _ := arcAuthor(verified, parse(relay+google+msg), sealers); d != nil {
		t.Errorf("an untrusted sealer sealed after the trusted one: %q", d)
	}
	if d, _ := arcAuthor(verified, parse(strings.ReplaceAll(relay, "i=2", "i=1")+msg), sealers); d != nil {
		t.Errorf("an untrusted sealer's claim alone: %q", d)
	}
}

// At the door, SPF, DKIM and DMARC are checked against the client with
// live DNS (an in-process server), and the client's reverse name is
// looked up when the front end did not give it.
func TestDNSAuth(t *testing.T) {
	srv := dnstest.Start(t, `
chorus-pro.gouv.fr.              300 IN SOA ns.gouv.fr. h.gouv.fr. 1 3600 600 86400 300
notification.chorus-pro.gouv.fr. 300 IN TXT "v=spf1 ip4:192.0.2.80 -all"
_dmarc.chorus-pro.gouv.fr.       300 IN TXT "v=DMARC1; p=reject"
113.0.203.in-addr.arpa.          300 IN SOA ns.example. h.example. 1 3600 600 86400 300
`)
	r := srv.ResolverTimeout(time.Second)
	a := &DNSAuth{Checker: &auth.Checker{Resolver: r, Timeout: 2 * time.Second}, Resolver: r}
	raw := []byte("From: Chorus Pro <ne-pas-repondre@chorus-pro.gouv.fr>\r\nSubject: Facture\r\nMessage-ID: <x@y>\r\n\r\nBonjour\r\n")
	m := message.Parse(raw, message.DefaultLimits())
	for _, c := range []struct {
		ip         string
		spf, dmarc auth.Result
	}{{"192.0.2.80", auth.Pass, auth.Pass}, {"203.0.113.45", auth.Fail, auth.Fail}} {
		env := scan.Envelope{ClientIP: netip.MustParseAddr(c.ip), HELO: "mail.example", MailFrom: "bounce@notification.chorus-pro.gouv.fr"}
		res := a.Authenticate(context.Background(), raw, m, &env)
		if res.Source != "dns" || res.SPF != c.spf || res.DMARC != c.dmarc || res.DMARCPolicy != "reject" {
			t.Errorf("%s: %+v", c.ip, res)
		}
		if c.ip == "203.0.113.45" && (!env.RDNSKnown || env.RDNS != "") {
			t.Errorf("%s: reverse DNS not looked up: %+v", c.ip, env)
		}
	}
}

// For a stored message the trusted relay's arc=pass stands for the
// verification: a trusted sealer's recorded DMARC pass explains the
// failure the relay found, as at the door; an untrusted sealer, or a
// chain the relay found broken, explains nothing.
func TestTraceARCVouched(t *testing.T) {
	const stored = `Authentication-Results: mx.example-hopital.fr; spf=pass smtp.mailfrom=liste-owner@listes.ght-exemple.fr; dmarc=fail (p=reject) header.from=fournisseur-exemple.fr; arc=pass
Received: from listes.ght-exemple.fr (listes.ght-exemple.fr [192.0.2.90])
	by mx.example-hopital.fr (Postfix) with ESMTPS id 4Tq9Ab2CdEz7rQ
	for <achats@example-hopital.fr>; Mon, 18 Mar 2024 10:00:05 +0100 (CET)
ARC-Seal: i=1; a=rsa-sha256; d=listes.ght-exemple.fr; s=arc; cv=none; b=AAAA
ARC-Message-Signature: i=1; a=rsa-sha256; d=listes.ght-exemple.fr; s=arc; h=from:subject; bh=AAAA; b=AAAA
ARC-Authentication-Results: i=1; listes.ght-exemple.fr; spf=pass smtp.mailfrom=fournisseur-exemple.fr; dkim=pass header.d=fournisseur-exemple.fr; dmarc=pass header.from=fournisseur-exemple.fr
From: Service Commandes <commandes@fournisseur-exemple.fr>
To: achats@listes.ght-exemple.fr
Subject: [achats] Confirmation de commande 24-0318
Message-ID: <c24@fournisseur-exemple.fr>

Votre commande 24-0318 est confirmée.
`
	for _, c := range []struct {
		name    string
		raw     string
		sealers []string
		want    string
	}{
		{"trusted sealer", stored, []string{"listes.ght-exemple.fr"}, "listes.ght-exemple.fr"},
		{"untrusted sealer", stored, []string{"google.com"}, ""},
		{"chain broken at the relay", strings.Replace(stored, "arc=pass", "arc=fail", 1), []string{"listes.ght-exemple.fr"}, ""},
	} {
		raw, m := parse(c.raw)
		var env scan.Envelope
		r := (&TraceAuth{Trust: hospitalMX, ARCSealers: c.sealers}).Authenticate(context.Background(), raw, m, &env)
		if r.DMARC != auth.Fail || r.ARCVouched != c.want {
			t.Errorf("%s: DMARC %s, vouched %q, want %q", c.name, r.DMARC, r.ARCVouched, c.want)
		}
	}
}

// When the trusted relay wrote no results of its own, a trusted sealer's
// stand for the message only if it sealed last: beneath an untrusted
// relay's seal (i=2, cv=pass its own word), Google's record of
// microsoft.com's pass is about a message that may since have changed.
func TestTraceARCResultsOnlyFromTheLastSeal(t *testing.T) {
	const google = `ARC-Seal: i=1; a=rsa-sha256; d=google.com; s=arc; cv=none; b=AAAA
ARC-Message-Signature: i=1; a=rsa-sha256; d=google.com; s=arc; h=from:subject; bh=AAAA; b=AAAA
ARC-Authentication-Results: i=1; mx.google.com; dkim=pass header.i=@microsoft.com; spf=pass smtp.mailfrom=microsoft.com; dmarc=pass header.from=microsoft.com
`
	const relay = `ARC-Seal: i=2; a=rsa-sha256; d=relais-partage.net; s=arc; cv=pass; b=AAAA
ARC-Message-Signature: i=2; a=rsa-sha256; d=relais-partage.net; s=arc; h=from:subject; bh=AAAA; b=AAAA
ARC-Authentication-Results: i=2; relais-partage.net; arc=pass; dmarc=pass header.from=microsoft.com
`
	const trace = `Received: from mail.relais-partage.net (mail.relais-partage.net [203.0.113.90])
	by mx.example-hopital.fr (Postfix) with ESMTPS id 4Tq9Ab2CdEz7rR
	for <compta@example-hopital.fr>; Mon, 18 Mar 2024 10:00:05 +0100 (CET)
`
	const msg = "From: Microsoft 365 <no-reply@microsoft.com>\nTo: compta@example-hopital.fr\nSubject: Verify your account\nMessage-ID: <r1@b>\n\nx\n"
	a := &TraceAuth{Trust: hospitalMX, ARCSealers: []string{"google.com"}}
	raw, m := parse(trace + google + msg)
	var env scan.Envelope
	if r := a.Authenticate(context.Background(), raw, m, &env); r.Source != "arc:google.com" || r.DMARC != auth.Pass {
		t.Errorf("trusted sealer, newest: %+v", r)
	}
	raw, m = parse(trace + relay + google + msg)
	env = scan.Envelope{}
	if r := a.Authenticate(context.Background(), raw, m, &env); r.Known() {
		t.Errorf("a trusted seal beneath an untrusted one stood for the message: %+v", r)
	}
}
