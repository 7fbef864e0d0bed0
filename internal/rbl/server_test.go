package rbl

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
)

// startServer serves the fixtures on 127.0.0.1:0 over UDP and TCP and
// returns the address; the server stops with the test.
func startServer(t *testing.T, s *Server) string {
	t.Helper()
	var (
		pc  net.PacketConn
		l   net.Listener
		err error
	)
	// The UDP port picked by the kernel may be taken over TCP: try again.
	for range 20 {
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		if l, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, pc, l) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("Serve did not return within 30 s of shutdown")
		}
	})
	return pc.LocalAddr().String()
}

// counterValue reads one {zone,result} series from the registry.
func counterValue(t *testing.T, reg *prometheus.Registry, name, zone, result string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["zone"] == zone && labels["result"] == result {
				return m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("%s{zone=%q,result=%q} not registered", name, zone, result)
	return 0
}

func exchange(t *testing.T, net, addr string, m *dns.Msg) *dns.Msg {
	t.Helper()
	c := &dns.Client{Net: net, Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s %s: %v", net, m.Question[0].Name, err)
	}
	return r
}

func TestServeUDPAndTCP(t *testing.T) {
	reg := prometheus.NewRegistry()
	src, _ := loadTestSource(t)
	s := &Server{Zones: testZones, NS: []string{"ns1.vigie.test"}, RateLimit: RateLimit{PerSecond: -1}, Registerer: reg}
	if err := s.SetSource(src); err != nil {
		t.Fatal(err)
	}
	addr := startServer(t, s)
	for _, proto := range []string{"udp", "tcp"} {
		t.Run(proto, func(t *testing.T) {
			tests := []struct {
				qname string
				qtype uint16
				rcode int
				want  string
			}{
				{reverse4("127.0.0.2"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
				{reverse4("127.0.0.1"), dns.TypeA, dns.RcodeNameError, ""},
				{reverse6("::ffff:7f00:2"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
				{reverse4("192.0.2.11"), dns.TypeTXT, dns.RcodeSuccess, "Watched: 192.0.2.11 seen in incident 42"},
				{reverse6("2001:db8:1::1"), dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
				{reverse6("2001:db8:1::bad"), dns.TypeA, dns.RcodeNameError, ""},
				{"x.evil.example." + testZones.Domain, dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
				{"test." + testZones.Domain, dns.TypeA, dns.RcodeSuccess, "127.0.0.2"},
				{"invalid." + testZones.Domain, dns.TypeA, dns.RcodeNameError, ""},
				{urlName("https://evil.example/a?b=c"), dns.TypeA, dns.RcodeSuccess, "127.0.0.4"},
				{testZones.Domain, dns.TypeSOA, dns.RcodeSuccess, "ns1.vigie.test."},
				{testZones.URL, dns.TypeNS, dns.RcodeSuccess, "ns1.vigie.test."},
				{"www.example.com", dns.TypeA, dns.RcodeRefused, ""},
			}
			for _, tt := range tests {
				r := exchange(t, proto, addr, question(tt.qname, tt.qtype))
				got := ""
				if len(r.Answer) > 0 {
					got = strings.Fields(r.Answer[0].String())[4]
					if txt, ok := r.Answer[0].(*dns.TXT); ok {
						got = strings.Join(txt.Txt, "")
					}
				}
				if r.Rcode != tt.rcode || got != tt.want {
					t.Errorf("%s %s: %s %q; want %s %q", tt.qname, dns.TypeToString[tt.qtype],
						dns.RcodeToString[r.Rcode], got, dns.RcodeToString[tt.rcode], tt.want)
				}
			}
		})
	}
	if n := counterValue(t, reg, "vigie_rbl_queries_total", "ip", "listed"); n != 8 {
		t.Errorf("vigie_rbl_queries_total{zone=ip,result=listed} = %v, want 8", n)
	}
	if n := counterValue(t, reg, "vigie_rbl_queries_total", "none", "refused"); n != 2 {
		t.Errorf("vigie_rbl_queries_total{zone=none,result=refused} = %v, want 2", n)
	}
}

// TestServeTruncationOverUDP: a too-long answer arrives with TC=1 over UDP
// and in full over TCP, as a resolver retrying on TC would see it.
func TestServeTruncationOverUDP(t *testing.T) {
	b := NewMemBuilder()
	b.AddDomain("long.example", Entry{Code: 2, Reason: strings.Repeat("reason ", 100)})
	s := &Server{Zones: testZones, RateLimit: RateLimit{PerSecond: -1}}
	s.SetSource(b.Build())
	addr := startServer(t, s)
	q := question("long.example."+testZones.Domain, dns.TypeTXT)
	c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
	r, _, err := c.Exchange(q, addr)
	if err != nil || !r.Truncated {
		t.Fatalf("UDP: TC=%v err=%v", r != nil && r.Truncated, err)
	}
	if r = exchange(t, "tcp", addr, q); r.Truncated || len(r.Answer) != 1 {
		t.Fatalf("TCP: %v", r)
	}
}

// TestServeRateLimit: over UDP, a flood from one network gets mostly
// silence and some TC=1 slips; TCP still answers.
func TestServeRateLimit(t *testing.T) {
	s := newTestServer(t, RateLimit{PerSecond: 1, Burst: 3, Slip: 2})
	addr := startServer(t, s)
	c := &dns.Client{Net: "udp", Timeout: 200 * time.Millisecond}
	var answered, slipped, lost int
	for range 12 {
		r, _, err := c.Exchange(question(reverse4("192.0.2.10"), dns.TypeA), addr)
		switch {
		case err != nil:
			lost++
		case r.Truncated:
			slipped++
		default:
			answered++
		}
	}
	if answered < 3 || answered > 4 || slipped < 4 || lost < 4 {
		t.Errorf("answered %d, slipped %d, lost %d", answered, slipped, lost)
	}
	if r := exchange(t, "tcp", addr, question(reverse4("192.0.2.10"), dns.TypeA)); len(r.Answer) != 1 {
		t.Errorf("TCP limited: %v", r)
	}
}

// TestServeGarbage: junk over UDP and TCP does not stop the server.
func TestServeGarbage(t *testing.T) {
	s := newTestServer(t, RateLimit{})
	addr := startServer(t, s)
	u, _ := net.Dial("udp", addr)
	u.Write([]byte("not dns at all"))
	u.Write(make([]byte, 4000))
	u.Close()
	tc, _ := net.Dial("tcp", addr)
	tc.Write([]byte{0xff, 0xff, 1, 2, 3})
	tc.Close()
	tc, _ = net.Dial("tcp", addr)
	tc.Write([]byte{0, 3, 1, 2, 3})
	tc.Close()
	if r := exchange(t, "udp", addr, question(reverse4("127.0.0.2"), dns.TypeA)); len(r.Answer) != 1 {
		t.Fatalf("after garbage: %v", r)
	}
}

// TestDig queries the server with the real dig(1), as a mail server's
// resolver would. It is skipped only outside CI when dig is missing
// (apt-get install dnsutils).
func TestDig(t *testing.T) {
	dig, err := exec.LookPath("dig")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dig is required in CI: apt-get install -y dnsutils")
		}
		t.Skip("dig not installed (apt-get install -y dnsutils)")
	}
	s := newTestServer(t, RateLimit{})
	host, port, _ := net.SplitHostPort(startServer(t, s))
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(dig, append([]string{"-p", port, "@" + host, "+time=2", "+tries=1"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("dig %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := run("+short", strings.TrimSuffix(reverse4("127.0.0.2"), "."), "A"); strings.TrimSpace(out) != "127.0.0.2" {
		t.Errorf("dig A test point: %q", out)
	}
	if out := run("+short", "2.0.0.127."+testZones.IP, "TXT"); !strings.Contains(out, "RFC 5782") {
		t.Errorf("dig TXT: %q", out)
	}
	out := run(strings.TrimSuffix(reverse4("127.0.0.1"), "."), "A")
	if !strings.Contains(out, "status: NXDOMAIN") || !strings.Contains(out, "flags: qr aa rd;") || !strings.Contains(out, "SOA") {
		t.Errorf("dig NXDOMAIN: %s", out)
	}
	if out := run("+tcp", "+short", "phish.example."+testZones.Domain, "A"); strings.TrimSpace(out) != "127.0.0.2" {
		t.Errorf("dig +tcp: %q", out)
	}
	if out := run("www.example.com", "A"); !strings.Contains(out, "status: REFUSED") {
		t.Errorf("dig outside zone: %s", out)
	}
}

func TestListenAndServe(t *testing.T) {
	s := &Server{Addr: "127.0.0.1:0", RateLimit: RateLimit{PerSecond: -1}}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.ListenAndServe(ctx); err != nil {
		t.Fatalf("clean shutdown: %v", err)
	}
	bad := &Server{Addr: "127.0.0.1:99999"}
	if err := bad.ListenAndServe(context.Background()); err == nil {
		t.Fatal("bad address accepted")
	}
	if err := (&Server{Zones: Zones{IP: "bad..name"}}).SetSource(emptySource{}); err == nil {
		t.Fatal("bad zone name accepted")
	}
}
