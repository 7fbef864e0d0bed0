package received

import (
	"net/netip"
	"path/filepath"
	"reflect"
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/message"
)

func m365Trust() Trust {
	return Trust{
		Hosts:        []string{"*.outlook.com", "*.protection.outlook.com", "*.prod.outlook.com", "*.outlook.office365.com"},
		Networks:     []netip.Prefix{netip.MustParsePrefix("2603:1000::/24")},
		NoAuthServID: true,
	}
}

func listTrust() Trust {
	return Trust{
		Hosts:       []string{"mail.archive.example", "*.archive.example", "smtp.lists.example.org", "*.lists.example.org"},
		AuthServIDs: []string{"mail.archive.example", "smtp.lists.example.org"},
	}
}

func corpTrust() Trust {
	return Trust{Hosts: []string{"*.corp.example"}}
}

func TestContextAndResults(t *testing.T) {
	for _, c := range []struct {
		file  string
		trust Trust
		ctx   Context
		ok    bool
		res   auth.Results
	}{
		{"m365.eml", m365Trust(),
			Context{ClientIP: netip.MustParseAddr("198.51.100.55"), HELO: "so1-2.mailer.example", HopIndex: 3},
			true, auth.Results{Source: "header:none", SPF: "pass", SPFDomain: "mg.example.com",
				DKIM:  []auth.DKIMResult{{Domain: "mg.example.com", Result: "pass"}},
				DMARC: "bestguesspass", DMARCDomain: "mg.example.com"}},
		{"m365-reject.eml", m365Trust(),
			Context{ClientIP: netip.MustParseAddr("203.0.113.9"), HELO: "relay.spam.example", HopIndex: 2},
			true, auth.Results{Source: "header:none", SPF: "fail", SPFDomain: "news.shop.example",
				DKIM:  []auth.DKIMResult{{Domain: "none", Result: "none"}},
				DMARC: "fail", DMARCPolicy: "reject", DMARCDomain: "news.shop.example"}},
		// The sender HELOs as outlook.com and writes its own results below
		// the front end's Received field: neither is believed.
		{"m365-forged.eml", m365Trust(),
			Context{ClientIP: netip.MustParseAddr("192.0.2.66"), HELO: "outlook.com", HopIndex: 2},
			false, auth.Results{}},
		{"list-postfix.eml", listTrust(),
			Context{ClientIP: netip.MustParseAddr("198.51.100.112"), HELO: "sender4.mail.example", RDNS: "sender4.mail.example", RDNSKnown: true, HopIndex: 3},
			true, auth.Results{Source: "header:smtp.lists.example.org", SPF: "pass", SPFDomain: "author.example",
				DKIM:  []auth.DKIMResult{{Domain: "author.example", Result: "pass"}},
				DMARC: "pass", DMARCPolicy: "reject", DMARCDomain: "author.example", ARC: "pass"}},
		// A HELO naming a trusted relay does not make a public client trusted.
		{"helo-forgery.eml", listTrust(),
			Context{ClientIP: netip.MustParseAddr("203.0.113.66"), HELO: "smtp.lists.example.org", RDNSKnown: true, HopIndex: 0},
			false, auth.Results{}},
		{"internal.eml", corpTrust(),
			Context{ClientIP: netip.MustParseAddr("10.9.8.7"), HELO: "[10.9.8.7]", RDNS: "desk.corp.example", RDNSKnown: true, HopIndex: 1, Internal: true},
			false, auth.Results{}},
		// Without trust, the newest hop is the gateway's own client.
		{"list-postfix.eml", Trust{},
			Context{ClientIP: netip.MustParseAddr("2001:db8:c09:a7::5321"), HELO: "edge1.archive.example", RDNS: "edge1.archive.example", RDNSKnown: true, HopIndex: 0},
			false, auth.Results{}},
		// Trusting a host that wrote no hop: no context, no results.
		{"m365.eml", listTrust(), Context{HopIndex: -1}, false, auth.Results{}},
	} {
		t.Run(c.file, func(t *testing.T) {
			h := readHeader(t, filepath.Join("testdata", "chains", c.file))
			hops := Chain(h)
			ctx := c.trust.Context(hops)
			if ctx != c.ctx {
				t.Errorf("Context = %+v\nwant %+v", ctx, c.ctx)
			}
			res, ok := c.trust.Results(h, hops, ctx)
			if ok != c.ok || !reflect.DeepEqual(res, c.res) {
				t.Errorf("Results = %+v, %v\nwant %+v, %v", res, ok, c.res, c.ok)
			}
		})
	}
}

func TestChainLimit(t *testing.T) {
	var b []byte
	for range 10000 {
		b = append(b, "Received: from a.example (a.example [192.0.2.1]) by b.example with ESMTP id X; Mon, 1 Jan 2024 00:00:00 +0000\r\n"...)
	}
	h := parseHeader(b)
	hops := Chain(h)
	if len(hops) != MaxHops {
		t.Fatalf("Chain kept %d hops, want %d", len(hops), MaxHops)
	}
	tr := Trust{Hosts: []string{"b.example", "a.example"}, AuthServIDs: []string{"b.example"}}
	ctx := tr.Context(hops)
	if !ctx.Internal || ctx.HopIndex != MaxHops-1 {
		t.Errorf("Context = %+v", ctx)
	}
	if _, ok := tr.Results(h, hops, ctx); ok {
		t.Error("results found in a header without any")
	}
}

func TestResultsReceivedSPF(t *testing.T) {
	f := func(name, v string) message.Field { return message.Field{Name: name, Value: v, Raw: v} }
	h := message.Header{Fields: []message.Field{
		f("Received", "from a.prod.outlook.com (2603:10a6:208:1::10) by b.prod.outlook.com with HTTPS; Mon, 1 Jan 2024 16:37:45 +0000"),
		f("Authentication-Results", "dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=shop.example"),
		f("Received-SPF", "SoftFail (protection.outlook.com: domain of transitioning shop.example discourages use of 192.0.2.7 as permitted sender) envelope-from=<x@Shop.Example>; client-ip=192.0.2.7"),
		f("Received", "from relay.shop.example (192.0.2.7) by c.mail.protection.outlook.com (10.1.1.1) with Microsoft SMTP Server; Mon, 1 Jan 2024 16:37:44 +0000"),
		// Below the front end: written by the sender, ignored.
		f("Received-SPF", "Pass (forged)"),
	}}
	tr := m365Trust()
	hops := Chain(h)
	ctx := tr.Context(hops)
	res, ok := tr.Results(h, hops, ctx)
	if !ok || res.SPF != auth.SoftFail || res.SPFDomain != "shop.example" || res.DMARC != auth.None || res.Source != "header:none" {
		t.Errorf("Results = %+v, %v", res, ok)
	}
	h.Fields = append(h.Fields[:1], h.Fields[3:]...) // no trusted Received-SPF left
	if res, _ := tr.Results(h, Chain(h), ctx); res.SPF != "" {
		t.Errorf("SPF %q taken from below the first untrusted hop", res.SPF)
	}
}

func TestBehindTrustedClient(t *testing.T) {
	hop := func(raw string) Hop { return ParseReceived(raw) }
	ght := Trust{Hosts: []string{"*.ght.example"}, Networks: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/28")}}
	cases := []struct {
		name string
		hops []Hop
		want Context
	}{
		{"the trusted MX received from the Internet",
			[]Hop{hop("from mail.partner.example (mail.partner.example [198.51.100.7]) by mx1.provider.example (Postfix) with ESMTPS id 4Q; Tue, 12 Mar 2024 09:15:02 +0100")},
			Context{ClientIP: netip.MustParseAddr("198.51.100.7"), HELO: "mail.partner.example", RDNS: "mail.partner.example", RDNSKnown: true, HopIndex: 0}},
		{"two trusted hops, then the Internet",
			[]Hop{
				hop("from mx2.ght.example (mx2.ght.example [192.0.2.3]) by relay.ght.example (Postfix) with ESMTP id A; Tue, 12 Mar 2024 09:15:03 +0100"),
				hop("from smtp.sender.example (unknown [203.0.113.40]) by mx2.ght.example (Postfix) with ESMTP id B; Tue, 12 Mar 2024 09:15:02 +0100"),
				hop("from [10.0.0.5] by smtp.sender.example; Tue, 12 Mar 2024 09:15:01 +0100"),
			},
			Context{ClientIP: netip.MustParseAddr("203.0.113.40"), HELO: "smtp.sender.example", RDNSKnown: true, HopIndex: 1}},
		{"only trusted hops: written inside",
			[]Hop{hop("from desk (desk.ght.example [192.0.2.9]) by relay.ght.example (Postfix) with ESMTP id A; Tue, 12 Mar 2024 09:15:03 +0100")},
			Context{ClientIP: netip.MustParseAddr("192.0.2.9"), HELO: "desk", RDNS: "desk.ght.example", RDNSKnown: true, HopIndex: 0, Internal: true}},
		{"no trace at all", nil, Context{HopIndex: -1, Internal: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ght.Behind(c.hops); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Behind = %+v, want %+v", got, c.want)
			}
		})
	}
	for _, c := range []struct {
		ip   string
		rdns string
		want bool
	}{
		{"192.0.2.3", "", true},
		{"::ffff:192.0.2.3", "", true},
		{"198.51.100.7", "mx9.ght.example", true},
		{"198.51.100.7", "ght.example.attacker.example", false},
		{"198.51.100.7", "", false},
	} {
		if got := ght.TrustsClient(netip.MustParseAddr(c.ip), c.rdns); got != c.want {
			t.Errorf("TrustsClient(%s, %q) = %v", c.ip, c.rdns, got)
		}
	}
}
