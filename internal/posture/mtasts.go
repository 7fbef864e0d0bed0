package posture

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"vigie.dev/vigie/internal/dnsx"
)

// maxPolicySize bounds the MTA-STS policy read (RFC 8461 §3.3 lets
// senders cap it at 64 KiB).
const maxPolicySize = 64 << 10

var stsID = regexp.MustCompile(`^[A-Za-z0-9]{1,32}$`)

// checkMTASTS reads the _mta-sts record and the HTTPS policy (RFC 8461
// §3.1-3.3) and checks that every MX is covered by its mx lines (§4.1).
func (a *auditor) checkMTASTS(ctx context.Context, domain string, mxs []mxHost) {
	txts, err := a.opt.Resolver.LookupTXT(ctx, "_mta-sts."+domain)
	if err != nil && !dnsx.IsNotFound(err) {
		a.failed(domain, "MTA-STS", err)
		return
	}
	var recs []string
	for _, t := range txts {
		if strings.HasPrefix(t, "v=STSv1") {
			recs = append(recs, t)
		}
	}
	switch {
	case len(recs) == 0:
		a.find("MTASTS_NONE", domain, "no v=STSv1 at _mta-sts.%s", domain)
		return
	case len(recs) > 1:
		a.find("MTASTS_INVALID", domain, "%d records at _mta-sts.%s", len(recs), domain)
		return
	}
	tags := map[string]string{}
	for _, part := range strings.Split(recs[0], ";") {
		if k, v, ok := strings.Cut(part, "="); ok {
			tags[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	if !stsID.MatchString(tags["id"]) {
		a.find("MTASTS_INVALID", domain, "record id=%q", tags["id"])
		return
	}
	a.fact(domain, "MTA-STS", "%s", recs[0])
	pol, err := a.fetchPolicy(ctx, domain)
	if err != nil {
		a.find("MTASTS_POLICY_UNREACHABLE", domain, "%v", err)
		return
	}
	p, err := parseSTSPolicy(pol)
	if err != nil {
		a.find("MTASTS_INVALID", domain, "policy: %v", err)
		return
	}
	a.fact(domain, "MTA-STS policy", "mode %s, mx %s, max_age %d", p.mode, strings.Join(p.mx, " "), p.maxAge)
	if p.mode != "enforce" {
		a.find("MTASTS_TESTING", domain, "mode: %s", p.mode)
	}
	for _, mx := range mxs {
		if !p.covers(mx.Name) {
			a.find("MTASTS_MX_NOT_COVERED", domain, "%s not in mx: %s", mx.Name, strings.Join(p.mx, " "))
		}
	}
}

// fetchPolicy gets https://mta-sts.DOMAIN/.well-known/mta-sts.txt without
// following redirects (§3.3) and with the client's TLS verification.
func (a *auditor) fetchPolicy(ctx context.Context, domain string) ([]byte, error) {
	c := *a.opt.HTTP
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	url := "https://mta-sts." + domain + "/.well-known/mta-sts.txt"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxPolicySize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	if len(b) > maxPolicySize {
		return nil, fmt.Errorf("%s: policy over %d bytes", url, maxPolicySize)
	}
	return b, nil
}

type stsPolicy struct {
	mode   string
	mx     []string
	maxAge int
}

// parseSTSPolicy reads the key/value lines of a policy (§3.2).
func parseSTSPolicy(b []byte) (stsPolicy, error) {
	var p stsPolicy
	version, age := "", ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "version":
			version = v
		case "mode":
			p.mode = v
		case "mx":
			p.mx = append(p.mx, strings.ToLower(v))
		case "max_age":
			age = v
		}
	}
	if version != "STSv1" {
		return p, fmt.Errorf("version %q, want STSv1", version)
	}
	switch p.mode {
	case "enforce", "testing", "none":
	default:
		return p, fmt.Errorf("mode %q", p.mode)
	}
	n, err := strconv.Atoi(age)
	if err != nil || n < 0 || n > 31557600 {
		return p, fmt.Errorf("max_age %q", age)
	}
	p.maxAge = n
	if len(p.mx) == 0 && p.mode != "none" {
		return p, fmt.Errorf("no mx line")
	}
	return p, nil
}

// covers matches an MX name against the policy's patterns; "*." matches
// exactly one leftmost label (§4.1).
func (p stsPolicy) covers(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, pat := range p.mx {
		if pat == host {
			return true
		}
		if rest, ok := strings.CutPrefix(pat, "*."); ok {
			if _, after, ok := strings.Cut(host, "."); ok && after == rest {
				return true
			}
		}
	}
	return false
}

// checkTLSRPT looks for the TLS reporting record (RFC 8460 §3).
func (a *auditor) checkTLSRPT(ctx context.Context, domain string) {
	txts, err := a.opt.Resolver.LookupTXT(ctx, "_smtp._tls."+domain)
	if err != nil && !dnsx.IsNotFound(err) {
		a.failed(domain, "TLS-RPT", err)
		return
	}
	for _, t := range txts {
		if strings.HasPrefix(t, "v=TLSRPTv1") && strings.Contains(t, "rua=") {
			a.fact(domain, "TLS-RPT", "%s", t)
			return
		}
	}
	a.find("TLSRPT_NONE", domain, "no v=TLSRPTv1 at _smtp._tls.%s", domain)
}
