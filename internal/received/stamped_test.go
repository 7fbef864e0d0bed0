package received

import (
	"strings"
	"testing"
)

// chain builds hops from Received values, newest first.
func chain(fields ...string) []Hop {
	var lines []string
	for _, f := range fields {
		lines = append(lines, "Received: "+f)
	}
	return Chain(parseHeader([]byte(strings.Join(lines, "\n") + "\n\n")))
}

func TestWroteMessageID(t *testing.T) {
	// Exchange Online's front end took the message from a sender that
	// wrote no Message-ID, and a second front end passed it on.
	m365 := chain(
		"from FE2.apcprd02.prod.outlook.com (2603:1096:300:5b:cafe::42) by MBX1.outlook.office365.com (2603:1096:300:5b::30) with Microsoft SMTP Server id 15.20.9611.8 via Frontend Transport; Tue, 10 Feb 2026 15:34:39 +0000",
		"from mail.sender.example (198.51.100.41) by FE2.mail.protection.outlook.com (10.167.240.58) with Microsoft SMTP Server id 15.20.9611.8 via Frontend Transport; Tue, 10 Feb 2026 15:34:27 +0000",
		"from workstation (192.0.2.7) by mail.sender.example with ESMTP; Tue, 10 Feb 2026 15:34:20 +0000",
	)
	// A Postfix MX of ours, with always_add_missing_headers.
	postfix := chain(
		"from mx.hopital.example (mx.hopital.example [192.0.2.3]) by store.hopital.example (Postfix) with ESMTP id 4Tq; Tue, 12 Mar 2024 10:02:12 +0100",
		"from smtp.fournisseur.example (smtp.fournisseur.example [198.51.100.80]) by mx.hopital.example (Postfix) with ESMTPS id 4Tp; Tue, 12 Mar 2024 10:02:11 +0100",
	)
	pfTrust := Trust{Hosts: []string{"mx.hopital.example", "store.hopital.example"}}
	// Written inside: every hop is ours, our server is the originator.
	internal := chain(
		"from [10.1.2.3] (helo=poste12) by mx.hopital.example with ESMTPSA; Tue, 12 Mar 2024 10:02:11 +0100",
	)
	for _, c := range []struct {
		name  string
		id    string
		hops  []Hop
		trust Trust
		want  bool
	}{
		{"front end's own name (by)", "85396c46-a6ec@FE2.mail.protection.outlook.com", m365, m365Trust(), true},
		{"front end's inner name (a trusted hop's from)", "85396c46-a6ec@fe2.apcprd02.prod.outlook.com", m365, m365Trust(), true},
		{"trailing dot", "x@FE2.apcprd02.prod.outlook.com.", m365, m365Trust(), true},
		{"sender's server, below the door", "20260210.1@mail.sender.example", m365, m365Trust(), false},
		{"another tenant's mailbox server", "AM7PR07MB6499EF@AM7PR07MB6499.eurprd07.prod.outlook.com", m365, m365Trust(), false},
		{"the sender's own domain", "abc@sender.example", m365, m365Trust(), false},
		{"our Postfix MX", "20240312090211.4Tp@mx.hopital.example", postfix, pfTrust, true},
		{"our mailbox store", "20240312090211.4Tq@store.hopital.example", postfix, pfTrust, true},
		{"no trusted relay", "20240312090211.4Tp@mx.hopital.example", postfix, Trust{Hosts: []string{"other.example"}}, false},
		{"written inside", "1@mx.hopital.example", internal, pfTrust, false},
		{"no id-right", "mx.hopital.example", postfix, pfTrust, false},
		{"dotless id-right", "1@localhost", chain("from a.example (a.example [198.51.100.1]) by localhost with ESMTP; Tue, 12 Mar 2024 10:02:11 +0100"), Trust{Hosts: []string{"localhost"}}, false},
		{"empty", "", postfix, pfTrust, false},
		{"no trace", "1@mx.hopital.example", nil, pfTrust, false},
	} {
		ctx := c.trust.Context(c.hops)
		if got := c.trust.WroteMessageID(c.id, c.hops, ctx); got != c.want {
			t.Errorf("%s: WroteMessageID(%q) = %v, want %v (context %+v)", c.name, c.id, got, c.want, ctx)
		}
	}
}
