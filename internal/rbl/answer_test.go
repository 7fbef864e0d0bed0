package rbl

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// urlName is the two-label hex form; urlName32 the one-label base32 form.
func urlName(u string) string {
	h := sha256.Sum256([]byte(u))
	x := hex.EncodeToString(h[:])
	return x[:32] + "." + x[32:] + "." + testZones.URL + "."
}

func urlName32(u string) string {
	h := sha256.Sum256([]byte(u))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:])) + "." + testZones.URL + "."
}

func TestRespond(t *testing.T) {
	s := newTestServer(t, RateLimit{})
	dom := func(n string) string { return n + "." + testZones.Domain + "." }
	tests := []struct {
		name  string
		qname string
		qtype uint16
		rcode int
		want  string // the answer's data, "" for none
	}{
		// RFC 5782 §5 test points
		{"v4 test listed", reverse4("127.0.0.2"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
		{"v4 test unlisted", reverse4("127.0.0.1"), dns.TypeA, dns.RcodeNameError, ""},
		{"v6 test listed", reverse6("::ffff:7f00:2"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
		{"v6 test unlisted", reverse6("::ffff:7f00:1"), dns.TypeA, dns.RcodeNameError, ""},
		{"domain test", dom("test"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
		{"domain invalid", dom("invalid"), dns.TypeA, dns.RcodeNameError, ""},
		// IP zone
		{"v4 listed", reverse4("192.0.2.10"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
		{"v4 watched", reverse4("192.0.2.11"), dns.TypeA, dns.RcodeSuccess, "127.0.0.3"},
		{"v4 TXT", reverse4("192.0.2.11"), dns.TypeTXT, dns.RcodeSuccess, "Watched: 192.0.2.11 seen in incident 42"},
		{"v4 in CIDR", reverse4("198.51.100.99"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
		{"v4 excluded", reverse4("198.51.100.7"), dns.TypeA, dns.RcodeNameError, ""},
		{"v4 unlisted", reverse4("192.0.2.12"), dns.TypeA, dns.RcodeNameError, ""},
		{"v4 no TXT", reverse4("10.9.9.9"), dns.TypeTXT, dns.RcodeSuccess, ""},
		{"v4 listed MX", reverse4("192.0.2.10"), dns.TypeMX, dns.RcodeSuccess, ""},
		{"v4 ANY minimal", reverse4("192.0.2.10"), dns.TypeANY, dns.RcodeSuccess, "127.0.0.2"},
		{"v6 listed", reverse6("2001:db8:1::1"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
		{"v6 TXT", reverse6("2001:db8:1::1"), dns.TypeTXT, dns.RcodeSuccess, "IPv6 listed: 2001:db8:1::1"},
		{"v6 unlisted", reverse6("2001:db8:9::1"), dns.TypeA, dns.RcodeNameError, ""},
		{"v6 upper-case nibbles", strings.ToUpper(reverse6("2001:db8:1::abc")), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
		{"three octets", "2.0.192." + testZones.IP + ".", dns.TypeA, dns.RcodeNameError, ""},
		{"leading zero", "010.2.0.192." + testZones.IP + ".", dns.TypeA, dns.RcodeNameError, ""},
		{"octet overflow", "256.2.0.192." + testZones.IP + ".", dns.TypeA, dns.RcodeNameError, ""},
		// domain zone
		{"domain listed", dom("phish.example"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
		{"domain TXT", dom("phish.example"), dns.TypeTXT, dns.RcodeSuccess, "Blocked domain phish.example"},
		{"domain parent", dom("LOGIN.Evil.Example"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
		{"domain watched", dom("a.watched.example"), dns.TypeA, dns.RcodeSuccess, "127.0.0.3"},
		{"domain unlisted", dom("example.org"), dns.TypeA, dns.RcodeNameError, ""},
		// hashed-URL zone
		{"url listed", urlName("https://evil.example/a?b=c"), dns.TypeA, dns.RcodeSuccess, "127.0.0.4"},
		{"url base32", urlName32("https://evil.example/a?b=c"), dns.TypeA, dns.RcodeSuccess, "127.0.0.4"},
		{"url one hex label too long", strings.Repeat("a", 64)[:63] + "." + testZones.URL + ".", dns.TypeA, dns.RcodeNameError, ""},
		{"url TXT", urlName("https://evil.example/a?b=c"), dns.TypeTXT, dns.RcodeSuccess, "Phishing URL"},
		{"url unlisted", urlName("https://example.org/"), dns.TypeA, dns.RcodeNameError, ""},
		{"url not a hash", "abc." + testZones.URL + ".", dns.TypeA, dns.RcodeNameError, ""},
		// apex
		{"SOA", testZones.IP + ".", dns.TypeSOA, dns.RcodeSuccess, "ns1.vigie.test."},
		{"NS", testZones.Domain + ".", dns.TypeNS, dns.RcodeSuccess, "ns1.vigie.test."},
		{"apex A", testZones.URL + ".", dns.TypeA, dns.RcodeSuccess, ""},
		{"apex ANY", testZones.URL + ".", dns.TypeANY, dns.RcodeSuccess, "ns1.vigie.test."},
		// not ours
		{"outside", "www.example.com.", dns.TypeA, dns.RcodeRefused, ""},
		{"parent of zone", "vigie.local.", dns.TypeSOA, dns.RcodeRefused, ""},
		{"suffix, not subdomain", "2.0.0.127.xbl.vigie.local.", dns.TypeA, dns.RcodeRefused, ""},
		{"root", ".", dns.TypeNS, dns.RcodeRefused, ""},
		{"AXFR", testZones.IP + ".", dns.TypeAXFR, dns.RcodeRefused, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := question(tt.qname, tt.qtype)
			r := ask(t, s, q, false)
			if r == nil {
				t.Fatal("dropped")
			}
			if r.Rcode != tt.rcode {
				t.Fatalf("rcode %s, want %s\n%v", dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode], r)
			}
			if r.Id != q.Id || !r.Response || r.RecursionAvailable || !r.RecursionDesired {
				t.Errorf("header: id %d/%d QR %v RA %v RD %v", r.Id, q.Id, r.Response, r.RecursionAvailable, r.RecursionDesired)
			}
			if r.Authoritative != (tt.rcode != dns.RcodeRefused) {
				t.Errorf("AA = %v", r.Authoritative)
			}
			got := ""
			if len(r.Answer) > 0 {
				switch rr := r.Answer[0].(type) {
				case *dns.A:
					got = rr.A.String()
				case *dns.TXT:
					got = strings.Join(rr.Txt, "")
				case *dns.SOA:
					got = rr.Ns
				case *dns.NS:
					got = rr.Ns
				}
			}
			if got != tt.want || len(r.Answer) > 1 {
				t.Errorf("answer %q (%d RRs), want %q", got, len(r.Answer), tt.want)
			}
			// RFC 2308 §3: negative answers carry the SOA for caching.
			if (tt.rcode == dns.RcodeNameError || tt.rcode == dns.RcodeSuccess && len(r.Answer) == 0) &&
				(len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != dns.TypeSOA || r.Ns[0].Header().Ttl != 300) {
				t.Errorf("negative answer without SOA: %v", r.Ns)
			}
		})
	}
}

func TestRespondProtocol(t *testing.T) {
	s := newTestServer(t, RateLimit{})
	listedTXT := reverse4("192.0.2.10")

	t.Run("EDNS0 echoed and capped", func(t *testing.T) {
		q := question(listedTXT, dns.TypeA)
		q.SetEdns0(65000, false)
		r := ask(t, s, q, false)
		if opt := r.IsEdns0(); opt == nil || opt.UDPSize() != defaultEDNS0 {
			t.Fatalf("OPT: %v", opt)
		}
	})
	t.Run("EDNS version 1 gets BADVERS", func(t *testing.T) {
		q := question(listedTXT, dns.TypeA)
		q.SetEdns0(1232, false)
		q.IsEdns0().SetVersion(1)
		if r := ask(t, s, q, false); r.Rcode != dns.RcodeBadVers {
			t.Fatalf("rcode %s", dns.RcodeToString[r.Rcode])
		}
	})
	t.Run("NOTIFY is not implemented", func(t *testing.T) {
		q := question(testZones.IP, dns.TypeSOA)
		q.Opcode = dns.OpcodeNotify
		if r := ask(t, s, q, false); r.Rcode != dns.RcodeNotImplemented {
			t.Fatalf("rcode %s", dns.RcodeToString[r.Rcode])
		}
	})
	t.Run("two questions", func(t *testing.T) {
		q := question(listedTXT, dns.TypeA)
		q.Question = append(q.Question, q.Question[0])
		if r := ask(t, s, q, false); r.Rcode != dns.RcodeFormatError || len(r.Answer) != 0 {
			t.Fatalf("got %v", r)
		}
	})
	t.Run("no question: small FORMERR", func(t *testing.T) {
		q := append(make([]byte, 12), 0xff)
		out := s.Respond(nil, q, netip.Addr{}, false)
		r := new(dns.Msg)
		if err := r.Unpack(out); err != nil || r.Rcode != dns.RcodeFormatError || len(out) > len(q) {
			t.Fatalf("got %x (%v)", out, err)
		}
	})
	t.Run("CHAOS class refused", func(t *testing.T) {
		q := question(testZones.IP, dns.TypeTXT)
		q.Question[0].Qclass = dns.ClassCHAOS
		if r := ask(t, s, q, false); r.Rcode != dns.RcodeRefused {
			t.Fatalf("rcode %s", dns.RcodeToString[r.Rcode])
		}
	})
	t.Run("responses are dropped", func(t *testing.T) {
		q := question(listedTXT, dns.TypeA)
		q.Response = true
		if r := ask(t, s, q, false); r != nil {
			t.Fatalf("answered a response: %v", r)
		}
	})
	t.Run("oversized query dropped", func(t *testing.T) {
		q := question(listedTXT, dns.TypeA)
		q.SetEdns0(1232, false)
		q.IsEdns0().Option = append(q.IsEdns0().Option, &dns.EDNS0_PADDING{Padding: make([]byte, maxQueryLen)})
		if r := ask(t, s, q, false); r != nil {
			t.Fatal("answered an oversized query")
		}
	})
	t.Run("garbage dropped", func(t *testing.T) {
		for _, p := range [][]byte{nil, []byte("hello"), make([]byte, 11), {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63}} {
			if out := s.Respond(nil, p, netip.Addr{}, false); out != nil {
				t.Errorf("answered %x", p)
			}
		}
	})
}

// TestTruncation: a long TXT reason does not fit 512 bytes over UDP without
// EDNS (RFC 1035 §4.2.1), fits with EDNS0, and always fits over TCP.
func TestTruncation(t *testing.T) {
	b := NewMemBuilder()
	long := strings.Repeat("very long reason with a backslash \\ and \"quotes\" ", 16) // ~800 bytes
	b.AddPrefix(netip.MustParsePrefix("192.0.2.66/32"), Entry{Code: 2, Reason: long})
	b.AddPrefix(netip.MustParsePrefix("192.0.2.67/32"), Entry{Code: 2, Reason: long + long})
	s := &Server{Zones: testZones, NS: []string{"ns1.vigie.test"}, RateLimit: RateLimit{PerSecond: -1}}
	s.SetSource(b.Build())

	q := question(reverse4("192.0.2.66"), dns.TypeTXT)
	r := ask(t, s, q, false)
	if !r.Truncated || len(r.Answer) != 0 {
		t.Fatalf("UDP without EDNS: TC=%v, %d answers", r.Truncated, len(r.Answer))
	}
	q.SetEdns0(4096, false)
	if r = ask(t, s, q, false); r.Truncated || len(r.Answer) != 1 {
		t.Fatalf("UDP with EDNS0 4096: TC=%v, %d answers", r.Truncated, len(r.Answer))
	}
	q = question(reverse4("192.0.2.67"), dns.TypeTXT)
	q.SetEdns0(4096, false) // capped at 1232: still too big
	if r = ask(t, s, q, false); !r.Truncated {
		t.Fatal("1600-byte TXT not truncated at the 1232 cap")
	}
	r = ask(t, s, question(reverse4("192.0.2.67"), dns.TypeTXT), true)
	if r.Truncated || len(r.Answer) != 1 {
		t.Fatalf("TCP: TC=%v, %d answers", r.Truncated, len(r.Answer))
	}
	if got := strings.Join(r.Answer[0].(*dns.TXT).Txt, ""); got != strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(long+long) {
		// miekg/dns shows TXT data in presentation form: \ and " escaped.
		t.Errorf("TXT round trip:\n got %q", got)
	}
}

func TestRateLimit(t *testing.T) {
	s := newTestServer(t, RateLimit{PerSecond: 10, Burst: 5, Slip: 2,
		Exempt: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
	now := s.limiter.now()
	s.limiter.now = func() time.Time { return now }
	q, _ := question(reverse4("192.0.2.10"), dns.TypeA).Pack()
	attacker := netip.MustParseAddr("198.51.100.9")
	neighbour := netip.MustParseAddr("198.51.100.200") // same /24: same bucket
	var answered, slipped, dropped int
	for i := range 25 {
		client := attacker
		if i%2 == 1 {
			client = neighbour
		}
		out := s.Respond(nil, q, client, false)
		switch {
		case out == nil:
			dropped++
		default:
			r := new(dns.Msg)
			r.Unpack(out)
			if r.Truncated && len(r.Answer) == 0 {
				slipped++
			} else {
				answered++
			}
		}
	}
	if answered != 5 || slipped != 10 || dropped != 10 {
		t.Errorf("answered %d slipped %d dropped %d; want 5, 10, 10", answered, slipped, dropped)
	}
	if s.Respond(nil, q, netip.MustParseAddr("203.0.113.1"), false) == nil {
		t.Error("another network was limited")
	}
	if s.Respond(nil, q, netip.MustParseAddr("192.0.2.1"), false) == nil {
		t.Error("exempt network was limited")
	}
	if s.Respond(nil, q, attacker, true) == nil {
		t.Error("TCP was limited")
	}
	now = now.Add(time.Second) // 10 tokens back
	if s.Respond(nil, q, attacker, false) == nil {
		t.Error("bucket did not refill")
	}
}

func BenchmarkServeDNS(b *testing.B) {
	s := newTestServer(b, RateLimit{})
	for _, bc := range []struct{ name, qname string }{
		{"ip-listed", reverse4("198.51.100.99")},
		{"ip-unlisted", reverse4("192.0.2.200")},
		{"domain-listed", "login.evil.example." + testZones.Domain + "."},
		{"domain-unlisted", "www.example.org." + testZones.Domain + "."},
	} {
		q, _ := question(bc.qname, dns.TypeA).Pack()
		client := netip.MustParseAddr("192.0.2.1")
		b.Run(bc.name, func(b *testing.B) {
			buf := make([]byte, 0, 512)
			b.ReportAllocs()
			for range b.N {
				if s.Respond(buf, q, client, false) == nil {
					b.Fatal("dropped")
				}
			}
		})
	}
}
