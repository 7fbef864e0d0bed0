package auth

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"blitiri.com.ar/go/spf"

	"vigie.dev/vigie/internal/dnsx"
)

// SPF evaluates check_host() (RFC 7208 §4) for the mailbox sender, sent
// from ip by a client that said helo, and returns the result with the domain
// evaluated. An empty sender means the null reverse-path: the identity is
// then postmaster@helo (RFC 7208 §2.4). A sender without a local part gets
// "postmaster" (§4.3). Malformed domains give "none" without any lookup
// (§4.3); DNS failures give "temperror". The error explains the result for
// logs and may be set whatever the result (the library reports the matching
// mechanism that way).
func SPF(ctx context.Context, r dnsx.Resolver, ip netip.Addr, helo, sender string) (Result, string, error) {
	sender = strings.Trim(strings.TrimSpace(sender), "<>")
	helo = strings.TrimSuffix(strings.TrimSpace(helo), ".")
	var local, domain string
	switch i := strings.LastIndexByte(sender, '@'); {
	case i < 0:
		// Null reverse-path, or no domain part: the HELO identity.
		local, domain = "postmaster", helo
	case i == 0:
		local, domain = "postmaster", sender[1:]
	default:
		local, domain = sender[:i], sender[i+1:]
	}
	domain = strings.TrimSuffix(domain, ".")
	if !spfDomainOK(domain) {
		return None, strings.ToLower(domain), nil
	}
	sr := &spfResolver{r: r}
	res, err := spf.CheckHostWithSender(net.IP(ip.Unmap().AsSlice()), helo, local+"@"+domain,
		spf.WithContext(ctx), spf.WithResolver(sr))
	if sr.syntaxErr != nil && res != spf.TempError {
		return PermError, strings.ToLower(domain), sr.syntaxErr
	}
	return Result(res), strings.ToLower(domain), err
}

// spfDomainOK checks the <domain> requirements of RFC 7208 §4.3: a
// multi-label domain name, no empty label, no label over 63 octets, and no
// address literal.
func spfDomainOK(d string) bool {
	if d == "" || len(d) > 253 || strings.HasPrefix(d, "[") {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return false
		}
	}
	return true
}

// heloSPFApplies reports whether the HELO identity can be checked: a
// multi-label domain, not an address literal (RFC 7208 §2.3).
func heloSPFApplies(helo string) bool {
	helo = strings.TrimSuffix(strings.TrimSpace(helo), ".")
	if _, err := netip.ParseAddr(helo); err == nil {
		return false
	}
	return spfDomainOK(helo)
}

// spfResolver adapts a dnsx.Resolver to the library's net.Resolver-shaped
// interface, whose errors it inspects as *net.DNSError. It also checks the
// syntax of every SPF record the evaluation fetches (see checkSPFRecord).
type spfResolver struct {
	r         dnsx.Resolver
	syntaxErr error // first syntax error in a fetched record
}

func (a *spfResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	txt, err := a.r.LookupTXT(ctx, name)
	if err != nil {
		return nil, dnsx.ToNetError(err)
	}
	// The library only asks TXT for SPF records, and picks the single one
	// starting with "v=spf1" (RFC 7208 §4.5); several is its own permerror.
	var recs []string
	for _, t := range txt {
		if l := strings.ToLower(t); l == "v=spf1" || strings.HasPrefix(l, "v=spf1 ") {
			recs = append(recs, t)
		}
	}
	if len(recs) == 1 && a.syntaxErr == nil {
		if err := checkSPFRecord(recs[0]); err != nil {
			a.syntaxErr = fmt.Errorf("spf: record of %s: %w", name, err)
		}
	}
	return txt, nil
}

func (a *spfResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	mx, err := a.r.LookupMX(ctx, name)
	return mx, dnsx.ToNetError(err)
}

func (a *spfResolver) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	ips, err := a.r.LookupIP(ctx, host)
	if err != nil {
		return nil, dnsx.ToNetError(err)
	}
	out := make([]net.IPAddr, len(ips))
	for i, ip := range ips {
		out[i] = net.IPAddr{IP: net.IP(ip.AsSlice())}
	}
	return out, nil
}

func (a *spfResolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: addr, IsNotFound: true}
	}
	names, err := a.r.LookupAddr(ctx, ip)
	if err != nil {
		return nil, dnsx.ToNetError(err)
	}
	// The library compares absolute names, as net.Resolver returns them.
	for i, n := range names {
		names[i] = n + "."
	}
	return names, nil
}
