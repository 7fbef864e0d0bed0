// Package dnstest runs an in-process authoritative DNS server for tests. It
// serves fixture zones over real UDP and TCP on 127.0.0.1, so code under
// test makes real DNS queries through dnsx.NewClient instead of reading
// canned answers. Names can be made to fail with SERVFAIL or to never answer,
// to test temporary errors.
package dnstest

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"vigie.dev/vigie/internal/dnsx"
)

// Failure is how the server misbehaves for a name.
type Failure int

const (
	// ServFail answers with RCODE 2 (RFC 1035 §4.1.1).
	ServFail Failure = iota + 1
	// Timeout never answers.
	Timeout
)

// Server is an authoritative server for the records it was given. Queries
// follow in-zone CNAMEs, expand "*" wildcards (RFC 4592), answer NXDOMAIN for
// names that do not exist and NOERROR with no data for names that exist with
// other types (RFC 2308 §2), and truncate UDP answers to the client's EDNS0
// size (512 bytes without EDNS0) so that clients retry over TCP.
type Server struct {
	t    testing.TB
	addr string
	udp  *dns.Server
	tcp  *dns.Server

	mu      sync.RWMutex
	secure  []string            // zones whose answers carry the AD bit
	rrs     map[string][]dns.RR // lower-cased absolute owner name -> records
	fail    map[failKey]Failure
	queries map[string]int // lower-cased absolute name -> queries received
}

type failKey struct {
	name  string
	qtype uint16 // 0: every type
}

// Start serves zone (RFC 1035 master-file text; names relative to the root,
// default TTL 300) on 127.0.0.1 with a random port, and stops the server when
// the test ends.
func Start(t testing.TB, zone string) *Server {
	t.Helper()
	s := &Server{
		t:       t,
		rrs:     make(map[string][]dns.RR),
		fail:    make(map[failKey]Failure),
		queries: make(map[string]int),
	}
	s.Add(zone)

	var pc net.PacketConn
	var ln net.Listener
	var err error
	for range 20 {
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("dnstest: listen udp: %v", err)
		}
		ln, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		t.Fatalf("dnstest: listen tcp: %v", err)
	}
	s.addr = pc.LocalAddr().String()

	var started sync.WaitGroup
	started.Add(2)
	s.udp = &dns.Server{PacketConn: pc, Handler: s, NotifyStartedFunc: started.Done}
	s.tcp = &dns.Server{Listener: ln, Handler: s, NotifyStartedFunc: started.Done,
		IdleTimeout: func() time.Duration { return 2 * time.Second }}
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		go func() {
			if err := srv.ActivateAndServe(); err != nil {
				t.Logf("dnstest: serve: %v", err)
			}
		}()
	}
	started.Wait()
	t.Cleanup(func() {
		s.udp.Shutdown()
		s.tcp.Shutdown()
	})
	return s
}

// Addr returns the server's "127.0.0.1:port", the same for UDP and TCP.
func (s *Server) Addr() string { return s.addr }

// Resolver returns a dnsx client that asks this server, with a one-second
// timeout per lookup.
func (s *Server) Resolver() dnsx.Resolver { return s.ResolverTimeout(time.Second) }

// ResolverTimeout is Resolver with another timeout, for tests of names that
// never answer.
func (s *Server) ResolverTimeout(d time.Duration) dnsx.Resolver {
	return dnsx.NewClient([]string{s.addr}, d)
}

// Add parses more zone text and serves it.
func (s *Server) Add(zone string) {
	s.t.Helper()
	zp := dns.NewZoneParser(strings.NewReader("$TTL 300\n"+zone), ".", "dnstest")
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		s.t.Fatalf("dnstest: zone: %v", err)
	}
	s.AddRR(rrs...)
}

// AddRR serves records built in Go (see TXT for raw TXT data).
func (s *Server) AddRR(rrs ...dns.RR) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rr := range rrs {
		name := canonical(rr.Header().Name)
		s.rrs[name] = append(s.rrs[name], rr)
	}
}

// Secure makes the server answer as a validating resolver would for names
// at or under zone: with the AD bit set when the query asks for it with AD
// or DO (RFC 6840 §5.7).
func (s *Server) Secure(zone string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secure = append(s.secure, canonical(zone))
}

func (s *Server) validated(name string) bool {
	for _, z := range s.secure {
		if name == z || strings.HasSuffix(name, "."+z) {
			return true
		}
	}
	return false
}

// ServFail makes queries for name (of the given types, all if none) answer
// SERVFAIL.
func (s *Server) ServFail(name string, types ...uint16) { s.setFail(name, ServFail, types) }

// Timeout makes queries for name (of the given types, all if none) go
// unanswered.
func (s *Server) Timeout(name string, types ...uint16) { s.setFail(name, Timeout, types) }

func (s *Server) setFail(name string, f Failure, types []uint16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name = canonical(name)
	if len(types) == 0 {
		types = []uint16{0}
	}
	for _, t := range types {
		s.fail[failKey{name, t}] = f
	}
}

// Queries returns how many queries were received for name, or in all when
// name is "".
func (s *Server) Queries(name string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if name != "" {
		return s.queries[canonical(name)]
	}
	n := 0
	for _, c := range s.queries {
		n += c
	}
	return n
}

// canonical returns name lower-cased, absolute and in the escaped
// presentation form miekg/dns gives to names it receives, so that names
// with spaces or other odd bytes match (RFC 4343 §2.1: any octet may
// appear in a label).
func canonical(name string) string {
	name = strings.ToLower(dns.Fqdn(name))
	buf := make([]byte, 256)
	n, err := dns.PackDomainName(name, buf, 0, nil, false)
	if err != nil {
		return name
	}
	if un, _, err := dns.UnpackDomainName(buf[:n], 0); err == nil {
		return un
	}
	return name
}

// TXT builds a TXT record whose data are the given raw strings, split into
// 255-byte character-strings (RFC 1035 §3.3.14) and escaped for miekg/dns.
// A TXT record with no string gets one empty string.
func TXT(name string, ttl uint32, data ...string) dns.RR {
	rr := &dns.TXT{Hdr: dns.RR_Header{Name: dns.Fqdn(name), Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: ttl}}
	for _, d := range data {
		for {
			chunk := d[:min(len(d), 255)]
			rr.Txt = append(rr.Txt, strings.ReplaceAll(chunk, `\`, `\\`))
			d = d[len(chunk):]
			if d == "" {
				break
			}
		}
	}
	if len(rr.Txt) == 0 {
		rr.Txt = []string{""}
	}
	return rr
}

// ServeDNS implements dns.Handler.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	if len(req.Question) != 1 {
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeFormatError)
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)

	s.mu.Lock()
	s.queries[name]++
	s.mu.Unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()

	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	switch s.failure(name, q.Qtype) {
	case Timeout:
		return
	case ServFail:
		m.Rcode = dns.RcodeServerFailure
	default:
		s.answer(m, name, q.Qtype)
		do := req.IsEdns0() != nil && req.IsEdns0().Do()
		m.AuthenticatedData = (req.AuthenticatedData || do) && s.validated(name)
	}

	size := dns.MinMsgSize
	if _, udp := w.RemoteAddr().(*net.UDPAddr); !udp {
		size = dns.MaxMsgSize
	} else if opt := req.IsEdns0(); opt != nil {
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
	}
	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(opt.UDPSize(), false)
	}
	m.Truncate(size)
	if err := w.WriteMsg(m); err != nil {
		s.t.Logf("dnstest: write: %v", err)
	}
}

func (s *Server) failure(name string, qtype uint16) Failure {
	if f, ok := s.fail[failKey{name, qtype}]; ok {
		return f
	}
	return s.fail[failKey{name, 0}]
}

// answer fills m for name/qtype, following CNAMEs inside the data; a CNAME
// loop gives SERVFAIL as a recursive resolver would.
func (s *Server) answer(m *dns.Msg, name string, qtype uint16) {
	seen := map[string]bool{}
	for range 16 {
		seen[name] = true
		rrs := s.lookup(name)
		var cname *dns.CNAME
		for _, rr := range rrs {
			if rr.Header().Rrtype == qtype || qtype == dns.TypeANY {
				m.Answer = append(m.Answer, rr)
			} else if c, ok := rr.(*dns.CNAME); ok {
				cname = c
			}
		}
		if len(m.Answer) > 0 && m.Answer[len(m.Answer)-1].Header().Rrtype == qtype {
			return
		}
		if cname == nil {
			if len(rrs) == 0 && !s.exists(name) {
				m.Rcode = dns.RcodeNameError
			}
			if soa := s.soaFor(name); soa != nil {
				m.Ns = append(m.Ns, soa)
			}
			return
		}
		m.Answer = append(m.Answer, cname)
		name = canonical(cname.Target)
		if seen[name] {
			m.Answer = nil
			m.Rcode = dns.RcodeServerFailure
			return
		}
		if f := s.failure(name, qtype); f != 0 {
			m.Answer = nil
			m.Rcode = dns.RcodeServerFailure
			return
		}
	}
	m.Answer = nil
	m.Rcode = dns.RcodeServerFailure
}

// lookup returns the records at name, synthesised from a wildcard at the
// closest encloser when the name itself does not exist (RFC 4592 §3.3.1).
func (s *Server) lookup(name string) []dns.RR {
	if rrs, ok := s.rrs[name]; ok {
		return rrs
	}
	if s.exists(name) {
		return nil
	}
	labels := dns.SplitDomainName(name)
	for i := 1; i < len(labels); i++ {
		parent := dns.Fqdn(strings.Join(labels[i:], "."))
		if wild, ok := s.rrs["*."+parent]; ok {
			out := make([]dns.RR, len(wild))
			for j, rr := range wild {
				out[j] = dns.Copy(rr)
				out[j].Header().Name = name
			}
			return out
		}
		if s.exists(parent) {
			return nil
		}
	}
	return nil
}

// exists reports whether name owns records or is an empty non-terminal.
func (s *Server) exists(name string) bool {
	if _, ok := s.rrs[name]; ok {
		return true
	}
	suffix := "." + name
	for owner := range s.rrs {
		if strings.HasSuffix(owner, suffix) {
			return true
		}
	}
	return false
}

func (s *Server) soaFor(name string) dns.RR {
	for n := name; ; {
		for _, rr := range s.rrs[n] {
			if rr.Header().Rrtype == dns.TypeSOA {
				return rr
			}
		}
		i := strings.IndexByte(n, '.')
		if i < 0 || i == len(n)-1 {
			return nil
		}
		n = n[i+1:]
	}
}

// String lists the served names, for failure messages.
func (s *Server) String() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fmt.Sprintf("dnstest %s: %d names", s.addr, len(s.rrs))
}
