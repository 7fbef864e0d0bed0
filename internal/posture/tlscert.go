package posture

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/hex"
	"strings"
	"time"

	"github.com/miekg/dns"

	"vigie.dev/vigie/internal/dnsx"
)

// expiringWithin is how early an expiring certificate is reported: enough
// for a manual renewal to go through.
const expiringWithin = 21 * 24 * time.Hour

// certChecks judges the chain an MX presented: validity dates, the MX name
// (RFC 6125 as used by MTA-STS, RFC 8461 §4.2) and the chain to a trusted
// root, each on its own so that one defect does not hide another.
func (a *auditor) certChecks(t, host string, certs []*x509.Certificate) {
	leaf := certs[0]
	now := a.opt.Now()
	a.fact(t, "certificate", "names %s, issuer %s, valid %s to %s", strings.Join(leaf.DNSNames, " "),
		leaf.Issuer.CommonName, leaf.NotBefore.UTC().Format(time.DateOnly), leaf.NotAfter.UTC().Format(time.DateOnly))
	switch {
	case now.After(leaf.NotAfter):
		a.find("SMTP_CERT_EXPIRED", t, "expired on %s", leaf.NotAfter.UTC().Format(time.DateOnly))
	case now.Before(leaf.NotBefore):
		a.find("SMTP_CERT_EXPIRED", t, "valid only from %s", leaf.NotBefore.UTC().Format(time.DateOnly))
	case leaf.NotAfter.Sub(now) < expiringWithin:
		a.find("SMTP_CERT_EXPIRING", t, "expires on %s", leaf.NotAfter.UTC().Format(time.DateOnly))
	}
	if err := leaf.VerifyHostname(host); err != nil {
		a.find("SMTP_CERT_NAME_MISMATCH", t, "%v", err)
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	// Judge the chain at a time the leaf is valid, so that an expired
	// certificate is not also reported as untrusted.
	at := now
	if at.After(leaf.NotAfter) {
		at = leaf.NotAfter.Add(-time.Second)
	}
	if at.Before(leaf.NotBefore) {
		at = leaf.NotBefore.Add(time.Second)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: a.opt.Roots, Intermediates: inter, CurrentTime: at}); err != nil {
		a.find("SMTP_CERT_UNTRUSTED", t, "%v", err)
	}
}

// daneCheck compares the MX's TLSA records (RFC 7672) with its chain. SMTP
// uses only DANE-TA(2) and DANE-EE(3); PKIX usages are unusable (§3.1.3).
func (a *auditor) daneCheck(ctx context.Context, host string, certs []*x509.Certificate) {
	rr, ok := a.opt.Resolver.(dnsx.RecordResolver)
	if !ok {
		return
	}
	name := "_25._tcp." + host
	t := target(host, 25)
	recs, ad, err := rr.LookupRecords(ctx, name, dns.TypeTLSA)
	switch {
	case dnsx.IsNotFound(err):
		a.find("DANE_NONE", t, "no TLSA at %s", name)
		return
	case err != nil:
		a.failed(t, "TLSA", err)
		return
	}
	a.fact(t, "TLSA", "%d record(s), DNSSEC-validated: %v", len(recs), ad)
	usable := 0
	for _, r := range recs {
		tl, ok := r.(*dns.TLSA)
		if !ok || (tl.Usage != 2 && tl.Usage != 3) {
			continue
		}
		usable++
		chain := certs[:1]
		if tl.Usage == 2 {
			chain = certs[1:]
		}
		for _, c := range chain {
			if tlsaMatches(tl, c) {
				return
			}
		}
	}
	a.find("DANE_MISMATCH", t, "%d usable TLSA record(s), none matches the chain presented", usable)
}

// tlsaMatches applies a TLSA record's selector and matching type (RFC 6698
// §2.1.2, §2.1.3) to one certificate.
func tlsaMatches(t *dns.TLSA, c *x509.Certificate) bool {
	data := c.Raw
	if t.Selector == 1 {
		data = c.RawSubjectPublicKeyInfo
	} else if t.Selector != 0 {
		return false
	}
	var got []byte
	switch t.MatchingType {
	case 0:
		got = data
	case 1:
		s := sha256.Sum256(data)
		got = s[:]
	case 2:
		s := sha512.Sum512(data)
		got = s[:]
	default:
		return false
	}
	want, err := hex.DecodeString(t.Certificate)
	return err == nil && bytes.Equal(got, want)
}
