package dnstest_test

import (
	"testing"

	"github.com/miekg/dns"

	"vigie.dev/vigie/internal/dnsx/dnstest"
)

// TestRcodes checks the answers a real client sees, over UDP and TCP.
func TestRcodes(t *testing.T) {
	srv := dnstest.Start(t, `
example.org.        IN SOA ns.example.org. h.example.org. 1 2 3 4 60
a.b.example.org.    IN A   192.0.2.1
alias.example.org.  IN CNAME a.b.example.org.
*.w.example.org.    IN MX  10 mx.example.org.
`)
	srv.ServFail("bad.example.org")
	tests := []struct {
		name    string
		qtype   uint16
		rcode   int
		answers int
	}{
		{"a.b.example.org.", dns.TypeA, dns.RcodeSuccess, 1},
		{"A.B.EXAMPLE.ORG.", dns.TypeA, dns.RcodeSuccess, 1},
		{"a.b.example.org.", dns.TypeTXT, dns.RcodeSuccess, 0}, // no data
		{"b.example.org.", dns.TypeA, dns.RcodeSuccess, 0},     // empty non-terminal
		{"c.example.org.", dns.TypeA, dns.RcodeNameError, 0},
		{"alias.example.org.", dns.TypeA, dns.RcodeSuccess, 2}, // CNAME + A
		{"x.w.example.org.", dns.TypeMX, dns.RcodeSuccess, 1},  // wildcard
		{"bad.example.org.", dns.TypeA, dns.RcodeServerFailure, 0},
	}
	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network}
		for _, tt := range tests {
			m := new(dns.Msg)
			m.SetQuestion(tt.name, tt.qtype)
			r, _, err := c.Exchange(m, srv.Addr())
			if err != nil {
				t.Fatalf("%s %s: %v", network, tt.name, err)
			}
			if r.Rcode != tt.rcode || len(r.Answer) != tt.answers || !r.Authoritative {
				t.Errorf("%s %s %s: rcode %s, %d answers", network, tt.name, dns.TypeToString[tt.qtype], dns.RcodeToString[r.Rcode], len(r.Answer))
			}
			if tt.rcode == dns.RcodeNameError && (len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != dns.TypeSOA) {
				t.Errorf("%s %s: negative answer without SOA", network, tt.name)
			}
		}
	}
	if n := srv.Queries("c.example.org"); n != 2 {
		t.Errorf("Queries(c.example.org) = %d, want 2", n)
	}
}
