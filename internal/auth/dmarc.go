package auth

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/emersion/go-msgauth/dmarc"
	"vigie.dev/vigie/internal/dnsx"
	"vigie.dev/vigie/internal/urlx"
)

// Aligned reports whether identifier domain a is aligned with From domain b
// (RFC 7489 §3.1): equal in strict mode, same organizational domain in
// relaxed mode. The organizational domain (§3.2) is the registrable domain
// of the Public Suffix List, urlx.Registrable: the one such function of
// Vigie. Empty domains are never aligned.
func Aligned(a, b string, strict bool) bool {
	a = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(a), "."))
	b = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(b), "."))
	if a == "" || b == "" {
		return false
	}
	if strict {
		return a == b
	}
	return urlx.Registrable(a) == urlx.Registrable(b)
}

// dmarcLookup is the outcome of policy discovery (RFC 7489 §6.6.3).
type dmarcLookup struct {
	rec    *dmarc.Record
	domain string // where the record was found
	result Result // "" when rec is set; None, TempError or PermError otherwise
	err    error
}

// lookupDMARC queries _dmarc.<from>, then _dmarc.<organizational domain>.
// A temporary failure stops discovery: falling back to the organizational
// domain's policy could apply the wrong one.
func lookupDMARC(ctx context.Context, r dnsx.Resolver, from string) dmarcLookup {
	l := lookupDMARCAt(ctx, r, from)
	if l.result != None || l.err != nil {
		return l
	}
	if org := urlx.Registrable(from); org != from {
		return lookupDMARCAt(ctx, r, org)
	}
	return l
}

func lookupDMARCAt(ctx context.Context, r dnsx.Resolver, domain string) dmarcLookup {
	txts, err := r.LookupTXT(ctx, "_dmarc."+domain)
	if err != nil {
		if dnsx.IsNotFound(err) {
			return dmarcLookup{result: None, domain: domain}
		}
		return dmarcLookup{result: TempError, domain: domain, err: fmt.Errorf("dmarc: lookup %s: %w", domain, err)}
	}
	// Only records starting with v=DMARC1 count; several is as good as none.
	var recs []string
	for _, t := range txts {
		if isDMARCRecord(t) {
			recs = append(recs, t)
		}
	}
	switch len(recs) {
	case 0:
		return dmarcLookup{result: None, domain: domain}
	case 1:
	default:
		return dmarcLookup{result: None, domain: domain, err: fmt.Errorf("dmarc: %d records at _dmarc.%s", len(recs), domain)}
	}
	rec, err := parseDMARC(recs[0])
	if err != nil {
		return dmarcLookup{result: PermError, domain: domain, err: fmt.Errorf("dmarc: _dmarc.%s: %w", domain, err)}
	}
	return dmarcLookup{rec: rec, domain: domain}
}

func isDMARCRecord(t string) bool {
	v, _, _ := strings.Cut(t, ";")
	name, val, ok := strings.Cut(v, "=")
	return ok && strings.TrimSpace(name) == "v" && strings.TrimSpace(val) == "DMARC1"
}

// parseDMARC reads a DMARC record (RFC 7489 §6.3) with go-msgauth, fed
// only the tags that decide the policy, so that a malformed reporting tag
// (rf, ri, fo, ruf) does not void it. Tag values are case-insensitive. A
// record with a missing or invalid p= but a rua= is read as p=none
// (§6.6.3 step 6).
//
// It is lenient on purpose, as a receiver must be: a sender's mistake
// (an invalid sp=, an unusable pct=, a repeated tag: the first wins) must
// not cost its mail the policy it meant. Package posture reads the
// organisation's own record with parseDMARCPolicy, strictly, because
// there every such mistake is a finding the admin has to fix. The two
// disagree on what to do with the same defects, and a strict/lenient
// switch in one parser would be a branch on almost every tag, so each
// package keeps its own.
func parseDMARC(txt string) (*dmarc.Record, error) {
	if len(txt) > 4096 {
		return nil, errors.New("record too long")
	}
	if !isDMARCRecord(txt) {
		return nil, errors.New("record does not start with v=DMARC1")
	}
	tags := map[string]string{}
	for _, part := range strings.Split(txt, ";") {
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		val = strings.TrimSpace(val)
		if _, dup := tags[name]; !dup {
			tags[name] = val
		}
	}
	valid := func(v string, allowed ...string) bool {
		for _, a := range allowed {
			if v == a {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	b.WriteString("v=DMARC1")
	p := strings.ToLower(tags["p"])
	if !valid(p, "none", "quarantine", "reject") {
		if !strings.Contains(tags["rua"], ":") {
			return nil, fmt.Errorf("invalid p=%q", tags["p"])
		}
		p = "none"
	}
	fmt.Fprintf(&b, "; p=%s", p)
	if sp := strings.ToLower(tags["sp"]); valid(sp, "none", "quarantine", "reject") {
		fmt.Fprintf(&b, "; sp=%s", sp)
	}
	for _, t := range []string{"adkim", "aspf"} {
		if v := strings.ToLower(tags[t]); valid(v, "r", "s") {
			fmt.Fprintf(&b, "; %s=%s", t, v)
		}
	}
	if pct, ok := tags["pct"]; ok {
		fmt.Fprintf(&b, "; pct=%s", pct)
	}
	rec, err := dmarc.Parse(b.String())
	if err != nil && tags["pct"] != "" {
		// An unusable pct is ignored: the policy applies to every message.
		rec, err = dmarc.Parse(strings.Replace(b.String(), "; pct="+tags["pct"], "", 1))
	}
	return rec, err
}

// evalDMARC applies a discovered policy to the SPF and DKIM results
// (RFC 7489 §6.6.2): pass when an aligned identifier passed; temperror when
// none passed but an aligned one could not be checked for now; fail
// otherwise. The policy is sp= for a subdomain of the domain that published
// it (§6.3), p= otherwise; a failing message outside the pct= sample gets
// the next lower policy (§6.6.4). inSample says whether this message falls
// in a pct= sample; it is asked only when needed.
func evalDMARC(l dmarcLookup, from string, r Results, inSample func(pct int) bool) (Result, string) {
	if l.rec == nil {
		if l.result == "" {
			return None, ""
		}
		return l.result, ""
	}
	from = strings.ToLower(strings.TrimSuffix(from, "."))
	rec := l.rec
	policy := string(rec.Policy)
	if from != l.domain && rec.SubdomainPolicy != "" {
		policy = string(rec.SubdomainPolicy)
	}

	spfStrict := rec.SPFAlignment == dmarc.AlignmentStrict
	dkimStrict := rec.DKIMAlignment == dmarc.AlignmentStrict
	if r.SPF == Pass && Aligned(r.SPFDomain, from, spfStrict) {
		return Pass, policy
	}
	temp := r.SPF == TempError && Aligned(r.SPFDomain, from, spfStrict)
	for _, d := range r.DKIM {
		if !Aligned(d.Domain, from, dkimStrict) {
			continue
		}
		if d.Result == Pass {
			return Pass, policy
		}
		if d.Result == TempError {
			temp = true
		}
	}
	if temp {
		return TempError, policy
	}
	if rec.Percent != nil && *rec.Percent < 100 && !inSample(*rec.Percent) {
		switch policy {
		case string(dmarc.PolicyReject):
			policy = string(dmarc.PolicyQuarantine)
		case string(dmarc.PolicyQuarantine):
			policy = string(dmarc.PolicyNone)
		}
	}
	return Fail, policy
}

// sampler returns a pct= sampling function that is deterministic per
// message, so that scanning the same message twice gives the same verdict.
func sampler(key string) func(pct int) bool {
	return func(pct int) bool {
		h := fnv.New32a()
		h.Write([]byte(key))
		return int(h.Sum32()%100) < pct
	}
}
