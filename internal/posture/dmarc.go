package posture

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/emersion/go-msgauth/dmarc"

	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/urlx"
)

// dmarcState is what the BIMI check needs of the DMARC policy.
type dmarcState struct {
	enforced bool // p=quarantine or reject on every message
}

// dmarcRecords keeps the TXT strings that are DMARC records (RFC 7489 §6.6.3).
func dmarcRecords(txts []string) []string {
	var out []string
	for _, t := range txts {
		v, _, _ := strings.Cut(t, ";")
		if name, val, ok := strings.Cut(v, "="); ok && strings.TrimSpace(name) == "v" && strings.TrimSpace(val) == "DMARC1" {
			out = append(out, t)
		}
	}
	return out
}

// checkDMARC reads the DMARC policy of domain, or of its organisational
// domain when it has none (RFC 7489 §6.6.3): policy, pct, sp, reporting
// addresses and their authorisation when outside the domain (§7.1).
func (a *auditor) checkDMARC(ctx context.Context, domain string) dmarcState {
	at := domain
	txts, err := a.opt.Resolver.LookupTXT(ctx, "_dmarc."+domain)
	if org := urlx.Registrable(domain); dnsx.IsNotFound(err) && org != domain {
		at = org
		txts, err = a.opt.Resolver.LookupTXT(ctx, "_dmarc."+org)
	}
	if err != nil && !dnsx.IsNotFound(err) {
		a.failed(domain, "DMARC", err)
		return dmarcState{}
	}
	recs := dmarcRecords(txts)
	switch {
	case len(recs) == 0:
		a.find("DMARC_NONE", domain, "no v=DMARC1 record at _dmarc.%s", at)
		return dmarcState{}
	case len(recs) > 1:
		a.find("DMARC_INVALID", domain, "%d records at _dmarc.%s", len(recs), at)
		return dmarcState{}
	}
	a.fact(domain, "DMARC", "_dmarc.%s: %s", at, recs[0])
	rec, err := dmarc.Parse(recs[0])
	if err != nil {
		// Receivers ignore a malformed reporting tag (fo, rf, ri) but not
		// a bad policy: read the policy tags alone before giving up.
		lax, laxErr := parseDMARCPolicy(recs[0])
		if laxErr != nil {
			a.find("DMARC_INVALID", domain, "%v", laxErr)
			return dmarcState{}
		}
		a.fact(domain, "DMARC", "a tag receivers will ignore: %v", err)
		rec = lax
	}
	pct := 100
	if rec.Percent != nil {
		pct = *rec.Percent
	}
	if rec.Policy == dmarc.PolicyNone {
		a.find("DMARC_POLICY_NONE", domain, "p=none")
	}
	if pct < 100 {
		a.find("DMARC_PCT_PARTIAL", domain, "pct=%d", pct)
	}
	if rec.SubdomainPolicy != "" && policyRank(rec.SubdomainPolicy) < policyRank(rec.Policy) {
		a.find("DMARC_SP_WEAK", domain, "p=%s, sp=%s", rec.Policy, rec.SubdomainPolicy)
	}
	if len(rec.ReportURIAggregate) == 0 {
		a.find("DMARC_NO_RUA", domain, "no rua=")
	}
	for _, u := range append(append([]string{}, rec.ReportURIAggregate...), rec.ReportURIFailure...) {
		a.checkReportDestination(ctx, at, u)
	}
	return dmarcState{enforced: rec.Policy != dmarc.PolicyNone && pct == 100}
}

// parseDMARCPolicy reads only what decides the policy and the reports:
// p (required), sp, pct, rua and ruf (RFC 7489 §6.3).
//
// It is strict on purpose: an invalid sp= or pct= is an error, which the
// audit reports, since the organisation's own record is being checked and
// a receiver may read it otherwise than meant. The gateway's
// auth.parseDMARC reads other domains' records leniently, as RFC 7489
// §6.6.3 asks of a receiver (an invalid p= with a rua= is p=none, an
// unusable pct= is ignored, the first of repeated tags wins); the two
// handle the same defects in opposite ways, so they stay two parsers.
func parseDMARCPolicy(txt string) (*dmarc.Record, error) {
	rec := &dmarc.Record{}
	valid := func(v string) bool { return v == "none" || v == "quarantine" || v == "reject" }
	for _, part := range strings.Split(txt, ";") {
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		name, val = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(val)
		switch name {
		case "p", "sp":
			v := strings.ToLower(val)
			if !valid(v) {
				return nil, fmt.Errorf("invalid %s=%q", name, val)
			}
			if name == "p" {
				rec.Policy = dmarc.Policy(v)
			} else {
				rec.SubdomainPolicy = dmarc.Policy(v)
			}
		case "pct":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > 100 {
				return nil, fmt.Errorf("invalid pct=%q", val)
			}
			rec.Percent = &n
		case "rua", "ruf":
			var uris []string
			for _, u := range strings.Split(val, ",") {
				if u = strings.TrimSpace(u); u != "" {
					uris = append(uris, u)
				}
			}
			if name == "rua" {
				rec.ReportURIAggregate = uris
			} else {
				rec.ReportURIFailure = uris
			}
		}
	}
	if rec.Policy == "" {
		return nil, fmt.Errorf("no p= tag")
	}
	return rec, nil
}

func policyRank(p dmarc.Policy) int {
	return map[dmarc.Policy]int{dmarc.PolicyNone: 0, dmarc.PolicyQuarantine: 1, dmarc.PolicyReject: 2}[p]
}

// checkReportDestination verifies that a reporting address outside the
// policy's organisational domain has published its consent: a TXT record
// "v=DMARC1" at <domain>._report._dmarc.<destination> (RFC 7489 §7.1).
func (a *auditor) checkReportDestination(ctx context.Context, domain, uri string) {
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil || !strings.EqualFold(u.Scheme, "mailto") {
		return
	}
	addr, _, _ := strings.Cut(u.Opaque, "!") // "!10m" is a size limit (§6.2)
	addr, _, _ = strings.Cut(addr, "?")
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return
	}
	dest := strings.ToLower(addr[at+1:])
	if urlx.Registrable(dest) == urlx.Registrable(domain) {
		return
	}
	name := domain + "._report._dmarc." + dest
	txts, err := a.opt.Resolver.LookupTXT(ctx, name)
	if err != nil && !dnsx.IsNotFound(err) {
		a.failed(domain, "DMARC report authorisation "+name, err)
		return
	}
	if len(dmarcRecords(txts)) == 0 {
		a.find("DMARC_EXTERNAL_UNAUTHORISED", domain, "%s: no v=DMARC1 at %s", addr, name)
	}
}

// checkBIMI looks for the default BIMI assertion; a logo is only shown
// under an enforced DMARC policy.
func (a *auditor) checkBIMI(ctx context.Context, domain string, dm dmarcState) {
	txts, err := a.opt.Resolver.LookupTXT(ctx, "default._bimi."+domain)
	if err != nil && !dnsx.IsNotFound(err) {
		a.failed(domain, "BIMI", err)
		return
	}
	var rec string
	for _, t := range txts {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(t)), "v=bimi1") {
			rec = t
		}
	}
	if rec == "" {
		a.find("BIMI_NONE", domain, "no v=BIMI1 at default._bimi.%s", domain)
		return
	}
	a.fact(domain, "BIMI", "%s", rec)
	if !dm.enforced {
		a.find("BIMI_WITHOUT_ENFORCEMENT", domain, "DMARC is not at quarantine/reject on every message")
	}
}
