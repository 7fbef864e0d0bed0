package dnsx

import (
	"context"
	"net/netip"
)

// maxPTRNames bounds the PTR names checked, as RFC 7208 §5.5 does for the
// SPF "ptr" mechanism.
const maxPTRNames = 10

// ForwardConfirmed does forward-confirmed reverse DNS (RFC 8601 §3 "iprev",
// RFC 1912 §2.1): it returns the first PTR name of ip whose A/AAAA records
// include ip. known is false when no name is confirmed; err is set only when
// a temporary failure kept the answer from being known, in which case the
// caller must treat the result as temperror rather than "no rDNS".
func ForwardConfirmed(ctx context.Context, r Resolver, ip netip.Addr) (name string, known bool, err error) {
	ip = ip.Unmap()
	names, err := r.LookupAddr(ctx, ip)
	if err != nil {
		if IsNotFound(err) {
			return "", false, nil
		}
		return "", false, err
	}
	if len(names) > maxPTRNames {
		names = names[:maxPTRNames]
	}
	var tempErr error
	for _, n := range names {
		addrs, err := r.LookupIP(ctx, n)
		if err != nil {
			if !IsNotFound(err) && tempErr == nil {
				tempErr = err
			}
			continue
		}
		for _, a := range addrs {
			if a.Unmap() == ip {
				return n, true, nil
			}
		}
	}
	return "", false, tempErr
}
