package posture

import (
	"net/netip"
	"testing"
)

// The parsers of what remote servers and the DNS say: none may panic or
// loop, whatever they are fed.

func FuzzSTSPolicy(f *testing.F) {
	f.Add([]byte("version: STSv1\r\nmode: enforce\r\nmx: *.example.org\r\nmax_age: 86400\r\n"))
	f.Add([]byte("version: STSv1\nmode: testing\nmx:\nmax_age: -1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseSTSPolicy(b)
		if err == nil {
			p.covers("mx.example.org")
		}
	})
}

func FuzzDKIMKey(f *testing.F) {
	f.Add("v=DKIM1; k=rsa; t=y:s; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ")
	f.Add("p=")
	f.Add("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	f.Fuzz(func(t *testing.T, s string) { parseDKIMKey("s", s) })
}

func FuzzBanner(f *testing.F) {
	f.Add("mx.example.org ESMTP Postfix 3.7.11 [10.0.0.1] srv01.corp.local\nmx.example.org Hello [192.0.2.1]")
	f.Add("SRVMAIL01 Microsoft ESMTP MAIL Service, Version: 10.0.17763.1 ready [IPv6:fd00::1]")
	f.Fuzz(func(t *testing.T, s string) {
		a := &auditor{rep: &Report{}}
		a.bannerChecks("t", s, netip.MustParseAddr("127.0.0.1"))
		splitReplies([]byte(s))
	})
}

func FuzzHeaders(f *testing.F) {
	f.Add([]byte("Received: from a.corp (10.1.1.1) by b\r\nX-Mailer: X 1.2\r\nX-Originating-IP: [10.2.2.2]\r\n\r\nbody"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a := &auditor{rep: &Report{}}
		a.checkHeaders("example.org", b)
	})
}

func FuzzDMARCPolicy(f *testing.F) {
	f.Add("v=DMARC1; p=reject; sp=none; pct=50; rua=mailto:a@b.example,mailto:c@d.example; fo=9")
	f.Add("v=DMARC1; p=bogus")
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := parseDMARCPolicy(s); err == nil && r.Policy == "" {
			t.Fatal("accepted a record without policy")
		}
	})
}
