package dnsx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/idna"
)

const (
	// ednsSize is the UDP payload size we advertise (RFC 6891 §6.2.5; the
	// 2020 DNS flag day value, small enough to avoid fragmentation).
	ednsSize = 1232
	// maxCNAMEs bounds how many aliases one lookup follows (RFC 1034 §3.6.2
	// asks resolvers to detect loops; real resolvers stop around 8-16).
	maxCNAMEs      = 10
	defaultTimeout = 5 * time.Second
)

// qkind is the kind of lookup, one per Resolver method.
type qkind uint8

const (
	qTXT qkind = iota
	qIP
	qMX
	qPTR
)

func (k qkind) String() string {
	return [...]string{"TXT", "A/AAAA", "MX", "PTR"}[k]
}

// ttlLookuper is implemented by resolvers that know how long an answer (or a
// negative answer) may be kept; the cache asks them first.
type ttlLookuper interface {
	lookupTTL(ctx context.Context, kind qkind, name string) (any, time.Duration, error)
}

// client queries recursive servers with miekg/dns.
type client struct {
	servers []string
	timeout time.Duration
	udp     *dns.Client
	tcp     *dns.Client
}

// NewClient returns a Resolver that asks servers ("host" or "host:port",
// port 53 by default) in turn, over UDP with EDNS0 and again over TCP when
// the answer is truncated (RFC 7766 §5). timeout bounds one lookup, retries
// included. With no servers it reads /etc/resolv.conf, and falls back to
// 127.0.0.1 when that fails.
func NewClient(servers []string, timeout time.Duration) Resolver {
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	if len(servers) == 0 {
		if conf, err := dns.ClientConfigFromFile("/etc/resolv.conf"); err == nil {
			for _, s := range conf.Servers {
				servers = append(servers, net.JoinHostPort(s, conf.Port))
			}
		}
	}
	if len(servers) == 0 {
		servers = []string{"127.0.0.1:53"}
	}
	c := &client{timeout: timeout}
	for _, s := range servers {
		if _, _, err := net.SplitHostPort(s); err != nil {
			s = net.JoinHostPort(strings.Trim(s, "[]"), "53")
		}
		c.servers = append(c.servers, s)
	}
	c.udp = &dns.Client{Net: "udp", UDPSize: ednsSize}
	c.tcp = &dns.Client{Net: "tcp"}
	return c
}

func (c *client) LookupTXT(ctx context.Context, name string) ([]string, error) {
	v, _, err := c.lookupTTL(ctx, qTXT, name)
	if err != nil {
		return nil, err
	}
	return v.([]string), nil
}

func (c *client) LookupIP(ctx context.Context, host string) ([]netip.Addr, error) {
	v, _, err := c.lookupTTL(ctx, qIP, host)
	if err != nil {
		return nil, err
	}
	return v.([]netip.Addr), nil
}

func (c *client) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	v, _, err := c.lookupTTL(ctx, qMX, name)
	if err != nil {
		return nil, err
	}
	return v.([]*net.MX), nil
}

func (c *client) LookupAddr(ctx context.Context, ip netip.Addr) ([]string, error) {
	v, _, err := c.lookupTTL(ctx, qPTR, ip.String())
	if err != nil {
		return nil, err
	}
	return v.([]string), nil
}

func (c *client) lookupTTL(ctx context.Context, kind qkind, name string) (any, time.Duration, error) {
	switch kind {
	case qTXT:
		rrs, ttl, err := c.resolve(ctx, name, dns.TypeTXT)
		if err != nil {
			return nil, ttl, err
		}
		out := make([]string, 0, len(rrs))
		for _, rr := range rrs {
			var b strings.Builder
			for _, s := range rr.(*dns.TXT).Txt {
				b.WriteString(unescapeTXT(s))
			}
			out = append(out, b.String())
		}
		return out, ttl, nil
	case qMX:
		rrs, ttl, err := c.resolve(ctx, name, dns.TypeMX)
		if err != nil {
			return nil, ttl, err
		}
		out := make([]*net.MX, 0, len(rrs))
		for _, rr := range rrs {
			mx := rr.(*dns.MX)
			out = append(out, &net.MX{Host: trimDot(mx.Mx), Pref: mx.Preference})
		}
		slices.SortStableFunc(out, func(a, b *net.MX) int { return int(a.Pref) - int(b.Pref) })
		return out, ttl, nil
	case qPTR:
		ip, err := netip.ParseAddr(name)
		if err != nil {
			return nil, 0, &Error{Name: name, Type: "PTR", Kind: KindNotFound, Err: err}
		}
		rev, err := dns.ReverseAddr(ip.Unmap().String())
		if err != nil {
			return nil, 0, &Error{Name: name, Type: "PTR", Kind: KindNotFound, Err: err}
		}
		rrs, ttl, err := c.resolve(ctx, rev, dns.TypePTR)
		if err != nil {
			return nil, ttl, err
		}
		out := make([]string, 0, len(rrs))
		for _, rr := range rrs {
			out = append(out, trimDot(rr.(*dns.PTR).Ptr))
		}
		return out, ttl, nil
	case qIP:
		return c.lookupIP(ctx, name)
	}
	return nil, 0, fmt.Errorf("dnsx: unknown lookup kind %d", kind)
}

// lookupIP asks A and AAAA at once. Like net.Resolver, addresses of one
// family win over a failure of the other; with no address at all, a
// temporary failure of either family makes the lookup temporary.
func (c *client) lookupIP(ctx context.Context, host string) (any, time.Duration, error) {
	type res struct {
		rrs []dns.RR
		ttl time.Duration
		err error
	}
	var wg sync.WaitGroup
	var r4, r6 res
	wg.Add(2)
	go func() { defer wg.Done(); r4.rrs, r4.ttl, r4.err = c.resolve(ctx, host, dns.TypeA) }()
	go func() { defer wg.Done(); r6.rrs, r6.ttl, r6.err = c.resolve(ctx, host, dns.TypeAAAA) }()
	wg.Wait()

	var out []netip.Addr
	ttl := time.Duration(-1)
	for _, r := range []res{r4, r6} {
		if r.err != nil {
			continue
		}
		for _, rr := range r.rrs {
			switch rr := rr.(type) {
			case *dns.A:
				if a, ok := netip.AddrFromSlice(rr.A.To4()); ok {
					out = append(out, a)
				}
			case *dns.AAAA:
				if a, ok := netip.AddrFromSlice(rr.AAAA.To16()); ok {
					out = append(out, a)
				}
			}
		}
		if ttl < 0 || r.ttl < ttl {
			ttl = r.ttl
		}
	}
	if len(out) > 0 {
		return out, ttl, nil
	}
	for _, r := range []res{r4, r6} {
		if IsTemporary(r.err) {
			return nil, 0, r.err
		}
	}
	err := r4.err
	if err == nil {
		err = r6.err
	}
	if err == nil {
		err = &Error{Name: trimDot(host), Type: "A/AAAA", Kind: KindNoData}
	}
	return nil, min(r4.ttl, r6.ttl), err
}

// resolve returns the records of type qtype at name, following CNAMEs, and
// how long they may be cached. For a negative answer the duration comes from
// the SOA of the authority section (RFC 2308 §5), 0 if there is none.
func (c *client) resolve(ctx context.Context, name string, qtype uint16) ([]dns.RR, time.Duration, error) {
	rrs, ttl, _, err := c.resolveAD(ctx, name, qtype)
	return rrs, ttl, err
}

// resolveAD is resolve that also says whether every answer on the way
// carried the AD bit (RFC 4035 §3.2.3): a validating resolver vouched for
// the records with DNSSEC.
func (c *client) resolveAD(ctx context.Context, name string, qtype uint16) ([]dns.RR, time.Duration, bool, error) {
	tname := dns.TypeToString[qtype]
	fqdn, err := canonicalName(name)
	if err != nil {
		return nil, 0, false, &Error{Name: trimDot(name), Type: tname, Kind: KindNotFound, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	target := fqdn
	seen := map[string]bool{strings.ToLower(target): true}
	minTTL := uint32(1<<31 - 1)
	ad := true
	for range maxCNAMEs {
		r, err := c.exchange(ctx, target, qtype)
		if err != nil {
			return nil, 0, false, &Error{Name: trimDot(name), Type: tname, Kind: KindTemporary, Err: err}
		}
		queried := target
		ad = ad && r.AuthenticatedData
		// Walk the answer from target: records of the type, or a CNAME to
		// follow (the server may have included the whole chain).
		for {
			var found []dns.RR
			next := ""
			for _, rr := range r.Answer {
				h := rr.Header()
				if !strings.EqualFold(h.Name, target) {
					continue
				}
				if h.Rrtype == qtype {
					found = append(found, rr)
					minTTL = min(minTTL, h.Ttl)
				} else if cn, ok := rr.(*dns.CNAME); ok && next == "" {
					next = cn.Target
					minTTL = min(minTTL, h.Ttl)
				}
			}
			if len(found) > 0 {
				return found, seconds(minTTL), ad, nil
			}
			if next == "" {
				break
			}
			if seen[strings.ToLower(next)] || len(seen) > maxCNAMEs {
				return nil, 0, false, &Error{Name: trimDot(name), Type: tname, Kind: KindTemporary, Err: errors.New("CNAME loop")}
			}
			seen[strings.ToLower(next)] = true
			target = next
		}
		switch r.Rcode {
		case dns.RcodeSuccess:
		case dns.RcodeNameError:
			return nil, negTTL(r), ad, &Error{Name: trimDot(name), Type: tname, Kind: KindNotFound}
		default:
			return nil, 0, false, &Error{Name: trimDot(name), Type: tname, Kind: KindTemporary,
				Err: fmt.Errorf("rcode %s", dns.RcodeToString[r.Rcode])}
		}
		if target == queried {
			return nil, negTTL(r), ad, &Error{Name: trimDot(name), Type: tname, Kind: KindNoData}
		}
		// The chain leaves the data the server gave: ask for its end.
	}
	return nil, 0, false, &Error{Name: trimDot(name), Type: tname, Kind: KindTemporary, Err: errors.New("CNAME chain too long")}
}

// exchange sends one question, trying the servers in turn until one gives
// an answer that is not SERVFAIL or REFUSED.
func (c *client) exchange(ctx context.Context, fqdn string, qtype uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(fqdn, qtype)
	m.RecursionDesired = true
	// AD in a query asks the resolver to say whether it validated the
	// answer, without the DNSSEC records DO would bring (RFC 6840 §5.7).
	m.AuthenticatedData = true
	m.SetEdns0(ednsSize, false)

	attempts := max(2, len(c.servers))
	var lastErr error
	for i := range attempts {
		if err := ctx.Err(); err != nil {
			if lastErr == nil {
				lastErr = err
			}
			break
		}
		server := c.servers[i%len(c.servers)]
		actx := ctx
		if dl, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			actx, cancel = context.WithTimeout(ctx, time.Until(dl)/time.Duration(attempts-i))
			defer cancel()
		}
		m.Id = dns.Id()
		r, _, err := c.udp.ExchangeContext(actx, m, server)
		if err == nil && r.Truncated {
			r, _, err = c.tcp.ExchangeContext(actx, m, server)
		}
		if err != nil {
			if ctx.Err() != nil {
				lastErr = fmt.Errorf("%s: %w", server, ctx.Err())
				break
			}
			lastErr = fmt.Errorf("%s: %w", server, err)
			continue
		}
		if r.Rcode == dns.RcodeServerFailure || r.Rcode == dns.RcodeRefused {
			lastErr = fmt.Errorf("%s: rcode %s", server, dns.RcodeToString[r.Rcode])
			continue
		}
		return r, nil
	}
	return nil, lastErr
}

// canonicalName turns name into an absolute ASCII domain name, converting
// U-labels to A-labels (RFC 5891 §5) and rejecting names that cannot exist
// in the DNS (empty or over-long labels, RFC 1035 §2.3.4).
func canonicalName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "." {
		return "", errors.New("empty name")
	}
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			a, err := idnaProfile.ToASCII(strings.TrimSuffix(name, "."))
			if err != nil {
				return "", fmt.Errorf("IDNA: %w", err)
			}
			name = a
			break
		}
	}
	fqdn := dns.Fqdn(name)
	if _, ok := dns.IsDomainName(fqdn); !ok {
		return "", errors.New("invalid domain name")
	}
	labels := dns.SplitDomainName(fqdn)
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "", errors.New("invalid label length")
		}
	}
	if len(fqdn) > 254 {
		return "", errors.New("name too long")
	}
	// Round-trip through the wire form so that odd bytes (spaces...) are
	// escaped as in the names of answers, which are compared to it.
	buf := make([]byte, 256)
	n, err := dns.PackDomainName(fqdn, buf, 0, nil, false)
	if err != nil {
		return "", fmt.Errorf("invalid domain name: %w", err)
	}
	if un, _, err := dns.UnpackDomainName(buf[:n], 0); err == nil {
		fqdn = un
	}
	return fqdn, nil
}

// idnaProfile maps Unicode names for lookup but, unlike idna.Lookup, keeps
// underscores (_dmarc, _domainkey).
var idnaProfile = idna.New(idna.MapForLookup(), idna.StrictDomainName(false), idna.Transitional(false))

func negTTL(r *dns.Msg) time.Duration {
	for _, rr := range r.Ns {
		if soa, ok := rr.(*dns.SOA); ok {
			return seconds(min(soa.Hdr.Ttl, soa.Minttl))
		}
	}
	return 0
}

func seconds(s uint32) time.Duration { return time.Duration(s) * time.Second }

func trimDot(s string) string {
	if len(s) > 1 {
		return strings.TrimSuffix(s, ".")
	}
	if s == "." {
		return ""
	}
	return s
}

// unescapeTXT undoes the presentation-format escaping miekg/dns applies to
// character-strings (\DDD and \X, RFC 1035 §5.1) so callers see raw bytes.
func unescapeTXT(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b = append(b, s[i])
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if v <= 255 {
				b = append(b, byte(v))
				i += 3
				continue
			}
		}
		b = append(b, s[i+1])
		i++
	}
	return string(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
