package posture

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"

	"vigie.dev/vigie/internal/dnsx"
)

// CommonSelectors are DKIM selectors published by the platforms and
// software most organisations sign with (their documented defaults:
// Microsoft 365 selector1/2, Google Workspace "google", OpenDKIM and
// rspamd "default"/"dkim"/"mail", Mailchimp k1-k3, Amazon SES-style
// numbered "s1"/"s2", Zimbra and Zoho…). DKIM selectors cannot be listed
// from the DNS (RFC 6376 §3.1), so "none found" is a hint, not a proof.
var CommonSelectors = []string{
	"default", "dkim", "mail", "selector1", "selector2", "google", "k1", "k2", "k3",
	"s1", "s2", "s1024", "s2048", "smtp", "mx", "key1", "key2", "dkim1", "dkim2",
	"email", "sig1", "mta", "zimbra", "zoho", "mandrill", "sendgrid", "mailjet",
	"everlytic", "protonmail", "fm1", "fm2", "fm3", "sib", "brevo", "scph", "cm",
	"ovh", "gandi", "infomaniak", "relay", "outbound", "mailo", "dk", "domk",
}

// dkimKey is what a selector's record says.
type dkimKey struct {
	selector string
	keyType  string
	bits     int
	testing  bool
	revoked  bool
}

// checkDKIM queries the common selectors; a domain answering a random
// selector has a wildcard and its selectors cannot be told apart.
func (a *auditor) checkDKIM(ctx context.Context, domain string) {
	probe := "vigie-nx-" + randomHex(4)
	if txts, err := a.opt.Resolver.LookupTXT(ctx, probe+"._domainkey."+domain); err == nil && len(txts) > 0 {
		a.fact(domain, "DKIM", "wildcard under _domainkey: selectors cannot be enumerated")
		return
	}
	var mu sync.Mutex
	var keys []dkimKey
	var failures []string
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, sel := range CommonSelectors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			txts, err := a.opt.Resolver.LookupTXT(ctx, sel+"._domainkey."+domain)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if !dnsx.IsNotFound(err) {
					failures = append(failures, sel)
				}
				return
			}
			for _, t := range txts {
				if k, ok := parseDKIMKey(sel, t); ok {
					keys = append(keys, k)
				}
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		slices.Sort(failures)
		a.failed(domain, "DKIM selectors "+strings.Join(failures, ","), fmt.Errorf("temporary DNS failure"))
	}
	slices.SortFunc(keys, func(x, y dkimKey) int { return strings.Compare(x.selector, y.selector) })
	live := 0
	for _, k := range keys {
		t := k.selector + "._domainkey." + domain
		switch {
		case k.revoked:
			a.fact(t, "DKIM", "revoked key (empty p=)")
			continue
		case k.keyType == "rsa" && k.bits > 0:
			a.fact(t, "DKIM", "rsa %d bits", k.bits)
		default:
			a.fact(t, "DKIM", "%s", k.keyType)
		}
		live++
		if k.keyType == "rsa" && k.bits > 0 && k.bits < 2048 {
			a.find("DKIM_WEAK_KEY", t, "RSA %d bits (RFC 8301: at least 1024, 2048 recommended)", k.bits)
		}
		if k.testing {
			a.find("DKIM_TESTING", t, "t=y")
		}
	}
	if live == 0 && len(failures) == 0 {
		a.find("DKIM_NONE", domain, "none of %d common selectors", len(CommonSelectors))
	}
}

// parseDKIMKey reads a key record (RFC 6376 §3.6.1) far enough to judge it.
func parseDKIMKey(sel, txt string) (dkimKey, bool) {
	k := dkimKey{selector: sel, keyType: "rsa"}
	tags := map[string]string{}
	for _, part := range strings.Split(txt, ";") {
		name, val, ok := strings.Cut(part, "=")
		if ok {
			tags[strings.ToLower(strings.TrimSpace(name))] = strings.Join(strings.Fields(val), "")
		}
	}
	if v, ok := tags["v"]; ok && v != "DKIM1" {
		return k, false
	}
	p, ok := tags["p"]
	if !ok {
		return k, false
	}
	if kt := strings.ToLower(tags["k"]); kt != "" {
		k.keyType = kt
	}
	for _, f := range strings.Split(tags["t"], ":") {
		if strings.TrimSpace(f) == "y" {
			k.testing = true
		}
	}
	if p == "" {
		k.revoked = true
		return k, true
	}
	if k.keyType == "rsa" {
		der, err := base64.StdEncoding.DecodeString(p)
		if err != nil {
			return k, true
		}
		if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
			if rk, ok := pub.(*rsa.PublicKey); ok {
				k.bits = rk.N.BitLen()
			}
		} else if rk, err := x509.ParsePKCS1PublicKey(der); err == nil {
			k.bits = rk.N.BitLen()
		}
	}
	return k, true
}
