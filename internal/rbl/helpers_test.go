package rbl

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// testZones use the names from the documentation.
var testZones = DefaultZones

// loadTestSource reads every fixture under testdata/ into a MemSource and
// returns the malformed lines reported.
func loadTestSource(t testing.TB) (*MemSource, []*LineError) {
	t.Helper()
	b := NewMemBuilder()
	var bad []*LineError
	report := func(e *LineError) { bad = append(bad, e) }
	for _, f := range []struct {
		name string
		read func(*MemBuilder, *os.File) error
	}{
		{"bl.ip4set", func(b *MemBuilder, f *os.File) error { _, err := ReadIPZone(b, f, f.Name(), report); return err }},
		{"bl.ip6trie", func(b *MemBuilder, f *os.File) error { _, err := ReadIPZone(b, f, f.Name(), report); return err }},
		{"dbl.dnset", func(b *MemBuilder, f *os.File) error { _, err := ReadDomainZone(b, f, f.Name(), report); return err }},
		{"uribl.txt", func(b *MemBuilder, f *os.File) error { _, err := ReadURLZone(b, f, f.Name(), report); return err }},
	} {
		fh, err := os.Open(filepath.Join("testdata", f.name))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.read(b, fh); err != nil {
			t.Fatal(err)
		}
		fh.Close()
	}
	return b.Build(), bad
}

// newTestServer returns a server over the fixtures, without rate limit
// unless rl says otherwise.
func newTestServer(t testing.TB, rl RateLimit) *Server {
	t.Helper()
	src, _ := loadTestSource(t)
	if rl.PerSecond == 0 {
		rl.PerSecond = -1
	}
	s := &Server{Zones: testZones, NS: []string{"ns1.vigie.test"}, RateLimit: rl}
	if err := s.SetSource(src); err != nil {
		t.Fatal(err)
	}
	return s
}

// ask sends one query through Respond and unpacks the answer; nil if dropped.
func ask(t testing.TB, s *Server, m *dns.Msg, tcp bool) *dns.Msg {
	t.Helper()
	q, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	out := s.Respond(make([]byte, 0, 512), q, netip.MustParseAddr("192.0.2.53"), tcp)
	if out == nil {
		return nil
	}
	r := new(dns.Msg)
	if err := r.Unpack(out); err != nil {
		t.Fatalf("unpack response: %v", err)
	}
	return r
}

func question(name string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	return m
}

// reverse4 and reverse6 build the IP zone's query names (RFC 5782 §2.1, §2.4).
func reverse4(ip string) string {
	n, _ := dns.ReverseAddr(ip)
	return n[:len(n)-len("in-addr.arpa.")] + testZones.IP + "."
}

func reverse6(ip string) string {
	b := netip.MustParseAddr(ip).As16() // As16 keeps ::ffff:a.b.c.d in IPv6 form
	const hexdigits = "0123456789abcdef"
	var sb strings.Builder
	for i := 15; i >= 0; i-- {
		sb.WriteByte(hexdigits[b[i]&0xf])
		sb.WriteByte('.')
		sb.WriteByte(hexdigits[b[i]>>4])
		sb.WriteByte('.')
	}
	return sb.String() + testZones.IP + "."
}
