package auth

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"vigie.dev/vigie/internal/dnsx"
)

// errTemp marks a verification that failed because DNS did not answer.
var errTemp = errors.New("temporary")

// checkARC validates the ARC chain of a split message (RFC 8617 §5.2):
// structure, then signatures. It returns the chain status, the sealers'
// domains (oldest first) and why the chain failed.
func checkARC(ctx context.Context, r dnsx.Resolver, fields []rawField, body []byte) (Result, []string, string) {
	ch := parseARCChain(rawHFields(fields))
	res, reason := verifyARC(ctx, r, ch, fields, body)
	return res, ch.sealers(), reason
}

// verifyARC checks the signatures of a structurally sound chain
// (RFC 8617 §5.2 steps 3 and 5): the newest ARC-Message-Signature over the
// message, then every ARC-Seal from the newest down. It returns Pass, Fail
// or TempError with a reason.
func verifyARC(ctx context.Context, r dnsx.Resolver, ch arcChain, fields []rawField, body []byte) (Result, string) {
	if ch.result != Pass {
		return ch.result, ch.reason
	}
	newest := ch.newest()
	if err := verifyAMS(ctx, r, newest, fields, body); err != nil {
		return failOrTemp(err), fmt.Sprintf("ARC-Message-Signature i=%d: %v", newest.instance, err)
	}
	for k := len(ch.sets) - 1; k >= 0; k-- {
		if err := verifySeal(ctx, r, ch.sets[:k+1]); err != nil {
			return failOrTemp(err), fmt.Sprintf("ARC-Seal i=%d: %v", k+1, err)
		}
	}
	return Pass, ""
}

func failOrTemp(err error) Result {
	if errors.Is(err, errTemp) {
		return TempError
	}
	return Fail
}

// sigParams are the tags shared by ARC-Message-Signature and ARC-Seal.
type sigParams struct {
	hash   crypto.Hash // always SHA-256 (RFC 8617 §4.1.3 allows rsa-sha256 only; ed25519-sha256 as for DKIM, RFC 8463)
	keyAlg string      // "rsa" or "ed25519"
	sig    []byte
	domain string
	sel    string
}

func parseSigParams(tags map[string]string) (sigParams, error) {
	var p sigParams
	switch tags["a"] {
	case "rsa-sha256":
		p.keyAlg = "rsa"
	case "ed25519-sha256":
		p.keyAlg = "ed25519"
	case "":
		return p, errors.New("no a= tag")
	default:
		return p, fmt.Errorf("unsupported algorithm %q", tags["a"])
	}
	p.hash = crypto.SHA256
	b := stripFWS(tags["b"])
	if b == "" {
		return p, errors.New("no signature")
	}
	sig, err := base64.StdEncoding.DecodeString(b)
	if err != nil {
		return p, fmt.Errorf("b=: %w", err)
	}
	p.sig = sig
	p.domain = strings.Trim(tags["d"], fws)
	p.sel = strings.Trim(tags["s"], fws)
	if p.domain == "" || p.sel == "" {
		return p, errors.New("missing d= or s=")
	}
	if strings.ContainsAny(p.domain+p.sel, " \t;\"") {
		return p, errors.New("invalid d= or s=")
	}
	if t, ok := tags["t"]; ok {
		if _, err := strconv.ParseUint(strings.Trim(t, fws), 10, 64); err != nil {
			return p, fmt.Errorf("invalid t=: %q", t)
		}
	}
	return p, nil
}

func verifyAMS(ctx context.Context, r dnsx.Resolver, s *arcSet, fields []rawField, body []byte) error {
	p, err := parseSigParams(s.amsTags)
	if err != nil {
		return err
	}
	c, hasC := s.amsTags["c"]
	hcanon, bcanon, err := parseCanon(c, hasC)
	if err != nil {
		return err
	}
	signed, ok := s.amsTags["h"]
	if !ok {
		return errors.New("no h= tag")
	}
	signed = strings.Trim(signed, fws)
	for _, name := range strings.Split(signed, ":") {
		// The seals sign the AMS, never the reverse: an AMS over an
		// ARC-Seal is malformed (the ARC specification forbids it).
		if strings.EqualFold(strings.Trim(name, fws), hdrARCSeal) {
			return errors.New("h= lists ARC-Seal")
		}
	}
	bhTag, ok := s.amsTags["bh"]
	if !ok || stripFWS(bhTag) == "" {
		return errors.New("no bh= tag")
	}
	bh, err := base64.StdEncoding.DecodeString(stripFWS(bhTag))
	if err != nil {
		return fmt.Errorf("bh=: %w", err)
	}

	// Body hash (RFC 6376 §3.7, step 1).
	cb := canonBodySimple(body)
	if bcanon == "relaxed" {
		cb = canonBodyRelaxed(body)
	}
	if l, ok := s.amsTags["l"]; ok {
		n, err := strconv.ParseUint(strings.Trim(l, fws), 10, 63)
		if err != nil || n > uint64(len(cb)) {
			return errors.New("invalid l= tag")
		}
		cb = cb[:n]
	}
	sum := sha256.Sum256(cb)
	if string(sum[:]) != string(bh) {
		return errors.New("body hash did not verify")
	}

	// Header hash: the signed fields picked from the bottom up, then the
	// signature field itself without its b= value and final CRLF.
	h := sha256.New()
	used := make([]bool, len(fields))
	for _, name := range strings.Split(signed, ":") {
		name = strings.Trim(name, fws)
		for k := len(fields) - 1; k >= 0; k-- {
			if used[k] || !strings.EqualFold(fields[k].name, name) {
				continue
			}
			used[k] = true
			h.Write([]byte(canonField(fields[k], hcanon)))
			break
		}
	}
	self := canonField(rawField{name: s.ams.name, text: removeSigValue(s.ams.text)}, hcanon)
	h.Write([]byte(strings.TrimSuffix(self, "\r\n")))
	return checkSig(ctx, r, p, h.Sum(nil))
}

// verifySeal checks the ARC-Seal of the last set of sets, which signs every
// set up to it (RFC 8617 §5.1.1), always with relaxed canonicalization.
func verifySeal(ctx context.Context, r dnsx.Resolver, sets []*arcSet) error {
	s := sets[len(sets)-1]
	if _, ok := s.sealTags["h"]; ok {
		return errors.New("h= tag not allowed in ARC-Seal")
	}
	p, err := parseSigParams(s.sealTags)
	if err != nil {
		return err
	}
	h := sha256.New()
	for _, x := range sets {
		h.Write([]byte(canonHeaderRelaxed(x.aar.name, x.aar.value)))
		h.Write([]byte(canonHeaderRelaxed(x.ams.name, x.ams.value)))
		if x == s {
			break
		}
		h.Write([]byte(canonHeaderRelaxed(x.seal.name, x.seal.value)))
	}
	self := canonHeaderRelaxed(s.seal.name, fieldValue(rawField{name: s.seal.name, text: removeSigValue(s.seal.text)}))
	h.Write([]byte(strings.TrimSuffix(self, "\r\n")))
	return checkSig(ctx, r, p, h.Sum(nil))
}

func canonField(f rawField, canon string) string {
	if canon == "simple" {
		return f.text
	}
	return canonHeaderRelaxed(f.name, fieldValue(f))
}

// parseCanon reads c= (RFC 6376 §3.5), "simple/simple" when absent.
func parseCanon(c string, present bool) (header, body string, err error) {
	if !present {
		return "simple", "simple", nil
	}
	c = strings.Trim(c, fws)
	header, body, ok := strings.Cut(c, "/")
	if !ok {
		body = "simple"
	}
	for _, v := range []string{header, body} {
		if v != "simple" && v != "relaxed" {
			return "", "", fmt.Errorf("unknown canonicalization %q", c)
		}
	}
	return header, body, nil
}

// checkSig fetches the key and verifies sig over the hash.
func checkSig(ctx context.Context, r dnsx.Resolver, p sigParams, hashed []byte) error {
	pub, err := lookupKey(ctx, r, p.sel, p.domain, p.keyAlg)
	if err != nil {
		return err
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if err := rsa.VerifyPKCS1v15(k, p.hash, hashed, p.sig); err != nil {
			return errors.New("signature did not verify")
		}
	case ed25519.PublicKey:
		if !ed25519.Verify(k, hashed, p.sig) {
			return errors.New("signature did not verify")
		}
	}
	return nil
}

// lookupKey fetches and parses a key record (RFC 6376 §3.6.1) at
// selector._domainkey.domain.
func lookupKey(ctx context.Context, r dnsx.Resolver, selector, domain, keyAlg string) (crypto.PublicKey, error) {
	name := selector + "._domainkey." + domain
	txts, err := r.LookupTXT(ctx, name)
	if err != nil {
		if dnsx.IsTemporary(err) {
			return nil, fmt.Errorf("key %s: %w: %v", name, errTemp, err)
		}
		return nil, fmt.Errorf("no key at %s", name)
	}
	if len(txts) != 1 {
		return nil, fmt.Errorf("%d key records at %s", len(txts), name)
	}
	return parseKeyRecord(txts[0], keyAlg)
}

func parseKeyRecord(txt, keyAlg string) (crypto.PublicKey, error) {
	tags, err := parseTagList(txt)
	if err != nil {
		return nil, fmt.Errorf("key record: %w", err)
	}
	if v, ok := tags["v"]; ok && v != "DKIM1" {
		return nil, fmt.Errorf("key record: version %q", v)
	}
	k := tags["k"]
	if k == "" {
		k = "rsa"
	}
	if k != keyAlg {
		return nil, fmt.Errorf("key is %s, signature is %s", k, keyAlg)
	}
	p := stripFWS(tags["p"])
	if p == "" {
		return nil, errors.New("key revoked or missing")
	}
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return nil, fmt.Errorf("key record: p=: %w", err)
	}
	if k == "ed25519" {
		if len(der) != ed25519.PublicKeySize {
			return nil, errors.New("key record: bad ed25519 key size")
		}
		return ed25519.PublicKey(der), nil
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		// Some publish a bare RSAPublicKey (RFC 6376 erratum 3017).
		if pub, err = x509.ParsePKCS1PublicKey(der); err != nil {
			return nil, fmt.Errorf("key record: %w", err)
		}
	}
	rk, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("key record: not an RSA key")
	}
	// RFC 8301 §3.2: keys under 1024 bits must not be accepted.
	if rk.N.BitLen() < 1024 {
		return nil, fmt.Errorf("key record: RSA key of %d bits", rk.N.BitLen())
	}
	return rk, nil
}
