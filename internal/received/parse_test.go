package received

import (
	"strings"
	"testing"
	"time"
)

func TestParseReceived(t *testing.T) {
	for _, c := range []struct {
		name, v                  string
		helo, rdns, ip, by, with string
		id, for_                 string
		date                     string // RFC 3339, "" for none
	}{
		{"postfix", "from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTPS id 4AF78E6559 for <a@example.net>; Wed,  9 Aug 2023 13:56:46 -0300 (-03)",
			"mail.example.org", "mail.example.org", "192.0.2.10", "mx.example.net", "ESMTPS", "4AF78E6559", "a@example.net", "2023-08-09T13:56:46-03:00"},
		{"postfix unknown rdns", "from vultr-guest (unknown [203.0.113.127]) (Authenticated sender: someone) by smtp.example.net (Postfix) with ESMTPSA id 93DF317FEDE for <a@example.net>; Wed, 9 Aug 2023 13:56:46 -0300 (-03)",
			"vultr-guest", "", "203.0.113.127", "smtp.example.net", "ESMTPSA", "93DF317FEDE", "a@example.net", "2023-08-09T13:56:46-03:00"},
		{"postfix tls comments", "from sender.example.com (sender.example.com [198.51.100.112]) (using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)) (No client certificate requested) by smtp.lists.example (Postfix) with ESMTPS id 912D82CA5 for <list@lists.example>; Mon, 31 Jan 2022 14:46:54 +0000 (UTC)",
			"sender.example.com", "sender.example.com", "198.51.100.112", "smtp.lists.example", "ESMTPS", "912D82CA5", "list@lists.example", "2022-01-31T14:46:54Z"},
		{"postfix ipv6 literal", "from edge.example.org (edge.example.org [IPv6:2001:db8:1000:8100::1]) by archive.example (Postfix) with ESMTPS id 7D08E4A49A1; Mon, 31 Jan 2022 15:47:04 +0100 (CET)",
			"edge.example.org", "edge.example.org", "2001:db8:1000:8100::1", "archive.example", "ESMTPS", "7D08E4A49A1", "", "2022-01-31T15:47:04+01:00"},
		{"microsoft 365 front end", "from so1-2.mailer.example (198.51.100.55) by HE1EUR04FT028.mail.protection.outlook.com (10.152.27.31) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6631.29 via Frontend Transport; Thu, 27 Jul 2023 15:06:08 +0000",
			"so1-2.mailer.example", "", "198.51.100.55", "HE1EUR04FT028.mail.protection.outlook.com", "Microsoft", "15.20.6631.29", "", "2023-07-27T15:06:08Z"},
		{"exchange https loopback", "from DM6PR19MB4214.namprd19.prod.outlook.com (::1) by MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Thu, 27 Jul 2023 15:06:10 +0000",
			"DM6PR19MB4214.namprd19.prod.outlook.com", "", "::1", "MN0PR19MB6312.namprd19.prod.outlook.com", "HTTPS", "", "", "2023-07-27T15:06:10Z"},
		{"exchange internal ipv6", "from OS6P279CA0157.NORP279.PROD.OUTLOOK.COM (2603:10a6:e10:39::20) by DM6PR19MB4214.namprd19.prod.outlook.com (2603:10b6:5:2b9::23) with Microsoft SMTP Server (version=TLS1_2, cipher=X) id 15.20.6631.29; Thu, 27 Jul 2023 15:06:09 +0000",
			"OS6P279CA0157.NORP279.PROD.OUTLOOK.COM", "", "2603:10a6:e10:39::20", "DM6PR19MB4214.namprd19.prod.outlook.com", "Microsoft", "15.20.6631.29", "", "2023-07-27T15:06:09Z"},
		{"exchange mapi zone", "from BOX.example.local ([fe80::5e44:2cdd:d1a:216f]) by BOX.example.local ([fe80::5e44:2cdd:d1a:216f%3]) with mapi id 15.20.6723.017; Thu, 24 Aug 2023 08:40:27 +0000",
			"BOX.example.local", "", "fe80::5e44:2cdd:d1a:216f", "BOX.example.local", "mapi", "15.20.6723.017", "", "2023-08-24T08:40:27Z"},
		{"sendmail literal helo", "from [192.0.2.1] ([203.0.113.114]) by mailsecurity.example with ESMTP id 46DHVUk3015088; Sat, 13 Jul 2024 21:32:27 +0400",
			"[192.0.2.1]", "", "203.0.113.114", "mailsecurity.example", "ESMTP", "46DHVUk3015088", "", "2024-07-13T21:32:27+04:00"},
		{"sendmail submit", "(from root@localhost) by mail.example.bid (8.17.1.9/8.17.1.9/Submit) id 55PIXPPN928955; Thu, 26 Jun 2025 02:33:25 +0800",
			"", "", "", "mail.example.bid", "", "55PIXPPN928955", "", "2025-06-26T02:33:25+08:00"},
		{"exim no name", "from [198.51.100.254] (port=52148 helo=desk-122.example) by host4.example.co.th with esmtpa (Exim 4.96) (envelope-from <x@example.org>) id 1qQrwJ-0003Wf-2Z; Tue, 01 Aug 2023 23:09:38 +0700",
			"desk-122.example", "", "198.51.100.254", "host4.example.co.th", "esmtpa", "1qQrwJ-0003Wf-2Z", "", "2023-08-01T23:09:38+07:00"},
		{"exim rdns and port", "from net-2-39.example.it ([192.0.2.14]:50576 helo=pc.example) by business53.example.com with esmtpsa (TLS1.2) tls TLS_AES (Exim 4.96.2) id 1r; Mon, 06 Nov 2023 10:59:54 +0000",
			"pc.example", "net-2-39.example.it", "192.0.2.14", "business53.example.com", "esmtpsa", "1r", "", "2023-11-06T10:59:54Z"},
		{"exim helo equals rdns", "from mail-lj1-f171.google.com ([209.85.208.171]:43124) by lists.example.com with esmtps (TLS1.2) (Exim 4.93) id 1jjv; Fri, 12 Jun 2020 21:36:07 -0400",
			"mail-lj1-f171.google.com", "mail-lj1-f171.google.com", "209.85.208.171", "lists.example.com", "esmtps", "1jjv", "", "2020-06-12T21:36:07-04:00"},
		{"qmail", "from unknown (HELO User) (203.0.113.229) by relay.example.com with ESMTPA; 4 Jun 2023 10:24:49 -0700",
			"User", "", "203.0.113.229", "relay.example.com", "ESMTPA", "", "", "2023-06-04T10:24:49-07:00"},
		{"ironport rdns helo ip", "from laptop.corp.example.com (HELO desk.corp.example.com) ([10.255.92.53]) by relay-auth.corp.example.com with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384; 11 Nov 2021 12:44:51 -0800",
			"desk.corp.example.com", "laptop.corp.example.com", "10.255.92.53", "relay-auth.corp.example.com", "ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384", "", "", "2021-11-11T12:44:51-08:00"},
		{"qmail ip first", "from 192.0.2.204 (EHLO mailing.example.de) by 10.197.33.205 with SMTPs (version=TLS1_2 cipher=X); Sat, 25 Oct 2025 18:00:34 +0000",
			"mailing.example.de", "", "192.0.2.204", "10.197.33.205", "SMTPs", "", "", "2025-10-25T18:00:34Z"},
		{"gmail", "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id d9-20020a17 for <x@example.com> (Google Transport Security); Tue, 22 Aug 2023 05:26:49 -0700 (PDT)",
			"mail-sor-f41.google.com", "mail-sor-f41.google.com", "209.85.220.41", "mx.google.com", "SMTPS", "d9-20020a17", "x@example.com", "2023-08-22T05:26:49-07:00"},
		{"gmail submission", "by 2002:a17:902:6505:b0:1ad:d7a0:1d80 with SMTP id b5-2023; Tue, 22 Aug 2023 06:17:47 -0700 (PDT)",
			"", "", "", "2002:a17:902:6505:b0:1ad:d7a0:1d80", "SMTP", "b5-2023", "", "2023-08-22T06:17:47-07:00"},
		{"mailgun unknown", "from <unknown> (<unknown> []) by 47a34c698db9 with HTTP id 64c287db8eae254b7ee92baf; Thu, 27 Jul 2023 15:06:03 GMT",
			"", "", "", "47a34c698db9", "HTTP", "64c287db8eae254b7ee92baf", "", "2023-07-27T15:06:03Z"},
		{"sendgrid", "from [127.0.0.1] (unknown) by geopod-ismtpd-23 (SG) with ESMTP id N_MyKWfx for <a@example.fr>; Mon, 04 Sep 2023 21:11:24.404 +0000 (UTC)",
			"[127.0.0.1]", "", "127.0.0.1", "geopod-ismtpd-23", "ESMTP", "N_MyKWfx", "a@example.fr", "2023-09-04T21:11:24.404Z"},
		{"localhost amavis", "from mail.example.gov ([127.0.0.1]) by localhost (mail.example.gov [127.0.0.1]) (amavisd-new, port 10032) with ESMTP id MrSQ; Mon, 12 Dec 2022 01:04:18 -0300 (-03)",
			"mail.example.gov", "", "127.0.0.1", "localhost", "ESMTP", "MrSQ", "", "2022-12-12T01:04:18-03:00"},
		{"from localhost only", "from localhost by mail.example.com; 3 Jun 2025 08:53:32 -0000",
			"localhost", "", "", "mail.example.com", "", "", "", "2025-06-03T08:53:32Z"},
		{"literal outside comment", "from rly04.example.com [192.0.2.196] by mail.example.com with ASMTP; Thu, 18 Apr 2024 17:30:16 +0200",
			"rly04.example.com", "", "192.0.2.196", "mail.example.com", "ASMTP", "", "", "2024-04-18T17:30:16+02:00"},
		{"ecelerity ip port in literal", "from [192.0.2.124] ([192.0.2.124:55443] helo=localhost) by mail.example.net (envelope-from <n@example.com>) (ecelerity 4.4.1) with ESMTPSA (cipher=DHE) id FF/E0-07263; Mon, 06 Nov 2023 10:59:54 +0000",
			"localhost", "", "192.0.2.124", "mail.example.net", "ESMTPSA", "FF/E0-07263", "", "2023-11-06T10:59:54Z"},
		{"full month, no weekday", "by smtp-relay.example.com with ESMTP id cccdf50d; Tue, 28 November 2023 04:09:16 +0000 (UTC)",
			"", "", "", "smtp-relay.example.com", "ESMTP", "cccdf50d", "", "2023-11-28T04:09:16Z"},
		{"garbled weekday", "from out.example.com ([192.0.2.21]:40260) by mx.example.ru with esmtp id 1l; Tue, \xef\xbf\xbd, 29 Jan 2023 17:21:28 +0000 (UTC)",
			"out.example.com", "out.example.com", "192.0.2.21", "mx.example.ru", "esmtp", "1l", "", "2023-01-29T17:21:28Z"},
		{"no semicolon", "by filterdrecv-58 with SMTP id filterdrecv-58-1 2023-09-04 21:11:24.4406966 +0000 UTC m=+8189978.038024824",
			"", "", "", "filterdrecv-58", "SMTP", "filterdrecv-58-1", "", ""},
		{"date in ip slot", "from webmail.example.com ([Mon, 06 Nov 2023 10:44:48 +0000]) by relay37.example.net with QMQP; Mon, 06 Nov 2023 10:44:48 +0000",
			"webmail.example.com", "", "", "relay37.example.net", "QMQP", "", "", "2023-11-06T10:44:48Z"},
		{"two digit year", "from a.example (a.example [192.0.2.1]) by b.example; 1 Feb 99 10:00 EST",
			"a.example", "a.example", "192.0.2.1", "b.example", "", "", "", "1999-02-01T10:00:00-05:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := ParseReceived(c.v)
			if !h.Parsed {
				t.Fatalf("not parsed: %q", c.v)
			}
			ip := ""
			if h.IP.IsValid() {
				ip = h.IP.String()
			}
			got := []string{h.HELO, h.RDNS, ip, h.By, h.With, h.ID, h.For}
			want := []string{c.helo, c.rdns, c.ip, c.by, c.with, c.id, c.for_}
			names := []string{"HELO", "RDNS", "IP", "By", "With", "ID", "For"}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s = %q, want %q", names[i], got[i], want[i])
				}
			}
			if c.date == "" {
				if !h.Time.IsZero() {
					t.Errorf("Time = %v, want zero", h.Time)
				}
				return
			}
			want3339, err := time.Parse(time.RFC3339Nano, c.date)
			if err != nil {
				t.Fatal(err)
			}
			if !h.Time.Equal(want3339) {
				t.Errorf("Time = %v, want %v", h.Time, want3339)
			}
		})
	}
}

func TestParseReceivedUnparsed(t *testing.T) {
	for _, v := range []string{
		"",
		"(qmail 9656 invoked by uid 550); 3 Jun 2025 08:53:32 -0000",
		"; Mon, 06 Nov 2023 10:44:48 +0000",
		"garbage garbage garbage",
		"from",
		"((((((((",
		"[[[[<<<<",
	} {
		h := ParseReceived(v)
		if h.Parsed {
			t.Errorf("ParseReceived(%q) = %+v, want Parsed=false", v, h)
		}
		if h.Raw != v {
			t.Errorf("Raw not kept")
		}
	}
}

func TestParseReceivedHostile(t *testing.T) {
	for _, v := range []string{
		strings.Repeat("(", 100000),
		strings.Repeat("from a ", 50000),
		strings.Repeat("[", 30000) + "1.2.3.4]",
		"from x (" + strings.Repeat("y [1.2.3.4] ", 20000) + ")",
		strings.Repeat(";", 100000),
		"from \xff\xfe (\x00 [\xff]) by \x00; \xff",
	} {
		// Under 0.2 ms each even under the race detector; a parse quadratic
		// in these 100,000-character values would take minutes. The bound
		// leaves room for a loaded machine that stops the test a while.
		start := time.Now()
		h := ParseReceived(v)
		if d := time.Since(start); d > time.Second {
			t.Errorf("ParseReceived took %v on a %d-byte value", d, len(v))
		}
		if h.Raw != v {
			t.Error("Raw not kept")
		}
	}
}

func TestParseIP(t *testing.T) {
	for in, want := range map[string]string{
		"IPv6:2001:db8::1": "2001:db8::1",
		"ipv6:2001:db8::1": "2001:db8::1",
		"192.0.2.1:25":     "192.0.2.1",
		"fe80::1%3":        "fe80::1",
		"::ffff:192.0.2.1": "192.0.2.1",
		"[2001:db8::1]:25": "2001:db8::1",
		"unknown":          "",
		"":                 "",
	} {
		a, ok := parseIP(in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != want {
			t.Errorf("parseIP(%q) = %q, want %q", in, got, want)
		}
	}
}
