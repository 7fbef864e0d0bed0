package received

import (
	"net/netip"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
)

func FuzzParseReceived(f *testing.F) {
	for _, s := range []string{
		"from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 4AF for <a@example.net>; Wed,  9 Aug 2023 13:56:46 -0300 (-03)",
		"from so1.example (198.51.100.55) by HE1.mail.protection.outlook.com (10.152.27.31) with Microsoft SMTP Server id 15.20; Thu, 27 Jul 2023 15:06:08 +0000",
		"from [198.51.100.254] (port=52148 helo=desk) by host4.example with esmtpa (Exim 4.96) id 1q; Tue, 01 Aug 2023 23:09:38 +0700",
		"from unknown (HELO User) (203.0.113.229) by relay.example.com with ESMTPA; 4 Jun 2023 10:24:49 -0700",
		"from <unknown> (<unknown> []) by 47a34c698db9 with HTTP id 64c; Thu, 27 Jul 2023 15:06:03 GMT",
		"from x ([IPv6:2001:db8::1]:25 helo=y) by z; 1 Feb 99 10:00:00.123 EST",
		"(qmail 9656 invoked by uid 550); 3 Jun 2025 08:53:32 -0000",
		"((\\)[<;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		h := ParseReceived(v)
		if h.Raw != v {
			t.Fatal("Raw not kept")
		}
		tr := Trust{Hosts: []string{"*.example", "z"}}
		hops := []Hop{h, h}
		c := tr.Context(hops)
		// A Message-ID said to be our relay's names one of the hosts of
		// the trace, whatever the field held.
		for _, id := range []string{"1@" + h.By, "1@" + h.HELO, v} {
			if tr.WroteMessageID(id, hops, c) {
				right := strings.TrimSuffix(id[strings.LastIndexByte(id, '@')+1:], ".")
				if !strings.EqualFold(right, strings.TrimSuffix(h.By, ".")) && !strings.EqualFold(right, strings.TrimSuffix(h.HELO, ".")) && !strings.EqualFold(right, strings.TrimSuffix(h.RDNS, ".")) {
					t.Fatalf("WroteMessageID(%q) with hop %+v", id, h)
				}
			}
		}
	})
}

// FuzzResults runs what every stored message goes through — the trust
// walk and the reading of the fields trusted relays wrote — on hostile
// values (the reader itself is fuzzed in package auth).
func FuzzResults(f *testing.F) {
	for _, s := range []string{
		"spf=pass (sender IP is 198.51.100.55) smtp.mailfrom=mg.example.com; dkim=pass (signature was verified) header.d=mg.example.com;dmarc=bestguesspass action=none header.from=mg.example.com;compauth=pass reason=109",
		`lists.example.com; dkim=fail reason="signature verification failed" (1024-bit key; unprotected) header.d=example.be header.b="R2fp79iK"; dkim-atps=neutral`,
		"mx.example.net; none",
		`a; b="\"; c=(`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		h := message.Header{Fields: []message.Field{
			{Name: "Authentication-Results", Value: v, Raw: v},
			{Name: "Received-SPF", Value: v, Raw: v},
			{Name: "Received", Value: "from a (a [192.0.2.1]) by mx.example; " + v, Raw: "from a (a [192.0.2.1]) by mx.example; " + v},
		}}
		tr := Trust{Hosts: []string{"mx.example"}, AuthServIDs: []string{"*"}, NoAuthServID: true}
		hops := Chain(h)
		tr.Results(h, hops, tr.Context(hops))
	})
}

// FuzzParseIP: parseIP's shortcut for names answers as netip does.
func FuzzParseIP(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "[192.0.2.1]", "192.0.2.1:25", "[2001:db8::1]:25", "IPv6:2001:db8::1",
		"fe80::1%eth0", "[fe80::1%eth0]:25", "mail.example.fr", "deadbeef", "unknown", "::ffff:192.0.2.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wantOK := netip.Addr{}, false
		if len(s) >= 2 && len(s) <= 64 {
			p := s
			if len(p) > 5 && strings.EqualFold(p[:5], "IPv6:") {
				p = p[5:]
			}
			if a, err := netip.ParseAddr(p); err == nil {
				want, wantOK = a.WithZone("").Unmap(), true
			} else if ap, err := netip.ParseAddrPort(p); err == nil {
				want, wantOK = ap.Addr().WithZone("").Unmap(), true
			}
		}
		if got, ok := parseIP(s); got != want || ok != wantOK {
			t.Errorf("parseIP(%q) = %v, %v; netip says %v, %v", s, got, ok, want, wantOK)
		}
	})
}
