package posture

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"vigie.dev/vigie/internal/dnsx"
)

// mxHost is one MX target and its addresses.
type mxHost struct {
	Name  string
	Pref  uint16
	Addrs []netip.Addr
}

// checkMX lists the domain's MX hosts and their addresses (RFC 5321 §5.1).
// A null MX (RFC 7505) means the domain takes no mail: nothing to probe.
func (a *auditor) checkMX(ctx context.Context, domain string) []mxHost {
	r := a.opt.Resolver
	recs, err := r.LookupMX(ctx, domain)
	if err != nil && !dnsx.IsNotFound(err) {
		a.failed(domain, "MX", err)
		return nil
	}
	if len(recs) == 1 && (recs[0].Host == "" || recs[0].Host == ".") {
		a.fact(domain, "MX", "null MX (RFC 7505): the domain receives no mail")
		return nil
	}
	if len(recs) == 0 {
		a.find("MX_NONE", domain, "no MX record")
		return nil
	}
	var out []mxHost
	distinct := map[netip.Addr]bool{}
	for _, mx := range recs {
		h := mxHost{Name: strings.ToLower(strings.TrimSuffix(mx.Host, ".")), Pref: mx.Pref}
		addrs, err := r.LookupIP(ctx, h.Name)
		switch {
		case dnsx.IsNotFound(err):
			a.find("MX_UNRESOLVED", h.Name, "MX %d %s has no A/AAAA record", mx.Pref, h.Name)
			continue
		case err != nil:
			a.failed(h.Name, "A/AAAA", err)
			continue
		}
		var public []netip.Addr
		for _, ip := range addrs {
			if nonPublic(ip) {
				a.find("MX_PRIVATE_ADDRESS", h.Name, "%s", ip)
				continue
			}
			public = append(public, ip)
			distinct[ip] = true
		}
		h.Addrs = public
		a.fact(h.Name, "MX", "preference %d, %s", mx.Pref, joinAddrs(addrs))
		if len(public) > 0 {
			out = append(out, h)
		}
	}
	if len(distinct) == 1 {
		a.find("MX_SINGLE", domain, "%d MX name(s), one address", len(recs))
	}
	return out
}

// nonPublic reports addresses that have no business in a public MX
// (RFC 1918 and RFC 4193 private ranges, loopback, link-local, unspecified).
func nonPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
		ip.IsMulticast() || (ip.Is4() && ip.As4()[0] == 100 && ip.As4()[1]&0xc0 == 64) // 100.64/10, RFC 6598
}

func joinAddrs(ips []netip.Addr) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ", ")
}

// hostPort joins an address and a port for the dialer.
func hostPort(ip netip.Addr, port int) string {
	return netip.AddrPortFrom(ip, uint16(port)).String()
}

// target names a host's service in findings ("mx1.example.org:25").
func target(host string, port int) string { return fmt.Sprintf("%s:%d", host, port) }
