package auth

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/emersion/go-msgauth/dkim"

	"vigie.dev/vigie/internal/dnsx"
)

// DefaultMaxDKIMSignatures bounds the signatures verified per message: a
// message with hundreds of DKIM-Signature fields would otherwise cost that
// many key lookups and RSA operations.
const DefaultMaxDKIMSignatures = 5

// DKIM verifies the first max DKIM-Signature fields of raw (RFC 6376 §6),
// fetching keys through r, and returns one result per signature in header
// order: pass; fail when the body hash or signature does not verify;
// temperror when the key could not be fetched for now; permerror when the
// signature or key record is unusable (RFC 8601 §2.7.1).
func DKIM(ctx context.Context, r dnsx.Resolver, raw []byte, max int) []DKIMResult {
	if max <= 0 {
		max = DefaultMaxDKIMSignatures
	}
	fields, _ := splitMessage(raw)
	var sigs []map[string]string
	for _, f := range fields {
		if strings.EqualFold(f.name, "DKIM-Signature") {
			tags, _ := parseTagList(fieldValue(f))
			sigs = append(sigs, tags)
		}
	}
	if len(sigs) == 0 {
		return nil
	}
	opts := &dkim.VerifyOptions{
		MaxVerifications: max,
		LookupTXT: func(name string) ([]string, error) {
			txt, err := r.LookupTXT(ctx, name)
			// go-msgauth asserts net.Error and asks Temporary().
			return txt, dnsx.ToNetError(err)
		},
	}
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(toCRLF(raw)), opts)
	if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
		// The header could not be read at all: report every signature
		// as unverifiable.
		out := make([]DKIMResult, 0, min(len(sigs), max))
		for _, tags := range sigs[:min(len(sigs), max)] {
			out = append(out, DKIMResult{Domain: dkimTag(tags, "d"), Selector: dkimTag(tags, "s"),
				Result: PermError, Reason: err.Error()})
		}
		return out
	}
	out := make([]DKIMResult, 0, len(verifs))
	for i, v := range verifs {
		res := DKIMResult{Domain: strings.ToLower(v.Domain)}
		if i < len(sigs) {
			res.Selector = dkimTag(sigs[i], "s")
			if res.Domain == "" {
				res.Domain = dkimTag(sigs[i], "d")
			}
		}
		switch {
		case v.Err == nil:
			res.Result = Pass
		case dkim.IsTempFail(v.Err):
			res.Result, res.Reason = TempError, v.Err.Error()
		case dkim.IsPermFail(v.Err):
			res.Result, res.Reason = PermError, v.Err.Error()
		default:
			res.Result, res.Reason = Fail, v.Err.Error()
		}
		if ctx.Err() != nil && res.Result != Pass && res.Result != Fail {
			res.Result = TempError
		}
		out = append(out, res)
	}
	return out
}

func dkimTag(tags map[string]string, name string) string {
	return strings.ToLower(stripFWS(tags[name]))
}
