package rbl

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

// FuzzHandle feeds raw packets to the whole query path (unpack, answer,
// pack, truncate): it must never panic, and whatever it sends back must be
// a well-formed response no bigger than the client may receive over UDP.
func FuzzHandle(f *testing.F) {
	for _, m := range []*dns.Msg{
		question(reverse4("192.0.2.10"), dns.TypeA),
		question(reverse6("2001:db8:1::1"), dns.TypeTXT),
		question("evil.example."+testZones.Domain+".", dns.TypeANY),
		question(urlName("https://evil.example/a?b=c"), dns.TypeTXT),
		question(testZones.IP+".", dns.TypeSOA),
		question("example.com.", dns.TypeA),
	} {
		m.SetEdns0(4096, false)
		b, _ := m.Pack()
		f.Add(b, false)
	}
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}, false) // compression loop
	s := newTestServer(f, RateLimit{})
	client := netip.MustParseAddr("192.0.2.1")
	f.Fuzz(func(t *testing.T, query []byte, tcp bool) {
		out := s.Respond(make([]byte, 0, 512), query, client, tcp)
		if out == nil {
			return
		}
		r := new(dns.Msg)
		if err := r.Unpack(out); err != nil {
			t.Fatalf("unparsable response %x: %v", out, err)
		}
		if !r.Response || r.RecursionAvailable {
			t.Fatalf("bad header: %v", r.MsgHdr)
		}
		if !tcp && len(out) > defaultEDNS0 {
			t.Fatalf("UDP response of %d bytes", len(out))
		}
	})
}
