package posture

import (
	"context"

	"github.com/miekg/dns"

	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/urlx"
)

// checkDNSSEC says whether the domain is signed: a validating resolver's AD
// bit on its SOA answer (RFC 4035 §3.2.3) proves it; otherwise a DS record
// at the domain or its organisational domain shows a signed delegation that
// this resolver did not validate.
func (a *auditor) checkDNSSEC(ctx context.Context, domain string) {
	rr, ok := a.opt.Resolver.(dnsx.RecordResolver)
	if !ok {
		a.fact(domain, "DNSSEC", "not checked: the resolver cannot return DS records")
		return
	}
	if _, ad, err := rr.LookupRecords(ctx, domain, dns.TypeSOA); ad && (err == nil || dnsx.IsNotFound(err)) {
		a.fact(domain, "DNSSEC", "signed, validated by the resolver (AD)")
		return
	}
	for _, zone := range dedupe([]string{domain, urlx.Registrable(domain)}) {
		ds, _, err := rr.LookupRecords(ctx, zone, dns.TypeDS)
		switch {
		case err == nil && len(ds) > 0:
			a.fact(domain, "DNSSEC", "DS published for %s; the resolver did not validate (no AD bit)", zone)
			return
		case err != nil && !dnsx.IsNotFound(err):
			a.failed(domain, "DNSSEC DS "+zone, err)
			return
		}
	}
	a.find("DNSSEC_UNSIGNED", domain, "no DS record and no validated answer")
}
