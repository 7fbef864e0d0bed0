package rbl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/ipv4"
)

// Zones names the served zones; an empty name disables that zone.
type Zones struct {
	IP     string // reversed IPv4 octets or IPv6 nibbles, RFC 5782 §2.1, §2.4
	Domain string // domain names (RHSBL), RFC 5782 §2.3
	// URL holds one label: the lower-case hex SHA-256 of the normalised URL
	// (scheme and host lower-cased, fragment removed), as the indicator
	// store computes it.
	URL string
}

// DefaultZones are used when Server.Zones is the zero value.
var DefaultZones = Zones{IP: "bl.vigie.local", Domain: "dbl.vigie.local", URL: "uribl.vigie.local"}

// Server is an authoritative-only DNSBL server. Set the exported fields
// before the first call to Serve, ListenAndServe or Respond; then only
// SetSource may change it, at any time and from any goroutine.
type Server struct {
	Addr  string // "host:port" for ListenAndServe, default ":53"
	Zones Zones  // default DefaultZones

	// NS names the zones' name servers (NS records and SOA MNAME); default
	// the host name if it is fully qualified, else "localhost.".
	NS []string
	// Hostmaster is the SOA RNAME as a mailbox; default "hostmaster@" the zone.
	Hostmaster string
	// TTL of listings; NegativeTTL is the SOA minimum and the TTL of the SOA
	// in negative answers (RFC 2308 §5). Defaults 5 minutes each.
	TTL, NegativeTTL time.Duration
	// MaxUDPSize caps the EDNS0 payload size we honour, default 1232.
	MaxUDPSize int
	RateLimit  RateLimit
	// MaxTCPConns bounds concurrent TCP clients (default 256); an idle TCP
	// connection is closed after TCPIdleTimeout (default 10 s, RFC 7766 §6.2.3).
	MaxTCPConns    int
	TCPIdleTimeout time.Duration

	Logger     *slog.Logger          // default slog.Default()
	Registerer prometheus.Registerer // nil: metrics are not registered

	once      sync.Once
	initErr   error
	log       *slog.Logger
	zones     []zone
	ttl       uint32
	maxUDP    int
	limiter   *rateLimiter
	state     atomic.Pointer[sourceState]
	queries   [numZoneKinds][numResults]prometheus.Counter
	truncated prometheus.Counter
	soaProto  [numZoneKinds]dns.SOA
}

// sourceState is what SetSource swaps: the source and the SOAs whose serial
// tells secondaries and caches that the data changed.
type sourceState struct {
	src    Source
	soa    [numZoneKinds]*dns.SOA
	soaRRs [numZoneKinds][]dns.RR
}

func (s *Server) init() error {
	s.once.Do(func() { s.initErr = s.setup() })
	return s.initErr
}

func (s *Server) setup() error {
	s.log = s.Logger
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.Zones == (Zones{}) {
		s.Zones = DefaultZones
	}
	s.ttl = durSeconds(s.TTL, 5*time.Minute)
	negTTL := durSeconds(s.NegativeTTL, 5*time.Minute)
	s.maxUDP = s.MaxUDPSize
	if s.maxUDP <= 0 {
		s.maxUDP = defaultEDNS0
	}
	s.maxUDP = max(s.maxUDP, minUDPSize)
	ns := s.NS
	if len(ns) == 0 {
		ns = []string{defaultNS()}
	}
	for i, n := range ns {
		if _, ok := dns.IsDomainName(n); !ok {
			return fmt.Errorf("rbl: name server %q: not a domain name", n)
		}
		ns[i] = dns.Fqdn(strings.ToLower(n))
	}
	for kind, name := range [numZoneKinds]string{zoneIP: s.Zones.IP, zoneDomain: s.Zones.Domain, zoneURL: s.Zones.URL} {
		if name == "" {
			continue
		}
		if _, ok := dns.IsDomainName(name); !ok || name == "." {
			return fmt.Errorf("rbl: zone %q: not a domain name", name)
		}
		z := zone{kind: kind, name: dns.Fqdn(strings.ToLower(name))}
		for _, n := range ns {
			z.ns = append(z.ns, &dns.NS{Hdr: dns.RR_Header{Name: z.name, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: negTTL * 12}, Ns: n})
		}
		z.ns = slices.Clip(z.ns) // shared by every answer: appends must copy
		mbox := "hostmaster." + z.name
		if s.Hostmaster != "" {
			local, domain, ok := strings.Cut(s.Hostmaster, "@")
			if !ok {
				return fmt.Errorf("rbl: hostmaster %q: want user@domain", s.Hostmaster)
			}
			mbox = dns.Fqdn(strings.ReplaceAll(local, ".", `\.`) + "." + domain)
		}
		s.soaProto[kind] = dns.SOA{
			Hdr: dns.RR_Header{Name: z.name, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: negTTL},
			Ns:  ns[0], Mbox: mbox, Refresh: 3600, Retry: 600, Expire: 86400, Minttl: negTTL,
		}
		s.zones = append(s.zones, z)
	}
	for i := range s.zones {
		for j := range s.zones {
			if i != j && strings.HasSuffix(s.zones[i].name, "."+s.zones[j].name) {
				return fmt.Errorf("rbl: zone %s is inside zone %s", s.zones[i].name, s.zones[j].name)
			}
		}
	}
	if len(s.zones) == 0 {
		return errors.New("rbl: no zone to serve")
	}
	s.limiter = newRateLimiter(s.RateLimit)
	if err := s.setupMetrics(); err != nil {
		return err
	}
	if s.state.Load() == nil {
		s.swap(emptySource{})
	}
	return nil
}

func (s *Server) setupMetrics() error {
	queries := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vigie_rbl_queries_total",
		Help: "DNSBL queries by zone kind and result.",
	}, []string{"zone", "result"})
	s.truncated = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "vigie_rbl_truncated_total",
		Help: "UDP responses truncated (TC=1) to fit the client's size.",
	})
	for k := range numZoneKinds {
		for r := range numResults {
			s.queries[k][r] = queries.WithLabelValues(zoneKindNames[k], resultNames[r])
		}
	}
	if s.Registerer == nil {
		return nil
	}
	for _, c := range []prometheus.Collector{queries, s.truncated} {
		if err := s.Registerer.Register(c); err != nil {
			return fmt.Errorf("rbl: register metrics: %w", err)
		}
	}
	return nil
}

func (s *Server) count(kind, res int) { s.queries[kind][res].Inc() }

func durSeconds(d, def time.Duration) uint32 {
	if d <= 0 {
		d = def
	}
	return uint32(d / time.Second)
}

func defaultNS() string {
	if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") {
		if _, ok := dns.IsDomainName(h); ok {
			return h
		}
	}
	return "localhost."
}

// SetSource makes src the data for all following queries. Queries in flight
// finish with the previous source; nothing waits on a lock. The SOA serial
// becomes the current Unix time (or the previous serial plus one).
func (s *Server) SetSource(src Source) error {
	if err := s.init(); err != nil {
		return err
	}
	s.swap(src)
	return nil
}

func (s *Server) swap(src Source) {
	serial := uint32(time.Now().Unix())
	if old := s.state.Load(); old != nil {
		for _, soa := range old.soa {
			if soa != nil && serial <= soa.Serial {
				serial = soa.Serial + 1
			}
		}
	}
	st := &sourceState{src: src}
	for _, z := range s.zones {
		soa := s.soaProto[z.kind]
		soa.Serial = serial
		st.soa[z.kind] = &soa
		st.soaRRs[z.kind] = []dns.RR{&soa}
	}
	s.state.Store(st)
}

// ListenAndServe listens on Addr over UDP and TCP (the same port) and serves
// until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context) error {
	addr := s.Addr
	if addr == "" {
		addr = ":53"
	}
	pc, l, err := Listen(addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, pc, l)
}

// Listen opens addr over UDP and TCP on the same port. With port 0 the
// kernel picks a UDP port that may already be taken over TCP (by another
// program, or a test that reserved it): Listen then tries other ports.
func Listen(addr string) (net.PacketConn, net.Listener, error) {
	_, port, _ := net.SplitHostPort(addr)
	for try := 0; ; try++ {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("rbl: listen udp %s: %w", addr, err)
		}
		l, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, l, nil
		}
		pc.Close()
		if port != "0" || try == 20 {
			return nil, nil, fmt.Errorf("rbl: listen tcp %s: %w", pc.LocalAddr(), err)
		}
	}
}

// Serve answers queries on pc (UDP) and l (TCP), either of which may be nil,
// until ctx is done; then it closes them, lets the queries in progress
// finish, and returns nil. It returns early if a listener fails.
func (s *Server) Serve(ctx context.Context, pc net.PacketConn, l net.Listener) error {
	if err := s.init(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	attrs := []any{"zones", s.zoneNames()}
	if pc != nil {
		attrs = append(attrs, "udp", pc.LocalAddr().String())
		workers := runtime.GOMAXPROCS(0)
		var stopped atomic.Int32
		for range workers {
			wg.Go(func() {
				if err := s.serveUDP(pc); err != nil && ctx.Err() == nil && stopped.Add(1) == 1 {
					errc <- err
				}
			})
		}
	}
	tcp := &tcpConns{conns: map[net.Conn]struct{}{}}
	if l != nil {
		attrs = append(attrs, "tcp", l.Addr().String())
		wg.Go(func() {
			if err := s.serveTCP(ctx, l, tcp); err != nil && ctx.Err() == nil {
				errc <- err
			}
		})
	}
	s.log.Info("rbl: serving", attrs...)
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	cancel()
	if pc != nil {
		pc.Close()
	}
	if l != nil {
		l.Close()
	}
	tcp.closeIdle()
	wg.Wait()
	s.log.Info("rbl: stopped", "err", err)
	return err
}

func (s *Server) zoneNames() []string {
	var names []string
	for _, z := range s.zones {
		names = append(names, strings.TrimSuffix(z.name, "."))
	}
	return names
}

// udpBatch is how many datagrams one system call reads or writes (Linux
// recvmmsg/sendmmsg): under load, syscalls cost more than answering.
const udpBatch = 32

// serveUDP is one worker's read-answer-write loop; several run on the same
// socket.
func (s *Server) serveUDP(pc net.PacketConn) error {
	uc, ok := pc.(*net.UDPConn)
	if !ok {
		return s.serveUDPSlow(pc)
	}
	bc := ipv4.NewPacketConn(uc)
	in := make([]ipv4.Message, udpBatch)
	out := make([]ipv4.Message, udpBatch)
	outBufs := make([][]byte, udpBatch)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, maxQueryLen+1)}
		out[i].Buffers = make([][]byte, 1)
		outBufs[i] = make([]byte, 0, max(s.maxUDP, 1024))
	}
	for {
		n, err := bc.ReadBatch(in, 0)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("rbl: read udp: %w", err)
		}
		k := 0
		for i := range n {
			m := &in[i]
			var client netip.Addr
			if ua, ok := m.Addr.(*net.UDPAddr); ok {
				client = ua.AddrPort().Addr()
			}
			resp := s.Respond(outBufs[k][:0], m.Buffers[0][:m.N], client, false)
			if resp == nil {
				continue
			}
			out[k].Buffers[0], out[k].Addr = resp, m.Addr
			k++
		}
		for sent := 0; sent < k; {
			w, err := bc.WriteBatch(out[sent:k], 0)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return nil
				}
				s.log.Debug("rbl: write udp", "err", err)
				w = max(w, 1) // skip the datagram the kernel refused
			}
			sent += w
		}
	}
}

// serveUDPSlow serves a PacketConn that is not a UDP socket, one datagram
// at a time.
func (s *Server) serveUDPSlow(pc net.PacketConn) error {
	in := make([]byte, maxQueryLen+1)
	out := make([]byte, 0, max(s.maxUDP, 1024))
	for {
		n, addr, err := pc.ReadFrom(in)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("rbl: read udp: %w", err)
		}
		var client netip.Addr
		if ua, ok := addr.(*net.UDPAddr); ok {
			client = ua.AddrPort().Addr()
		}
		if resp := s.Respond(out[:0], in[:n], client, false); resp != nil {
			if _, err := pc.WriteTo(resp, addr); errors.Is(err, net.ErrClosed) {
				return nil
			}
		}
	}
}

// tcpConns tracks open TCP connections so that shutdown can wake idle ones.
type tcpConns struct {
	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
}

func (t *tcpConns) add(c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.conns[c] = struct{}{}
	return true
}

func (t *tcpConns) remove(c net.Conn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
}

// closeIdle makes every connection's pending read return now; a query being
// answered still gets its response written.
func (t *tcpConns) closeIdle() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for c := range t.conns {
		c.SetReadDeadline(time.Now())
	}
}

func (s *Server) serveTCP(ctx context.Context, l net.Listener, conns *tcpConns) error {
	maxConns := s.MaxTCPConns
	if maxConns <= 0 {
		maxConns = 256
	}
	idle := s.TCPIdleTimeout
	if idle <= 0 {
		idle = 10 * time.Second
	}
	sem := make(chan struct{}, maxConns)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return fmt.Errorf("rbl: accept: %w", err)
		}
		select {
		case sem <- struct{}{}:
		default:
			c.Close() // full: shed load rather than queue it
			continue
		}
		if !conns.add(c) {
			c.Close()
			<-sem
			continue
		}
		wg.Go(func() {
			defer func() { conns.remove(c); c.Close(); <-sem }()
			s.serveTCPConn(ctx, c, idle)
		})
	}
}

// serveTCPConn answers length-prefixed queries (RFC 1035 §4.2.2) one after
// the other until the client goes away, idles, or sends garbage.
func (s *Server) serveTCPConn(ctx context.Context, c net.Conn, idle time.Duration) {
	var client netip.Addr
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		client = ta.AddrPort().Addr()
	}
	var lenBuf [2]byte
	in := make([]byte, maxQueryLen)
	out := make([]byte, 2, 4096)
	for ctx.Err() == nil {
		c.SetReadDeadline(time.Now().Add(idle))
		if _, err := io.ReadFull(c, lenBuf[:]); err != nil {
			return
		}
		n := int(lenBuf[0])<<8 | int(lenBuf[1])
		if n < headerLen || n > maxQueryLen {
			s.count(zoneNone, resDropped)
			return
		}
		if _, err := io.ReadFull(c, in[:n]); err != nil {
			return
		}
		resp := s.Respond(out[2:2], in[:n], client, true)
		if resp == nil {
			return
		}
		msg := append(out[:0], byte(len(resp)>>8), byte(len(resp)))
		msg = append(msg, resp...)
		c.SetWriteDeadline(time.Now().Add(idle))
		if _, err := c.Write(msg); err != nil {
			return
		}
		out = msg[:2]
	}
}
